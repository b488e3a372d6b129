"""What the start-up check, the daily check and a backup cost on 1,000,000 dossiers.

    .venv/bin/python bench/bench_integrity.py [--rows 1000000] [--no-encrypt]

Uses bench_search's cached fixture (built once under /tmp). Floors measured in the same run: opening
the file without the check, and reading every byte of it (the least any whole-file check or copy
can cost). Figures are warm-cache (the file was just read), as on a desk that has been running.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import bench_search  # noqa: E402
from commune_desk.store import backup, health  # noqa: E402
from commune_desk.store.db import open_database  # noqa: E402


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def read_all(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(1 << 22):
            pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--no-encrypt", action="store_true")
    args = ap.parse_args(argv)
    folder = bench_search.CACHE / f"{args.rows}"
    if not (folder / ".built").exists():
        bench_search.build(folder, args.rows)
        (folder / ".built").write_text("ok")
    path = folder / "desk.sqlite3"
    size = path.stat().st_size
    read_all(path)                      # warm the page cache once for every row below

    rows = [("floor: read every byte of the file", timed(lambda: read_all(path)))]
    rows.append(("floor: open without the check", timed(lambda: open_database(path, check=False).close())))
    rows.append(("open with PRAGMA quick_check (every start)", timed(lambda: open_database(path).close())))
    rows.append(("PRAGMA quick_check alone", timed(lambda: health.check_file(path))))
    rows.append(("PRAGMA integrity_check (daily, background)", timed(lambda: health.check_file(path, full=True))))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "copy.sqlite3"
        rows.append(("online backup + quick_check of the copy", timed(lambda: backup.make_backup(path, out))))
        if not args.no_encrypt:
            enc = Path(tmp) / "copy.sqlite3.enc"
            rows.append(("  + AES-GCM encryption (scrypt key)",
                         timed(lambda: backup.encrypt_file(out, enc, "mật khẩu bench"))))
            plain = Path(tmp) / "plain.sqlite3"
            rows.append(("  decryption", timed(lambda: backup.decrypt_file(enc, plain, "mật khẩu bench"))))
    print(f"{args.rows:,} dossiers, {size / 1e6:,.0f} MB in {path}")
    print(f"{'step':46} {'seconds':>8}")
    for label, seconds in rows:
        print(f"{label:46} {seconds:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
