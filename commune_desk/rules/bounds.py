"""How far a typed value may reach. Each bound is a fact about the office's work, not about the
computer: an input beyond it is a typing slip and gets one Vietnamese sentence.

- Dossier instants (received, due, appointments, report periods, office calendar days): from
  1/1/2000 (the one-stop model dates from 2003; older paper files are imported with their real
  date) to 31/12/2100.
- Birth dates: from 1/1/1900 to today.
- An extension (form 04) reaches at most MAX_EXTENSION_WORKING_DAYS working days after the current
  due time. The law fixes no ceiling (NĐ 61/2018 Điều 19 asks only for a new appointment); 30
  working days — six weeks — is this product's documented limit (*unverified*; change it here).
- Money (fees, sums paid): whole đồng from 0 to 1,000,000,000; a commune's fees are thousands.
- A list asked for (search results): 1 to 1,000 rows.
"""

from datetime import date, datetime

from commune_desk.errors import InvalidInput

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
EARLIEST_BIRTH = date(1900, 1, 1)
MAX_EXTENSION_WORKING_DAYS = 30
MAX_MONEY = 1_000_000_000
MONEY_TEXT = f"{MAX_MONEY:,}".replace(",", ".")
MAX_ROWS = 1000


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def check_day(day: date, field: str, label: str = "Ngày", earliest: date = EARLIEST_DAY,
              latest: date = LATEST_DAY) -> date:
    if not earliest <= day <= latest:
        raise InvalidInput(f"{label} {_vn(day)} nằm ngoài khoảng cho phép ({_vn(earliest)} – {_vn(latest)}).",
                           field)
    return day


def check_instant(t: datetime, field: str, label: str = "Thời điểm") -> datetime:
    check_day(t.date(), field, label)
    return t


def check_birth_date(day: date, today: date, field: str = "birth_date") -> date:
    return check_day(day, field, "Ngày sinh", EARLIEST_BIRTH, today)


def check_money(value: int | None, field: str, label: str = "Số tiền") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MONEY:
        raise InvalidInput(f"{label} phải là số đồng không âm, tối đa {MONEY_TEXT}.", field)
    return value


def check_rows(value: int, field: str = "limit") -> int:
    if not 1 <= value <= MAX_ROWS:
        raise InvalidInput(f"Số kết quả tối đa phải từ 1 đến {MAX_ROWS}.", field)
    return value
