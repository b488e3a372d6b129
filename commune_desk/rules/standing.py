"""Where a dossier stands against its due time, in the words the clerk reads in every table."""

from datetime import datetime, timedelta

from commune_desk.rules.lifecycle import FINISHED
from commune_desk.rules.office_calendar import TZ, OfficeCalendar
from commune_desk.rules.statuses import CLOCK_STOPPED, Status
from commune_desk.rules.timeliness import judge


def span_text(calendar: OfficeCalendar, delta: timedelta) -> str:
    """A working-time span in working days and hours («2 ngày 3 giờ»), minutes under an hour."""
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, int(calendar.day_length.total_seconds() // 3600) or 8)
    if days and hours:
        return f"{days} ngày {hours} giờ"
    if days:
        return f"{days} ngày"
    return f"{hours} giờ" if hours else f"{int(delta.total_seconds() // 60)} phút"


def standing(status: Status, due_at: datetime | None, finished_at: datetime | None,
             calendar: OfficeCalendar, now: datetime) -> str:
    """Finished dossiers are judged on when they finished; open ones by the working time left or
    overrun; a dossier waiting for the citizen's papers has no running clock."""
    if due_at is None:
        return status.label
    if status in FINISHED:
        return judge(due_at, finished_at=finished_at).label
    if status in CLOCK_STOPPED:
        return "Tạm dừng tính hạn (chờ bổ sung)"
    if status in (Status.STOPPED, Status.WITHDRAWN, Status.NOT_ACCEPTED):
        return status.label
    if now > due_at:
        return f"Quá hạn {span_text(calendar, calendar.working_time_between(due_at, now))}"
    due = due_at.astimezone(TZ)
    if due.date() == now.astimezone(TZ).date():
        return f"Hôm nay, hạn {due:%H:%M}"             # the due-today queue says so, not «Còn 1 ngày»
    return f"Còn {span_text(calendar, calendar.working_time_between(now, due_at))}"
