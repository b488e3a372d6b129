"""The digitised share on the dashboard: per commune and period, the dossiers received (with a code)
that are digitised by rules.digitise, over those received.

The rule reads a dossier's checklist (its snapshot) and the scans that arrived whole, so it runs
here in Python, never restated in SQL: `refresh` judges the dossiers whose inputs a write changed
and keeps the verdict in dossier.digitised (migration 0021), in that write's transaction, with
the dossier rows locked first (a concurrent write of the snapshot and of a scan see each other).
Its writers: ingest (a new snapshot of a dossier that has scans), publish (a status set upstream),
uploads (a scan linked, a file completed). A dossier without a scan is never digitised, and scans
are never unlinked, so a dossier inserted is 0 and stays 0 until it has one.

digitised_day counts, per commune and office day of receipt, the coded dossiers with
digitised = 1, kept by triggers on every insert, update or delete of a dossier row (like
report_day, district.figures), so the dashboard sums a few rows per commune instead of judging
a million dossiers."""

import json

from commune_desk.district.figures import _CODED, _day
from commune_desk.rules.digitise import is_digitised

# the dossier columns the day count reads
SOURCE = ("commune_id", "code", "outcome", "received_s", "digitised")
COUNTED = f"received_s IS NOT NULL AND {_CODED} AND digitised = 1"


def _pg(db) -> bool:
    from commune_desk.district.db import is_postgres
    return is_postgres(db)


def _chunks(values: list, size: int = 500):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def judge(snapshot, attached: set) -> int:
    snap = json.loads(snapshot) if isinstance(snapshot, str) else (snapshot or {})
    return int(is_digitised(snap.get("documents") or [], snap.get("missing") or [], attached))


def attached_documents(db, dossier_ids: list) -> dict[int, set]:
    """{dossier_id: the checklist numbers (None: the whole dossier) that have a file arrived whole}."""
    out: dict[int, set] = {}
    done = "TRUE" if _pg(db) else "1"
    for chunk in _chunks(dossier_ids):
        marks = ", ".join([db.param] * len(chunk))
        for dossier_id, document in db.execute_sql(
                f'SELECT a."dossier_id", a."document" FROM "attachment" a JOIN "upload" u ON u."sha256" = a."sha256" '
                f'WHERE u."complete" = {done} AND a."dossier_id" IN ({marks})', chunk).fetchall():
            out.setdefault(dossier_id, set()).add(document)
    return out


def refresh(db, dossier_ids) -> int:
    """Judge these dossiers again by the rule and keep the verdicts that changed (inside the
    caller's transaction); how many changed."""
    ids = sorted(set(dossier_ids))
    if not ids:
        return 0
    lock = " FOR UPDATE" if _pg(db) else ""
    rows = []
    for chunk in _chunks(ids):
        rows += db.execute_sql(f'SELECT "id", "snapshot", "digitised" FROM "dossier" WHERE "id" IN '
                               f'({", ".join([db.param] * len(chunk))}) ORDER BY "id"{lock}', chunk).fetchall()
    attached = attached_documents(db, ids)
    changed = [(verdict, i) for i, snap, kept in rows
               if (verdict := judge(snap, attached.get(i, set()))) != kept]
    for verdict, i in changed:
        db.execute_sql(f'UPDATE "dossier" SET "digitised" = {db.param} WHERE "id" = {db.param}', (verdict, i))
    return len(changed)


def with_scans(db, dossier_ids) -> list[int]:
    """Those of the dossiers that have a scan linked (only they can be digitised)."""
    ids = sorted(set(dossier_ids))
    found = []
    for chunk in _chunks(ids):
        found += [r[0] for r in db.execute_sql(f'SELECT DISTINCT "dossier_id" FROM "attachment" WHERE "dossier_id" IN '
                                               f'({", ".join([db.param] * len(chunk))})', chunk).fetchall()]
    return found


def refresh_all(db) -> int:
    """Every dossier with a scan judged again (the migration's fill; a repair)."""
    ids = [r[0] for r in db.execute_sql('SELECT DISTINCT "dossier_id" FROM "attachment"').fetchall()]
    return refresh(db, ids)


# ---- digitised_day, kept by triggers ------------------------------------------------------------

def _upsert(sources: list[tuple[str, int]]) -> str:
    events = " UNION ALL ".join(f"SELECT commune_id, {_day('received_s')} AS day, {sign} AS n FROM {src} "
                                f"WHERE {COUNTED}" for src, sign in sources)
    return (f"INSERT INTO digitised_day (commune_id, day, n) SELECT commune_id, day, SUM(n) FROM ({events}) AS ev "
            f"GROUP BY commune_id, day HAVING SUM(n) <> 0 ORDER BY commune_id, day "
            f"ON CONFLICT (commune_id, day) DO UPDATE SET n = digitised_day.n + excluded.n")


def drop_triggers(db) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS digitised_day_{op}' + (' ON "dossier"' if _pg(db) else "")
            for op in ("insert", "update", "delete")]


def install_day_counts(db) -> None:
    """(Re)create digitised_day's triggers and fill it from the dossier rows, in the caller's
    transaction (a migration's)."""
    for stmt in drop_triggers(db):
        db.execute_sql(stmt)
    if _pg(db):
        for op, sources, refs in (("insert", [("new_rows", 1)], "NEW TABLE AS new_rows"),
                                  ("update", [("old_rows", -1), ("new_rows", 1)],
                                   "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                                  ("delete", [("old_rows", -1)], "OLD TABLE AS old_rows")):
            db.execute_sql(f"CREATE OR REPLACE FUNCTION digitised_day_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           f"BEGIN {_upsert(sources)}; RETURN NULL; END $$")
            db.execute_sql(f'CREATE TRIGGER digitised_day_{op} AFTER {op.upper()} ON "dossier" REFERENCING {refs} '
                           f"FOR EACH STATEMENT EXECUTE FUNCTION digitised_day_{op}()")
    else:
        def row(ref):
            return "(SELECT " + ", ".join(f"{ref}.{c} AS {c}" for c in SOURCE) + ")"
        # only rows digitised before or after the write can move a count
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in SOURCE)
        for op, sources, when in (("insert", [(row("NEW"), 1)], " WHEN NEW.digitised = 1"),
                                  ("update", [(row("OLD"), -1), (row("NEW"), 1)],
                                   f" WHEN (OLD.digitised = 1 OR NEW.digitised = 1) AND ({changed})"),
                                  ("delete", [(row("OLD"), -1)], " WHEN OLD.digitised = 1")):
            db.execute_sql(f'CREATE TRIGGER digitised_day_{op} AFTER {op.upper()} ON "dossier" FOR EACH ROW{when} '
                           f"BEGIN {_upsert(sources)}; END")
    db.execute_sql("DELETE FROM digitised_day")
    db.execute_sql(_upsert([('"dossier"', 1)]))


def drift(db) -> list[tuple]:
    """(commune_id, day, kept, recounted) where digitised_day differs from the dossier rows."""
    def table(sql):
        return {(r[0], r[1]): int(r[2]) for r in db.execute_sql(sql).fetchall() if r[2]}
    kept = table("SELECT commune_id, day, n FROM digitised_day")
    fresh = table(f"SELECT commune_id, {_day('received_s')} AS day, COUNT(*) FROM \"dossier\" WHERE {COUNTED} "
                  f"GROUP BY commune_id, {_day('received_s')}")
    return [(*k, kept.get(k), fresh.get(k)) for k in sorted(kept.keys() | fresh.keys()) if kept.get(k) != fresh.get(k)]


def period_digitised(db, period_from, period_to, commune_id: int | None = None) -> dict[int, int]:
    """{commune_id: the coded dossiers received in the period that are digitised}."""
    from commune_desk.district.figures import day_number
    from commune_desk.rules.report import period_bounds
    start, end = period_bounds(period_from, period_to)
    params = [day_number(start), day_number(end)] + ([commune_id] if commune_id is not None else [])
    mine = f" AND commune_id = {db.param}" if commune_id is not None else ""
    return {cid: int(n) for cid, n in db.execute_sql(
        f"SELECT commune_id, SUM(n) FROM digitised_day WHERE day >= {db.param} AND day < {db.param}{mine} "
        f"GROUP BY commune_id", params).fetchall() if n}
