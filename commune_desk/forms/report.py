"""The period report on A4: office header, the figures table, the split by field/procedure/
channel/clerk, three charts (reportlab.graphics) and the overdue list. Numbers in Vietnamese
form: 4.228; 99,35 %."""
from __future__ import annotations

from dataclasses import replace

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from commune_desk.rules.report import (RATE_LABEL, RATING_LABEL, REPORT_LINES, SPLITS, format_average,
                                       format_count, format_rate)

from . import fonts
from .layout import PAPERS, Sheet, build_pdf, text
from .wording import short_date

TITLE = "Báo cáo tình hình tiếp nhận và giải quyết hồ sơ thủ tục hành chính"
PAPER = replace(PAPERS["a4"], key="a4-report", left=20 * mm, right=15 * mm, size=11, small=9, shrink=())
RECEIVED_COLOUR = colors.HexColor("#1f5f8b")
RESOLVED_COLOUR = colors.HexColor("#2e8b57")
LATE_COLOUR = colors.HexColor("#b22222")
SPLIT_HEADER = ("", "Tiếp nhận", "Kỳ trước", "Mới", "Trực tuyến", "Đã giải quyết", "Trước hạn", "Đúng hạn",
                "Quá hạn", "Đang giải quyết", "Đang quá hạn", "Tỷ lệ đúng hạn")


def _whole(v) -> str:
    return format_count(int(round(v)))


def _month(d) -> str:
    return f"T{d.month}/{d.year % 100:02d}"


def _axis_font(axis, size=8):
    axis.labels.fontName = fonts.REGULAR
    axis.labels.fontSize = size


def _caption(drawing: Drawing, title: str) -> None:
    drawing.add(String(0, drawing.height - 11, title, fontName=fonts.BOLD, fontSize=10))


def received_resolved_chart(doc, width: float) -> Drawing:
    d = Drawing(width, 62 * mm)
    _caption(d, "Tiếp nhận mới và đã giải quyết theo tháng")
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 12 * mm, width - 18 * mm, 38 * mm
    chart.data = [[r.new for _, r in doc.months], [r.resolved for _, r in doc.months]]
    chart.categoryAxis.categoryNames = [_month(m) for m, _ in doc.months]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = _whole
    chart.bars[0].fillColor, chart.bars[1].fillColor = RECEIVED_COLOUR, RESOLVED_COLOUR
    chart.barLabelFormat = _whole
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.nudge = fonts.REGULAR, 6.5, 5
    _axis_font(chart.categoryAxis)
    _axis_font(chart.valueAxis)
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 75 * mm, d.height - 5
    legend.fontName, legend.fontSize, legend.columnMaximum = fonts.REGULAR, 8, 1
    legend.dx = legend.dy = 7
    legend.alignment = "right"
    legend.colorNamePairs = [(RECEIVED_COLOUR, "Tiếp nhận mới"), (RESOLVED_COLOUR, "Đã giải quyết")]
    d.add(legend)
    return d


def on_time_chart(doc, width: float) -> Drawing:
    d = Drawing(width, 55 * mm)
    _caption(d, f"{RATE_LABEL} theo tháng (%)")
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, width - 18 * mm, 34 * mm
    # a month with nothing resolved has no rate: drawn as a gap (markers only when the line would break)
    rates = [r.on_time_rate for _, r in doc.months]
    known = [i for i, v in enumerate(rates) if v is not None]
    if not known:
        d.add(String(0, d.height - 24, "Chưa có hồ sơ được giải quyết trong kỳ.", fontName=fonts.ITALIC,
                     fontSize=9))
        return d
    chart.data = [rates]
    if len(known) < 2 or known[-1] - known[0] + 1 != len(known):
        chart.joinedLines = 0
    chart.categoryAxis.categoryNames = [_month(m) for m, _ in doc.months]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = RESOLVED_COLOUR, 1.5
    chart.lines[0].symbol = makeMarker("FilledCircle", size=3, fillColor=RESOLVED_COLOUR)
    chart.lineLabelFormat = lambda v: format_rate(v).replace(" %", "")
    chart.lineLabels.fontName, chart.lineLabels.fontSize, chart.lineLabels.dy = fonts.REGULAR, 6.5, 5
    _axis_font(chart.categoryAxis)
    _axis_font(chart.valueAxis)
    d.add(chart)
    return d


def overdue_by_field_chart(doc, width: float) -> Drawing:
    rows = [(label, r.resolved_late + r.open_overdue) for label, r in doc.fields]
    height = max(30 * mm, (len(rows) * 7 + 18) * mm)
    d = Drawing(width, height)
    _caption(d, "Hồ sơ quá hạn theo lĩnh vực (giải quyết quá hạn và đang quá hạn)")
    if not any(n for _, n in rows):
        d.add(String(0, height - 24, "Không có hồ sơ quá hạn trong kỳ.", fontName=fonts.ITALIC, fontSize=9))
        return d
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 48 * mm, 6 * mm, width - 60 * mm, height - 18 * mm
    chart.data = [[n for _, n in rows]]
    chart.categoryAxis.categoryNames = [label for label, _ in rows]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = _whole
    chart.bars[0].fillColor = LATE_COLOUR
    chart.barLabelFormat = _whole
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.dx = fonts.REGULAR, 7, 8
    _axis_font(chart.categoryAxis, 8)
    _axis_font(chart.valueAxis)
    d.add(chart)
    return d


def _figures_table(sheet: Sheet, r) -> Flowable:
    data = r.to_dict()
    rows = [(label.strip().lstrip("–").strip() if label.startswith("  ") else label,
             format_count(data[key])) for key, label in REPORT_LINES]
    indent = [i for i, (_, label) in enumerate(REPORT_LINES) if label.startswith("  ")]
    rows += [(RATE_LABEL, format_rate(r.on_time_rate)), (RATING_LABEL, format_average(r.rating_average))]
    numbered = []
    n = 0
    for i, (label, value) in enumerate(rows):
        if i in indent:
            numbered.append(("", sheet.para(f"&nbsp;&nbsp;&nbsp;– {text(label)}", sheet.cell), value))
        else:
            n += 1
            numbered.append((str(n), sheet.para(f"<b>{text(label)}</b>", sheet.cell), value))
    return sheet.grid(("STT", "Chỉ tiêu", "Số hồ sơ"), numbered, (12, 120, 38), left_cols=(1,))


def _split_table(sheet: Sheet, doc) -> Flowable:
    rows = []
    for _, label, r in doc.groups:
        rows.append((label, *(format_count(v) for v in (
            r.received, r.carried_over, r.new, r.new_by_channel["2"], r.resolved, r.resolved_early,
            r.resolved_on_time, r.resolved_late, r.open, r.open_overdue)), format_rate(r.on_time_rate)))
    header = (SPLITS[doc.by],) + SPLIT_HEADER[1:]
    small = sheet.cell.clone("split", fontSize=sheet.paper.small - 1, leading=(sheet.paper.small - 1) * 1.2)
    small_c = sheet.cell_c.clone("split_c", fontSize=sheet.paper.small - 1, leading=(sheet.paper.small - 1) * 1.2)
    body = [[sheet.para(text(row[0]), small)] + [sheet.para(text(v), small_c) for v in row[1:]] for row in rows]
    return sheet.grid(header, body, (40, 15, 13, 12, 14, 15, 14, 14, 13, 15, 14, 16), left_cols=(0,))


def _overdue_table(sheet: Sheet, r, limit: int = 30) -> list[Flowable]:
    from datetime import datetime
    items = r.overdue[:limit]
    rows = [(str(i + 1), o.code, o.applicant_name, o.procedure_name,
             f"{datetime.fromisoformat(o.due_at):%H:%M %d/%m/%Y}", format_count(o.overdue_days))
            for i, o in enumerate(items)]
    out = [sheet.para(f"<b>Danh sách hồ sơ đang quá hạn</b> ({format_count(len(r.overdue))} hồ sơ"
                      + (f", in {limit} hồ sơ quá hạn lâu nhất" if len(r.overdue) > limit else "") + ")"),
           sheet.grid(("STT", "Mã hồ sơ", "Người nộp", "Thủ tục", "Hạn trả", "Quá (ngày)"), rows,
                      (10, 48, 34, 50, 26, 14), left_cols=(1, 2, 3))]
    return out


def _story(doc, paper) -> list[Flowable]:
    sheet = Sheet(paper)
    r = doc.report
    story: list[Flowable] = [
        *sheet.header(doc.office, None, doc.made_on),
        Spacer(1, 4 * mm),
        *sheet.title_block(TITLE, f"Kỳ báo cáo: từ ngày {short_date(doc.period_from)} đến ngày "
                                  f"{short_date(doc.period_to)}"),
        Spacer(1, 3 * mm),
        sheet.para(f"Số liệu tính đến {_at(r.at)}. Tỷ lệ giải quyết đúng hạn = (trước hạn + đúng hạn) / đã giải quyết."
                   , sheet.small_left),
        _figures_table(sheet, r),
    ]
    if doc.groups:
        story += [Spacer(1, 3 * mm), sheet.para(f"<b>Chia theo {text(SPLITS[doc.by].lower())}</b>"),
                  _split_table(sheet, doc)]
    width = sheet.width
    story += [Spacer(1, 4 * mm), KeepTogether([received_resolved_chart(doc, width)]), Spacer(1, 3 * mm),
              KeepTogether([on_time_chart(doc, width)]), Spacer(1, 3 * mm),
              KeepTogether([overdue_by_field_chart(doc, width)])]
    if r.overdue:
        story += [Spacer(1, 3 * mm), *_overdue_table(sheet, r)]
    head = doc.office.head_title or "THỦ TRƯỞNG CƠ QUAN"
    story.append(sheet.signatures(("Người lập báo cáo", "(Ký, ghi rõ họ tên)", ""),
                                  (head, "(Ký tên, đóng dấu)", doc.office.head_name)))
    return story


def _at(iso: str) -> str:
    from datetime import datetime, timedelta
    t = datetime.fromisoformat(iso)
    if (t.hour, t.minute, t.second) == (0, 0, 0):
        return f"hết ngày {t - timedelta(days=1):%d/%m/%Y}"
    return f"{t:%H} giờ {t:%M} phút, ngày {t:%d/%m/%Y}"


def render_report(doc) -> bytes:
    return build_pdf(lambda paper: _story(doc, paper), PAPER,
                     title=f"{TITLE} {short_date(doc.period_from)} - {short_date(doc.period_to)}",
                     author=doc.office.name)
