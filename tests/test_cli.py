"""The headless commands: the contract that scripts, imports and admins rely on."""

import json
import os
import subprocess
import sys

import pytest


def run(*args, data_dir=None, check=True):
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "commune_desk", *args]
    if data_dir:
        cmd[3:3] = ["--data-dir", str(data_dir)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def test_setup_catalog_due_intake(tmp_path):
    data = tmp_path / "desk"
    out = run("setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.h26", "--desk", "1",
              "--json", data_dir=data)
    setup = json.loads(out.stdout)
    assert setup["agency_code"] == "000.30.36.H26" and setup["place"] == "Phúc Lợi"
    assert setup["procedures"] >= 25
    assert (data / "desk.sqlite3").exists()

    catalog = json.loads(run("catalog", "khai sinh", "--json", data_dir=data).stdout)
    assert any(p["id"] == "HT-KS" and p["days"] == 0 for p in catalog)

    due = json.loads(run("due", "--procedure", "HT-KS", "--received-at", "2026-11-23T15:20:00+07:00",
                         "--json", data_dir=data).stdout)
    assert due == {"received_at": "2026-11-23T15:20:00+07:00", "starts_at": "2026-11-23T15:20:00+07:00",
                   "due_at": "2026-11-25T17:00:00+07:00", "days": 0}

    got = json.loads(run("intake", "--procedure", "HT-XNHN", "--name", "Nguyễn Văn Đạt",
                         "--id-number", "001090012345", "--phone", "0912 345 678", "--json", data_dir=data).stdout)
    assert set(got) >= {"code", "uuid", "received_at", "due_at", "status"}
    # received at the time COMMUNE_DESK_NOW gives (tests/conftest.py: Monday 23/11/2026 09:32)
    assert got["code"] == "000.30.36.H26-261123-0001" and got["status"] == 2
    assert got["received_at"] == "2026-11-23T09:32:00+07:00" and got["due_at"] == "2026-11-27T09:32:00+07:00"


def test_time_given_to_a_command_must_be_iso(tmp_path, monkeypatch):
    monkeypatch.setenv("COMMUNE_DESK_NOW", "23/11/2026")
    out = run("intake", "--procedure", "HT-KS", "--name", "An", data_dir=tmp_path / "d", check=False)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "COMMUNE_DESK_NOW" in out.stderr


def test_due_with_days_needs_no_setup(tmp_path):
    out = run("due", "--days", "5", "--received-at", "2026-11-13T09:32", "--json", data_dir=tmp_path / "x")
    assert json.loads(out.stdout)["due_at"] == "2026-11-20T09:32:00+07:00"


@pytest.mark.parametrize("args, message", [
    (["due", "--days", "1", "--received-at", "hôm qua"], "ISO 8601"),
    (["due", "--days", "1"], "thiếu tham số bắt buộc: --received-at"),
    (["setup", "--office-name", "UBND", "--agency-code", "bad code"], "Mã định danh cơ quan"),
    (["setup", "--office-name", "UBND", "--agency-code", "000.30.36.H26", "--desk", "12"], "từ 1 đến 9"),
    (["intake", "--procedure", "HT-KS", "--name", "An"], "chưa được thiết lập"),
])
def test_bad_input_is_one_vietnamese_line_and_nonzero(tmp_path, args, message):
    out = run(*args, data_dir=tmp_path / "d", check=False)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr
    assert "Traceback" not in out.stderr


def test_bad_intake_changes_nothing(tmp_path):
    data = tmp_path / "d"
    run("setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26", data_dir=data)
    out = run("intake", "--procedure", "HT-XNHN", "--name", "An", "--id-number", "003090012345",
              data_dir=data, check=False)
    assert out.returncode == 2 and "mã tỉnh" in out.stderr
    ok = json.loads(run("intake", "--procedure", "HT-XNHN", "--name", "An", "--json", data_dir=data).stdout)
    assert ok["code"].endswith("-0001")


def test_help_on_every_command_is_vietnamese():
    for cmd in ([], ["setup"], ["catalog"], ["due"], ["intake"]):
        out = run(*cmd, "--help")
        assert "cách dùng" in out.stdout and "tùy chọn" in out.stdout


def test_environment_variable_chooses_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COMMUNE_DESK_DATA_DIR", str(tmp_path / "env"))
    run("setup", "--office-name", "UBND xã An Bình", "--agency-code", "000.30.36.H27")
    assert (tmp_path / "env" / "desk.sqlite3").exists()


def test_report_catalog_edit_and_calendar_day(tmp_path):
    data = tmp_path / "d"
    run("setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26", data_dir=data)
    run("intake", "--procedure", "HT-XNHN", "--name", "An", "--received-at", "2026-11-02T09:00", data_dir=data)
    run("intake", "--procedure", "HT-KS", "--name", "Bình", "--outcome", "refused", "--reason", "Sai thẩm quyền",
        "--received-at", "2026-11-03T09:00", data_dir=data)
    report = json.loads(run("report", "--from", "2026-11-01", "--to", "2026-11-30", "--json", data_dir=data).stdout)
    assert report["new"] == 1 and report["refused"] == 1 and report["open_overdue"] == 1
    text = run("report", "--from", "2026-11-01", "--to", "2026-11-30", data_dir=data).stdout
    assert "Tiếp nhận mới trong kỳ" in text and "Tỷ lệ đúng hạn" in text

    edited = json.loads(run("catalog-edit", "HT-XNHN", "--fee", "3000", "--json", data_dir=data).stdout)
    assert edited["fee"] == 3000 and edited["edited"]
    bad = run("catalog-edit", "HT-XNHN", "--fee", "-1", data_dir=data, check=False)
    assert bad.returncode == 2 and "không âm" in bad.stderr

    run("calendar-day", "2026-11-24", "--working", "--note", "Làm bù", data_dir=data)
    due = json.loads(run("due", "--days", "1", "--received-at", "2026-11-23T13:00", "--json", data_dir=data).stdout)
    assert due["due_at"] == "2026-11-24T12:00:00+07:00"
    run("calendar-day", "2026-11-24", "--clear", data_dir=data)
    due = json.loads(run("due", "--days", "1", "--received-at", "2026-11-23T13:00", "--json", data_dir=data).stdout)
    assert due["due_at"] == "2026-11-25T12:00:00+07:00"


def test_print_and_reprint_keep_the_code(tmp_path):
    data = tmp_path / "d"
    run("setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26", "--paper", "80mm",
        data_dir=data)
    code = json.loads(run("intake", "--procedure", "HT-KS", "--name", "Ngô Thị Mai", "--json", data_dir=data).stdout)["code"]
    texts = []
    for n in (1, 2):
        out = tmp_path / f"slip{n}.pdf"
        run("print", code, "--form", "01", "--paper", "80mm", "--out", str(out), data_dir=data)
        texts.append(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout)
    assert all(code in t and "Ngô Thị Mai" in t for t in texts)
    shown = json.loads(run("show", code, "--json", data_dir=data).stdout)
    kinds = [e["kind"] for e in shown["events"]]
    assert kinds.count("export") == 2 and "print" not in kinds     # a PDF file is not a paper printed
    wrong = run("print", code, "--form", "03", "--out", str(tmp_path / "x.pdf"), data_dir=data, check=False)
    assert wrong.returncode == 2 and "từ chối" in wrong.stderr
