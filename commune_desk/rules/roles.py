"""Who may do what at the desk: the four roles of a one-stop office and the actions each may take.

Screens and headless commands name an action; `allowed(role, action)` decides. Pure: no I/O.
"""

import re
import unicodedata

from commune_desk.errors import InvalidInput

INTAKE, PROCESSING, LEADER, ADMIN = "tiep-nhan", "chuyen-mon", "lanh-dao", "quan-tri"

ROLES = {
    INTAKE: "Tiếp nhận",
    PROCESSING: "Chuyên môn",
    LEADER: "Lãnh đạo",
    ADMIN: "Quản trị",
}

_EVERYONE = frozenset(ROLES)

# action -> roles that may take it
PERMISSIONS: dict[str, frozenset] = {
    "intake": frozenset({INTAKE}),
    "handover": frozenset({INTAKE}),
    "search": _EVERYONE,                                    # find, show, queues: reading dossiers
    "handoff": frozenset({INTAKE, PROCESSING, LEADER}),     # the counter passes files to the specialists
    "process": frozenset({PROCESSING, LEADER}),             # status moves, supplement, resolved
    "extend": frozenset({LEADER}),                          # approves the apology and new date (form 04)
    "print": frozenset({INTAKE, PROCESSING, LEADER}),
    "attach": frozenset({INTAKE, PROCESSING, LEADER}),      # scans of the dossier's papers
    "report": _EVERYONE,
    "book": frozenset({INTAKE, LEADER}),                     # the tracking book lists citizens
    "sync": _EVERYONE,
    "settings": frozenset({ADMIN}),
    "catalog": frozenset({ADMIN}),
    "calendar": frozenset({ADMIN}),
    "accounts": frozenset({ADMIN}),
    "audit": frozenset({ADMIN, LEADER}),
}
# An administrator can make any account and set any password, so refusing them an action would
# guard nothing and only stop a one-person office: they may do everything, each act in their name.
PERMISSIONS = {action: who | {ADMIN} for action, who in PERMISSIONS.items()}

ACTION_LABELS = {
    "intake": "tiếp nhận hồ sơ", "handover": "trả kết quả", "search": "tra cứu hồ sơ",
    "handoff": "chuyển giao hồ sơ", "process": "xử lý hồ sơ", "extend": "duyệt gia hạn",
    "print": "in biểu mẫu", "attach": "đính kèm tệp vào hồ sơ", "report": "xem báo cáo", "book": "in sổ theo dõi", "sync": "đồng bộ",
    "settings": "thay đổi thiết lập", "catalog": "sửa danh mục thủ tục", "calendar": "sửa lịch làm việc",
    "accounts": "quản lý tài khoản", "audit": "kiểm tra nhật ký",
}

MIN_PASSWORD = 8
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def allowed(role: str | None, action: str) -> bool:
    return role in PERMISSIONS.get(action, ())


def role_label(role: str) -> str:
    return ROLES.get(role, role)


def parse_role(text: str) -> str:
    role = (text or "").strip().lower()
    if role not in ROLES:
        raise InvalidInput("Vai trò phải là một trong: " + ", ".join(f"{k} ({v})" for k, v in ROLES.items()) + ".",
                           "role")
    return role


def parse_account_name(text: str) -> str:
    name = unicodedata.normalize("NFC", text or "").strip().lower()
    if not _NAME.match(name):
        raise InvalidInput("Tên đăng nhập gồm 2–40 ký tự: chữ không dấu, số, dấu chấm, gạch ngang hoặc "
                           "gạch dưới, ví dụ «lan.tt».", "name")
    return name


def check_password(password: str, name: str = "") -> str:
    password = unicodedata.normalize("NFC", password or "")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.", "password")
    if name and password.lower() == name.lower():
        raise InvalidInput("Mật khẩu không được trùng tên đăng nhập.", "password")
    return password
