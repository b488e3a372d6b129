"""What a dossier's status allows beyond the plain moves of `statuses.TRANSITIONS`: who may hand it
on, extend it or hand the result over; when its clock stops and restarts; how urgent it is; which
prints are promises to the citizen. The store enforces these, the screens offer only these."""

from datetime import date, datetime, timedelta

from commune_desk.errors import NotAllowed
from commune_desk.rules.deadline import due_soon, restart_after_supplement
from commune_desk.rules.office_calendar import TZ, OfficeCalendar
from commune_desk.rules.statuses import CLOCK_STOPPED, OPEN, Status

HANDOFF_FROM = frozenset({Status.ACCEPTED, Status.PROCESSING, Status.FINANCIAL})
EXTEND_FROM = frozenset({Status.ACCEPTED, Status.PROCESSING, Status.FINANCIAL})
HANDOVER_FROM = frozenset({Status.RESOLVED})
# judged on when processing finished, not against today
FINISHED = frozenset({Status.RESOLVED, Status.RETURNED})
# the clock runs for these; a dossier waiting for the citizen's papers cannot be late
CLOCK_RUNS = OPEN - CLOCK_STOPPED

# the prints that are promises to the citizen (appointment, new appointment, stop notice): each
# print is written into the dossier's story
PROMISE_FORMS = ("01", "04", "05")


def check_handoff(status: Status) -> None:
    if status not in HANDOFF_FROM:
        raise NotAllowed(f"Hồ sơ đang ở trạng thái «{status.label}», không thể chuyển giao.")


def check_extendable(status: Status) -> None:
    if status not in EXTEND_FROM:
        raise NotAllowed(f"Hồ sơ đang ở trạng thái «{status.label}», không gia hạn được.")


def check_handover(status: Status, code: str, returned_at: datetime | None) -> None:
    if status == Status.RETURNED:
        raise NotAllowed(f"Hồ sơ {code} đã trả kết quả lúc {returned_at:%H giờ %M phút, ngày %d/%m/%Y}.")
    if status not in HANDOVER_FROM:
        raise NotAllowed(f"Hồ sơ {code} chưa xử lý xong (trạng thái: {status.label}); chưa thể trả kết quả.")


def can_extend(status: Status, extended: bool, due_at: datetime | None, now: datetime) -> bool:
    """Form 04 is offered once, before the due instant."""
    return status in EXTEND_FROM and not extended and due_at is not None and now < due_at


def extension_note(status: Status, extended: bool, due_at: datetime | None, calendar: OfficeCalendar,
                   now: datetime) -> str:
    """What the clerk is told about extending (form 04) a dossier open in this status: nothing, why
    it can no longer be extended, or a warning that the last working day before the due has begun."""
    if status not in EXTEND_FROM or due_at is None:
        return ""
    if extended:
        return (f"Hồ sơ đã được gia hạn một lần (hạn mới {due_at.astimezone(TZ):%H:%M %d/%m/%Y}); "
                "pháp luật không cho gia hạn lần nữa.")
    if now >= due_at:
        return "Đã quá hạn trả kết quả: không còn được gia hạn (văn bản xin lỗi phải ban hành trước hạn)."
    if due_soon(calendar, now, due_at):
        return ("⚠ Còn dưới một ngày làm việc đến hạn trả. Nếu không kịp, hãy lập văn bản xin lỗi "
                "và gia hạn (mẫu 04) ngay — chỉ được gia hạn một lần, trước hạn.")
    return ""


def suggested_extension(calendar: OfficeCalendar, due_at: datetime) -> datetime:
    """The new appointment offered first on form 04: three working days after the current due."""
    return calendar.add_working_time(due_at, 3 * calendar.day_length)


def reprintable_forms(status: Status, missing: bool, extended: bool) -> list[str]:
    """The notices of a dossier's current state that can be printed again: the supplement request
    while it waits for papers, the extension once issued, the stop notice of a stopped dossier."""
    forms = []
    if missing and status == Status.SUPPLEMENT:
        forms.append("02")
    if extended:
        forms.append("04")
    if status == Status.STOPPED:
        forms.append("05")
    return forms


def clock_on_move(current: Status, target: Status, calendar: OfficeCalendar, now: datetime,
                  days: int) -> dict:
    """The dossier fields a move changes on the supplement clock (NĐ 61/2018 Điều 19): asking for
    supplements stops it; the complete dossier coming back restarts the full time."""
    if target in CLOCK_STOPPED:
        return {"clock_stopped_at": now}
    if current in CLOCK_STOPPED and target == Status.PROCESSING:
        deadline = restart_after_supplement(calendar, now, days)
        return {"starts_at": deadline.starts_at, "due_at": deadline.due_at, "clock_stopped_at": None}
    return {}


# ---- urgency: the three coloured workqueues ------------------------------------------------------

URGENCIES = ("overdue", "due_today", "due_tomorrow")      # quá hạn / đến hạn hôm nay / ngày mai


def urgency_window(name: str, calendar: OfficeCalendar, now: datetime) -> tuple[datetime | None, datetime]:
    """[from, until) of the due instants in an urgency queue; `from` None: no lower bound."""
    today = now.date()
    tomorrow = _day_start(today + timedelta(days=1))
    if name == "overdue":
        return None, now
    if name == "due_today":
        return now, tomorrow
    if name == "due_tomorrow":
        return tomorrow, _day_start(calendar.next_working_day(today) + timedelta(days=1))
    raise ValueError(name)


def urgency(status: Status, due_at: datetime | None, calendar: OfficeCalendar, now: datetime) -> str | None:
    """'overdue', 'due_today', 'due_tomorrow' or None, exactly as the workqueues count the dossier."""
    if due_at is None or status not in CLOCK_RUNS:
        return None
    for name in URGENCIES:
        start, until = urgency_window(name, calendar, now)
        if (start is None or due_at >= start) and due_at < until:
            return name
    return None


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ)
