"""Form 01 drawn straight on one page, for the slip a clerk prints dozens of times a day.

The platypus layout (slips.form01) is general and handles every overflow case, but spends
~40 ms in paragraph and table machinery; this draws the same content in a few ms, on the
one-page writer. It returns None whenever the slip would not fit one sheet (or one face would
need more than 255 different characters), and the caller falls back to platypus.
"""
from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import fonts
from .codes import Barcode128, qr_ops
from .layout import MOTTO, NATION, Paper, upper
from .model import FormData
from .onepage import OnePage, SubsetFull
from .slips import PICKUP_NOTE, SIGN_HINT, TITLES, print_date, qr_url, return_place, when
from .wording import BLANK, count, date_line, days_text, money, nfc

R, B, I = fonts.REGULAR, fonts.BOLD, fonts.ITALIC


class Overflow(Exception):
    pass


@dataclass
class Run:
    text: str
    font: str
    width: float = 0.0        # set by wrap_runs, at the size it wraps for


def wrap_runs(runs: list[Run], size: float, width: float) -> list[list[Run]]:
    """Greedy word wrap of mixed-font text; each line is a list of same-font runs."""
    runs = [Run(text, r.font, stringWidth(text, r.font, size)) for r in runs if (text := nfc(r.text))]
    if runs and runs[0].text[0] != " " and sum(r.width for r in runs) <= width:
        return [_merged(runs)]                      # most lines fit: nothing to break
    words: list[Run] = []
    for run in runs:
        space = Run(" ", run.font, stringWidth(" ", run.font, size))
        for i, word in enumerate(run.text.split(" ")):
            if i and words:
                words.append(space)
            if word:
                words.append(Run(word, run.font, stringWidth(word, run.font, size)))
    lines: list[list[Run]] = [[]]
    x = 0.0
    for word in words:
        if word.text == " ":
            if lines[-1]:
                lines[-1].append(word)
                x += word.width
            continue
        if x + word.width > width and lines[-1]:
            while lines[-1] and lines[-1][-1].text == " ":
                lines[-1].pop()
            lines.append([])
            x = 0.0
        while word.width > width and len(word.text) > 1:      # a single word wider than the line
            text, font = word.text, word.font
            cut = len(text)
            while cut > 1 and stringWidth(text[:cut], font, size) > width:
                cut -= 1
            lines[-1].append(Run(text[:cut], font, stringWidth(text[:cut], font, size)))
            lines.append([])
            word = Run(text[cut:], font, stringWidth(text[cut:], font, size))
        lines[-1].append(word)
        x += word.width
    return [_merged(line) for line in lines]


def _merged(pieces: list[Run]) -> list[Run]:
    """Adjacent pieces of one font joined into one run."""
    merged: list[Run] = []
    for piece in pieces:
        if merged and merged[-1].font == piece.font:
            last = merged[-1]
            merged[-1] = Run(last.text + piece.text, last.font, last.width + piece.width)
        else:
            merged.append(piece)
    return merged


class Pen:
    """A cursor going down the sheet; raises Overflow below the bottom margin."""

    def __init__(self, page: OnePage, paper: Paper):
        self.page, self.p = page, paper
        self.left, self.width = paper.left, paper.content_width
        self.y = paper.height - paper.top

    def need(self, h: float) -> None:
        if self.y - h < self.p.bottom:
            raise Overflow

    def lines(self, runs: list[Run], size: float, *, x: float | None = None, width: float | None = None,
              align: str = "left", leading: float | None = None, space_before: float = 0.0) -> None:
        x = self.left if x is None else x
        width = self.width if width is None else width
        leading = leading or size * 1.25
        wrapped = wrap_runs(runs, size, width)
        self.need(space_before + leading * len(wrapped))
        self.y -= space_before
        for line in wrapped:
            self.y -= leading
            total = sum(r.width for r in line)
            cx = x + (width - total) / 2 if align == "center" else x
            for r in line:
                self.page.text(cx, self.y + size * 0.22, r.font, size, r.text)
                cx += r.width

    def rule(self, x_center: float, width: float, below: float = 1.5) -> None:
        self.page.line(x_center - width / 2, self.y - below, x_center + width / 2, self.y - below, 0.6)


def render(data: FormData, paper: Paper, title: str = "", author: str = "") -> bytes | None:
    """PDF bytes of form 01 on one sheet of `paper`, or None if it needs more than one."""
    if paper.narrow or paper.height is None or not data.code:
        return None
    fonts.register_fonts()
    try:
        for factor in (1.0, *paper.shrink):           # the same type scales the platypus layout tries
            pdf = _render_at(data, paper if factor == 1.0 else paper.scaled(factor), title, author)
            if pdf is not None:
                return pdf
    except SubsetFull:                                # at any scale
        pass
    return None


def _render_at(data: FormData, paper: Paper, title: str, author: str) -> bytes | None:
    page = OnePage(paper.width, paper.height)
    try:
        _draw(page, data, paper)
    except Overflow:
        return None
    return page.pdf(title=nfc(title), author=nfc(author), subject=nfc(data.code), creator="Commune Desk")


def _draw(page: OnePage, data: FormData, paper: Paper) -> None:
    pen = Pen(page, paper)
    s, h, sm = paper.size, paper.header, paper.small
    office = data.office

    # header: agency block | national motto; "Số" | date line
    left_w = pen.width * 0.42
    top = pen.y
    pen.lines([Run(upper(office.name), R)], h, width=left_w - 4, align="center")
    pen.lines([Run(upper(office.unit), B)], h, width=left_w - 4, align="center")
    pen.rule(pen.left + (left_w - 4) / 2, min(pen.width * 0.3, 30 * mm))
    left_bottom = pen.y - 3.5
    pen.y = top
    rx, rw = pen.left + left_w, pen.width - left_w
    pen.lines([Run(NATION, B)], h, x=rx, width=rw, align="center")
    pen.lines([Run(MOTTO, B)], h + 0.5, x=rx, width=rw, align="center")
    pen.rule(rx + rw / 2, stringWidth(MOTTO, B, h + 0.5))
    pen.y = min(pen.y - 3.5, left_bottom) - 3
    row = pen.y
    pen.lines([Run(f"Số: {nfc(data.number or data.code)}", R)], h, width=left_w - 4, align="center")
    after_number = pen.y
    pen.y = row
    pen.lines([Run(date_line(office.place, print_date(data)), I)], h + 0.5, x=rx, width=rw, align="center")
    pen.y = min(pen.y, after_number)

    # barcode with its caption, QR code on the right
    url = qr_url(data)
    qr_w = paper.qr_size + 4 * mm if url else 0
    area = pen.width - qr_w
    pen.need(3 + 2 * mm + paper.barcode_height + s * 1.25)
    block_top = pen.y - 3
    barcode = Barcode128(data.code, paper.barcode_height, paper.barcode_module)   # validates the code
    barcode.wrap(area, paper.barcode_height)
    bar_y = block_top - 2 * mm - paper.barcode_height
    page.raw(barcode.ops(pen.left, bar_y))
    pen.y = bar_y
    pen.lines([Run("Mã hồ sơ: ", R), Run(data.code, B)], s, width=area, align="center")
    if url:
        page.raw(qr_ops(url, pen.left + pen.width - paper.qr_size, block_top, paper.qr_size))
        pen.y = min(pen.y, block_top - paper.qr_size)

    # title and body
    title = upper(TITLES["01"])
    pen.lines([Run(title, B)], paper.title, align="center", space_before=paper.title * 0.7)
    pen.y -= paper.title * 0.4
    body = lambda *runs: pen.lines(list(runs), s, space_before=s * 1.25 * 0.12)  # noqa: E731
    body(Run(f"{office.unit} – {office.name}", R))
    applicant = data.applicant
    body(Run("Tiếp nhận hồ sơ của: Ông/Bà ", R), Run(applicant.name, B))
    owner = data.owner
    if owner is not None and owner.name and owner.name != applicant.name:
        body(Run("Chủ hồ sơ: Ông/Bà ", R), Run(owner.name, B))
    if applicant.id_number:
        body(Run(f"Số định danh cá nhân/CCCD: {applicant.id_number}", R))
    if applicant.address:
        body(Run(f"Địa chỉ: {applicant.address}", R))
    contact = [f"Số điện thoại: {applicant.phone}"] if applicant.phone else []
    if applicant.email:
        contact.append(f"Email: {applicant.email}")
    if contact:
        body(Run("; ".join(contact), R))
    body(Run("Nội dung yêu cầu giải quyết: ", R), Run(data.procedure_name, B))
    body(Run("1. Thành phần hồ sơ nộp gồm:", R))
    _documents(pen, data, paper)
    body(Run(f"2. Số lượng hồ sơ: {count(data.quantity)} bộ", R))
    body(Run(f"3. Thời gian giải quyết hồ sơ theo quy định: {days_text(data.procedure_days) or BLANK}", R))
    body(Run("4. Thời gian nhận hồ sơ: ", R), Run(when(data.received_at), B))
    body(Run("5. Thời gian trả kết quả giải quyết hồ sơ: ", R), Run(when(data.due_at), B))
    body(Run(f"6. Đăng ký nhận kết quả tại: {return_place(data)}", R))
    if data.fee is not None:
        body(Run(f"7. Phí, lệ phí: {money(data.fee) if data.fee else 'Không thu'}", R))
    if data.notes:
        body(Run(f"Ghi chú: {data.notes}", R))
    pen.lines([Run(PICKUP_NOTE, I)], sm, leading=sm * 1.3, space_before=s * 1.25 * 0.4)
    _signatures(pen, paper, data)


def _documents(pen: Pen, data: FormData, paper: Paper) -> None:
    page, sm = pen.page, paper.small
    widths = {"a4": (7, 78, 12, 16, 12)}.get(paper.key, (7, 66, 13, 17, 13))
    scale = pen.width / sum(widths)
    widths = [w * scale for w in widths]
    pad = max(1.5, sm * 0.25)
    lead = sm * 1.2
    rows = [[(t, B, "center") for t in ("TT", "Tên giấy tờ", "Bản chính", "Bản sao (chứng thực)", "Bản photo")]]
    num = lambda n: count(n) if n else ""  # noqa: E731
    for i, doc in enumerate(data.documents, 1):
        rows.append([(str(i), R, "center"), (doc.name, R, "left"), (num(doc.originals), R, "center"),
                     (num(doc.certified_copies), R, "center"), (num(doc.photocopies), R, "center")])
    if len(rows) == 1:
        rows.append([("", R, "center"), ("(Không có giấy tờ kèm theo)", R, "left"), ("", R, "center"),
                     ("", R, "center"), ("", R, "center")])
    pen.y -= paper.size * 0.3
    top = pen.y
    xs = [pen.left]
    for w in widths:
        xs.append(xs[-1] + w)
    for row in rows:
        cells = [wrap_runs([Run(t, f)], sm, w - 2 * pad) for (t, f, _), w in zip(row, widths)]
        height = max(len(lines) for lines in cells) * lead + pad * 1.6
        pen.need(height)
        for (text, font, align), lines, x, w in zip(row, cells, xs, widths):
            y = pen.y - (height - len(lines) * lead) / 2
            for line in lines:
                y -= lead
                if not line:
                    continue
                content, cw = "".join(r.text for r in line), sum(r.width for r in line)
                page.text(x + pad if align == "left" else x + (w - cw) / 2, y + sm * 0.22, font, sm, content)
        pen.y -= height
        page.line(xs[0], pen.y, xs[-1], pen.y, 0.5)
    page.line(xs[0], top, xs[-1], top, 0.5)
    for x in xs:
        page.line(x, top, x, pen.y, 0.5)
    pen.y -= paper.size * 0.2


def _signatures(pen: Pen, paper: Paper, data: FormData) -> None:
    s, sm = paper.size, paper.small
    half = pen.width / 2
    blocks = (("NGƯỜI NỘP HỒ SƠ", data.applicant.name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.clerk_name))
    pen.need(s * 0.8 + s * 1.25 + sm * 1.25 + paper.sign_space + s * 1.25 * 2)
    pen.y -= s * 0.8
    top = pen.y
    bottoms = []
    for i, (title, name) in enumerate(blocks):
        pen.y = top
        x = pen.left + i * half + 2
        pen.lines([Run(title, B)], s, x=x, width=half - 4, align="center")
        pen.lines([Run(SIGN_HINT, I)], sm, x=x, width=half - 4, align="center")
        pen.y -= paper.sign_space
        if name:
            pen.lines([Run(name, B)], s, x=x, width=half - 4, align="center")
        bottoms.append(pen.y)
    pen.y = min(bottoms)
