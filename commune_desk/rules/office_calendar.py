"""The office calendar: which days are working days and when the counter's sessions run.

Built on the `holidays` package's VN calendar (lunar Tết, Giỗ Tổ, compensatory days, swapped
working Saturdays); the office and the upstream may override single days.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from commune_desk.errors import InvalidInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DEFAULT_SESSIONS = ((time(8, 0), time(12, 0)), (time(13, 0), time(17, 0)))
DEFAULT_CUTOFF = time(15, 0)


@lru_cache(maxsize=64)
def _vn_year(year: int) -> tuple[frozenset, frozenset]:
    import holidays  # imported on first use: it is a large package and start-up time matters
    vn = holidays.country_holidays("VN", years=year)
    workdays = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
    return frozenset(vn.keys()), workdays


@dataclass(frozen=True)
class OfficeCalendar:
    sessions: tuple[tuple[time, time], ...] = DEFAULT_SESSIONS
    cutoff: time = DEFAULT_CUTOFF
    # day -> True (working) / False (day off); overrides the built-in calendar
    overrides: dict = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self):
        if not self.sessions:
            raise InvalidInput("Cần ít nhất một buổi làm việc trong ngày.", "sessions")
        previous_end = None
        for start, end in self.sessions:
            if not start < end:
                raise InvalidInput(
                    f"Buổi làm việc {start:%H:%M}–{end:%H:%M} không hợp lệ: giờ bắt đầu phải trước giờ kết thúc.",
                    "sessions")
            if previous_end is not None and start < previous_end:
                raise InvalidInput("Các buổi làm việc chồng lên nhau hoặc không theo thứ tự.", "sessions")
            previous_end = end

    @property
    def day_length(self) -> timedelta:
        return sum((_span(a, b) for a, b in self.sessions), timedelta())

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return bool(self.overrides[day])
        off, workdays = _vn_year(day.year)
        if day in workdays:
            return True
        if day in off:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        for _ in range(3660):  # ten years of days off would be a configuration error
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise InvalidInput("Lịch làm việc không có ngày làm việc nào trong mười năm tới.", "calendar")

    def session_bounds(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(datetime.combine(day, a, TZ), datetime.combine(day, b, TZ)) for a, b in self.sessions]

    def first_start(self, day: date) -> datetime:
        return datetime.combine(day, self.sessions[0][0], TZ)

    def last_end(self, day: date) -> datetime:
        return datetime.combine(day, self.sessions[-1][1], TZ)

    def working_starts(self, t: datetime) -> datetime:
        """The instant working time starts counting for something received at t."""
        t = local(t)
        day = t.date()
        if self.is_working_day(day):
            for start, end in self.session_bounds(day):
                if t < start:
                    return start
                if t < end:
                    return t
        return self.first_start(self.next_working_day(day))

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The instant reached after `amount` of session time from `start` (itself a working instant)."""
        t = self.working_starts(start)
        remaining = amount
        while True:
            day = t.date()
            for s_start, s_end in self.session_bounds(day):
                if t >= s_end:
                    continue
                t = max(t, s_start)
                available = s_end - t
                if remaining <= available:
                    return t + remaining
                remaining -= available
                t = s_end
            t = self.first_start(self.next_working_day(day))

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Session time from a to b (0 when b <= a); used for 'due within one working day' warnings."""
        a, b = local(a), local(b)
        total = timedelta()
        if b <= a:
            return total
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                for s_start, s_end in self.session_bounds(day):
                    lo, hi = max(s_start, a), min(s_end, b)
                    if hi > lo:
                        total += hi - lo
            day += timedelta(days=1)
        return total


def _span(a: time, b: time) -> timedelta:
    return datetime.combine(date.min, b) - datetime.combine(date.min, a)


def local(t: datetime) -> datetime:
    if t.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry its offset")
    return t.astimezone(TZ)


def parse_instant(raw: str, field_name: str = "received_at") -> datetime:
    """ISO 8601; a value without offset is read as Asia/Ho_Chi_Minh wall time."""
    try:
        t = datetime.fromisoformat(raw.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(
            f"Thời điểm «{raw}» không đúng định dạng ISO 8601 (ví dụ 2026-11-23T09:32:00+07:00).",
            field_name) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=TZ)
    if not 2000 <= t.year <= 2100:       # rules.bounds: dossier instants lie in 2000–2100
        raise InvalidInput(f"Thời điểm «{raw}» nằm ngoài khoảng cho phép (năm 2000 – 2100).", field_name)
    return t.astimezone(TZ)


def parse_session(text: str) -> tuple[time, time]:
    """'08:00-12:00' -> (08:00, 12:00)."""
    try:
        a, b = text.replace("–", "-").split("-")
        return time.fromisoformat(a.strip()), time.fromisoformat(b.strip())
    except ValueError:
        raise InvalidInput(f"Buổi làm việc «{text}» phải có dạng 08:00-12:00.", "sessions") from None
