"""Accounts on the command line: who runs a command (`--user`), `user …` and `audit …`.

Registered into the desk's parser by commune_desk.cli.build_parser; `guard` wraps every command.
Once the data folder has an account, a command that reads or changes dossiers runs only as a
signed-in account whose role may do it: otherwise one Vietnamese line, exit 2, nothing changed.
Passwords come from COMMUNE_DESK_PASSWORD or standard input (`--password-stdin`), never from the
command line, where other users of the machine could read them.
"""

import os
import sys
import time

from commune_desk import paths
from contextlib import closing

from commune_desk.commands import NOW_ENV_VAR, iso, open_desk
from commune_desk.errors import DeskError, InvalidInput
from commune_desk.rules import roles

PASSWORD_ENV = "COMMUNE_DESK_PASSWORD"

# commands anyone may run on any desk: they show no citizen's data and change nothing
PUBLIC = {None, "run", "catalog", "due", "printers", "check"}
# command -> action of rules.roles; a command not named here needs a signed-in account of any role
ACTIONS = {
    "setup": "settings", "intake": "intake", "advance": "process", "handoff": "handoff", "extend": "extend",
    "handover": "handover", "find": "search", "show": "search", "queue": "search", "print": "print",
    "book": "book", "report": "report", "catalog-edit": "catalog", "calendar-day": "calendar",
    "sync": "sync", "enroll": "settings", "user": "accounts", "audit": "audit",
    "attach": "attach", "attachments": "search", "backup": "settings", "restore": "settings",
    "import": "settings",                    # past dossiers in bulk: the administrator
}

pause = time.sleep          # the wait after a failed sign-in (tests replace it)


class AuditBroken(DeskError):
    """`audit verify` found the chain broken: exit 3, the report still printed with --json."""
    exit_code = 3

    def __init__(self, message: str, obj: dict):
        super().__init__(message, "audit")
        self.obj = obj


# ---- reading secrets -------------------------------------------------------------------------

def _stdin_line(args, what: str, flag: str = "password_stdin") -> str:
    if not getattr(args, flag, False):
        option = "--" + flag.replace("_", "-")
        raise InvalidInput(f"Thiếu {what}: hãy dùng {option} và đưa mật khẩu qua đầu vào chuẩn.", "password")
    lines = getattr(args, "_stdin_used", 0)
    line = sys.stdin.readline()
    args._stdin_used = lines + 1
    if not line:
        raise InvalidInput(f"Thiếu {what} trên đầu vào chuẩn (--password-stdin).", "password")
    return line.rstrip("\r\n")


def own_password(args) -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value is not None:
        return value
    return _stdin_line(args, "mật khẩu của tài khoản --user")


def new_password(args, flag: str = "password_stdin") -> str:
    return _stdin_line(args, "mật khẩu mới", flag)


# ---- the guard around every command ----------------------------------------------------------

def guard(func):
    """Sign the command's account in before it runs; every Desk it opens then acts as that account."""
    def run(args):
        from commune_desk.store import accounts
        signed = authorize(args)
        token = accounts.process_account.set(signed)
        try:
            return func(args)
        finally:
            accounts.process_account.reset(token)
    return run


def authorize(args):
    from commune_desk.store.accounts import Forbidden, SignInFailed
    command = getattr(args, "command", None)
    if command in PUBLIC:
        return None
    user = getattr(args, "user", None)
    if not (paths.data_dir(args.data_dir) / paths.DB_NAME).exists():
        if user:
            raise Forbidden("Quầy chưa có tài khoản nào; bỏ --user, hoặc tạo quản trị đầu tiên: "
                            "commune-desk setup … --admin-user TÊN --admin-password-stdin.")
        return None
    try:
        desk = open_desk(args)
    except DeskError:
        if command == "restore":
            return None     # a file too damaged to open: restoring is the way forward
        raise
    try:
        if command == "restore" and desk.read_only is not None:
            return None     # a damaged file cannot record a sign-in; it is kept aside, not lost
        if not desk.has_accounts():
            if user:
                raise Forbidden("Quầy chưa có tài khoản nào; bỏ --user, hoặc tạo quản trị đầu tiên: "
                                "commune-desk user add TÊN --role quan-tri --password-stdin.")
            return None
        if not user:
            raise Forbidden("Quầy đã có tài khoản: hãy chạy lệnh với --user TÊN, mật khẩu qua --password-stdin "
                            f"hoặc biến môi trường {PASSWORD_ENV}.")
        try:
            signed = desk.sign_in(user, own_password(args))
        except SignInFailed as exc:
            pause(exc.delay)
            raise
        action = ACTIONS.get(command)
        if action == "settings" and command == "setup" and getattr(args, "admin_user", None):
            raise Forbidden("Quầy đã có tài khoản; thêm tài khoản bằng: commune-desk user add.")
        if action is not None and not desk.may(action):
            what = roles.ACTION_LABELS.get(action, action)
            with desk.db.atomic():
                desk.record("forbidden", command, role=signed.role)
            raise Forbidden(f"Tài khoản «{signed.name}» ({signed.role_label}) không được {what} "
                            f"(lệnh {command}).")
        if os.environ.get(NOW_ENV_VAR, "").strip():
            # a command told what time it is (imports, tests): the trail keeps the computer's time too
            from datetime import datetime
            with desk.db.atomic():
                desk.record("clock_override", command, given=desk.now().isoformat(timespec="seconds"),
                            computer=datetime.now().astimezone().isoformat(timespec="seconds"))
        return signed
    finally:
        desk.close()


def add_auth_options(common) -> None:
    import argparse
    common.add_argument("--user", default=argparse.SUPPRESS,
                        help=f"tài khoản chạy lệnh (mật khẩu qua --password-stdin hoặc biến {PASSWORD_ENV})")
    common.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS,
                        help="đọc mật khẩu từ đầu vào chuẩn: trước hết mật khẩu của --user (khi không có biến "
                             f"{PASSWORD_ENV}), rồi mật khẩu mới (user add, user password)")


# ---- setup --admin-user ----------------------------------------------------------------------

def add_setup_options(p) -> None:
    p.add_argument("--admin-user", help="tạo quản trị đầu tiên với tên đăng nhập này")
    p.add_argument("--admin-full-name", help="họ tên của quản trị đầu tiên")
    p.add_argument("--admin-password-stdin", action="store_true",
                   help="đọc mật khẩu của quản trị đầu tiên từ đầu vào chuẩn")


def first_admin_request(args, desk) -> dict | None:
    """Checked before the set-up writes anything: the whole command does all or nothing."""
    name = getattr(args, "admin_user", None)
    if not name:
        return None
    if desk.has_accounts():
        from commune_desk.store.accounts import Forbidden
        raise Forbidden("Quầy đã có tài khoản; thêm tài khoản bằng: commune-desk user add.")
    login = roles.parse_account_name(name)
    password = roles.check_password(new_password(args, "admin_password_stdin"), login)
    return {"name": login, "password": password, "full_name": getattr(args, "admin_full_name", None) or ""}


# ---- user … ------------------------------------------------------------------------------------

def _account_json(row) -> dict:
    return {"name": row.name, "full_name": row.full_name, "role": row.role, "role_label": roles.role_label(row.role),
            "disabled": row.disabled, "locked_until": iso(row.locked_until),
            "last_sign_in_at": iso(row.last_sign_in_at), "created_at": iso(row.created_at)}


def cmd_user(args):
    with closing(open_desk(args)) as desk:
        if args.action == "list":
            with desk.using():
                rows = [_account_json(r) for r in desk.accounts()]
            lines = [f"{r['name']:<20} {r['role_label']:<11} {r['full_name']}"
                     + (" (vô hiệu hóa)" if r["disabled"] else "") for r in rows]
            return "\n".join(lines) or "Quầy chưa có tài khoản nào.", rows
        if not args.name:
            raise InvalidInput("Thiếu tên đăng nhập: commune-desk user "
                               f"{args.action} TÊN.", "name")
        if args.action == "add":
            if not args.role:
                raise InvalidInput("Thiếu vai trò: --role tiep-nhan|chuyen-mon|lanh-dao|quan-tri.", "role")
            roles.parse_role(args.role)
            row = desk.add_account(args.name, args.role, new_password(args), full_name=args.full_name or "")
            return (f"Đã tạo tài khoản {row.name} ({roles.role_label(row.role)}).", _account_json(row))
        if args.action in ("disable", "enable"):
            row = desk.disable_account(args.name, disabled=args.action == "disable")
            state = "vô hiệu hóa" if row.disabled else "kích hoạt lại"
            return f"Đã {state} tài khoản {row.name}.", _account_json(row)
        if args.action == "password":
            desk.reset_password(args.name, new_password(args))
            return f"Đã đặt mật khẩu mới cho tài khoản {roles.parse_account_name(args.name)}.", {
                "name": roles.parse_account_name(args.name)}
        if args.action == "role":
            if not args.role:
                raise InvalidInput("Thiếu vai trò: --role tiep-nhan|chuyen-mon|lanh-dao|quan-tri.", "role")
            row = desk.set_role(args.name, args.role)
            return f"Tài khoản {row.name}: {roles.role_label(row.role)}.", _account_json(row)
        raise InvalidInput(f"Không có việc «{args.action}».", "action")


# ---- audit … -----------------------------------------------------------------------------------

def cmd_audit(args):
    with closing(open_desk(args)) as desk:
        if args.action == "list":
            with desk.using():
                rows = [{"seq": e.seq, "at": e.at, "desk": e.desk, "actor": e.actor, "action": e.action,
                         "target": e.target, "detail": e.detail, "hash": e.hash}
                        for e in desk.audit_entries(limit=args.limit)]
            lines = [f"{r['seq']:>7} {r['at']} {r['actor'] or '—':<14} {r['action']:<22} {r['target'] or ''}"
                     for r in reversed(rows)]
            return "\n".join(lines), rows
        verdict = desk.verify_audit()
        obj = verdict.to_dict()
        if not verdict.ok:
            where = f"mục {verdict.broken_seq}: " if verdict.broken_seq else ""
            raise AuditBroken(f"Nhật ký kiểm tra bị phá vỡ tại {where}{verdict.reason}.",
                              obj | {"error": f"{where}{verdict.reason}"})
        text = f"Nhật ký kiểm tra nguyên vẹn: {verdict.entries} mục, mục cuối {verdict.head_seq} ({verdict.head_hash[:16]}…)."
        for w in verdict.warnings:
            text += f"\nCảnh báo: {w}"
        return text, obj


def register(sub, common) -> None:
    p = sub.add_parser("user", parents=[common], help="tài khoản của quầy (quản trị)",
                       description="add: tạo tài khoản (mật khẩu qua --password-stdin); list: danh sách; "
                                   "disable / enable: vô hiệu hóa, kích hoạt lại; password: đặt mật khẩu mới; "
                                   "role: đổi vai trò.")
    p.add_argument("action", choices=["add", "list", "disable", "enable", "password", "role"], help="việc cần làm")
    p.add_argument("name", nargs="?", help="tên đăng nhập, ví dụ lan.tt")
    p.add_argument("--role", help="tiep-nhan | chuyen-mon | lanh-dao | quan-tri")
    p.add_argument("--full-name", help="họ tên in trên phiếu và ghi trong quá trình xử lý")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("audit", parents=[common], help="nhật ký kiểm tra (ai, lúc nào, làm gì)",
                       description="verify: kiểm tra chuỗi băm của nhật ký, báo mục đầu tiên bị sửa, xóa hay đảo "
                                   "(mã thoát 3); list: các mục gần nhất.")
    p.add_argument("action", choices=["verify", "list"], help="việc cần làm")
    p.add_argument("--limit", type=int, default=50, help="số mục (với list)")
    p.set_defaults(func=cmd_audit)
