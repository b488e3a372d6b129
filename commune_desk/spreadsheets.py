"""Reading the rows of a .csv (UTF-8) or .xlsx file: [(row number as the office sees it, {column: value})]."""

import csv
from pathlib import Path

from commune_desk.errors import InvalidInput
from commune_desk.rules.text import nfc


def read_rows(path: str | Path) -> tuple[list[str], list[tuple[int, dict]]]:
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise InvalidInput(f"Chỉ nhập được tệp .csv (UTF-8) hoặc .xlsx, không phải «{path.name}».", "file")
    try:
        table = _read_csv(path) if kind == ".csv" else _read_xlsx(path)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, KeyError) as exc:
        raise InvalidInput(f"Không đọc được tệp {path}: {exc}", "file") from None
    if not table:
        raise InvalidInput(f"Tệp {path.name} trống.", "file")
    header = [nfc(str(h or "")).strip() for h in table[0]]
    rows = []
    for n, values in enumerate(table[1:], start=2):
        if all(v in (None, "") for v in values):
            continue
        rows.append((n, dict(zip(header, values))))
    return header, rows


def _read_csv(path: Path) -> list[list]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(text.splitlines(), dialect)]


def _read_xlsx(path: Path) -> list[list]:
    from zipfile import BadZipFile

    import openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except BadZipFile as exc:
        raise ValueError(f"không phải tệp Excel .xlsx ({exc})") from None
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


# ---- writing the period report -----------------------------------------------------------------

def write_report_xlsx(doc, path: str | Path) -> None:
    """The report's table (and its split, months and overdue list) with Vietnamese headers; counts
    are numbers, the on-time rate a fraction formatted as a percentage."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    from commune_desk.rules.report import RATE_LABEL, RATING_LABEL, REPORT_LINES, SPLITS

    bold = Font(bold=True)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    r = doc.report
    period = f"Từ ngày {doc.period_from:%d/%m/%Y} đến ngày {doc.period_to:%d/%m/%Y}"
    for row in ((doc.office.name.upper(),), (doc.office.unit.upper(),), (),
                ("BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH",), (period,), (),
                ("Chỉ tiêu", "Số hồ sơ", "Mã chỉ tiêu")):
        sheet.append(row)
    for cell in (sheet["A1"], sheet["A4"], sheet["A7"], sheet["B7"], sheet["C7"]):
        cell.font = bold
    figures = r.to_dict()
    for key, label in REPORT_LINES:
        sheet.append((label.strip(), figures[key], key))
        if label.startswith("  "):
            sheet.cell(sheet.max_row, 1).alignment = Alignment(indent=2)
    sheet.append((RATE_LABEL, None if r.on_time_rate is None else r.on_time_rate / 100, "on_time_rate"))
    sheet.cell(sheet.max_row, 2).number_format = "0.00%"
    sheet.append((RATING_LABEL, r.rating_average, "rating_average"))
    sheet.cell(sheet.max_row, 2).number_format = "0.00"
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 20

    def table(title, header, rows, rate_col=None):
        ws = book.create_sheet(title)
        ws.append(header)
        for c in ws[1]:
            c.font = bold
            c.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            ws.append(row)
            if rate_col is not None:
                ws.cell(ws.max_row, rate_col).number_format = "0.00%"
        ws.freeze_panes = "B2"
        ws.column_dimensions["A"].width = 36
        return ws

    def split_row(label, x):
        return (label, x.received, x.carried_over, x.new, x.new_by_channel["2"], x.resolved, x.resolved_early,
                x.resolved_on_time, x.resolved_late, x.open, x.open_within, x.open_overdue,
                None if x.on_time_rate is None else x.on_time_rate / 100)

    header = ("Tiếp nhận", "Kỳ trước chuyển sang", "Mới", "Trực tuyến", "Đã giải quyết", "Trước hạn", "Đúng hạn",
              "Quá hạn", "Đang giải quyết", "Trong hạn", "Đang quá hạn", RATE_LABEL)
    if doc.groups:
        table(f"Theo {SPLITS[doc.by].lower()}", (SPLITS[doc.by],) + header,
              [split_row(label, x) for _, label, x in doc.groups], rate_col=13)
    table("Theo tháng", ("Tháng",) + header,
          [split_row(f"{m.month:02d}/{m.year}", x) for m, x in doc.months], rate_col=13)
    ws = table("Hồ sơ quá hạn", ("Mã hồ sơ", "Người nộp", "Thủ tục", "Ngày nhận", "Hạn trả", "Quá (ngày)"),
               [(o.code, o.applicant_name, o.procedure_name, o.received_at[:16].replace("T", " "),
                 o.due_at[:16].replace("T", " "), o.overdue_days) for o in r.overdue])
    ws.column_dimensions["C"].width = 50
    book.save(path)
