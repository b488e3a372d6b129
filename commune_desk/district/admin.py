"""What the district's administrator does from the command line: communes, enrolment codes,
devices, staff accounts. Also the enrolment exchange a desk performs over HTTP."""

import logging
import uuid
from datetime import datetime, timedelta

from commune_desk.district import auth, limits
from commune_desk.district.models import AdminLog, Commune, Device, EnrolmentCode, Staff, database
from commune_desk.errors import InvalidInput, NotAllowed, NotFound
from commune_desk.rules import codes
from commune_desk.rules.office_calendar import TZ
from commune_desk.rules.text import clean

log = logging.getLogger("commune_desk.district.admin")

ENROLMENT_VALID_DAYS = 14
READER, ADMIN = "tong-hop", "quan-tri"
ACTION_LABELS = {"xa-them": "Thêm xã/phường", "xa-cap-ma": "Cấp mã đăng ký", "xa-thu-hoi": "Thu hồi xã/phường",
                 "quay-thu-hoi": "Thu hồi quầy", "can-bo-them": "Tạo / đặt lại tài khoản", "can-bo-khoa": "Khoá tài khoản",
                 "xem-xet-co-nhat-ky": "Xem xét cờ nhật ký quầy"}
ROLE_LABELS = {READER: "Tổng hợp (xem mọi xã/phường)", ADMIN: "Quản trị (xã/phường, quầy, cán bộ)"}


def now() -> datetime:
    return datetime.now(TZ)


def log_action(staff: Staff | None, action: str, target: str = "", detail: str = "",
               at: datetime | None = None) -> None:
    """One line of the server's own log of what staff did (admin_log), in the caller's transaction
    when there is one; also to the process log."""
    AdminLog.create(at=at or now(), staff=staff.id if staff is not None else None,
                    username=staff.username if staff is not None else "", action=action, target=target,
                    detail=detail)
    log.info("staff %s: %s %s %s", staff.username if staff is not None else "-", action, target, detail)


def recent_actions(limit: int = 50) -> list[AdminLog]:
    return list(AdminLog.select().order_by(AdminLog.id.desc()).limit(limit))


def get_commune(agency_code: str) -> Commune:
    agency = codes.normalize_agency_code(agency_code)
    commune = Commune.get_or_none(Commune.agency_code == agency)
    if commune is None:
        raise NotFound(f"Chưa có xã/phường nào mã {agency} trên máy chủ. Thêm bằng: "
                       f"commune-district commune add --agency-code {agency} --name …")
    return commune


def add_commune(agency_code: str, name: str) -> tuple[Commune, str, bool]:
    """Create the commune (or reactivate it) and issue a one-time enrolment code."""
    agency = codes.normalize_agency_code(agency_code)
    name = clean(name, label="Tên xã/phường", max_len=200, required=True, field="name")
    with database.atomic():
        commune = Commune.get_or_none(Commune.agency_code == agency)
        created = commune is None
        if created:
            commune = Commune.create(agency_code=agency, name=name, created_at=now())
        elif not commune.active:
            commune.active, commune.revoked_at, commune.name = True, None, name
            commune.save()
        code = _issue_code(commune)
    return commune, code, created


def issue_code(agency_code: str) -> str:
    commune = get_commune(agency_code)
    if not commune.active:
        raise NotAllowed(f"Xã/phường {commune.agency_code} đã bị thu hồi quyền đồng bộ.")
    with database.atomic():
        return _issue_code(commune)


def _issue_code(commune: Commune) -> str:
    code = auth.new_enrolment_code()
    EnrolmentCode.create(commune=commune, code_hash=auth.code_digest(code), created_at=now(),
                         expires_at=now() + timedelta(days=ENROLMENT_VALID_DAYS))
    return code


def revoke_commune(agency_code: str) -> tuple[Commune, int]:
    commune = get_commune(agency_code)
    with database.atomic():
        at = now()
        Commune.update(active=False, revoked_at=at).where(Commune.id == commune.id).execute()
        devices = (Device.update(revoked_at=at)
                   .where(Device.commune == commune, Device.revoked_at.is_null()).execute())
        EnrolmentCode.update(used_at=at).where(EnrolmentCode.commune == commune,
                                               EnrolmentCode.used_at.is_null()).execute()
    return commune, devices


def enroll(code: str, agency_code: str, desk: int, label: str) -> tuple[Device, str]:
    """Exchange a one-time code for a device token; only the token's hash is kept."""
    agency = codes.normalize_agency_code(agency_code)
    codes.check_desk(desk)
    digest = auth.code_digest(code)
    with database.atomic():
        row = EnrolmentCode.get_or_none(EnrolmentCode.code_hash == digest)
        at = now()
        if row is None or row.used_at is not None or row.expires_at < at:
            raise NotAllowed("Mã đăng ký không đúng, đã dùng hoặc đã hết hạn. Hãy xin mã mới ở cấp trên.")
        commune = Commune.get_by_id(row.commune_id)
        if not commune.active:
            raise NotAllowed("Xã/phường này đã bị thu hồi quyền đồng bộ.")
        if commune.agency_code != agency:
            raise NotAllowed(f"Mã đăng ký này dành cho cơ quan {commune.agency_code}, "
                             f"không phải {agency} của quầy này.")
        # the code is spent by this update or by a concurrent one, never by both
        spent = (EnrolmentCode.update(used_at=at)
                 .where(EnrolmentCode.id == row.id, EnrolmentCode.used_at.is_null()).execute())
        if spent != 1:
            raise NotAllowed("Mã đăng ký đã được dùng.")
        token = auth.new_token()
        device = Device.create(commune=commune, token_hash=auth.digest(token), desk=desk,
                               label=clean(label, label="Tên máy", max_len=200), enrolled_at=at)
    return device, token


def device_for_token(token: str) -> tuple[Device, Commune] | None:
    if not token:
        return None
    # one query for both rows, as plain SQL (every request of a desk starts here)
    db = database.obj
    d_fields, c_fields = Device._meta.sorted_fields, Commune._meta.sorted_fields
    cols = ", ".join([f'd."{f.column_name}"' for f in d_fields] + [f'c."{f.column_name}"' for f in c_fields])
    row = db.execute_sql(f'SELECT {cols} FROM "device" d JOIN "commune" c ON c."id" = d."commune_id" '
                         f'WHERE d."token_hash" = {db.param}', (auth.digest(token),)).fetchone()
    if row is None:
        return None
    commune = Commune(**{f.name: f.python_value(v) for f, v in zip(c_fields, row[len(d_fields):])})
    device = Device(**{f.name: f.python_value(v) for f, v in zip(d_fields, row) if f.name != "commune"})
    device.commune = commune
    if device.revoked_at is not None or not commune.active:
        return None
    return device, commune


def revoke_device(device_id) -> Device:
    text = str(device_id)
    device = Device.get_or_none(Device.id == int(text)) if text.isascii() and text.isdigit() and len(text) < 19 else None
    if device is None:
        raise NotFound("Không có quầy này trên máy chủ.")
    if device.revoked_at is None:
        device.revoked_at = now()
        device.save()
    return device


def _username(username: str) -> str:
    return clean(username, label="Tên đăng nhập", max_len=60, required=True, field="username").lower()


def add_staff(username: str, name: str, password: str, role: str = READER) -> Staff:
    username = _username(username)
    if role not in ROLE_LABELS:
        raise InvalidInput(f"Vai trò «{role}» không có; chọn {' hoặc '.join(ROLE_LABELS)}.", "role")
    if len(password or "") < 8:
        raise InvalidInput("Mật khẩu phải có ít nhất 8 ký tự.", "password")
    with database.atomic():
        staff = Staff.get_or_none(Staff.username == username)
        if staff is None:
            staff = Staff.create(username=username, name=clean(name, label="Họ tên", max_len=120), role=role,
                                 password_hash=auth.hash_password(password), created_at=now())
        else:
            staff.password_hash, staff.active, staff.role = auth.hash_password(password), True, role
            if name:
                staff.name = clean(name, label="Họ tên", max_len=120)
            staff.save()
    return staff


def disable_staff(username: str, by: Staff | None = None) -> Staff:
    staff = Staff.get_or_none(Staff.username == _username(username))
    if staff is None:
        raise NotFound(f"Không có tài khoản cán bộ «{username}».")
    if by is not None and by.id == staff.id:
        raise NotAllowed("Không thể tự khoá tài khoản đang đăng nhập.")
    Staff.update(active=False).where(Staff.id == staff.id).execute()
    staff.active = False
    return staff


def check_staff(username: str, password: str) -> Staff | None:
    staff = Staff.get_or_none(Staff.username == (username or "").strip().lower())
    if staff is None or not staff.active:
        auth.check_password(_DUMMY_HASH, password or "")   # same time whether or not the user exists
        return None
    return staff if auth.check_password(staff.password_hash, password or "") else None


def sign_in(username: str, password: str, address: str, at: datetime | None = None) -> Staff:
    """The staff member, or NotAllowed. Failures lock the account name (whether or not it exists,
    so a lock tells nothing) for a while, and the address after many more; both are counted in
    the database, so every worker sees them. Success forgets the account's failures."""
    at = at or now()
    name = (username or "").strip().lower()[:60]
    for rule, key, whose in ((limits.LOGIN_ACCOUNT, name, "Tài khoản này"),
                             (limits.LOGIN_ADDRESS, address, "Máy của bạn")):
        until = limits.locked_until(rule, key, at)
        if until is not None:
            raise NotAllowed(f"{whose} tạm bị khoá đăng nhập do nhập sai nhiều lần; vui lòng thử lại sau "
                             f"{limits.minutes_left(until, at)} phút.")
    staff = check_staff(name, password)
    if staff is None:
        locked = limits.failed(limits.LOGIN_ACCOUNT, name, at)
        limits.failed(limits.LOGIN_ADDRESS, address, at)
        if locked is not None:
            raise NotAllowed("Sai tên đăng nhập hoặc mật khẩu. Tài khoản tạm bị khoá đăng nhập "
                             f"{limits.minutes_left(locked, at)} phút do nhập sai nhiều lần.")
        raise NotAllowed("Sai tên đăng nhập hoặc mật khẩu.")
    limits.cleared(limits.LOGIN_ACCOUNT, name)
    return staff


_DUMMY_HASH = auth.hash_password(uuid.uuid4().hex)
