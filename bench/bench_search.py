"""Search benchmark: 1,000,000 dossiers in the desk's file; the scanned code and the name box.

    .venv/bin/python bench/bench_search.py [--rows 1000000] [--rebuild] [--repeat 200]

The fixture is built once (bulk insert in one transaction, FTS triggers live, names folded by
commune_desk.rules.text.fold) and cached under /tmp; reruns only measure. Each query is timed
through the Desk (peewee models, the code the window runs) and beside it as the same SQL on a bare
sqlite3 connection. Goals (issue 4): scanned code <= 2 ms, first page of a name search <= 20 ms,
median on this machine.
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from commune_desk.rules.office_calendar import TZ  # noqa: E402
from commune_desk.rules.text import fold  # noqa: E402
from commune_desk.store.desk import Desk  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "commune-desk-bench"
AGENCY = "000.30.36.H26"
PER_DAY = 250

# surname shares roughly as in Vietnamese population surveys
SURNAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 2), ("Phan", 4),
            ("Vũ", 3), ("Võ", 2), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1),
            ("Lý", 1), ("Đinh", 1), ("Trương", 1), ("Đào", 1), ("Lương", 1)]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Công", "Xuân", "Đình", "Ngọc", "Tiến", "Trọng"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Mai", "Kim", "Bích", "Minh", "Hồng", "Phương", "Diệu", "Thúy"]
GIVEN_M = ["Đạt", "An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hiếu", "Huy", "Khánh", "Long", "Minh",
           "Nam", "Phong", "Quân", "Sơn", "Tâm", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Ước",
           "Đông", "Lực", "Thành", "Hưng", "Kiên", "Lâm"]
GIVEN_F = ["Hương", "Lan", "Hoa", "Mai", "Linh", "Ngọc", "Trang", "Thảo", "Hằng", "Nhung", "Yến", "Oanh",
           "Ơn", "Vân", "Hạnh", "Phượng", "Thư", "Dung", "Giang", "Hà", "Loan", "Nga", "Quyên", "Tuyết",
           "Duyên", "Đào", "Liên", "Nhàn", "Thủy", "Uyên"]


def random_name(rnd: random.Random) -> str:
    surname = rnd.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    if rnd.random() < 0.5:
        return f"{surname} {rnd.choice(MIDDLE_M)} {rnd.choice(GIVEN_M)}"
    return f"{surname} {rnd.choice(MIDDLE_F)} {rnd.choice(GIVEN_F)}"


COLUMNS = ("uuid", "code", "outcome", "procedure_id", "procedure_name", "procedure_days", "agency_code", "desk",
           "clerk", "applicant_name", "name_folded", "id_number", "birth_date", "phone", "email", "address",
           "owner_name", "owner_id_number", "owner_address", "channel", "return_by", "post_address", "notes",
           "reason", "missing", "documents", "fee", "status", "received_at", "starts_at", "due_at",
           "original_due_at", "extended", "resolved_at", "returned_at", "imported", "created_at", "updated_at",
           "assignee", "clock_stopped_at", "supplement_rounds", "extension_reason", "recipient_name",
           "recipient_id_number", "proxy", "proxy_paper", "post_tracking", "fee_paid", "fee_receipt", "rating")


def build(folder: Path, rows: int) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    desk = Desk(folder, clock=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=TZ))
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code=AGENCY, desk=1, clerk_name="Trần Thị Lan")
    procs = [(p.id, p.name, p.days, p.fee) for p in desk.procedures()]
    path = desk.path
    desk.close()
    rnd = random.Random(20261123)
    first_day = datetime(2026, 11, 20, 8, 0, tzinfo=TZ) - timedelta(days=rows // PER_DAY)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=OFF")
    # synthetic rows, as if they predated the audit trail: the next Desk open puts the trigger back
    # (and its trail says so)
    con.execute("DROP TRIGGER IF EXISTS audit_dossier_insert")
    sql = f"INSERT INTO dossier ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    started = time.perf_counter()

    def gen():
        for i in range(rows):
            day = first_day + timedelta(days=i // PER_DAY)
            received = (day + timedelta(minutes=(i % PER_DAY) * 2)).isoformat(timespec="seconds")
            due = (day + timedelta(days=3)).isoformat(timespec="seconds")
            pid, pname, pdays, fee = procs[rnd.randrange(len(procs))]
            name = random_name(rnd)
            code = f"{AGENCY}-{day:%y%m%d}-{i % PER_DAY + 1:04d}"
            id_number = f"0{rnd.randint(1, 96):02d}{rnd.randint(0, 3)}{rnd.randint(0, 99):02d}{rnd.randint(0, 999999):06d}"
            phone = f"0{rnd.choice('35789')}{rnd.randint(0, 99999999):08d}"
            status = 10 if i < rows - 500 else rnd.choice([2, 4, 5, 9])
            yield (str(uuid.UUID(int=rnd.getrandbits(128))), code, "accepted", pid, pname, pdays, AGENCY, 1,
                   "Trần Thị Lan", name, fold(name), id_number, None, phone, "", "Thôn Đông, xã Phúc Lợi",
                   "", "", "", 1, "counter", "", "", "", "[]", "[]", fee, status, received, received, due, due,
                   0, due if status >= 9 else None, due if status == 10 else None, 0, received, received,
                   "", None, 0, "", name if status == 10 else "", "", 0, "", "", fee, "", "")

    with con:
        con.executemany(sql, gen())
    con.execute("PRAGMA optimize")
    con.close()
    print(f"built {rows:,} dossiers in {time.perf_counter() - started:.0f} s -> {path}", file=sys.stderr)


def median_ms(fn, repeat: int) -> float:
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def bare_fts(con, query: str, limit: int = 20):
    """The same SQL as Queries.find, on a bare connection."""
    tokens = fold(query).split()
    want = limit * 3
    sql = "SELECT rowid FROM dossier_search WHERE dossier_search MATCH ? ORDER BY rowid DESC LIMIT ?"
    match = " AND ".join([f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"*'])
    ids = [r[0] for r in con.execute(sql, (match, want))]
    if len(ids) < want and len(tokens) > 1:
        more = [r[0] for r in con.execute(sql, (" AND ".join(f'"{t}"*' for t in tokens), want))]
        ids = sorted(set(ids).union(more), reverse=True)[:want]
    marks = ",".join("?" * len(ids))
    return con.execute(f"SELECT * FROM dossier WHERE code IS NOT NULL AND id IN ({marks}) ORDER BY id DESC LIMIT ?",
                       (*ids, limit)).fetchall()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args(argv)
    folder = CACHE / f"{args.rows}"
    ready = folder / ".built"
    if args.rebuild or not ready.exists():
        build(folder, args.rows)
        ready.write_text("ok")
    desk = Desk(folder)
    con = sqlite3.connect(desk.path)
    count = con.execute("SELECT count(*) FROM dossier").fetchone()[0]
    rnd = random.Random(7)
    codes = [r[0] for r in con.execute("SELECT code FROM dossier WHERE id IN (%s)" % ",".join(
        str(rnd.randint(1, count)) for _ in range(args.repeat)))]
    it = iter(codes * 10)

    rows = [
        ("scanned code: desk.by_code", lambda: desk.by_code(next(it)),
         lambda: con.execute("SELECT * FROM dossier WHERE code = ?", (next(it),)).fetchone(), 2),
        ("scanned code: desk.find", lambda: desk.find(next(it)),
         lambda: con.execute("SELECT * FROM dossier WHERE code IS NOT NULL AND code = ?", (next(it),)).fetchone(), 2),
    ]
    for q in ("dat", "nguyen van", "huong", "tran thi lan", "0912", "ng", "nguy van"):
        rows.append((f'first page: find("{q}")', lambda q=q: desk.find(q), lambda q=q: bare_fts(con, q), 20))

    print(f"{count:,} dossiers in {desk.path} (median of {args.repeat} runs)")
    print(f"{'query':34} {'desk ms':>9} {'bare ms':>9} {'goal ms':>8}  ok")
    for label, through_desk, bare, goal in rows:
        a, b = median_ms(through_desk, args.repeat), median_ms(bare, args.repeat)
        print(f"{label:34} {a:9.3f} {b:9.3f} {goal:8}  {'yes' if a <= goal else 'NO'}")
    sample = desk.find("dat")
    print(f'find("dat") first page: {len(sample)} rows, e.g. {sample[0].applicant_name if sample else "-"}')
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
