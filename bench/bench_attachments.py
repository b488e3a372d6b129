"""Attachment benchmarks: bytes per scanned page, and a day's scans sent over a poor link
(64 kbit/s, 300 ms RTT, 2 % loss, the user-space link emulator of tests/sync/harness.py: this
kernel has no sch_netem) while the counter keeps taking dossiers.

    python -m bench bench_attachments           8 dossiers of the day's 60 (about 4 minutes)
    python -m bench.bench_attachments --full    all 60 dossiers, 180 pages (about 25 minutes)

Floors, measured in the same run: a page as the scanner wrote it, and a raw HTTP POST of the same
bytes over the same emulated link (what the link allows with its loss). Goals: a dossier change
made while scans upload reaches the server within 30 s; scans at >= 80 % of the link.
"""

import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sync"))
sys.path.insert(0, str(ROOT / "tests" / "attach"))

import harness  # noqa: E402
from bench.common import table  # noqa: E402

RATE_BPS, RTT_S, LOSS = 64_000, 0.3, 0.02
DAY = 60


def bench_pages(workdir: Path) -> list[tuple]:
    from pages import rasterise, text_page_pdf
    from commune_desk.store.scans import to_pdf
    text = text_page_pdf(workdir / "page.pdf")
    rows = []
    for label, dpi, fmt in (("PNG, 200 dpi grey", 200, "png"), ("JPEG, 200 dpi grey", 200, "jpeg"),
                            ("JPEG, 300 dpi grey", 300, "jpeg")):
        scan = rasterise(text, workdir / f"scan{dpi}.{fmt}", dpi=dpi, fmt=fmt)
        t = time.perf_counter()
        pdf, _ = to_pdf([scan])
        took = time.perf_counter() - t
        rows.append((f"full A4 text page, scanner wrote {label}", f"{len(pdf) / 1024:.1f} kB stored "
                     f"(floor: the scan itself {scan.stat().st_size / 1024:.0f} kB), {took * 1000:.0f} ms to convert"))
    return rows


class Sink(harness.LoopbackListener):
    """The floor's far end: an HTTP server that reads a POST's body and answers 200."""

    def serve(self, conn):
        with conn:
            conn.settimeout(3600)
            harness._read_http(conn, is_request=True)      # the whole body, then the answer
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def raw_post_seconds(n_bytes: int) -> float:
    import requests
    sink = Sink()
    link = harness.SlowLink(sink.port, rtt_s=RTT_S, rate_bps=RATE_BPS, loss=LOSS, seed=5)
    try:
        t = time.perf_counter()
        requests.post(link.url + "/", data=b"\0" * n_bytes, timeout=3600)
        return time.perf_counter() - t
    finally:
        link.close()


def bench_day(workdir: Path, dossiers: int) -> list[tuple]:
    from pages import day_of_scans
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.store.desk import Desk
    from commune_desk.sync import run_pass
    server = harness.make_server("sqlite", workdir / "server")
    try:
        server.add_commune()
        desk = harness.make_desk(workdir / "desk", 1)
        harness.enroll(desk, server)
        scans = day_of_scans(workdir, dossiers)
        for i, files in enumerate(scans):
            desk.intake(IntakeForm(procedure_id="HT-XNHN", name=f"Nguyễn Văn An {i}"), attachments=[(None, files)])
        first = harness.sync_options(server.url, attempts=5)
        first.attachments = False
        run_pass(desk, first)                   # the morning's dossiers are upstream; their scans wait
        total = desk.attachment_counts()["waiting_bytes"]
        link = harness.SlowLink(server.port, rtt_s=RTT_S, rate_bps=RATE_BPS, loss=LOSS, seed=7)
        counter = Desk(desk.data_dir)           # the clerk's window, on the same file
        latencies, result = [], {}

        def clerk():
            """Visits while the scans go up, at uneven gaps (so they fall at different points of a
            chunk); each one timed to the server."""
            for k, gap in enumerate((23, 31, 37, 29)):
                time.sleep(gap)
                if "done" in result:
                    return
                d = counter.intake(IntakeForm(procedure_id="HT-KS", name=f"Trần Thị Muộn {k}"))
                t = time.perf_counter()
                while time.perf_counter() - t < 300:
                    if server.query("SELECT count(*) FROM dossier WHERE uuid = %s", (d.uuid,))[0][0]:
                        latencies.append(time.perf_counter() - t)
                        break
                    time.sleep(0.2)

        opts = harness.sync_options(link.url, attempts=10, timeout=(10.0, 60.0))
        opts.retry.cap_s = 5.0
        watcher = threading.Thread(target=clerk, daemon=True)
        t0 = time.perf_counter()
        watcher.start()
        r = run_pass(desk, opts)
        elapsed = time.perf_counter() - t0
        result["done"] = True
        link.close()
        watcher.join(5)
        counter.close()
        sent = r.attachment_bytes
        wire = link.bytes["up"]
        floor = raw_post_seconds(sent)
        link_bps = RATE_BPS / 8
        pages = 3 * dossiers
        return [
            ("link", "64 kbit/s, 300 ms RTT, 2 % loss (user-space emulator, one shared line per direction)"),
            ("a day's scans sent", f"{dossiers} dossiers, {pages} pages, {total / 1024:,.0f} kB "
                                   f"({total / pages / 1024:.1f} kB a page); sent {r.attachments_sent}, "
                                   f"error {r.attachment_error}"),
            ("time to send them", f"{elapsed:.0f} s; floor: one raw POST of the same bytes {floor:.0f} s"),
            ("scans' throughput", f"{sent / elapsed:,.0f} B/s = {100 * sent / elapsed / link_bps:.0f} % of the "
                                  f"link's {link_bps:,.0f} B/s; {100 * floor / elapsed:.0f} % of the raw POST's"),
            ("bytes on the wire up / file bytes", f"{wire:,} / {sent:,} ({100 * (wire - sent) / max(1, sent):.1f} % "
                                                  "overhead: headers, creation, the changes pushed meanwhile)"),
            ("a change made during the upload reaches the server in",
             ", ".join(f"{s:.1f} s" for s in latencies) + " (goal ≤ 30 s)"),
            ("the whole day's 60 dossiers at this rate",
             f"≈ {DAY * 3 * (total / pages) / (sent / elapsed) / 60:.0f} min"),
        ]
    finally:
        server.stop()


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    workdir = Path(tempfile.mkdtemp(prefix="cd-bench-attach-"))
    import os
    import shutil
    os.environ.setdefault("COMMUNE_DESK_DATA_DIR", str(workdir / "default"))
    try:
        print("\n-- a scanned page, stored --")
        table(bench_pages(workdir), ("measure", "value"))
        print("\n-- a day's scans over a poor link --")
        table(bench_day(workdir, DAY if "--full" in argv else 8), ("measure", "value"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
