"""The dossier code <agency identifier>-<YYMMDD>-<NNNN> (QĐ 20/2020/QĐ-TTg identifiers).

Desks of one office share the day's 4-digit space by blocks: desk 1 issues 0001–0999, desk 2
1000–1999, … desk 9 8000–8999, so offline desks never collide and a single-desk office counts
0001, 0002, …. 9000–9999 stay free for the upstream.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from commune_desk.errors import CodeExhausted, InvalidInput
from commune_desk.rules.office_calendar import local
from commune_desk.rules.text import nfc

_AGENCY = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")
_CODE = re.compile(r"^(?P<agency>[0-9A-Z.]{1,35})-(?P<date>\d{6})-(?P<seq>\d{4})$")
MAX_DESKS = 9


def normalize_agency_code(raw: str | None) -> str:
    text = nfc(raw).strip().upper()
    if not text:
        raise InvalidInput("Vui lòng nhập mã định danh của cơ quan (ví dụ 000.30.36.H26).", "agency_code")
    if len(text) > 35 or not _AGENCY.match(text):
        raise InvalidInput(
            f"Mã định danh cơ quan «{text}» không hợp lệ: tối đa 35 ký tự gồm chữ số, chữ in hoa "
            "và dấu chấm (ví dụ 000.30.36.H26).", "agency_code")
    return text


def check_desk(desk: int) -> int:
    if not isinstance(desk, int) or not 1 <= desk <= MAX_DESKS:
        raise InvalidInput(f"Số hiệu quầy phải từ 1 đến {MAX_DESKS}.", "desk")
    return desk


def sequence_block(desk: int) -> tuple[int, int]:
    check_desk(desk)
    return max(1, (desk - 1) * 1000), desk * 1000 - 1


def next_sequence(desk: int, last_used: int | None) -> int:
    first, last = sequence_block(desk)
    seq = first if last_used is None else max(last_used + 1, first)
    if seq > last:
        raise CodeExhausted(
            f"Quầy số {desk} đã dùng hết {last - first + 1} số hồ sơ của ngày hôm nay; "
            "hãy tiếp nhận ở quầy khác hoặc báo quản trị viên.")
    return seq


def format_code(agency_code: str, received_at: datetime, seq: int) -> str:
    if not 1 <= seq <= 9999:
        raise ValueError(seq)
    return f"{agency_code}-{local(received_at):%y%m%d}-{seq:04d}"


@dataclass(frozen=True)
class DossierCode:
    agency_code: str
    day: date
    seq: int

    def __str__(self) -> str:
        d = self.day          # %y%m%d by hand: strftime is most of the cost of checking a pushed code
        return f"{self.agency_code}-{d.year % 100:02d}{d.month:02d}{d.day:02d}-{self.seq:04d}"


def parse_code(raw: str | None) -> DossierCode:
    text = nfc(raw).strip().upper()
    m = _CODE.match(text)
    if not m:
        raise InvalidInput(f"«{text}» không phải là mã hồ sơ (dạng 000.30.36.H26-261122-0001).", "code")
    agency = normalize_agency_code(m["agency"])
    try:
        # what strptime("%y%m%d") reads (69–99 are 19xx), without its cost on the server's hot path
        digits = m["date"]
        yy = int(digits[:2])
        day = date(yy + (2000 if yy < 69 else 1900), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        raise InvalidInput(f"Mã hồ sơ «{text}» có ngày không hợp lệ.", "code") from None
    seq = int(m["seq"])
    if seq == 0:
        raise InvalidInput(f"Mã hồ sơ «{text}» có số thứ tự 0000 không hợp lệ.", "code")
    return DossierCode(agency, day, seq)
