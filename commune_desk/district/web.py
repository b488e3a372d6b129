"""Pages: the public lookup (code → status and due date, masked name) and the staff dashboard."""

import hmac
import secrets
from datetime import date, datetime

from flask import (Blueprint, current_app, redirect, render_template, request, session, url_for)

from commune_desk.district import admin
from commune_desk.district import figures
from commune_desk.district.models import Commune, Device, Dossier, Staff, database
from commune_desk.errors import DeskError
from commune_desk.rules.codes import parse_code
from commune_desk.rules.office_calendar import TZ, local
from commune_desk.rules.report import format_rate, from_counts, judged_at, period_bounds
from commune_desk.rules.statuses import LABELS, Status

bp = Blueprint("web", __name__)


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'N***** V** A*': enough to recognise one's own dossier, no more."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in (name or "").split())


def when(value) -> str:
    if not value:
        return "—"
    t = local(datetime.fromisoformat(value) if isinstance(value, str) else value)
    return f"{t:%H} giờ {t:%M} phút, ngày {t:%d/%m/%Y}"


def _csrf() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def _csrf_ok() -> bool:
    return hmac.compare_digest(str(request.form.get("csrf", "")), str(session.get("csrf", "")))


def _message(title: str, message: str, status: int):
    return render_template("message.html", title=title, message=message), status


@bp.get("/")
def home():
    return redirect(url_for("web.lookup"))


@bp.get("/tra-cuu")
@bp.get("/tra-cuu/<path:code>")
def lookup(code: str | None = None):
    code = code or request.args.get("ma")
    if not code:
        return render_template("lookup.html", code="", found=None, error=None)
    if not current_app.config["LOOKUP_LIMITER"].allow(request.remote_addr or "?"):
        return _message("Tra cứu hồ sơ", "Bạn tra cứu quá nhiều lần trong thời gian ngắn. "
                                         "Vui lòng thử lại sau một phút.", 429)
    try:
        parsed = str(parse_code(code))
    except DeskError as exc:
        return render_template("lookup.html", code=code, found=None, error=exc.message), 400
    row = Dossier.get_or_none(Dossier.code == parsed)
    if row is None:
        return render_template("lookup.html", code=parsed, found=None,
                               error=f"Không tìm thấy hồ sơ {parsed}. Hồ sơ vừa nộp có thể chưa được "
                                     "đồng bộ lên hệ thống; vui lòng thử lại sau."), 404
    snap = row.snapshot
    found = {"code": row.code, "name": mask_name(snap.get("applicant_name", "")),
             "procedure": snap.get("procedure_name", ""), "received": when(snap.get("received_at")),
             "due": when(snap.get("due_at")), "status": LABELS[Status(row.status)]}
    return render_template("lookup.html", code=parsed, found=found, error=None)


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        if not _csrf_ok():
            error = "Phiên đăng nhập đã hết hạn; vui lòng thử lại."
        elif not current_app.config["LOGIN_LIMITER"].allow(request.remote_addr or "?"):
            error = "Quá nhiều lần đăng nhập sai; vui lòng đợi một phút."
        else:
            staff = admin.check_staff(request.form.get("username", ""), request.form.get("password", ""))
            if staff is None:
                error = "Sai tên đăng nhập hoặc mật khẩu."
            else:
                session.clear()
                session["staff"] = staff.id
                session.permanent = True
                return redirect(url_for("web.dashboard"))
    return render_template("login.html", csrf=_csrf(), error=error), (401 if error else 200)


@bp.post("/dang-xuat")
def logout():
    if _csrf_ok():
        session.clear()
    return redirect(url_for("web.login"))


def _period(today: date):
    error = None
    try:
        start = date.fromisoformat(request.args["tu"]) if request.args.get("tu") else today.replace(day=1)
        end = date.fromisoformat(request.args["den"]) if request.args.get("den") else today
        period_bounds(start, end)
    except ValueError:
        error = "Kỳ báo cáo không hợp lệ; hiển thị tháng hiện tại."
        start, end = today.replace(day=1), today
    return start, end, error


@bp.get("/quan-ly")
def dashboard():
    staff = Staff.get_or_none(Staff.id == session.get("staff")) if session.get("staff") else None
    if staff is None or not staff.active:
        return redirect(url_for("web.login"))
    now = datetime.now(TZ)
    start, end, error = _period(now.date())
    _, end_at = period_bounds(start, end)
    reports, overdue_items = figures.all_communes(database.obj, start, end, now)
    offsets = {}
    for d in Device.select().where(Device.revoked_at.is_null(), Device.clock_offset_s.is_null(False)):
        if abs(d.clock_offset_s) > abs(offsets.get(d.commune_id, 0)):
            offsets[d.commune_id] = d.clock_offset_s
    rows, overdue = [], []
    for commune in Commune.select().order_by(Commune.name):
        r = reports.get(commune.id) or from_counts({}, start, end, judged_at(end, now))
        off = offsets.get(commune.id)
        rows.append({"id": commune.id, "agency_code": commune.agency_code, "name": commune.name, "r": r,
                     "rate": format_rate(r.on_time_rate).replace(" ", ""),
                     "clock": "" if off is None or abs(off) <= 300 else f"lệch {round(off / 60)} phút"})
    names = {row["id"]: row["name"] for row in rows}
    overdue = [{**o.__dict__, "commune": names.get(cid, ""), "due_vn": when(o.due_at)} for cid, o in overdue_items]
    return render_template("dashboard.html", rows=rows, overdue=overdue, error=error, csrf=_csrf(),
                           staff_name=staff.name or staff.username,
                           period_from=start.isoformat(), period_to=end.isoformat(),
                           period_from_vn=f"{start:%d/%m/%Y}", period_to_vn=f"{end:%d/%m/%Y}",
                           at_vn=when(min(now, end_at)))
