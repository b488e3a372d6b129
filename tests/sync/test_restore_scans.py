"""Scans attached after a backup survive its restore on an enrolled desk: the clean-up leaves them,
the recovery brings their dossier back, they are listed under it again, and the one the server
never got is sent, byte-identical; the scan of a dossier the server never had is kept aside with
a manifest. On SQLite and PostgreSQL."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from commune_desk.rules.intake import IntakeForm
from commune_desk.store import backup
from commune_desk.store.desk import Desk
from commune_desk.sync import run_pass, sync_status
from harness import ROOT, Clock, enroll, intake, make_desk, sync_options


def scan(path: Path, seed: int) -> Path:
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Scan = pikepdf.Stream(pdf, random.Random(seed).randbytes(6000))
    pdf.save(path, compress_streams=False)
    return path


def listed(data, code) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "commune_desk", "attachments", code, "--json", "--data-dir",
                          str(data)], capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env={**os.environ, "COMMUNE_DESK_NOW": "2026-11-23T11:00:00+07:00"})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_scans_attached_after_a_backup_come_back_under_their_dossier_and_the_unsent_one_is_sent(server, tmp_path):
    clock = Clock("2026-11-23 09:32")
    desk = make_desk(tmp_path / "desk", 1, agency=server.agency, clock=clock)
    data = desk.data_dir
    try:
        enroll(desk, server, server.add_commune())
        intake(desk, 1)
        run_pass(desk, sync_options(server.url))
        saved = backup.make_backup(desk.path, out=tmp_path / "before.sqlite3")
        b = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Phạm Thị Bích"))
        sent = desk.attach(b.code, [scan(tmp_path / "sent.pdf", 1)])
        first = run_pass(desk, sync_options(server.url))
        assert first.attachments_sent == 1
        unsent = desk.attach(b.code, [scan(tmp_path / "unsent.pdf", 2)])   # exists nowhere else
        c = desk.intake(IntakeForm(procedure_id="CT-CK", name="Đỗ Văn Cảnh"))   # never reached the server
        desk.attach(c.code, [scan(tmp_path / "c.pdf", 3)])
    finally:
        desk.close()

    result = backup.restore(saved, data / "desk.sqlite3")
    assert result["recovery_due"] and result["scans_to_reattach"] == 3
    assert "được gắn lại vào hồ sơ của chúng khi hồ sơ được lấy lại từ máy chủ" in backup.recovery_sentence(result)

    # an hour and a half on, the clean-up runs: both files stay
    for p in (data / "attachments").glob("*/*"):
        os.utime(p, (p.stat().st_atime - 5400, p.stat().st_mtime - 5400))
    desk = Desk(data, clock=clock)
    try:
        assert desk.clean_attachments() == []
        assert desk.attachment_file(sent).is_file() and desk.attachment_file(unsent).is_file()
        assert sync_status(desk)["attachments_after_restore"] == 3      # waiting for B and C to come back

        res = run_pass(desk, sync_options(server.url))
        assert res.error is None and res.recovered_dossiers == 1
        assert res.attachments_sent == 1                       # only the one the server never got
        assert (res.scans_reattached, res.scans_kept_aside) == (2, 1)
        assert sync_status(desk)["attachments_after_restore"] == 0
    finally:
        desk.close()

    rows = listed(data, b.code)
    assert sorted((r["sha256"], r["sync_state"]) for r in rows) == \
        sorted([(sent.sha256, "sent"), (unsent.sha256, "sent")])
    on_server = json.loads(server.admin("attachments", b.code, "--json"))
    assert sorted(a["sha256"] for a in on_server) == sorted([sent.sha256, unsent.sha256])
    [copy] = [p for p in (server.workdir / "district-files" / "files").rglob(unsent.sha256 + "*") if p.is_file()]
    assert copy.read_bytes() == (tmp_path / "unsent.pdf").read_bytes()
    # C never reached the server, so the recovery could not bring it back: its scan is kept aside
    [kept] = list((data / "scans-after-restore").rglob("*.pdf"))
    assert kept.name.startswith(c.code) and kept.read_bytes() == (tmp_path / "c.pdf").read_bytes()
    [entry] = json.loads((kept.parent / "manifest.json").read_text("utf-8"))["files"]
    assert (entry["code"], entry["file"]) == (c.code, kept.name)
