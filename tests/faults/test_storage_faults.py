"""Bad luck on the desk's disk, with real processes on real files: damaged pages, a truncated file,
a full disk, a read-only folder, a lock held by another program, and the way back from a backup.
Every fault ends in one Vietnamese sentence and exit 2 (check: 1), never «không mong đợi», and
nothing that was saved is lost or doubled."""

import hashlib
import json
import os
import random
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

AGENCY = "000.30.36.H26"


def run(data, *args, stdin=None, env=None, preexec=None):
    cmd = [sys.executable, "-m", "commune_desk", "--data-dir", str(data), *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, input=stdin,
                         env={**os.environ, **(env or {})}, preexec_fn=preexec)
    assert "không mong đợi" not in out.stderr, out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    return out


def ok(data, *args, **kw):
    out = run(data, *args, **kw)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if "--json" in args else out.stdout


def refused(data, *args, **kw):
    out = run(data, *args, **kw)
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    return out.stderr


def intake(data, name="Nguyễn Văn Đạt", **kw):
    return run(data, "intake", "--procedure", "HT-XNHN", "--name", name, "--json", **kw)


def codes(data) -> list[str]:
    con = sqlite3.connect(f"file:{data / 'desk.sqlite3'}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT code FROM dossier WHERE code IS NOT NULL ORDER BY code")]
    finally:
        con.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data(tmp_path, clock):
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.store.desk import Desk
    folder = tmp_path / "desk"
    desk = Desk(folder, clock=clock)
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code=AGENCY)
    for i in range(30):
        desk.intake(IntakeForm(procedure_id="HT-XNHN", name=f"Trần Thị Lan {chr(65 + i % 26)}"))
    desk.close()
    return folder


def test_files_are_readable_only_by_the_user(data, tmp_path):
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)
    assert mode(data) == 0o700
    assert mode(data / "desk.sqlite3") == 0o600
    code = codes(data)[0]
    ok(data, "print", code, "--form", "01")
    for pdf in (data / "prints").iterdir():
        assert mode(pdf) == 0o600
    made = ok(data, "backup", "--json")
    assert mode(data / "backups") == 0o700 and mode(made["path"] and data / "backups" / os.path.basename(made["path"])) == 0o600


def overwrite_pages(path, pages, seed=13):
    rnd = random.Random(seed)
    with open(path, "r+b") as f:
        for page in pages:
            f.seek((page - 1) * 4096 + 8)
            f.write(bytes(rnd.randrange(256) for _ in range(4000)))


def table_root(path, name) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    finally:
        con.close()


def test_damaged_pages_open_read_only_then_restore_from_the_latest_backup(data):
    good = ok(data, "backup", "--json")
    before = codes(data)
    db = data / "desk.sqlite3"
    overwrite_pages(db, [table_root(db, "procedure")])
    damaged = digest(db)

    report = run(data, "check", "--json")
    assert report.returncode == 1 and json.loads(report.stdout)["ok"] is False

    # lookups that do not touch the damaged pages still work; nothing is written into the file
    shown = ok(data, "show", before[0], "--json")
    assert shown["code"] == before[0]
    assert ok(data, "find", "lan", "--json")
    said = refused(data, "intake", "--procedure", "HT-XNHN", "--name", "Nguyễn Văn Đạt")
    assert "bị hỏng" in said and "commune-desk restore" in said and good["path"] in said
    assert digest(db) == damaged

    restored = ok(data, "restore", good["path"], "--json")
    assert (data / os.path.basename(restored["kept_aside"])).exists()       # the damaged file kept aside
    assert ok(data, "check", "--json")["ok"] is True
    assert codes(data) == before
    new = json.loads(intake(data).stdout)["code"]
    assert new not in before


def test_a_truncated_file_is_said_to_be_damaged(data):
    ok(data, "backup")
    db = data / "desk.sqlite3"
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.truncate(size // 2)
    said = refused(data, "intake", "--procedure", "HT-XNHN", "--name", "Nguyễn Văn Đạt")
    assert "bị hỏng" in said
    assert run(data, "check", "--json").returncode == 1


def test_restore_carries_the_code_counter_so_a_printed_code_is_never_issued_again(data):
    old = ok(data, "backup", "--json")["path"]
    later = json.loads(intake(data).stdout)["code"]          # printed for a citizen after the backup
    ok(data, "restore", old)
    again = json.loads(intake(data).stdout)["code"]
    assert again != later and again > later


def test_backup_while_another_process_writes_is_complete_and_checked(data, tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", f"""
import sys
from commune_desk.rules.intake import IntakeForm
from commune_desk.store.desk import Desk
desk = Desk({str(data)!r})
for i in range(200):
    desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Lê Văn Ước"))
print("done")
"""], stdout=subprocess.PIPE, text=True)
    copies = []
    while writer.poll() is None:
        copies.append(ok(data, "backup", "--out", str(tmp_path / f"b{len(copies)}.sqlite3"), "--json"))
    assert writer.wait() == 0
    copies.append(ok(data, "backup", "--out", str(tmp_path / "last.sqlite3"), "--json"))
    for made in copies:
        con = sqlite3.connect(made["path"])
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
    final = sqlite3.connect(copies[-1]["path"])
    assert final.execute("SELECT count(*) FROM dossier").fetchone()[0] == 230
    final.close()


def test_encrypted_backup_for_a_usb_stick(data, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    out = usb / "desk.sqlite3.enc"
    made = ok(data, "backup", "--out", str(out), "--encrypt", "--password-stdin", "--json",
              stdin="mật khẩu rất dài\n")
    assert made["encrypted"] and b"SQLite format" not in out.read_bytes()
    before = codes(data)
    assert "Sai mật khẩu" in refused(data, "restore", str(out), "--password-stdin", stdin="sai mật khẩu\n")
    assert codes(data) == before
    cut = usb / "cut.enc"
    cut.write_bytes(out.read_bytes()[:-100])
    assert "cắt cụt" in refused(data, "restore", str(cut), "--password-stdin", stdin="mật khẩu rất dài\n")
    ok(data, "restore", str(out), env={"COMMUNE_DESK_BACKUP_PASSWORD": "mật khẩu rất dài"})
    assert codes(data) == before


def _limit_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_says_so_keeps_lookups_and_loses_nothing(data, tmp_path):
    db = data / "desk.sqlite3"
    ok(data, "show", codes(data)[0])            # checkpointed: the WAL is empty
    full = _limit_file_size(db.stat().st_size + 64 * 1024)
    saved, refusals = [], 0
    for i in range(200):
        out = intake(data, f"Phạm Thị Hương {i}", preexec=full)
        if out.returncode == 0:
            saved.append(json.loads(out.stdout)["code"])
            continue
        assert out.returncode == 2 and "Ổ đĩa đầy" in out.stderr, out.stderr
        assert "cannot rollback" not in out.stderr and "disk I/O error" not in out.stderr
        refusals += 1
        if refusals == 3:
            break
    assert refusals == 3
    # lookups keep working on the full disk
    assert ok(data, "show", saved[-1] if saved else codes(data)[0], "--json", preexec=full)
    assert ok(data, "find", "huong", "--json", preexec=full) is not None
    if os.path.exists("/dev/full"):            # a device that is always full
        assert "Ổ đĩa đầy" in refused(data, "print", codes(data)[0], "--form", "01", "--out", "/dev/full")
    # space again: the file is whole and holds every dossier that was said to be saved, once
    assert ok(data, "check", "--json")["ok"] is True
    stored = codes(data)
    assert len(stored) == len(set(stored)) == 30 + len(saved)
    assert set(saved) <= set(stored)
    assert intake(data).returncode == 0


def test_read_only_folder_still_allows_reading(data):
    for name in os.listdir(data):
        if name.endswith(("-wal", "-shm")):
            os.remove(data / name)
    code = codes(data)[0]
    before = digest(data / "desk.sqlite3")
    if os.geteuid() == 0:
        # root writes through any mode bits: the folder becomes a read-only mount in a namespace
        if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
            pytest.skip("no mount namespace for a read-only folder")
        wrap = ["unshare", "-m", "sh", "-c", f'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" '
                                               f'&& exec "$@"', str(data)]
    else:
        os.chmod(data, 0o555)
        wrap = []

    def cli(*args):
        out = subprocess.run([*wrap, sys.executable, "-m", "commune_desk", "--data-dir", str(data), *args],
                             capture_output=True, text=True, timeout=120)
        assert "không mong đợi" not in out.stderr and "Traceback" not in out.stderr, out.stderr
        return out
    try:
        shown = cli("show", code, "--json")
        assert shown.returncode == 0, shown.stderr
        assert json.loads(shown.stdout)["code"] == code
        assert cli("find", "lan", "--json").returncode == 0
        said = cli("intake", "--procedure", "HT-XNHN", "--name", "Nguyễn Văn Đạt")
        assert said.returncode == 2 and "chỉ cho phép đọc" in said.stderr, said.stderr
        assert digest(data / "desk.sqlite3") == before
    finally:
        os.chmod(data, 0o700)


def test_a_lock_held_by_another_program_is_said_after_a_short_wait(data):
    holder = subprocess.Popen([sys.executable, "-c", f"""
import sqlite3, sys
con = sqlite3.connect({str(data / 'desk.sqlite3')!r}, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
con.execute("ROLLBACK")
"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = codes(data)
        said = refused(data, "intake", "--procedure", "HT-XNHN", "--name", "Nguyễn Văn Đạt")
        assert "đang bị một chương trình khác giữ" in said
        assert ok(data, "show", before[0], "--json")["code"] == before[0]    # readers are not blocked
    finally:
        holder.communicate("\n", timeout=30)
    assert codes(data) == before
    assert intake(data).returncode == 0


def test_an_upgrade_is_backed_up_first(data, tmp_path, monkeypatch):
    import shutil
    from commune_desk.store import db as store_db
    newer = tmp_path / "migrations"
    shutil.copytree(store_db.MIGRATIONS_DIR, newer)
    (newer / "0999_later.py").write_text("def up(migrator, db):\n    db.execute_sql('CREATE TABLE later (x)')\n")
    monkeypatch.setattr(store_db, "MIGRATIONS_DIR", newer)
    before = codes(data)
    store_db.open_database(data / "desk.sqlite3").close()
    made = [p for p in (data / "backups").iterdir() if p.name.endswith("-migration.sqlite3")]
    assert len(made) == 1
    con = sqlite3.connect(made[0])
    assert [r[0] for r in con.execute("SELECT code FROM dossier WHERE code IS NOT NULL ORDER BY code")] == before
    assert not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'later'").fetchone()
    con.close()


def test_fault_rounds_lose_nothing_double_nothing_and_store_nothing_wrong(data, tmp_path):
    """Rounds of bad luck in turn — full disk, a lock held elsewhere, damaged pages, a truncated
    file — with intakes through the real command before, during and after each; the damaged
    rounds restore the backup made when the window last closed. Prints the figures."""
    kinds = ["full", "lock", "pages", "truncate"] * int(os.environ.get("FAULT_CYCLES", "1"))
    typed = {c: None for c in codes(data)}          # code -> name the clerk typed (None: seeded)
    faults = refused_total = 0

    def take(name, **kw):
        out = intake(data, name, **kw)
        if out.returncode == 0:
            typed[json.loads(out.stdout)["code"]] = name
            return True
        assert out.returncode == 2 and "không mong đợi" not in out.stderr, out.stderr
        return False

    for rnd, kind in enumerate(kinds):
        assert take(f"Trước Lỗi {rnd}")
        db = data / "desk.sqlite3"
        faults += 1
        if kind == "full":
            ok(data, "show", codes(data)[0])
            limit = _limit_file_size(db.stat().st_size + 4 * 1024)
            misses = 0
            for i in range(60):
                misses += not take(f"Đầy Đĩa {rnd} {i}", preexec=limit)
                if misses == 2:
                    break
            refused_total += misses
        elif kind == "lock":
            holder = subprocess.Popen([sys.executable, "-c", f"""
import sqlite3, sys
con = sqlite3.connect({str(db)!r}, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            assert holder.stdout.readline().strip() == "locked"
            refused_total += not take(f"Bị Khoá {rnd}")
            holder.communicate("\n", timeout=30)
        else:
            saved = ok(data, "backup", "--json")["path"]         # as the window does when it closes
            if kind == "pages":
                overwrite_pages(db, [table_root(db, "procedure")], seed=rnd)
            else:
                with open(db, "r+b") as f:
                    f.truncate(db.stat().st_size // 3)
            refused_total += not take(f"Tệp Hỏng {rnd}")
            ok(data, "restore", saved)
        assert take(f"Sau Lỗi {rnd}")
        assert ok(data, "check", "--json")["ok"] is True

    con = sqlite3.connect(data / "desk.sqlite3")
    stored = dict(con.execute("SELECT code, applicant_name FROM dossier WHERE code IS NOT NULL").fetchall())
    all_codes = [r[0] for r in con.execute("SELECT code FROM dossier WHERE code IS NOT NULL")]
    con.close()
    lost = sum(1 for c in typed if c not in stored)
    doubled = len(all_codes) - len(set(all_codes))
    wrong = sum(1 for c, name in typed.items() if name is not None and stored.get(c) != name)
    print(f"\nstorage faults: rounds {len(kinds)}, faults {faults}, refused with a sentence {refused_total}, "
          f"saved {len(typed)}, lost {lost}, doubled {doubled}, wrong {wrong}")
    assert refused_total >= len(kinds) * 3 // 4
    assert (lost, doubled, wrong) == (0, 0, 0)
