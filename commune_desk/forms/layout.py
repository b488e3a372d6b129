"""Paper sizes, paragraph styles and the building blocks shared by all forms."""
from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Callable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, Flowable, Frame, HRFlowable, KeepTogether,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

from . import fonts
from .model import OfficeInfo
from .wording import date_line, nfc

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Paper:
    key: str
    width: float
    height: float | None      # None: thermal roll, the page is as long as the content
    left: float
    right: float
    top: float
    bottom: float
    size: float               # body text
    header: float             # agency / national header
    title: float
    small: float              # tables, notes
    sign_space: float         # room for a handwritten signature
    barcode_height: float
    barcode_module: float     # widest Code128 module
    qr_size: float
    narrow: bool = False      # single-column layout
    shrink: tuple[float, ...] = ()   # type scales tried when a form overflows one page

    @property
    def content_width(self) -> float:
        return self.width - self.left - self.right

    def scaled(self, factor: float) -> "Paper":
        """Same sheet and margins, smaller type and signature room."""
        return replace(self, shrink=(), size=self.size * factor, header=self.header * factor,
                       title=self.title * factor, small=self.small * factor,
                       sign_space=self.sign_space * factor,
                       barcode_height=self.barcode_height * factor,
                       qr_size=max(18 * mm, self.qr_size * factor))


# Code128 modules: 0.254 mm (1/100 in) falls on whole pixels at 200/300/600 dpi;
# widths near 0.27 mm scanned unreliably from a 200 dpi render.
PAPERS: dict[str, Paper] = {
    # sized so an ordinary slip (up to ~6 documents) fits at 100 %: each shrink retry is a whole
    # second layout, and the clerk waits for it
    "a5": Paper("a5", 148 * mm, 210 * mm, 13 * mm, 9 * mm, 7 * mm, 7 * mm,
                size=9.5, header=8.5, title=11.5, small=8.5, sign_space=11 * mm,
                barcode_height=8 * mm, barcode_module=0.254 * mm, qr_size=16 * mm,
                shrink=(0.92, 0.85)),
    "a4": Paper("a4", 210 * mm, 297 * mm, 25 * mm, 15 * mm, 15 * mm, 15 * mm,
                size=12.5, header=11.5, title=13.5, small=10.5, sign_space=20 * mm,
                barcode_height=11 * mm, barcode_module=0.3 * mm, qr_size=25 * mm,
                shrink=(0.92, 0.85, 0.78)),
    "80mm": Paper("80mm", 80 * mm, None, 4 * mm, 4 * mm, 3 * mm, 6 * mm,
                  size=8.5, header=7.5, title=9.5, small=7.5, sign_space=13 * mm,
                  barcode_height=10 * mm, barcode_module=0.3 * mm, qr_size=28 * mm,
                  narrow=True),
}
A4_LANDSCAPE = Paper("a4-landscape", 297 * mm, 210 * mm, 10 * mm, 10 * mm, 10 * mm, 12 * mm,
                     size=11, header=10.5, title=14, small=8.5, sign_space=10 * mm,
                     barcode_height=0, barcode_module=0, qr_size=0)


def text(value: object) -> str:
    """NFC-normalised, XML-escaped text for use inside Paragraph markup."""
    return escape(nfc(value))


def upper(value: object) -> str:
    return nfc(value).upper()


def make_table(rows: list, widths: Sequence[float], commands: Sequence[tuple],
               repeat_rows: int = 0) -> Table:
    """A Table whose plain-string cells also use the embedded font (reportlab
    would otherwise reference Helvetica, even for empty cells)."""
    table = Table(rows, colWidths=list(widths), repeatRows=repeat_rows)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR), *commands]))
    return table


NO_PADDING = [(side, (0, 0), (-1, -1), 0) for side in
              ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]


class Sheet:
    """Styles and building blocks for one paper size."""

    def __init__(self, paper: Paper):
        fonts.register_fonts()
        self.paper = paper
        self.width = paper.content_width
        s, lead = paper.size, paper.size * 1.25

        def style(name, **kw):
            base = dict(fontName=fonts.REGULAR, fontSize=s, leading=lead, alignment=TA_LEFT)
            base.update(kw)
            return ParagraphStyle(name, **base)

        h, sm = paper.header, paper.small
        self.body = style("body", spaceBefore=lead * 0.12)
        self.justify = style("justify", alignment=TA_JUSTIFY, spaceBefore=lead * 0.12)
        self.indent = style("indent", leftIndent=s * 1.2, spaceBefore=lead * 0.1)
        self.center = style("center", alignment=TA_CENTER)
        self.header_c = style("header", fontSize=h, leading=h * 1.25, alignment=TA_CENTER)
        self.header_b = style("header_b", fontName=fonts.BOLD, fontSize=h, leading=h * 1.25,
                              alignment=TA_CENTER)
        self.motto = style("motto", fontName=fonts.BOLD, fontSize=h + 0.5,
                           leading=(h + 0.5) * 1.25, alignment=TA_CENTER)
        self.date = style("date", fontName=fonts.ITALIC, fontSize=h + 0.5,
                          leading=(h + 0.5) * 1.25, alignment=TA_CENTER)
        self.title = style("title", fontName=fonts.BOLD, fontSize=paper.title,
                           leading=paper.title * 1.25, alignment=TA_CENTER,
                           spaceBefore=paper.title * 0.7, spaceAfter=paper.title * 0.4)
        self.cell = style("cell", fontSize=sm, leading=sm * 1.2)
        self.cell_c = style("cell_c", fontSize=sm, leading=sm * 1.2, alignment=TA_CENTER)
        self.cell_h = style("cell_h", fontName=fonts.BOLD, fontSize=sm, leading=sm * 1.2,
                            alignment=TA_CENTER)
        self.note = style("note", fontName=fonts.ITALIC, fontSize=sm, leading=sm * 1.3,
                          alignment=TA_JUSTIFY, spaceBefore=lead * 0.4)
        self.sign_title = style("sign_title", fontName=fonts.BOLD, fontSize=s, leading=lead,
                                alignment=TA_CENTER)
        self.sign_hint = style("sign_hint", fontName=fonts.ITALIC, fontSize=sm,
                               leading=sm * 1.25, alignment=TA_CENTER)
        self.sign_name = style("sign_name", fontName=fonts.BOLD, fontSize=s, leading=lead,
                               alignment=TA_CENTER)
        self.small_left = style("small_left", fontSize=sm, leading=sm * 1.25)

    # -- text ---------------------------------------------------------------
    def para(self, markup: str, style: ParagraphStyle | None = None) -> Paragraph:
        """A paragraph from markup whose dynamic parts went through `text()`."""
        return Paragraph(markup, style or self.body)

    def field(self, label: str, value: object, bold: bool = False,
              style: ParagraphStyle | None = None) -> Paragraph:
        value = text(value)
        return self.para(f"{text(label)}: {f'<b>{value}</b>' if bold else value}", style)

    def title_block(self, title: str, subtitle: str = "") -> list[Flowable]:
        lines = self._balance(upper(title), self.title.fontName, self.title.fontSize)
        out: list[Flowable] = [self.para("<br/>".join(map(text, lines)), self.title)]
        if subtitle:
            out.append(self.para(f"<i>{text(subtitle)}</i>", self.center))
        return out

    def _balance(self, line: str, font: str, size: float) -> list[str]:
        """Split a title too long for one line into two lines of similar width
        (the paragraph still wraps further if even that is too wide)."""
        if stringWidth(line, font, size) <= self.width:
            return [line]
        words = line.split()
        splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        if not splits:
            return [line]
        return list(min(splits, key=lambda p: max(stringWidth(x, font, size) for x in p)))

    # -- header -------------------------------------------------------------
    def header(self, office: OfficeInfo, number: str | None,
               when: date | datetime | None) -> list[Flowable]:
        """Agency block and national motto; "Số: …" and the date line under them."""
        left = [self.para(text(upper(office.name)), self.header_c),
                self.para(text(upper(office.unit)), self.header_b),
                self._rule(min(self.width * 0.3, 30 * mm))]
        right = [self.para(text(NATION), self.header_b),
                 self.para(text(MOTTO), self.motto),
                 self._rule(stringWidth(MOTTO, fonts.BOLD, self.motto.fontSize))]
        number_p = self.para(f"Số: {text(number)}", self.header_c) if number is not None else None
        date_p = self.para(text(date_line(office.place, when)), self.date) if when else None
        if self.paper.narrow:
            out = left + [Spacer(1, 2)] + right
            if date_p:
                out.append(date_p)
            if number_p:
                out.append(number_p)
            return out
        # the motto column takes what its widest line needs; the agency block gets the rest, so
        # «BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ» stays on one line on A5
        right_w = max(stringWidth(NATION, fonts.BOLD, self.header_b.fontSize),
                      stringWidth(MOTTO, fonts.BOLD, self.motto.fontSize)) + 12
        left_w = max(self.width * 0.42, self.width - right_w)
        rows = [[left, right], [number_p or "", date_p or ""]]
        return [make_table(rows, [left_w, self.width - left_w], [
            *NO_PADDING,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("TOPPADDING", (0, 1), (-1, 1), 3),
            ("RIGHTPADDING", (0, 0), (0, -1), 4),
        ])]

    def _rule(self, width: float) -> Flowable:
        return HRFlowable(width=width, thickness=0.6, color=colors.black, hAlign="CENTER",
                          spaceBefore=1.5, spaceAfter=2)

    # -- tables -------------------------------------------------------------
    def grid(self, header: Sequence[str], rows: Sequence[Sequence[object]],
             widths: Sequence[float], left_cols: Sequence[int] = (1,),
             header_rows: int = 1, extra: Sequence[tuple] = ()) -> Table:
        """A ruled table; string cells become wrapping paragraphs, left-aligned
        in `left_cols` and centred elsewhere, the header bold. Widths are scaled to the frame.

        A cell of one word that fits its column cannot wrap: the table draws it as a string in
        the same font, size and place (a paragraph for "01" cost a parse and two line-breaking
        passes per cell). An empty cell holds nothing, as an empty paragraph did."""
        scale = self.width / sum(widths)
        pad = max(1.5, self.paper.small * 0.25)
        room = [w * scale - 2 * pad for w in widths]

        def cell(value, style, col):
            if isinstance(value, (Flowable, list)):
                return value
            value = nfc(value)
            if not value:
                return []
            if value.split() == [value] and stringWidth(value, style.fontName, style.fontSize) <= room[col]:
                return value
            return self.para(escape(value), style)

        data = [[cell(h, self.cell_h, i) for i, h in enumerate(header)]] if header else []
        for row in rows:
            data.append([cell(v, self.cell if i in left_cols else self.cell_c, i)
                         for i, v in enumerate(row)])
        body = 1 if header else 0
        table = make_table(data, [w * scale for w in widths], [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            # string cells: the look of the paragraph styles above (cell, cell_c, cell_h)
            ("FONTSIZE", (0, 0), (-1, -1), self.cell.fontSize),
            ("LEADING", (0, 0), (-1, -1), self.cell.leading),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            *[("ALIGN", (c, body), (c, -1), "LEFT") for c in left_cols],
            *([("FONTNAME", (0, 0), (-1, 0), self.cell_h.fontName)] if header else []),
            *extra,
        ], repeat_rows=header_rows)
        table.spaceBefore = self.paper.size * 0.3
        table.spaceAfter = self.paper.size * 0.2
        return table

    # -- signatures ---------------------------------------------------------
    def signatures(self, *blocks: tuple[str, str, str] | list[Flowable] | None,
                   keep_with: Sequence[Flowable] = ()) -> Flowable:
        """Signature blocks side by side: (title, hint, printed name) or a
        ready list of flowables; None leaves that column empty. Titles, hints
        and names each share a row so the printed names line up."""
        after: list[Flowable] = []
        if self.paper.narrow:          # a roll is too narrow for side notes
            after = [f for b in blocks if isinstance(b, list) for f in b]
            blocks = tuple(b for b in blocks if isinstance(b, tuple)) or (None,)
        rows: list[list] = [[], [], [], []]
        spans = []
        for col, block in enumerate(blocks):
            if block is None or isinstance(block, list):
                for row in rows:
                    row.append("")
                if block:
                    rows[0][col] = block
                    spans += [("SPAN", (col, 0), (col, -1)), ("VALIGN", (col, 0), (col, 0), "TOP")]
                continue
            title, hint, name = block
            rows[0].append(self.para(text(upper(title)).replace("\n", "<br/>"), self.sign_title))
            rows[1].append(self.para(text(hint), self.sign_hint))
            rows[2].append(Spacer(1, self.paper.sign_space))
            rows[3].append(self.para(text(name), self.sign_name) if name else "")
        col = self.width / len(blocks)
        table = make_table(rows, [col] * len(blocks), [
            *NO_PADDING,
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            *spans,
        ])
        table.spaceBefore = self.paper.size * 0.8
        if after:
            after.insert(0, Spacer(1, self.paper.size))
        return KeepTogether([*keep_with, table, *after])


# -- building the PDF ---------------------------------------------------------
def _story_height(story: Sequence[Flowable], width: float) -> float:
    canvas = Canvas(io.BytesIO())
    flat: list[Flowable] = []
    for flowable in story:   # KeepTogether reports a huge height on purpose
        flat.extend(flowable._content if isinstance(flowable, KeepTogether) else [flowable])
    total = 0.0
    for i, flowable in enumerate(flat):
        _, h = flowable.wrapOn(canvas, width, 1e6)
        total += h + flowable.getSpaceAfter() + (flowable.getSpaceBefore() if i else 0)
    return total


def _layout(story: list[Flowable], paper: Paper, height: float, meta: dict,
            canvasmaker=None) -> tuple[bytes, int]:
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=(paper.width, height),
                          leftMargin=paper.left, rightMargin=paper.right,
                          topMargin=paper.top, bottomMargin=paper.bottom,
                          creator="Commune Desk", **meta,
                          # slips go to a local printer: deflating them costs the clerk ~15 ms each
                          pageCompression=0,
                          initialFontName=fonts.REGULAR)  # keeps Helvetica out of the PDF
    frame = Frame(paper.left, paper.bottom, paper.content_width,
                  height - paper.top - paper.bottom,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate("page", [frame])])
    doc.build(list(story), **({"canvasmaker": canvasmaker} if canvasmaker else {}))
    return buf.getvalue(), doc.page


def build_pdf(make_story: Callable[[Paper], list[Flowable]], paper: Paper, *, title: str,
              author: str = "", subject: str = "", canvasmaker=None) -> bytes:
    """Lay out the story made for `paper`.

    A roll (height None) gets one page exactly as long as the content. On
    sheets, content that overflows one page is laid out again with type scaled
    by each factor in `paper.shrink`; if none fits, the full-size multi-page version
    is returned (text is never clipped).
    """
    meta = dict(title=nfc(title), author=nfc(author), subject=nfc(subject))
    if paper.height is None:
        story = make_story(paper)
        height = _story_height(story, paper.content_width) + paper.top + paper.bottom + 2 * mm
        for _attempt in range(4):
            pdf, pages = _layout(story, paper, height, meta, canvasmaker)
            if pages == 1:
                return pdf
            height *= 1.3          # the estimate fell short: grow the roll, lay out again
            story = make_story(paper)
        raise RuntimeError("Không dàn trang được biểu mẫu trên giấy cuộn")
    for factor in (1.0, *paper.shrink):
        sized = paper if factor == 1.0 else paper.scaled(factor)
        pdf, pages = _layout(make_story(sized), sized, paper.height, meta, canvasmaker)
        if pages == 1:
            return pdf
    first, _ = _layout(make_story(paper), paper, paper.height, meta, canvasmaker)
    return first
