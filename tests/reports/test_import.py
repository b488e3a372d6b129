"""`commune-desk import`: past dossiers from a .csv or .xlsx file, all rows or none, once."""

import json
import os
import re
import subprocess
import sys

import openpyxl
import pytest

from . import phuc_loi


def desk_cmd(data, *args, check=True):
    """The real command, on the day Phúc Lợi published its figures."""
    env = dict(os.environ, COMMUNE_DESK_NOW=phuc_loi.NOW)
    out = subprocess.run([sys.executable, "-m", "commune_desk", "--data-dir", str(data), *args],
                         capture_output=True, text=True, timeout=300, env=env)
    if check:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture
def office(tmp_path):
    data = tmp_path / "desk"
    desk_cmd(data, "setup", "--office-name", phuc_loi.OFFICE, "--agency-code", phuc_loi.AGENCY)
    return data


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_column(office, tmp_path):
    rows = phuc_loi.rows()[:40]
    rows[5]["NgayHenTra"] = "31/02/2019"          # line 7 of the file: the header is line 1
    rows[20]["KenhNop"] = "5"
    bad = tmp_path / "cu.xlsx"
    phuc_loi.write_xlsx(bad, rows)
    out = desk_cmd(office, "import", str(bad), check=False)
    assert out.returncode == 2
    assert "Dòng 7, cột NgayHenTra" in out.stderr and "còn 1 dòng sai khác" in out.stderr
    assert "Traceback" not in out.stderr
    report = json.loads(desk_cmd(office, "report", "--from", "2019-01-01", "--to", "2019-06-30", "--json").stdout)
    assert report["received"] == 0
    rows[5]["NgayHenTra"], rows[20]["KenhNop"] = "", "3"       # empty due date: computed from the procedure
    rows[6]["MaHoSo"] = "000.30.99.H26-190102-0001"
    phuc_loi.write_csv(tmp_path / "cu.csv", rows)
    out = desk_cmd(office, "import", str(tmp_path / "cu.csv"), check=False)
    assert out.returncode == 2 and "Dòng 8, cột MaHoSo" in out.stderr and "không thuộc cơ quan" in out.stderr
    rows[6]["MaHoSo"] = rows[7]["MaHoSo"]
    phuc_loi.write_csv(tmp_path / "cu.csv", rows)
    out = desk_cmd(office, "import", str(tmp_path / "cu.csv"), check=False)
    assert "Dòng 9, cột MaHoSo" in out.stderr and "trùng với dòng 8" in out.stderr
    wrong = desk_cmd(office, "import", str(tmp_path / "cu.txt"), check=False)
    assert wrong.returncode == 2 and ".csv" in wrong.stderr


def test_phuc_loi_first_half_of_2019_imported_and_reported(office, tmp_path):
    path = tmp_path / "phuc-loi-2019.csv"
    phuc_loi.write_csv(path)
    got = json.loads(desk_cmd(office, "import", str(path), "--json").stdout)
    assert got == {"imported": 4228, "skipped": 0}
    again = json.loads(desk_cmd(office, "import", str(path), "--json").stdout)
    assert again == {"imported": 0, "skipped": 4228}

    period = ["--from", "2019-01-01", "--to", "2019-06-30"]
    report = json.loads(desk_cmd(office, "report", *period, "--json").stdout)
    assert (report["received"], report["resolved"], report["open"], report["open_in_time"], report["open_overdue"],
            report["resolved_late"], report["online"], report["by_post"]) == (4228, 4204, 24, 24, 0, 0, 504, 83)
    assert report["on_time_rate"] == 100.0

    pdf = tmp_path / "bao-cao.pdf"
    desk_cmd(office, "report", *period, "--format", "pdf", "--out", str(pdf))
    page_text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    for label, value in (("Tổng số tiếp nhận", "4.228"), ("Đã giải quyết", "4.204"), ("– trong hạn", "24"),
                         ("– quá hạn", "0"), ("– trực tuyến", "504"), ("Trả kết quả qua bưu chính", "83"),
                         ("Tỷ lệ giải quyết đúng hạn", "100,00 %")):
        assert re.search(rf"{label}\s+{value}\n", page_text), (label, value)
    assert not re.search(r"– quá hạn\s+[1-9]", page_text)          # none late, none overdue
    assert "Kỳ báo cáo: từ ngày 01/01/2019 đến ngày 30/06/2019" in page_text

    xlsx = tmp_path / "bao-cao.xlsx"
    desk_cmd(office, "report", *period, "--format", "xlsx", "--by", "field", "--out", str(xlsx))
    book = openpyxl.load_workbook(xlsx)
    cells = {row[2]: row[1] for row in book["Báo cáo"].iter_rows(min_row=8, values_only=True)}
    assert (cells["received"], cells["resolved"], cells["open_within"], cells["open_overdue"], cells["resolved_late"],
            cells["new_online"], cells["delivered_by_post"], cells["on_time_rate"]) == (4228, 4204, 24, 0, 0, 504, 83, 1)
    by_field = list(book["Theo lĩnh vực"].iter_rows(min_row=2, values_only=True))
    assert sum(row[1] for row in by_field) == 4228 and all(isinstance(row[1], int) for row in by_field)

    shown = json.loads(desk_cmd(office, "show", "000.30.36.H26-190102-0001", "--json").stdout)
    assert shown["events"][0]["kind"] == "intake" and shown["events"][0]["imported"] is True
    assert shown["events"][0]["at"].startswith("2019-07-01T")         # the command ran on the fixed day


def test_imported_dossiers_sync_upstream_like_others(sqlite_server, tmp_path):
    from commune_desk.spreadsheets import read_rows
    from commune_desk.sync import run_pass
    from harness import Clock, enroll, make_desk, sync_options
    desk = make_desk(tmp_path / "d", 1, clock=Clock("2019-07-01 09:00"), agency=sqlite_server.agency)
    try:
        enroll(desk, sqlite_server, sqlite_server.add_commune())
        rows = [dict(r, MaHoSo=r["MaHoSo"].replace(phuc_loi.AGENCY, sqlite_server.agency), MaTTHC="HT-XNHN")
                for r in phuc_loi.rows()[-30:]]
        phuc_loi.write_csv(tmp_path / "cu.csv", rows)
        assert desk.import_dossiers(*read_rows(tmp_path / "cu.csv")) == {"imported": 30, "skipped": 0}
        run_pass(desk, sync_options(sqlite_server.url))
        on_server = {d["code"]: d["status"] for d in sqlite_server.dossiers()}
        assert on_server == {r["MaHoSo"]: int(r["TrangThaiHoSo"]) for r in rows}
    finally:
        desk.close()
