"""What the audit trail costs: an intake and its slip's print entry on a desk whose triggers write
the chained trail, against the same on a desk whose audit triggers were dropped (the floor, same
run, taken in turn). Both run with synchronous=OFF and are timed in CPU time: the fsync that
dominates a real intake is the same with or without the trail and only adds noise. Also
`audit verify` over the trail of 900 intakes. Goal (issue 12): ≤ 1.5× the floor."""

import statistics
import tempfile
import time
from pathlib import Path

from bench.common import table

RUNS = 300
GOAL_RATIO = 1.5


def _desk(folder: Path, audited: bool):
    from commune_desk.store.desk import Desk
    desk = Desk(folder)
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
    desk.db.execute_sql("PRAGMA synchronous=OFF")
    if not audited:
        for (name,) in desk.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                           "AND name LIKE 'audit_%'").fetchall():
            desk.db.execute_sql(f'DROP TRIGGER "{name}"')
    return desk


def main() -> None:
    from commune_desk.rules.intake import IntakeForm
    form = IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt", id_number="001090012345")
    with tempfile.TemporaryDirectory() as tmp:
        audited, bare = _desk(Path(tmp) / "a", True), _desk(Path(tmp) / "b", False)

        def one(desk):
            t = time.process_time()
            d = desk.intake(form)
            desk.log_print(d.code, "01", "a5")
            return time.process_time() - t

        samples = ([], [])
        for _ in range(RUNS):
            samples[0].append(one(audited))
            samples[1].append(one(bare))
        for _ in range(900 - RUNS):            # a desk numbers at most 999 a day
            audited.intake(form)
        t = time.perf_counter()
        verdict = audited.verify_audit()
        verify_s = time.perf_counter() - t
        a, b = (statistics.median(s[20:]) * 1000 for s in samples)
        ratio = a / b
        table([("intake + print entry (CPU)", f"{a:.2f} ms", f"{b:.2f} ms", f"{ratio:.2f}×", f"≤ {GOAL_RATIO}×",
                "ok" if ratio <= GOAL_RATIO else "MISSED"),
               (f"audit verify, {verdict.entries:,} entries", f"{verify_s * 1000:.0f} ms", "—", "—", "—",
                "ok" if verdict.ok else "BROKEN")],
              ("what", "median", "floor (no trail)", "ratio", "goal", ""))
        audited.close()
        bare.close()


if __name__ == "__main__":
    main()
