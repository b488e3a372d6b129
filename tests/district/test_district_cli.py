"""`commune-district` administration, run as a real process."""

import json
import subprocess
import sys


def district(db_url, *args, stdin=None):
    return subprocess.run([sys.executable, "-m", "commune_desk.district.cli", "--db", db_url, *args],
                          capture_output=True, text=True, input=stdin, timeout=60)


def test_commune_add_prints_a_one_time_code_last_and_revoke_closes_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    r = district(url, "commune", "add", "--agency-code", "000.30.36.h26", "--name", "UBND xã Phúc Lợi")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert "Đã thêm UBND xã Phúc Lợi (mã 000.30.36.H26)" in lines[0]
    code = lines[-1]
    assert len(code.replace("-", "")) == 20
    # the server keeps only the code's hash
    import sqlite3
    conn = sqlite3.connect(tmp_path / "d.sqlite3")
    assert conn.execute("SELECT count(*) FROM enrolment_code WHERE code_hash LIKE ?", (f"%{code}%",)).fetchone() == (0,)
    conn.close()
    r = district(url, "dossiers", "--agency-code", "000.30.36.H26", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []
    r = district(url, "commune", "revoke", "000.30.36.H26")
    assert r.returncode == 0 and "Đã thu hồi" in r.stdout
    r = district(url, "commune", "list", "--json")
    assert json.loads(r.stdout)[0]["active"] is False


def test_mistakes_get_one_vietnamese_line_and_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    r = district(url, "dossiers", "--agency-code", "000.99.99.H26", "--json")
    assert r.returncode == 2 and r.stderr.startswith("Lỗi: Chưa có xã/phường nào mã 000.99.99.H26")
    assert "Traceback" not in r.stderr
    r = district(url, "commune", "add", "--agency-code", "bad code!", "--name", "X")
    assert r.returncode == 2 and "không hợp lệ" in r.stderr
    r = district("mysql://nowhere/x", "commune", "list")
    assert r.returncode == 2 and "không được hỗ trợ" in r.stderr
    r = district(url, "staff", "add", "--username", "a", "--password-stdin", stdin="ngắn\n")
    assert r.returncode == 2 and "ít nhất 8 ký tự" in r.stderr
    r = district(url, "holiday", "off", "--day", "31/02/2026")
    assert r.returncode == 2 and "không hợp lệ" in r.stderr
