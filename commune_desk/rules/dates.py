"""Days and instants as people type them: 05/03/1990, 2026-09-01, 03/12/2026 16:30."""

import re
from datetime import date, datetime

from commune_desk.errors import InvalidInput
from commune_desk.rules.bounds import EARLIEST_BIRTH, check_day
from commune_desk.rules.office_calendar import TZ, OfficeCalendar
from commune_desk.rules.text import nfc

DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_INSTANT = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2})[:hg](\d{2})?)?\s*$")


def read_day(text) -> date | None:
    """dd/mm/yyyy (the way it is written here), yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy; else None."""
    if isinstance(text, date):
        return text
    text = nfc(str(text or "")).strip()
    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_day(text, field: str = "day", message: str | None = None) -> date:
    """`read_day`, or one Vietnamese sentence naming the field."""
    day = read_day(text)
    if day is None:
        raise InvalidInput(message or f"Ngày «{nfc(str(text or '')).strip()}» phải có dạng ngày/tháng/năm, "
                                      "ví dụ 02/01/2027.", field)
    return check_day(day, field, earliest=EARLIEST_BIRTH)


def parse_office_instant(text: str, calendar: OfficeCalendar, field: str = "until") -> datetime:
    """'03/12/2026' (the end of that office day) or '03/12/2026 9:30' as an office instant."""
    m = _INSTANT.match(text or "")
    if not m:
        raise InvalidInput("Ngày hẹn mới phải có dạng ngày/tháng/năm, có thể kèm giờ: 03/12/2026 16:30.", field)
    day, month, year, hour, minute = m.groups()
    try:
        typed = date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidInput(f"Ngày giờ «{text}» không tồn tại.", field) from None
    check_day(typed, field)
    try:
        if hour is None:
            return calendar.last_end(typed)
        return datetime(int(year), int(month), int(day), int(hour), int(minute or 0), tzinfo=TZ)
    except ValueError:
        raise InvalidInput(f"Ngày giờ «{text}» không tồn tại.", field) from None
