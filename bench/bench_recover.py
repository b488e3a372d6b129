"""Recovery after a restore against its floor: a desk restored from a backup made before N dossiers
(2 changes each) gets them back from the real server (GET /api/v1/recover), measured against
another desk of the commune pulling the same changes (GET /api/v1/pull) in the same run: the same
bytes to read and the same rows to write, so the ratio is what recovering adds.

    python -m bench bench_recover [--dossiers N] [--rounds R]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sync"))

import harness  # noqa: E402
from bench.bench_sync import seed_desk  # noqa: E402
from bench.common import table  # noqa: E402


def run(workdir: Path, n: int, rounds: int) -> list[tuple]:
    from commune_desk.store import backup
    from commune_desk.store.desk import Desk
    from commune_desk.sync import run_pass
    server = harness.make_server("sqlite", workdir / "server")
    try:
        server.add_commune()
        desk = harness.make_desk(workdir / "desk", 1)
        harness.enroll(desk, server)
        run_pass(desk, harness.sync_options(server.url))
        saved = backup.make_backup(desk.path, out=workdir / "before.sqlite3")
        seed_desk(desk, n)
        pushed = run_pass(desk, harness.sync_options(server.url, timeout=(10.0, 120.0)))
        assert pushed.accepted == 2 * n and pushed.waiting == 0, pushed
        desk.close()
        floor, recover = [], []
        for r in range(rounds):
            # the floor: a desk of the commune that has never seen these changes pulls them
            other = harness.make_desk(workdir / f"other{r}", 2)
            harness.enroll(other, server)
            t = time.perf_counter()
            pulled = run_pass(other, harness.sync_options(server.url, timeout=(10.0, 120.0)))
            floor.append(time.perf_counter() - t)
            assert pulled.applied.get("change") == 2 * n, pulled.applied
            other.close()
            # the recovery: the first desk restored from the backup gets them back
            data = workdir / f"desk{r}"
            shutil.copytree(workdir / "desk", data, ignore=shutil.ignore_patterns("backups", "*.replaced*"))
            backup.restore(saved, data / "desk.sqlite3")
            restored = Desk(data, clock=harness.Clock(harness.DESK_NOW))
            t = time.perf_counter()
            got = run_pass(restored, harness.sync_options(server.url, timeout=(10.0, 120.0)))
            recover.append(time.perf_counter() - t)
            assert (got.recovered, got.recovered_dossiers, got.pushed) == (2 * n, n, 0), got
            restored.close()
        f, c = statistics.median(floor), statistics.median(recover)
        return [(f"{n} dossiers, {2 * n} changes", f"{f:.2f} s", f"{c:.2f} s", f"{c / f:.2f}×",
                 f"{2 * n / c:.0f}/s")]
    finally:
        server.stop()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="bench_recover")
    ap.add_argument("--dossiers", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv or [])
    workdir = Path(tempfile.mkdtemp(prefix="cd-bench-recover-"))
    try:
        rows = run(workdir, args.dossiers, args.rounds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    table(rows, ("recovered", "floor: pulled by another desk", "recovery after restore", "ratio", "changes/s"))


if __name__ == "__main__":
    main(sys.argv[1:])
