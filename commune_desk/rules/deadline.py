"""When a dossier is due, by the rules of NĐ 61/2018 / NĐ 118/2025 in working hours."""

from dataclasses import dataclass
from datetime import datetime

from commune_desk.rules.bounds import MAX_EXTENSION_WORKING_DAYS
from commune_desk.errors import InvalidInput, NotAllowed
from commune_desk.rules.office_calendar import OfficeCalendar, local


@dataclass(frozen=True)
class Deadline:
    received_at: datetime
    starts_at: datetime
    due_at: datetime


def compute_due(calendar: OfficeCalendar, received_at: datetime, days: int) -> Deadline:
    """N ≥ 1 working days counted in session time; N = 0 is a same-day procedure (cut-off rule)."""
    if not isinstance(days, int) or days < 0:
        raise InvalidInput("Thời hạn giải quyết phải là số ngày làm việc từ 0 trở lên.", "days")
    t = local(received_at)
    start = calendar.working_starts(t)
    if days == 0:
        day = start.date()
        if start.timetz().replace(tzinfo=None) > calendar.cutoff:
            day = calendar.next_working_day(day)
        return Deadline(t, start, calendar.last_end(day))
    return Deadline(t, start, calendar.add_working_time(start, days * calendar.day_length))


def restart_after_supplement(calendar: OfficeCalendar, completed_at: datetime, days: int) -> Deadline:
    """A supplement request stops the clock; the complete dossier restarts the full time (Điều 19)."""
    return compute_due(calendar, completed_at, days)


def check_extension(*, now: datetime, due_at: datetime, new_due_at: datetime,
                    already_extended: bool, calendar: OfficeCalendar | None = None) -> None:
    """Form 04 may be issued once, before the due instant, for a later date — at most
    bounds.MAX_EXTENSION_WORKING_DAYS working days after the current due time."""
    if already_extended:
        raise NotAllowed("Hồ sơ này đã được gia hạn một lần; pháp luật chỉ cho phép hẹn lại một lần.")
    if now >= due_at:
        raise NotAllowed("Đã quá thời hạn trả kết quả: văn bản xin lỗi và gia hạn phải được ban hành trước hạn.")
    if new_due_at <= due_at:
        raise InvalidInput("Ngày hẹn mới phải sau thời hạn hiện tại.", "until")
    if calendar is not None:
        latest = calendar.add_working_time(due_at, calendar.day_length * MAX_EXTENSION_WORKING_DAYS)
        if new_due_at > latest:
            raise InvalidInput(f"Ngày hẹn mới chỉ được muộn hơn thời hạn hiện tại tối đa {MAX_EXTENSION_WORKING_DAYS} "
                               f"ngày làm việc (đến {latest:%H:%M %d/%m/%Y}).", "until")


def due_soon(calendar: OfficeCalendar, now: datetime, due_at: datetime) -> bool:
    """True from one working day before the due instant (the UI warns the clerk to extend)."""
    return now < due_at and calendar.working_time_between(now, due_at) <= calendar.day_length

