"""Headless commands once the desk has accounts: --user, the password from stdin or the
environment, roles; a refusal is one Vietnamese line, exit 2, and changes nothing."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

ADMIN_PW, CLERK_PW, SPECIALIST_PW = "quan-tri-123", "tiep-nhan-123", "chuyen-mon-123"


def run(data, *args, stdin="", password=None, check=True):
    env = dict(os.environ)
    env.pop("COMMUNE_DESK_PASSWORD", None)
    if password is not None:
        env["COMMUNE_DESK_PASSWORD"] = password
    out = subprocess.run([sys.executable, "-m", "commune_desk", "--data-dir", str(data), *args], input=stdin,
                         capture_output=True, text=True, env=env, timeout=60)
    if check:
        assert out.returncode == 0, out.stderr
    return out


def refused(out, words):
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], out.stderr
    assert "Traceback" not in out.stderr


def dossiers(data):
    con = sqlite3.connect(data / "desk.sqlite3")
    try:
        return con.execute("SELECT count(*) FROM dossier").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def staffed_template(tmp_path_factory):
    data = tmp_path_factory.mktemp("staffed") / "desk"
    env = {"COMMUNE_DESK_ARGON2": "cheapest", "COMMUNE_DESK_NOW": "2026-11-23T09:32:00+07:00"}
    os.environ.update(env)
    try:
        run(data, "setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26",
            "--admin-user", "admin", "--admin-full-name", "Nguyễn Văn Quản", "--admin-password-stdin",
            stdin=ADMIN_PW + "\n")
        run(data, "user", "add", "lan.tt", "--role", "tiep-nhan", "--full-name", "Trần Thị Lan", "--password-stdin",
            "--user", "admin", stdin=f"{ADMIN_PW}\n{CLERK_PW}\n")
        run(data, "user", "add", "binh.cm", "--role", "chuyen-mon", "--password-stdin", "--user", "admin",
            stdin=SPECIALIST_PW + "\n", password=ADMIN_PW)
    finally:
        for key in env:
            os.environ.pop(key)
    return data


@pytest.fixture
def staffed(staffed_template, tmp_path):
    import shutil
    data = tmp_path / "desk"
    shutil.copytree(staffed_template, data)
    return data


def test_setup_creates_the_first_administrator_and_accounts_are_listed(staffed):
    rows = json.loads(run(staffed, "user", "list", "--json", "--user", "admin", password=ADMIN_PW).stdout)
    assert [(r["name"], r["role"], r["full_name"]) for r in rows] == [
        ("admin", "quan-tri", "Nguyễn Văn Quản"), ("binh.cm", "chuyen-mon", ""), ("lan.tt", "tiep-nhan", "Trần Thị Lan")]
    con = sqlite3.connect(staffed / "desk.sqlite3")
    hashes = [r[0] for r in con.execute("SELECT password_hash FROM account")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    dump = "\n".join(con.iterdump())
    assert ADMIN_PW not in dump and CLERK_PW not in dump


def test_the_clerk_signs_in_and_her_name_is_on_the_dossier(staffed):
    got = json.loads(run(staffed, "intake", "--procedure", "HT-XNHN", "--name", "Nguyễn Văn Đạt", "--json",
                         "--user", "lan.tt", "--password-stdin", stdin=CLERK_PW + "\n").stdout)
    shown = json.loads(run(staffed, "show", got["code"], "--json", "--user", "lan.tt", password=CLERK_PW).stdout)
    assert shown["events"][0]["actor"] == "Trần Thị Lan"


def test_without_an_account_a_command_is_refused(staffed):
    refused(run(staffed, "intake", "--procedure", "HT-XNHN", "--name", "An", check=False), "--user")
    refused(run(staffed, "find", "an", check=False), "--user")
    assert dossiers(staffed) == 0
    run(staffed, "catalog", "khai sinh")          # the public catalog needs no one


def test_wrong_password_is_refused_and_nothing_changes(staffed):
    out = run(staffed, "intake", "--procedure", "HT-XNHN", "--name", "An", "--user", "lan.tt",
              password="nham-mat-khau", check=False)
    refused(out, "Sai tên đăng nhập hoặc mật khẩu")
    assert dossiers(staffed) == 0


def test_a_role_calling_a_command_it_may_not(staffed):
    refused(run(staffed, "catalog-edit", "HT-XNHN", "--fee", "1", "--user", "lan.tt", password=CLERK_PW,
                check=False), "không được sửa danh mục thủ tục")
    refused(run(staffed, "intake", "--procedure", "HT-XNHN", "--name", "An", "--user", "binh.cm",
                password=SPECIALIST_PW, check=False), "không được tiếp nhận hồ sơ")
    refused(run(staffed, "user", "add", "x.y", "--role", "quan-tri", "--password-stdin", "--user", "lan.tt",
                password=CLERK_PW, stdin="abcdefgh123\n", check=False), "không được quản lý tài khoản")
    assert dossiers(staffed) == 0
    catalog = json.loads(run(staffed, "catalog", "HT-XNHN", "--json").stdout)
    assert catalog[0]["fee"] != 1


def test_disabled_account(staffed):
    run(staffed, "user", "disable", "lan.tt", "--user", "admin", password=ADMIN_PW)
    refused(run(staffed, "find", "an", "--user", "lan.tt", password=CLERK_PW, check=False), "vô hiệu hóa")


def test_locked_account_and_only_that_one(staffed):
    from commune_desk.store.desk import Desk
    from commune_desk.store.accounts import SignInFailed
    desk = Desk(staffed)
    for _ in range(5):
        with pytest.raises(SignInFailed):
            desk.sign_in("lan.tt", "sai-mat-khau")
    desk.close()
    refused(run(staffed, "find", "an", "--user", "lan.tt", password=CLERK_PW, check=False), "tạm khóa")
    run(staffed, "find", "an", "--user", "binh.cm", password=SPECIALIST_PW)


def test_audit_verify_names_the_first_broken_entry(staffed):
    ok = json.loads(run(staffed, "audit", "verify", "--json", "--user", "admin", password=ADMIN_PW).stdout)
    assert ok["ok"] and ok["first_broken"] is None
    con = sqlite3.connect(staffed / "desk.sqlite3")
    con.execute("DROP TRIGGER audit_append_only_update")
    con.execute("UPDATE audit SET actor = 'ai đó' WHERE seq = 12")
    con.commit()
    con.close()
    out = run(staffed, "audit", "verify", "--json", "--user", "admin", password=ADMIN_PW, check=False)
    assert out.returncode == 3
    report = json.loads(out.stdout)
    assert not report["ok"] and report["first_broken"]["seq"] == 12
    assert "mục 12" in out.stderr
    refused(run(staffed, "audit", "verify", "--user", "lan.tt", password=CLERK_PW, check=False),
            "không được kiểm tra nhật ký")
