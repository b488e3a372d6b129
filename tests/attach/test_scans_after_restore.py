"""A restore of an older backup never costs a scan: the files attached after the backup are still in
the store, their rows only in the replaced file. They come back under their dossiers, or are kept
aside with a manifest; the orphan clean-up, even with the clock an hour on, never removes them."""

import json
import os
import random
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from commune_desk.rules.intake import IntakeForm
from commune_desk.store import backup
from commune_desk.store.desk import Desk

ROOT = Path(__file__).resolve().parents[2]
HOUR_AND_A_HALF = 5400


def scan(path: Path, seed: int) -> Path:
    """A small PDF scan, different for every seed (kept as it arrives: same bytes, same file)."""
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Scan = pikepdf.Stream(pdf, random.Random(seed).randbytes(4000))
    pdf.save(path, compress_streams=False)
    return path


def stored(data) -> set:
    return {p.name for p in (data / "attachments").glob("*/*") if p.is_file() and not p.name.startswith(".")}


def age_files(data, seconds: float) -> None:
    """Move the stored files' times back: the clean-up sees them as `seconds` old (no waiting)."""
    for p in (data / "attachments").glob("*/*"):
        st = p.stat()
        os.utime(p, (st.st_atime - seconds, st.st_mtime - seconds))


def clean_an_hour_later(data, clock) -> list:
    age_files(data, HOUR_AND_A_HALF)
    desk = Desk(data, clock=clock)
    try:
        return desk.clean_attachments()
    finally:
        desk.close()


def listed(data, code) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "commune_desk", "attachments", code, "--json", "--data-dir",
                          str(data)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def after_backup(desk, tmp_path):
    """A with a scan, a backup, then a second scan on A and a new dossier B with a scan."""
    a = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Lê Văn An"), attachments=[(1, [scan(tmp_path / "a1.pdf", 1)])])
    saved = backup.make_backup(desk.path, out=tmp_path / "before.sqlite3")
    later = desk.attach(a.code, [scan(tmp_path / "a2.pdf", 2)], document=2)
    b = desk.intake(IntakeForm(procedure_id="CT-CK", name="Phạm Thị Bích"))
    on_b = desk.attach(b.code, [scan(tmp_path / "b1.pdf", 3)])
    return a.code, b.code, saved, later.sha256, on_b.sha256


def test_scans_of_a_kept_dossier_come_back_under_it_and_the_clean_up_spares_the_rest(desk, tmp_path, clock):
    """Not enrolled: nothing will bring B back, so B's scan is kept aside with its code; A's later
    scan is attached to A again. An hour on, the clean-up removes nothing a database pointed to."""
    a, b, saved, later, on_b = after_backup(desk, tmp_path)
    data = desk.data_dir
    desk.close()
    result = backup.restore(saved, data / "desk.sqlite3", now=datetime(2026, 11, 23, 10, 0))
    assert (result["scans_to_reattach"], result["scans_kept_aside"]) == (1, 1)
    sentence = backup.recovery_sentence(result)
    assert "1 bản quét đính kèm sau bản sao lưu vẫn còn trên máy và được gắn lại vào hồ sơ" in sentence
    folder = data / "scans-after-restore" / "2026-11-23"
    assert f"được giữ riêng tại {folder}" in sentence

    before = stored(data)
    assert {later, on_b} <= before
    assert clean_an_hour_later(data, clock) == []
    assert stored(data) == before

    # A lists both its scans again, the later one on document 2, still waiting to be sent
    rows = listed(data, a)
    assert [(r["document"], r["sync_state"]) for r in rows if r["sha256"] == later] == [(2, "pending")]
    assert len(rows) == 2
    # B's scan: in the kept folder under B's code, with a manifest naming the dossier
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    [entry] = manifest["files"]
    assert (entry["code"], entry["sha256"]) == (b, on_b)
    assert (folder / entry["file"]).read_bytes() == (tmp_path / "b1.pdf").read_bytes()
    assert entry["file"].startswith(b)

    # opened again: nothing doubled, nothing more removed
    desk = Desk(data, clock=clock)
    try:
        assert len(desk.attachments_of(desk.dossier(a))) == 2
        assert desk.scans_after_restore()["waiting"] == 0
        story = [e for e in desk.events_of(desk.dossier(a)) if e.kind == "attachment_added"]
        assert [e.data["sha256"] for e in story][-1] == later
    finally:
        desk.close()


def test_with_the_replaced_file_unreadable_the_scans_are_kept_aside_and_the_clerk_told_where(desk, tmp_path, clock):
    a, b, saved, later, on_b = after_backup(desk, tmp_path)
    data = desk.data_dir
    desk.close()
    for side in ("desk.sqlite3-wal", "desk.sqlite3-shm"):
        (data / side).unlink(missing_ok=True)
    raw = bytearray((data / "desk.sqlite3").read_bytes())
    raw[:4096] = b"\x00" * 4096                          # the header page overwritten: not a database any more
    (data / "desk.sqlite3").write_bytes(bytes(raw))

    out = subprocess.run([sys.executable, "-m", "commune_desk", "restore", str(saved), "--data-dir", str(data)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    folder = data / "scans-after-restore"
    [day] = list(folder.iterdir())
    assert "2 bản quét không gắn lại được vào hồ sơ nào được giữ riêng tại" in out.stdout
    assert str(day) in out.stdout and "manifest.json" in out.stdout

    manifest = json.loads((day / "manifest.json").read_text("utf-8"))
    kept = {e["sha256"]: e for e in manifest["files"]}
    assert set(kept) == {later, on_b}
    assert (day / kept[on_b]["file"]).read_bytes() == (tmp_path / "b1.pdf").read_bytes()
    assert (day / kept[later]["file"]).read_bytes() == (tmp_path / "a2.pdf").read_bytes()
    assert all(e["size"] and e["file_time"] for e in kept.values())
    # the store holds what the restored file points to; the clean-up has nothing of it to remove
    assert clean_an_hour_later(data, clock) == []
    assert (day / kept[on_b]["file"]).is_file()
    assert len(listed(data, a)) == 1

    # the unreadable replaced file might point to any file written before it was last written, and
    # to none written after it: an old unreferenced file stays, a crash orphan from after it goes
    [replaced] = data.glob("desk.sqlite3.*.replaced")
    desk = Desk(data, clock=clock)
    try:
        old = desk.store_files([scan(tmp_path / "old.pdf", 7)])
        orphan = desk.store_files([scan(tmp_path / "crash.pdf", 8)])
        st = replaced.stat()
        os.utime(replaced, (st.st_atime, st.st_mtime - 3 * 3600))
        os.utime(desk.attachments_dir / old.sha256[:2] / old.sha256, (st.st_atime, st.st_mtime - 4 * 3600))
        os.utime(desk.attachments_dir / orphan.sha256[:2] / orphan.sha256, (st.st_atime, st.st_mtime - 2 * 3600))
        assert desk.clean_attachments() == [orphan.sha256]
        assert old.sha256 in stored(data)
    finally:
        desk.close()


def test_a_crash_orphan_is_still_removed_after_a_restore(desk, tmp_path, clock):
    """The clean-up keeps its purpose: a file no database ever pointed to (the crash between the
    fsync and the commit) goes, once an hour old."""
    a, b, saved, later, on_b = after_backup(desk, tmp_path)
    data = desk.data_dir
    desk.close()
    backup.restore(saved, data / "desk.sqlite3", now=datetime(2026, 11, 23, 10, 0))
    desk = Desk(data, clock=clock)
    try:
        orphan = desk.store_files([scan(tmp_path / "crash.pdf", 9)])     # written, its row never committed
    finally:
        desk.close()
    assert clean_an_hour_later(data, clock) == [orphan.sha256]
    assert {later, on_b} <= stored(data)


def test_restored_twice_before_the_scans_came_back_nothing_is_forgotten(desk, tmp_path, clock):
    """Enrolled desks wait for the recovery; restored again meanwhile, the list travels with the file."""
    a, b, saved, later, on_b = after_backup(desk, tmp_path)
    data = desk.data_dir
    desk.close()
    (data / "sync-token.json").write_text("{}")          # enrolled: B may come back from the server
    first = backup.restore(saved, data / "desk.sqlite3", now=datetime(2026, 11, 23, 10, 0))
    assert first["recovery_due"] and first["scans_to_reattach"] == 2
    second = backup.restore(saved, data / "desk.sqlite3", now=datetime(2026, 11, 23, 10, 5))
    assert second["scans_to_reattach"] == 2
    desk = Desk(data, clock=clock)
    try:
        assert desk.scans_after_restore() == {"waiting": 1, "codes": [b]}       # A's is back already
        assert len(desk.attachments_of(desk.dossier(a))) == 2
    finally:
        desk.close()
    assert clean_an_hour_later(data, clock) == []
    assert {later, on_b} <= stored(data)
