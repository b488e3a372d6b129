"""Pages: the public lookup (code and the last digits of the applicant's phone or ID → status
and due date, masked name), staff sign-in, the dashboard (tổng hợp) and administration (quản trị).
Every form carries Flask-WTF's CSRF token (app.py)."""

import re
from datetime import date, datetime
from functools import wraps

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from commune_desk.district import admin, desk_watch, digitised, figures, limits
from commune_desk.district.models import Commune, Device, Dossier, Staff, database
from commune_desk.errors import DeskError
from commune_desk.rules import digitise
from commune_desk.rules.codes import parse_code
from commune_desk.rules.office_calendar import TZ, local
from commune_desk.rules.report import format_rate, from_counts, judged_at, period_bounds
from commune_desk.rules.statuses import LABELS, Status

bp = Blueprint("web", __name__)

LOOKUP_DIGITS = 4
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)     # a report period lies within these


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'N***** V** A*': enough to recognise one's own dossier, no more."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in (name or "").split())


def when(value) -> str:
    if not value:
        return "—"
    t = local(datetime.fromisoformat(value) if isinstance(value, str) else value)
    return f"{t:%H} giờ {t:%M} phút, ngày {t:%d/%m/%Y}"


def message(title: str, text: str, status: int):
    return render_template("message.html", title=title, message=text), status


def csrf_refused():
    """A form posted without a valid CSRF token (Flask-WTF): nothing is done."""
    text = "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; vui lòng tải lại trang và thử lại."
    if request.endpoint == "web.login":
        return render_template("login.html", error=text), 400
    return message("Biểu mẫu không hợp lệ", text, 400)


def signed_in() -> Staff | None:
    staff_id = session.get("staff")
    staff = Staff.get_or_none(Staff.id == staff_id) if isinstance(staff_id, int) else None
    return staff if staff is not None and staff.active else None


def requires(*roles):
    """The view needs a signed-in staff member with one of these roles (403 otherwise)."""
    def wrap(view):
        @wraps(view)
        def inner(*args, **kwargs):
            staff = signed_in()
            if staff is None:
                return redirect(url_for("web.login"))
            if staff.role not in roles:
                return message("Không có quyền", "Tài khoản của bạn không có quyền dùng trang này.", 403)
            return view(staff, *args, **kwargs)
        return inner
    return wrap


@bp.get("/")
def home():
    return redirect(url_for("web.lookup"))


# ---- public lookup -----------------------------------------------------------------------------

def _digits(text) -> str:
    return re.sub(r"\D", "", str(text or ""))


def _matches(snap: dict, digits: str) -> bool:
    """The digits are the last LOOKUP_DIGITS of the applicant's phone or ID number."""
    for key in ("phone", "id_number"):
        own = _digits(snap.get(key))
        if len(own) >= LOOKUP_DIGITS and own[-LOOKUP_DIGITS:] == digits:
            return True
    return False


def _lookup_limit() -> str:
    return f"{current_app.config['LOOKUP_PER_MINUTE']} per minute"


@bp.get("/tra-cuu")
@bp.get("/tra-cuu/<path:code>")
def lookup(code: str | None = None):
    """The form; the slip's QR code opens it with the dossier code filled in."""
    return render_template("lookup.html", code=(code or request.args.get("ma") or "")[:60], found=None, error=None)


@bp.post("/tra-cuu")
@limits.limiter.limit(_lookup_limit)
def lookup_result():
    """One answer per code and digits; wrong digits count against the code in the database, so a
    code cannot be tried digit by digit from many addresses either."""
    code, digits = request.form.get("ma", "")[:60], _digits(request.form.get("so", ""))[:20]

    def page(error, status, found=None, shown=code):
        return render_template("lookup.html", code=shown, found=found, error=error), status
    try:
        parsed = str(parse_code(code))
    except DeskError as exc:
        return page(exc.message, 400)
    if len(digits) != LOOKUP_DIGITS:
        return page(f"Hãy nhập {LOOKUP_DIGITS} số cuối của số điện thoại hoặc số CCCD/CMND đã khai khi nộp hồ sơ.",
                    400, shown=parsed)
    at = admin.now()
    until = limits.locked_until(limits.LOOKUP_CODE, parsed, at)
    if until is not None:
        return page(f"Mã hồ sơ {parsed} tạm thời không tra cứu được do nhập sai nhiều lần; vui lòng thử lại "
                    f"sau {limits.minutes_left(until, at)} phút hoặc liên hệ Bộ phận Một cửa.", 429, shown=parsed)
    row = Dossier.get_or_none(Dossier.code == parsed)
    if row is None or not _matches(row.snapshot, digits):
        limits.failed(limits.LOOKUP_CODE, parsed, at)
        # the same answer whether the code exists or not
        return page(f"Không tìm thấy hồ sơ {parsed} với {LOOKUP_DIGITS} số cuối đã nhập. Hãy kiểm tra mã trên "
                    "giấy hẹn và số điện thoại hoặc CCCD/CMND đã khai; hồ sơ vừa nộp có thể chưa được đồng bộ "
                    "lên hệ thống.", 404, shown=parsed)
    snap = row.snapshot
    found = {"code": row.code, "name": mask_name(snap.get("applicant_name", "")),
             "procedure": snap.get("procedure_name", ""), "received": when(snap.get("received_at")),
             "due": when(snap.get("due_at")), "status": LABELS[Status(row.status)]}
    return page(None, 200, found=found, shown=parsed)


# ---- staff sign-in -----------------------------------------------------------------------------

@bp.route("/dang-nhap", methods=["GET", "POST"])
@limits.limiter.limit("20 per minute", methods=["POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", error=None)
    try:
        staff = admin.sign_in(request.form.get("username", ""), request.form.get("password", ""),
                              request.remote_addr or "?")
    except DeskError as exc:
        return render_template("login.html", error=exc.message), 401
    session.clear()
    session["staff"] = staff.id
    session.permanent = True
    return redirect(url_for("web.admin_page" if staff.role == admin.ADMIN else "web.dashboard"))


@bp.post("/dang-xuat")
def logout():
    session.clear()
    return redirect(url_for("web.login"))


# ---- dashboard (tổng hợp; quản trị reads it too) -----------------------------------------------

def _period(today: date):
    """The asked period, or (this month, the error) when it is not a period of this century."""
    try:
        start = date.fromisoformat(request.args["tu"]) if request.args.get("tu") else today.replace(day=1)
        end = date.fromisoformat(request.args["den"]) if request.args.get("den") else today
        if not (FIRST_DAY <= start <= end <= LAST_DAY):
            raise ValueError("period out of bounds")
    except ValueError:
        return today.replace(day=1), today, (f"Kỳ báo cáo không hợp lệ (từ ngày phải trước đến ngày, trong các năm "
                                             f"{FIRST_DAY.year}–{LAST_DAY.year}); hiển thị tháng hiện tại.")
    return start, end, None


@bp.get("/quan-ly")
@requires(admin.READER, admin.ADMIN)
def dashboard(staff: Staff):
    now = datetime.now(TZ)
    start, end, error = _period(now.date())
    _, end_at = period_bounds(start, end)
    reports, overdue_items = figures.all_communes(database.obj, start, end, now)
    flags = desk_watch.flags_by_commune()
    scanned = digitised.period_digitised(database.obj, start, end)
    rows = []
    for commune in Commune.select().order_by(Commune.name):
        r = reports.get(commune.id) or from_counts({}, start, end, judged_at(end, now))
        rows.append({"id": commune.id, "agency_code": commune.agency_code, "name": commune.name, "r": r,
                     "rate": format_rate(r.on_time_rate).replace(" ", ""), "flags": flags.get(commune.id, []),
                     "digitised": format_rate(digitise.rate(scanned.get(commune.id, 0), r.new))})
    names = {row["id"]: row["name"] for row in rows}
    overdue = [{**o.__dict__, "commune": names.get(cid, ""), "due_vn": when(o.due_at)} for cid, o in overdue_items]
    return render_template("dashboard.html", rows=rows, overdue=overdue, error=error, staff=staff,
                           period_from=start.isoformat(), period_to=end.isoformat(),
                           period_from_vn=f"{start:%d/%m/%Y}", period_to_vn=f"{end:%d/%m/%Y}",
                           at_vn=when(min(now, end_at))), (400 if error else 200)


# ---- administration (quản trị): communes, devices, staff ---------------------------------------

def _admin_page(staff: Staff, notice=None, error=None, status=200):
    communes = []
    for c in Commune.select().order_by(Commune.agency_code):
        devices = list(Device.select().where(Device.commune == c).order_by(Device.id))
        communes.append({"c": c, "devices": devices})
    return render_template("admin.html", staff=staff, communes=communes, notice=notice, error=error,
                           people=list(Staff.select().order_by(Staff.username)), roles=admin.ROLE_LABELS,
                           actions=admin.recent_actions(20), action_labels=admin.ACTION_LABELS,
                           seen=lambda t: when(t) if t else "chưa đồng bộ"), status


@bp.get("/quan-tri")
@requires(admin.ADMIN)
def admin_page(staff: Staff):
    return _admin_page(staff)


@bp.post("/quan-tri/<action>")
@requires(admin.ADMIN)
def admin_action(staff: Staff, action: str):
    form = request.form
    try:
        if action == "xa-them":
            commune, code, _ = admin.add_commune(form.get("agency_code", ""), form.get("name", ""))
            notice = f"Đã thêm {commune.name} ({commune.agency_code}). Mã đăng ký dùng một lần: {code}"
        elif action == "xa-cap-ma":
            code = admin.issue_code(form.get("agency_code", ""))
            notice = f"Mã đăng ký mới cho {form.get('agency_code', '').upper()}: {code}"
        elif action == "xa-thu-hoi":
            commune, n = admin.revoke_commune(form.get("agency_code", ""))
            notice = f"Đã thu hồi quyền đồng bộ của {commune.name} ({commune.agency_code}): {n} quầy."
        elif action == "quay-thu-hoi":
            device = admin.revoke_device(form.get("device", ""))
            notice = f"Đã thu hồi quyền đồng bộ của quầy số {device.desk} ({device.label or 'không tên'})."
        elif action == "can-bo-them":
            person = admin.add_staff(form.get("username", ""), form.get("name", ""), form.get("password", ""),
                                     form.get("role", admin.READER))
            notice = f"Đã lưu tài khoản cán bộ «{person.username}» ({admin.ROLE_LABELS[person.role]})."
        elif action == "can-bo-khoa":
            person = admin.disable_staff(form.get("username", ""), by=staff)
            notice = f"Đã khoá tài khoản «{person.username}»."
        else:
            abort(404)
        # what was done to what; never the one-time code or the password
        admin.log_action(staff, action, " ".join(str(form.get(k, ""))[:60] for k in ("agency_code", "device", "username")
                                                 if form.get(k)))
    except DeskError as exc:
        return _admin_page(staff, error=exc.message, status=400)
    return _admin_page(staff, notice=notice)
