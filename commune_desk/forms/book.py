"""Form 07: Sổ theo dõi hồ sơ (tracking book), A4 landscape, many pages."""
from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from . import fonts
from .layout import A4_LANDSCAPE, Sheet, build_pdf, text, upper
from .model import BookRow, OfficeInfo
from .wording import clock, short_date

TITLE = "Sổ theo dõi hồ sơ"
HEADER = ("STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)",
          "Tên tổ chức, cá nhân", "Địa chỉ, số điện thoại", "Ngày nhận hồ sơ",
          "Ngày hẹn trả kết quả", "Ngày trả kết quả", "Người nhận hồ sơ (cán bộ)",
          "Trả kết quả", "")
WIDTHS = (9, 36, 42, 12, 30, 42, 18, 18, 18, 22, 15, 15)   # mm, sum 277
LEFT_COLS = (2, 4, 5, 9)


class _NumberedCanvas(Canvas):
    """Draws "Trang n/N" once the total page count is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(fonts.REGULAR, 8)
            self.drawCentredString(self._pagesize[0] / 2, 6 * mm,
                                   f"Trang {self._pageNumber}/{total}")
            super().showPage()
        super().save()


def _moment(dt: datetime | None, sheet: Sheet) -> Flowable | str:
    if dt is None:
        return ""
    return sheet.para(f"{short_date(dt)}<br/>{clock(dt)}", sheet.cell_c)


def _story(office: OfficeInfo, rows: Sequence[BookRow], date_from: date,
           date_to: date) -> list[Flowable]:
    sheet = Sheet(A4_LANDSCAPE)
    story: list[Flowable] = [
        sheet.para(text(upper(office.name)), sheet.small_left),
        sheet.para(f"<b>{text(upper(office.unit))}</b>", sheet.small_left),
        *sheet.title_block(TITLE, f"Từ ngày {short_date(date_from)} đến ngày {short_date(date_to)}"),
        Spacer(1, 2 * mm),
    ]
    code_style = sheet.cell_c.clone("code", fontSize=sheet.paper.small - 0.5)
    data = [("",) * 10 + (sheet.para("Bên giao", sheet.cell_h),
                          sheet.para("Bên nhận", sheet.cell_h))]
    for row in rows:
        contact = text(row.address) + (f"<br/>ĐT: {text(row.phone)}" if row.phone else "")
        recipient: list[Flowable] = [Spacer(1, sheet.paper.sign_space)]
        if row.recipient:
            recipient.append(sheet.para(f"<i>{text(row.recipient)}</i>", sheet.cell_c))
        data.append((
            str(row.number), sheet.para(text(row.code), code_style), row.procedure_name,
            f"{row.quantity:02d}", row.applicant, sheet.para(contact, sheet.cell),
            _moment(row.received_at, sheet), _moment(row.due_at, sheet),
            _moment(row.returned_at, sheet), row.clerk_name,
            [Spacer(1, sheet.paper.sign_space)], recipient))
    if not rows:
        data.append(("", "Không có hồ sơ trong khoảng thời gian này", *[""] * 10))
    spans = [("SPAN", (c, 0), (c, 1)) for c in range(10)] + [("SPAN", (10, 0), (11, 0))]
    if not rows:
        spans.append(("SPAN", (1, 2), (-1, 2)))
    story.append(sheet.grid(HEADER, data, WIDTHS, left_cols=LEFT_COLS, header_rows=2,
                            extra=spans))
    return story


def render_book(office: OfficeInfo, rows: Sequence[BookRow], date_from: date,
                date_to: date) -> bytes:
    """The tracking book for a period: header row repeated on every page."""
    if date_to < date_from:
        raise ValueError("Ngày kết thúc phải sau ngày bắt đầu")
    return build_pdf(lambda paper: _story(office, rows, date_from, date_to), A4_LANDSCAPE,
                     title=f"{TITLE} {short_date(date_from)} - {short_date(date_to)}",
                     author=office.name, canvasmaker=_NumberedCanvas)
