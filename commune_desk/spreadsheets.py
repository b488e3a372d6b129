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
