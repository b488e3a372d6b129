"""Past dossiers brought in from paper books or the provincial system's spreadsheet export:
every row checked before anything is stored; a wrong value is named by its row and column.

Columns (the national portal's field names where one exists):
MaHoSo, MaTTHC, ChuHoSo, SoDinhDanh, SoDienThoai, KenhNop, NgayTiepNhan, NgayHenTra,
NgayKetThucXuLy, NgayTra, TrangThaiHoSo, TraQuaBuuChinh.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from commune_desk.errors import DeskError, InvalidInput
from commune_desk.rules.codes import parse_code
from commune_desk.rules.identity import parse_id_number, parse_phone
from commune_desk.rules.office_calendar import TZ, local
from commune_desk.rules.statuses import Status
from commune_desk.rules.text import clean, nfc

COLUMNS = ("MaHoSo", "MaTTHC", "ChuHoSo", "SoDinhDanh", "SoDienThoai", "KenhNop", "NgayTiepNhan", "NgayHenTra",
           "NgayKetThucXuLy", "NgayTra", "TrangThaiHoSo", "TraQuaBuuChinh")
REQUIRED_COLUMNS = ("MaHoSo", "MaTTHC", "ChuHoSo", "NgayTiepNhan", "TrangThaiHoSo")
# a past dossier was taken in (2) and went on from there; 1 and 3 never got past the counter
STATUSES = (2, 4, 5, 6, 7, 8, 9, 10)
NOT_FINISHED = (Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL)


class RowError(InvalidInput):
    def __init__(self, row: int, column: str, reason: str):
        super().__init__(f"Dòng {row}, cột {column}: {reason}", column)
        self.row, self.column, self.reason = row, column, reason


@dataclass(frozen=True)
class PastDossier:
    row: int
    code: str
    procedure_id: str
    applicant_name: str
    id_number: str
    phone: str
    channel: int
    received_at: datetime
    due_at: datetime | None          # None: the store computes it from the procedure's time
    resolved_at: datetime | None
    returned_at: datetime | None
    status: int
    by_post: bool


def check_header(header: list[str]) -> None:
    names = [nfc(h).strip() for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise InvalidInput(f"Tệp thiếu cột {', '.join(missing)} (dòng 1 phải là tên cột: {', '.join(COLUMNS)}).",
                           "header")


def text_of(value) -> str:
    """A cell as text: numbers that a spreadsheet stored as numbers come back without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return nfc(str(value)).strip()


def parse_moment(value) -> datetime | None:
    """yyyyMMddHHmmss in office time, ISO 8601 (without offset: office time), or a spreadsheet's
    date cell; None when empty. ValueError when it is none of these."""
    if isinstance(value, datetime):
        return local(value) if value.tzinfo else value.replace(tzinfo=TZ)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=TZ)
    text = text_of(value)
    if not text:
        return None
    if text.isdigit() and len(text) == 14:
        t = datetime.strptime(text, "%Y%m%d%H%M%S")
    else:
        t = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
    return local(t) if t.tzinfo else t.replace(tzinfo=TZ)


def parse_row(row: int, raw: dict, *, agency_code: str, procedure_of: Callable[[str], str | None],
              now: datetime) -> PastDossier:
    """One row's values, or RowError naming the first wrong column."""
    def cell(col):
        return raw.get(col)

    def fail(col, reason):
        raise RowError(row, col, reason)

    try:
        code = str(parse_code(text_of(cell("MaHoSo"))))
    except DeskError as exc:
        fail("MaHoSo", exc.message)
    if parse_code(code).agency_code != agency_code:
        fail("MaHoSo", f"mã hồ sơ «{code}» không thuộc cơ quan {agency_code} của quầy này.")
    procedure = procedure_of(text_of(cell("MaTTHC")))
    if procedure is None:
        fail("MaTTHC", f"không có thủ tục mã «{text_of(cell('MaTTHC'))}» trong danh mục "
                       "(dùng mã quốc gia, ví dụ 1.004873, hoặc mã trong danh mục).")
    try:
        name = clean(text_of(cell("ChuHoSo")), label="Họ tên chủ hồ sơ", max_len=120, required=True)
    except DeskError as exc:
        fail("ChuHoSo", exc.message)
    id_text = text_of(cell("SoDinhDanh"))
    if isinstance(cell("SoDinhDanh"), (int, float)) and len(id_text) in (10, 11):
        id_text = id_text.zfill(12)          # a spreadsheet dropped the CCCD's leading zeros
    try:
        parsed_id = parse_id_number(id_text, today=now.date())
        phone = parse_phone(text_of(cell("SoDienThoai")))
    except DeskError as exc:
        fail("SoDinhDanh" if exc.field == "id_number" else "SoDienThoai", exc.message)
    channel_text = text_of(cell("KenhNop")) or "1"
    if channel_text not in ("1", "2", "3"):
        fail("KenhNop", f"«{channel_text}» không hợp lệ: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích.")
    moments = {}
    for col in ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"):
        try:
            moments[col] = parse_moment(cell(col))
        except ValueError:
            fail(col, f"«{text_of(cell(col))}» không phải ngày giờ (dạng yyyyMMddHHmmss, ví dụ 20190103083000, "
                      "hoặc ISO 8601, ví dụ 2019-01-03T08:30:00).")
        if moments[col] is not None and moments[col] > now and col != "NgayHenTra":
            fail(col, "thời điểm ở tương lai.")
    received = moments["NgayTiepNhan"]
    if received is None:
        fail("NgayTiepNhan", "thiếu ngày tiếp nhận.")
    for col in ("NgayHenTra", "NgayKetThucXuLy", "NgayTra"):
        if moments[col] is not None and moments[col] < received:
            fail(col, "trước ngày tiếp nhận.")
    status_text = text_of(cell("TrangThaiHoSo"))
    if not status_text.isdigit() or int(status_text) not in STATUSES:
        fail("TrangThaiHoSo", f"«{status_text}» không hợp lệ: hồ sơ đã tiếp nhận có trạng thái 2, 4–10 "
                              "(1 và 3 là hồ sơ chưa được tiếp nhận).")
    status = int(status_text)
    finished, returned = moments["NgayKetThucXuLy"], moments["NgayTra"]
    if status == Status.RESOLVED and finished is None:
        fail("NgayKetThucXuLy", "hồ sơ đã xử lý xong (trạng thái 9) phải có ngày kết thúc xử lý.")
    if status == Status.RETURNED and returned is None:
        fail("NgayTra", "hồ sơ đã trả kết quả (trạng thái 10) phải có ngày trả.")
    if status != Status.RETURNED and returned is not None:
        fail("NgayTra", f"hồ sơ ở trạng thái {status} ({Status(status).label}) chưa trả kết quả nên không có ngày trả.")
    if status in NOT_FINISHED and finished is not None:
        fail("NgayKetThucXuLy", f"hồ sơ ở trạng thái {status} ({Status(status).label}) chưa xử lý xong.")
    if finished is not None and returned is not None and returned < finished:
        fail("NgayTra", "trước ngày kết thúc xử lý.")
    post_text = text_of(cell("TraQuaBuuChinh")) or "0"
    if post_text not in ("0", "1"):
        fail("TraQuaBuuChinh", f"«{post_text}» không hợp lệ: 1 trả qua bưu chính, 0 trả tại quầy.")
    return PastDossier(row=row, code=code, procedure_id=procedure, applicant_name=name,
                       id_number=parsed_id.number if parsed_id else "", phone=phone, channel=int(channel_text),
                       received_at=received, due_at=moments["NgayHenTra"], resolved_at=finished or returned,
                       returned_at=returned, status=status, by_post=post_text == "1")


def parse_rows(rows, **kw) -> list[PastDossier]:
    """Every row checked; the first wrong one raised, saying how many more are wrong."""
    out, errors, seen = [], [], {}
    for row, raw in rows:
        try:
            item = parse_row(row, raw, **kw)
        except RowError as exc:
            errors.append(exc)
            continue
        if item.code in seen:
            errors.append(RowError(row, "MaHoSo", f"mã hồ sơ {item.code} trùng với dòng {seen[item.code]}."))
            continue
        seen[item.code] = row
        out.append(item)
    if errors:
        first = errors[0]
        more = f" (còn {len(errors) - 1} dòng sai khác)" if len(errors) > 1 else ""
        raise RowError(first.row, first.column, f"{first.reason}{more} Chưa nhập hồ sơ nào.")
    return out
