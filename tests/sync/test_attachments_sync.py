"""Attachments upstream (tus 1.0): cut uploads resume from the server's offset and end as one
byte-identical file; the server verifies before it acknowledges; other communes are refused;
size and quota bounds; changes always go first."""

import base64
import hashlib
import json
import os
import random
import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "attach"))
from pages import day_of_scans  # noqa: E402
from harness import FaultProxy, SlowLink, enroll, intake, make_desk, make_server, sync_options, unique_agency

TUS = {"Tus-Resumable": "1.0.0"}


def big_pdf(path: Path, size: int, seed: int = 5) -> Path:
    """A valid PDF of about `size` bytes that does not compress (a scan in colour would not)."""
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Scan = pikepdf.Stream(pdf, random.Random(seed).randbytes(size))
    pdf.save(path, compress_streams=False)
    return path


def stored_files(server) -> list[Path]:
    return sorted(p for p in (server.workdir / "district-files" / "files").rglob("*") if p.is_file())


def server_attachments(server, code) -> list[dict]:
    return json.loads(server.admin("attachments", code, "--json"))


def token_of(desk) -> str:
    from commune_desk.sync.token import load_token
    return load_token(desk.data_dir)["token"]


def test_a_5_mb_upload_cut_at_several_points_resumes_to_one_identical_file(sqlite_server, desk1, tmp_path):
    server = sqlite_server
    server.add_commune()
    enroll(desk1, server)
    [d] = intake(desk1, 1)
    row = desk1.attach(d.code, [big_pdf(tmp_path / "scan.pdf", 5 * 1024 * 1024)])
    from commune_desk.sync import run_pass

    # the changes go first, with no cut; then every upload request may be cut
    proxy = FaultProxy(server.port, only="/api/v1/files")
    try:
        opts = sync_options(proxy.url, attempts=1)
        opts.chunk_bytes = 512 * 1024
        proxy.faults = ["pass", "pass", "pass", "cut_body"]     # create, 2 chunks, then a cut mid-chunk
        first = run_pass(desk1, opts)
        assert first.accepted == 1 and first.error is None           # the dossier arrived regardless
        assert first.attachments_sent == 0 and first.attachment_error
        staging = server.workdir / "district-files" / "partial" / row.sha256
        assert staging.stat().st_size == 2 * 512 * 1024              # the server kept what it acknowledged

        # the next pass resumes from the server's offset, through more cuts at other points
        proxy.faults = ["pass", "pass", "drop_after", "pass", "reset", "pass", "truncate", "pass", "cut_body",
                        "hang", "pass", "drop_after"]
        opts = sync_options(proxy.url, attempts=6, timeout=(2.0, 3.0))
        opts.chunk_bytes = 512 * 1024
        second = run_pass(desk1, opts)
        assert second.attachments_sent == 1 and second.attachment_error is None, second
        patched = [s for s in proxy.seen if s[0].startswith("/api/v1/files/") and s[1] != "hang"]
        # resumed, not restarted: about one request per remaining chunk plus one per cut
        assert len(patched) <= 10 + 8 + 8
    finally:
        proxy.close()

    [listed] = server_attachments(server, d.code)
    assert (listed["sha256"], listed["size"]) == (row.sha256, row.size)
    [stored] = stored_files(server)
    assert stored.read_bytes() == desk1.attachment_file(row).read_bytes()
    assert not list((server.workdir / "district-files" / "partial").glob(row.sha256 + "*"))
    [mine] = desk1.attachments_of(desk1.dossier(d.code))
    assert mine.sync_state == "sent"

    # sent again (another dossier, same scan): stored once, no byte sent twice
    [d2] = intake(desk1, 1)
    desk1.attach(d2.code, [tmp_path / "scan.pdf"])
    third = run_pass(desk1, sync_options(server.url))
    assert third.attachments_sent == 1 and third.bytes_sent < 100_000
    assert len(stored_files(server)) == 1
    assert [a["sha256"] for a in server_attachments(server, d2.code)] == [row.sha256]


def test_the_server_verifies_before_it_acknowledges(sqlite_server, desk1):
    server = sqlite_server
    server.add_commune()
    enroll(desk1, server)
    [d] = intake(desk1, 1)
    from commune_desk.sync import run_pass
    run_pass(desk1, sync_options(server.url))
    auth = {**TUS, "Authorization": f"Bearer {token_of(desk1)}"}
    body = b"%PDF-1.4 not the file the key names" * 100
    claimed = hashlib.sha256(b"another file").hexdigest()
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                    {"sha256": claimed, "dossier": d.uuid, "filename": "x.pdf"}.items())
    r = requests.post(server.url + "/api/v1/files", headers={**auth, "Upload-Length": str(len(body)),
                                                             "Upload-Metadata": meta}, timeout=10)
    assert r.status_code == 201
    url = server.url + r.headers["Location"]
    patch = {**auth, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"}

    # a chunk that does not match its Upload-Checksum: refused, nothing kept
    wrong = base64.b64encode(hashlib.sha256(b"other bytes").digest()).decode()
    r = requests.patch(url, data=body, headers={**patch, "Upload-Checksum": f"sha256 {wrong}"}, timeout=10)
    assert r.status_code == 460 and "không khớp" in r.json()["error"]["message"]
    assert requests.head(url, headers=auth, timeout=10).headers["Upload-Offset"] == "0"

    # every chunk right, but the whole file is not the one its key names: refused, dropped
    right = base64.b64encode(hashlib.sha256(body).digest()).decode()
    r = requests.patch(url, data=body, headers={**patch, "Upload-Checksum": f"sha256 {right}"}, timeout=10)
    assert r.status_code == 460 and "SHA-256" in r.json()["error"]["message"]
    assert requests.head(url, headers=auth, timeout=10).headers["Upload-Offset"] == "0"
    assert server_attachments(server, d.code) == [] and stored_files(server) == []

    # protocol basics: a request without Tus-Resumable is refused; OPTIONS says what is supported
    assert requests.head(url, headers={"Authorization": auth["Authorization"]}, timeout=10).status_code == 412
    o = requests.options(server.url + "/api/v1/files", timeout=10)
    assert o.headers["Tus-Version"] == "1.0.0" and "checksum" in o.headers["Tus-Extension"]
    assert "sha256" in o.headers["Tus-Checksum-Algorithm"]


def test_another_communes_token_is_refused(sqlite_server, desk1, tmp_path):
    server = sqlite_server
    server.add_commune()
    enroll(desk1, server)
    [d] = intake(desk1, 1)
    row = desk1.attach(d.code, [big_pdf(tmp_path / "scan.pdf", 200_000)])
    from commune_desk.sync import run_pass
    assert run_pass(desk1, sync_options(server.url)).attachments_sent == 1

    other_agency = unique_agency()
    server.add_commune(other_agency, "UBND xã Khác")
    other = make_desk(tmp_path / "other", 1, agency=other_agency)
    try:
        enroll(other, server)
        auth = {**TUS, "Authorization": f"Bearer {token_of(other)}"}
        meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                        {"sha256": row.sha256, "dossier": d.uuid}.items())
        r = requests.post(server.url + "/api/v1/files", headers={**auth, "Upload-Length": str(row.size),
                                                                 "Upload-Metadata": meta}, timeout=10)
        assert r.status_code == 403 and r.json()["error"]["message"] == "Hồ sơ không thuộc xã/phường của quầy này."
        url = f"{server.url}/api/v1/files/{row.sha256}"
        assert requests.head(url, headers=auth, timeout=10).status_code == 404
        r = requests.patch(url, data=b"x", headers={**auth, "Upload-Offset": "0",
                                                    "Content-Type": "application/offset+octet-stream"}, timeout=10)
        assert r.status_code == 404
        assert requests.head(url, headers=TUS, timeout=10).status_code == 401
    finally:
        other.close()
    assert [a["sha256"] for a in server_attachments(server, d.code)] == [row.sha256]


def test_size_and_quota_bounds_are_said_in_vietnamese(tmp_path, desk1, agency):
    server = make_server("sqlite", tmp_path / "server", extra_args=["--max-file-mb", "1", "--quota-mb", "1.5"])
    try:
        server.agency = agency
        server.add_commune()
        enroll(desk1, server)
        [d] = intake(desk1, 1)
        too_big = desk1.attach(d.code, [big_pdf(tmp_path / "big.pdf", 1_200_000)])
        fine = desk1.attach(d.code, [big_pdf(tmp_path / "a.pdf", 800_000, seed=1)])     # smallest: first
        over = desk1.attach(d.code, [big_pdf(tmp_path / "b.pdf", 900_000, seed=2)])
        from commune_desk.sync import run_pass
        result = run_pass(desk1, sync_options(server.url))
        assert (result.accepted, result.attachments_sent, result.attachments_refused) == (1, 1, 2)
        rows = {r.id: r for r in desk1.attachments_of(desk1.dossier(d.code))}
        assert rows[fine.id].sync_state == "sent"
        assert rows[too_big.id].sync_state == "refused"
        assert rows[too_big.id].sync_note.startswith("Tệp đính kèm quá lớn (1,1 MB); máy chủ nhận tệp tối đa 1 MB.")
        assert rows[over.id].sync_state == "refused"
        assert "dùng hết dung lượng lưu tệp đính kèm trên máy chủ (0,8 MB / 1,5 MB)" in rows[over.id].sync_note
    finally:
        server.stop()


def test_no_attachments_sends_only_the_changes(sqlite_server, desk1, tmp_path):
    import subprocess
    import sys
    server = sqlite_server
    server.add_commune()
    enroll(desk1, server)
    [d] = intake(desk1, 1)
    desk1.attach(d.code, [big_pdf(tmp_path / "scan.pdf", 50_000)])
    data = desk1.data_dir
    desk1.close()
    out = subprocess.run([sys.executable, "-m", "commune_desk", "sync", "--no-attachments", "--json",
                          "--data-dir", str(data)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["accepted"] == 1
    assert server_attachments(server, d.code) == []
    out = subprocess.run([sys.executable, "-m", "commune_desk", "sync", "--data-dir", str(data)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "Tệp đính kèm: đã gửi 1, còn chờ 0." in out.stdout, out.stdout + out.stderr
    assert len(server_attachments(server, d.code)) == 1
    # the district's report counts it as digitised
    day = d.received_at.date().isoformat()
    rep = json.loads(server.admin("report", "--agency-code", server.agency, "--from", day, "--to", day, "--json"))
    assert (rep["digitised"]["received"], rep["digitised"]["digitised"], rep["digitised"]["share"]) == (1, 1, 100.0)


def test_a_days_work_over_a_poor_link_with_cuts(sqlite_server, desk1, tmp_path):
    """60 dossiers of 3 scanned pages each over a lossy, slow, high-latency link cut twice: every
    dossier arrives, every scan arrives once and byte-identical, and an intake made while the
    scans upload reaches the server before the upload ends."""
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.sync import run_pass
    server = sqlite_server
    server.add_commune()
    enroll(desk1, server)
    scans = day_of_scans(tmp_path, 60)
    for i, files in enumerate(scans):
        desk1.intake(IntakeForm(procedure_id="HT-XNHN", name=f"Nguyễn Văn An {i}"), attachments=[(None, files)])
    # 300 ms RTT and 2 % loss as on the bench, but a faster line: the bench measures 64 kbit/s
    link = SlowLink(server.port, rtt_s=0.3, rate_bps=8_000_000, loss=0.02, rto_s=0.1, seed=11)
    late = {}

    def progress(phase, done, total_bytes):
        if phase != "attachments":
            return
        if "intake" not in late and done > total_bytes * 0.2:
            late["intake"] = desk1.intake(IntakeForm(procedure_id="HT-KS", name="Trần Thị Muộn"))
        for mark in ("cut1", "cut2"):
            if mark not in late and done > total_bytes * (0.4 if mark == "cut1" else 0.7):
                late[mark] = done
                link.cut(1.0)
                break

    passes = []
    try:
        for _ in range(8):
            opts = sync_options(link.url, attempts=8, timeout=(3.0, 10.0))
            opts.progress, opts.chunk_bytes = progress, 256 * 1024
            passes.append(run_pass(desk1, opts))
            if desk1.attachment_counts()["waiting"] == 0 and passes[-1].waiting == 0:
                break
    finally:
        link.close()
    assert "cut2" in late and desk1.attachment_counts() == {"waiting": 0, "sent": 60, "refused": 0,
                                                           "waiting_bytes": 0}
    assert sum(p.accepted for p in passes) == 61
    rows = server.dossiers()
    assert len(rows) == 61
    stored = {p.name: p for p in stored_files(server)}
    assert len(stored) == 60
    for d in (r for r in rows if r["uuid"] != late["intake"].uuid):
        [att] = server_attachments(server, d["code"])
        [mine] = desk1.attachments_of(desk1.dossier(d["code"]))
        assert att["sha256"] == mine.sha256 and mine.pages == 3
        assert stored[mine.sha256].read_bytes() == desk1.attachment_file(mine).read_bytes()
    # the intake made mid-upload reached the server while scans were still going up
    [(late_at,)] = server.query("SELECT received_at FROM change c WHERE c.dossier_uuid = %s",
                                (late["intake"].uuid,))
    [(last_done,)] = server.query("SELECT max(completed_at) FROM upload")
    assert late_at < last_done


def test_paused_between_two_chunks_and_resumed_from_the_servers_offset(sqlite_server, desk1, tmp_path):
    from commune_desk.sync import run_pass
    server = sqlite_server
    server.add_commune()
    enroll(desk1, server)
    [d] = intake(desk1, 1)
    row = desk1.attach(d.code, [big_pdf(tmp_path / "scan.pdf", 300_000)])
    chunks = []
    opts = sync_options(server.url)
    opts.chunk_bytes = 100_000
    opts.progress = lambda phase, done, total: chunks.append(done) if phase == "attachments" else None
    opts.attachments_paused = lambda: len(chunks) >= 1        # the clerk pauses after the first chunk
    first = run_pass(desk1, opts)
    assert first.accepted == 1 and first.attachments_sent == 0 and first.attachments_waiting == 1
    staging = server.workdir / "district-files" / "partial" / row.sha256
    assert staging.stat().st_size == 100_000
    opts.attachments_paused, chunks[:] = None, []
    second = run_pass(desk1, opts)
    assert second.attachments_sent == 1 and chunks[0] == 200_000     # resumed, not restarted
    [stored] = stored_files(server)
    assert stored.read_bytes() == desk1.attachment_file(row).read_bytes()


def test_a_desk_attaches_to_a_dossier_another_desk_received(sqlite_server, desk1, desk2, tmp_path):
    from commune_desk.sync import run_pass
    server = sqlite_server
    server.add_commune()
    enroll(desk1, server)
    enroll(desk2, server)
    [d] = intake(desk1, 1)
    run_pass(desk1, sync_options(server.url))
    run_pass(desk2, sync_options(server.url))                 # desk 2 pulls desk 1's dossier
    row = desk2.attach(d.code, [big_pdf(tmp_path / "scan.pdf", 20_000)])
    assert run_pass(desk2, sync_options(server.url)).attachments_sent == 1
    assert [a["sha256"] for a in server_attachments(server, d.code)] == [row.sha256]
