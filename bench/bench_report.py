"""Report benchmarks (issue 11), each beside a bare SQL aggregate over the same rows:

- the desk: a year report over 10,000 dossiers in the desk's SQLite file (goal <= 50 ms);
- the district on PostgreSQL: the year's figures of 1,000,000 dossiers of 100 communes (goal
  <= 1 s median), one commune's year report, and the dashboard page for the 100 communes over
  HTTP from the real server process (goal <= 1.5 s).

The district's figures are summed from report_day (district migration 0018, kept by triggers as
the rows are loaded here with COPY), so they come in under the bare GROUP BY over the dossier rows
(the floor: what counting the raw rows could cost at best, same rows, same driver). The run also
counts the same figures the way it was done before report_day (the aggregate over every dossier
row, commune_desk.store.figures) and stops if the two differ for any commune: the table shows
both, and a half-year that has ended (its open dossiers are found as those finished after it).

    python -m bench bench_report [--only desk|district] [--rows 1000000] [--communes 100]
                                 [--desk-rows 10000] [--repeat 9]
"""

import argparse
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sync"))
sys.path.insert(0, str(ROOT))

from bench.common import table  # noqa: E402
from commune_desk.rules.office_calendar import TZ  # noqa: E402

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
NOW = datetime(2026, 11, 23, 9, 32, tzinfo=TZ)
PROCS = [("HT-KS", "Đăng ký khai sinh", "Hộ tịch"), ("HT-XNHN", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch"),
         ("CT-CK", "Chứng thực chữ ký", "Chứng thực"), ("LT-KS", "Liên thông khai sinh", "Liên thông"),
         ("KD-HKD", "Đăng ký thành lập hộ kinh doanh", "Đăng ký hộ kinh doanh")]
DOCS = [{"name": "Tờ khai theo mẫu", "originals": 1, "certified_copies": 0, "photocopies": 0},
        {"name": "Giấy chứng sinh hoặc văn bản của người làm chứng", "originals": 1, "certified_copies": 0,
         "photocopies": 0}, {"name": "Giấy tờ tùy thân của người đi đăng ký", "originals": 0, "certified_copies": 0,
                             "photocopies": 1}]


def median_ms(fn, repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def dossier(rnd: random.Random, i: int, agency: str, first_day: datetime, span_days: int) -> dict:
    """One dossier of the year as a desk's snapshot carries it: mostly returned on time, some late,
    the last weeks still open."""
    day = first_day + timedelta(days=(i * 7919) % span_days)
    received = day + timedelta(hours=8, minutes=rnd.randint(0, 480))
    due = received + timedelta(days=3)
    pid, pname, field = PROCS[i % len(PROCS)]
    finished = received + timedelta(days=rnd.choice([1, 2, 3, 4])) if received < NOW - timedelta(days=10) else None
    status = 10 if finished else rnd.choice([2, 4, 5])

    def iso(t):
        return t.isoformat(timespec="seconds") if t else None
    return {"uuid": str(uuid.UUID(int=rnd.getrandbits(128))), "code": f"{agency}-{received:%y%m%d}-B{i:07d}",
            "outcome": "accepted", "procedure_id": pid, "procedure_name": pname, "procedure_days": 3, "field": field,
            "agency_code": agency, "desk": 1, "clerk": "Trần Thị Lan", "applicant_name": "Nguyễn Văn An",
            "id_number": "001090012345", "phone": "0912345678", "address": "Thôn Đông, xã Phúc Lợi",
            "channel": rnd.choice([1, 1, 1, 2, 3]), "return_by": "post" if i % 40 == 0 else "counter",
            "documents": DOCS, "fee": 0, "status": status, "received_at": iso(received), "due_at": iso(due),
            "original_due_at": iso(due), "extended": False, "resolved_at": iso(finished),
            "returned_at": iso(finished + timedelta(hours=2)) if finished else None, "imported": False,
            "clock_stopped_at": iso(received + timedelta(days=1)) if status == 5 else None,
            "rating": rnd.choice(["", "", "hai-long", "rat-hai-long"]) if finished else ""}


# ---- the desk ------------------------------------------------------------------------------------

def bench_desk(rows: int, repeat: int) -> list[tuple]:
    from commune_desk.rules.report import build_report
    from commune_desk.store.desk import Desk, snapshot
    from commune_desk.store.models import Dossier
    folder = Path(tempfile.mkdtemp(prefix="bench-report-desk-"))
    desk = Desk(folder, clock=lambda: NOW)
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
    rnd = random.Random(11)
    cols = ("uuid", "code", "outcome", "procedure_id", "procedure_name", "procedure_days", "field", "agency_code",
            "desk", "clerk", "applicant_name", "channel", "return_by", "status", "received_at", "due_at",
            "original_due_at", "resolved_at", "returned_at", "clock_stopped_at", "rating")
    with desk.using(), desk.db.atomic():
        for i in range(rows):
            s = dossier(rnd, i, "000.30.36.H26", datetime(2026, 1, 2, tzinfo=TZ), 320)
            Dossier.insert(**{c: s[c] for c in cols}, name_folded="nguyen van an", documents=DOCS,
                           created_at=s["received_at"], updated_at=s["received_at"]).execute()
    report_ms = median_ms(lambda: desk.report(*YEAR, now=NOW), repeat)
    split_ms = median_ms(lambda: desk.report(*YEAR, now=NOW, by="procedure"), repeat)
    bare = sqlite3.connect(desk.path)
    floor_ms = median_ms(lambda: bare.execute("SELECT status, COUNT(*) FROM dossier WHERE received_at < ? "
                                              "GROUP BY status", ("2027-01-01",)).fetchall(), repeat)

    def python_path():          # what the report did before issue 11: every snapshot through the rule
        with desk.using():
            build_report((snapshot(d) for d in Dossier.select()), *YEAR, NOW)
    old_ms = median_ms(python_path, 3)
    bare.close()
    desk.close()
    shutil.rmtree(folder, ignore_errors=True)
    return [(f"desk: year report, {rows:,} dossiers (SQLite)", f"{report_ms:.1f} ms", "50 ms", f"{floor_ms:.1f} ms"),
            ("desk: the same split by procedure", f"{split_ms:.1f} ms", "", f"{floor_ms:.1f} ms"),
            ("desk: before (snapshots through the rule in Python)", f"{old_ms:.0f} ms", "", "")]


# ---- the district on PostgreSQL ------------------------------------------------------------------

def load_district(url: str, rows: int, communes: list) -> None:
    import io

    import psycopg2

    from commune_desk.district.figures import REPORT_COLUMNS, report_values
    from commune_desk.district.ingest import _copy_field, _iso
    from commune_desk.sync.jsontext import canonical
    rnd = random.Random(7)
    conn = psycopg2.connect(url)
    # digitised: the rule's verdict (0021), set here for 7 dossiers in 8 without loading scans: the
    # dashboard reads only the day counts the triggers keep of it
    cols = ("uuid", "code", "commune_id", "status", "received_at", "due_at", "snapshot", "snapshot_at",
            "updated_at") + REPORT_COLUMNS + ("digitised",)
    per = rows // len(communes)
    started = time.perf_counter()
    with conn, conn.cursor() as cur:
        for n, (commune_id, agency) in enumerate(communes):
            buf = io.StringIO()
            for i in range(per):
                s = dossier(rnd, i, agency, datetime(2026, 1, 2, tzinfo=TZ), 320)
                row = (s["uuid"], s["code"], commune_id, s["status"], _iso(s["received_at"]), _iso(s["due_at"]),
                       canonical(s), _iso(s["received_at"]), _iso(s["received_at"]), *report_values(s),
                       0 if i % 8 == 7 else 1)
                buf.write("\t".join(map(_copy_field, row)) + "\n")
            buf.seek(0)
            cur.copy_expert(f'COPY "dossier" ({", ".join(cols)}) FROM STDIN', buf)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute('VACUUM ANALYZE "dossier"')
        cur.execute('SELECT pg_size_pretty(pg_total_relation_size(\'dossier\'))')
        size = cur.fetchone()[0]
    conn.close()
    print(f"loaded {rows:,} dossiers of {len(communes)} communes in {time.perf_counter() - started:.0f} s "
          f"({size})", file=sys.stderr)


def bench_district(rows: int, n_communes: int, repeat: int) -> list[tuple]:
    import psycopg2
    import requests

    import harness
    from commune_desk.district import db as district_db
    from commune_desk.district.figures import all_communes, commune_report
    workdir = Path(tempfile.mkdtemp(prefix="bench-report-district-"))
    server = harness.make_server("postgresql", workdir)
    try:
        agencies = [f"000.30.{i:02d}.H26" for i in range(1, n_communes + 1)]
        for i, agency in enumerate(agencies):
            server.admin("commune", "add", "--agency-code", agency, "--name", f"UBND xã Số {i + 1}")
        ids = dict(server.query("SELECT agency_code, id FROM commune"))
        load_district(server.db_url, rows, [(ids[a], a) for a in agencies])
        db = district_db.open_database(server.db_url, pool_size=2)
        half = (date(2026, 1, 1), date(2026, 6, 30))
        with db.connection_context():
            year_ms = median_ms(lambda: all_communes(db, *YEAR, NOW), repeat)
            one_ms = median_ms(lambda: commune_report(db, ids[agencies[0]], *YEAR, NOW), repeat)
            half_ms = median_ms(lambda: all_communes(db, *half, NOW), repeat)
            raw_ms = median_ms(lambda: same_as_before(db, *YEAR, NOW), max(3, repeat // 2))
            same_as_before(db, *half, NOW)
            from commune_desk.district import digitised
            assert digitised.drift(db) == [], "digitised_day and the dossier rows disagree"
        db.close_all()
        print(f"year figures {year_ms:.0f} ms, one commune {one_ms:.1f} ms, from the rows {raw_ms:.0f} ms",
              file=sys.stderr, flush=True)
        bare = psycopg2.connect(server.db_url)
        cur = bare.cursor()
        floor_ms = median_ms(lambda: (cur.execute('SELECT commune_id, COUNT(*) FROM "dossier" WHERE received_s < %s '
                                                  'GROUP BY commune_id', (int(datetime(2027, 1, 1, tzinfo=TZ)
                                                                                  .timestamp()),)),
                                      cur.fetchall()), repeat)
        day_floor_ms = median_ms(lambda: (cur.execute("SELECT commune_id, SUM(r_coded) FROM report_day "
                                                      "GROUP BY commune_id"), cur.fetchall()), repeat)
        bare.close()
        server.admin("staff", "add", "--username", "tonghop", "--password-stdin", stdin="mat-khau-du-dai\n")
        http = requests.Session()
        page = http.get(server.url + "/dang-nhap").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        signed = http.post(server.url + "/dang-nhap", data={"csrf_token": csrf, "username": "tonghop",
                                                            "password": "mat-khau-du-dai"})
        assert "/dang-nhap" not in signed.url, "sign-in failed"

        def dashboard():
            r = http.get(server.url + "/quan-ly?tu=2026-01-01&den=2026-12-31")
            assert r.status_code == 200 and r.text.count("data-agency=") == n_communes, r.status_code
        page_ms = median_ms(dashboard, max(3, repeat // 2))
        lookup_ms = median_ms(lambda: http.get(server.url + "/tra-cuu"), repeat)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    floor = f"{floor_ms:.0f} ms"
    return [(f"district: year figures of {rows:,} dossiers, {n_communes} communes (PostgreSQL)", f"{year_ms:.0f} ms",
             "1000 ms", floor),
            ("district: the same counted over the dossier rows (before report_day)", f"{raw_ms:.0f} ms", "", floor),
            ("district: figures of the half-year that ended (judged at its end)", f"{half_ms:.0f} ms", "", floor),
            (f"district: one commune's year report ({rows // n_communes:,} dossiers)", f"{one_ms:.1f} ms", "", floor),
            ("  (bare GROUP BY over report_day, the rows the figures read)", f"{day_floor_ms:.1f} ms", "", ""),
            (f"district: dashboard page, {n_communes} communes, over HTTP", f"{page_ms:.0f} ms", "1500 ms",
             f"{lookup_ms:.1f} ms (GET /tra-cuu)")]


def same_as_before(db, period_from, period_to, now) -> None:
    """The figures of every commune counted over the dossier rows (the aggregate of
    commune_desk.store.figures, as before report_day); stops the run if report_day says otherwise."""
    from commune_desk.district.figures import layout, period_counts
    from commune_desk.store.figures import run_counts
    L = layout(db)
    rows = {k: c for k, _, c in run_counts(db, L, period_from, period_to, now, "commune")}
    kept = period_counts(db, L, period_from, period_to, now)
    assert rows == kept, "report_day and the dossier rows disagree"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench_report")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--desk-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--only", choices=["desk", "district"])
    args = parser.parse_args(argv)
    rows = []
    if args.only != "district":
        rows += bench_desk(args.desk_rows, args.repeat)
    if args.only != "desk":
        rows += bench_district(args.rows, args.communes, args.repeat)
    table(rows, ("what", "median", "goal", "bare SQL aggregate, same rows"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
