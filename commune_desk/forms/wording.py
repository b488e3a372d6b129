"""Vietnamese wording used on the printed forms. Pure functions."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
BLANK = "……………"  # printed where a value is unknown, to be filled in by hand


def nfc(text: object) -> str:
    """NFC-normalise any value turned into text (None -> "")."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def local(dt: datetime) -> datetime:
    """Aware datetimes are shown in Vietnam time; naive ones are taken as is."""
    return dt.astimezone(VN_TZ) if dt.tzinfo is not None else dt


def count(n: int) -> str:
    """Zero-padded count as printed on forms: 1 -> "01"."""
    return f"{n:02d}"


def short_date(d: date | datetime) -> str:
    """27/11/2026"""
    if isinstance(d, datetime):
        d = local(d)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def clock(dt: datetime) -> str:
    """09:32 (24-hour clock, for tables)."""
    dt = local(dt)
    return f"{dt.hour:02d}:{dt.minute:02d}"


def time_in_words(dt: datetime) -> str:
    """"9 giờ 32 phút, ngày 27/11/2026"; hours unpadded, minutes two digits
    ("8 giờ 05 phút"), as real slips print them."""
    dt = local(dt)
    return f"{dt.hour} giờ {dt.minute:02d} phút, ngày {short_date(dt)}"


def date_in_words(d: date | datetime) -> str:
    """"ngày 22 tháng 11 năm 2026". Days below 10 and the months 1 and 2 take a
    leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    if isinstance(d, datetime):
        d = local(d).date()
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def date_line(place: str, d: date | datetime) -> str:
    """"Phúc Lợi, ngày 22 tháng 11 năm 2026"."""
    return f"{nfc(place)}, {date_in_words(d)}"


def days_text(n: int | None) -> str:
    """5 -> "05 ngày làm việc"; 0 -> "Trong ngày"; None -> ""."""
    if n is None:
        return ""
    if n < 0:
        raise ValueError(f"Số ngày giải quyết không hợp lệ: {n}")
    return "Trong ngày" if n == 0 else f"{count(n)} ngày làm việc"


def money(n: int) -> str:
    """50000 -> "50.000 đồng"."""
    sign = "-" if n < 0 else ""
    return f"{sign}{abs(n):,}".replace(",", ".") + " đồng"
