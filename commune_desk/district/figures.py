"""The district's report figures, from columns kept for them beside each snapshot.

Instants are kept as epoch seconds (an integer compares fast on PostgreSQL whatever the
database's collation; text would be compared by locale), the office day being
(seconds + 7 h) / 1 day. `report_values` computes the columns from a snapshot; ingest and
publish write them with every snapshot, migration 0002 filled them for the rows before it.

A province's year is a million rows, and even a bare GROUP BY over them takes longer than the
dashboard may. So the figures are summed from `report_day` (migration 0018): per commune and
office day, how many dossiers were received that day and how many finished that day, by the
traits the buckets of rules.report depend on. Database triggers keep it in the transaction of
every insert, update or delete of a dossier row, whoever writes it (no lost or double count
after a crash or a retried push). A period's figures are differences of those day counts:

- a dossier's finish is taken as max(finished, received) (a finish recorded before the receipt
  counts as made on receipt, which is what the rule makes of it), so "finished before t" implies
  "received before t";
- carried over = received before the start - finished before the start; new = received in the
  period; resolved = finished in the period (judged early/on time/late when it finished, which
  depends on the row alone); open at the end = received before the end - finished before it.

Only "open and overdue" depends on a judging instant inside a day (now) and on the due time: it
is counted on the dossier rows open at the period's end, which indexes find directly (those not
finished, and those finished after the end). Splits (--by) of one commune count its rows with
the desk's aggregate (commune_desk.store.figures). tests/reports/ hold every path to the rule.
"""

import re
from datetime import date, datetime
from functools import lru_cache

from commune_desk.rules import report as rule
from commune_desk.store.figures import Layout, run_counts

OFFICE_OFFSET_S = 7 * 3600

# beside "status", "code" and "commune_id", which the dossier table had already
REPORT_COLUMNS = ("outcome", "channel", "field", "procedure_id", "clerk", "by_post", "extended", "rating_score",
                  "received_s", "due_s", "finished_s", "stopped_s")


def _epoch(value) -> int | None:
    if not value:
        return None
    t = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return int(t.timestamp())


@lru_cache(maxsize=1)
def _builtin_fields() -> dict:
    from commune_desk.catalog import read_catalog
    return {p["id"]: p["field"] for p in read_catalog()["procedures"]}


def report_values(snap: dict) -> tuple:
    """The REPORT_COLUMNS of one snapshot (snapshots from desks before 0005 carry no field: the
    built-in catalog's field of the procedure stands in)."""
    channel = snap.get("channel")
    return (
        snap.get("outcome") or "", channel if isinstance(channel, int) and not isinstance(channel, bool) else 1,
        snap.get("field") or _builtin_fields().get(snap.get("procedure_id"), ""),
        snap.get("procedure_id") or "", snap.get("clerk") or "",
        1 if snap.get("return_by") == "post" else 0, 1 if snap.get("extended") else 0,
        rule.RATING_SCORES.get(snap.get("rating") or "", 0),
        _epoch(snap.get("received_at")), _epoch(snap.get("due_at")),
        _epoch(snap.get("resolved_at") or snap.get("returned_at")), _epoch(snap.get("clock_stopped_at")),
    )


def layout(db) -> Layout:
    from commune_desk.district.db import is_postgres
    return Layout(
        table='"dossier"', received="received_s", due="due_s", finished="finished_s", clock_stopped="stopped_s",
        coded="(code IS NOT NULL AND outcome = 'accepted')", by_post="by_post", extended="extended",
        rating="rating_score", day_start=_day_start, bound=lambda t: int(t.timestamp()),
        param=db.param if hasattr(db, "param") else ("%s" if is_postgres(db) else "?"),
        groups={"commune": ("commune_id", None), "field": ("field", None),
                "procedure": ("procedure_id", None), "clerk": ("clerk", None),
                "channel": ("(CASE WHEN channel IN (2, 3) THEN channel ELSE 1 END)", None)})


# ---- report_day: the day counts kept by triggers ---------------------------------------------

DAY_ORIGIN = 1_000_000      # days added before dividing, so the division floors for instants before 1970 too


def _day(expr: str) -> str:
    """The office day number (days since 1970-01-01 in office time) of an epoch-seconds expression."""
    return f"((({expr}) + {OFFICE_OFFSET_S + DAY_ORIGIN * 86400}) / 86400 - {DAY_ORIGIN})"


def _day_start(expr: str) -> str:
    """The first instant of the office day of an instant (epoch seconds)."""
    return f"({_day(expr)} * 86400 - {OFFICE_OFFSET_S})"


def day_number(t: datetime) -> int:
    return (int(t.timestamp()) + OFFICE_OFFSET_S) // 86400


_CODED = "(code IS NOT NULL AND outcome = 'accepted')"
_LIVE = f"({_CODED} AND status NOT IN ({rule.WITHDRAWN}, {rule.STOPPED}))"
# what a dossier adds on the day it was received (visits without a code: supplement, refused)
RECEIVED = {
    "r_coded": _CODED, "r_online": f"{_CODED} AND channel = 2", "r_post": f"{_CODED} AND channel = 3",
    "r_withdrawn": f"{_CODED} AND status = {rule.WITHDRAWN}", "r_stopped": f"{_CODED} AND status = {rule.STOPPED}",
    "r_extended": f"{_LIVE} AND extended <> 0", "r_supplement": f"{_LIVE} AND status = {rule.SUPPLEMENT}",
    "v_supplement": f"NOT {_CODED} AND outcome = 'supplement'", "v_refused": f"NOT {_CODED} AND outcome = 'refused'",
}
# what a coded dossier adds on the day it finished (rows with a finish only); early/late as the rule
# judges a resolved dossier: after its due instant late, before its due day early
_NOT_OUT = f"status NOT IN ({rule.WITHDRAWN}, {rule.STOPPED})"
FINISHED = {
    "f_coded": "1 = 1", "f_withdrawn": f"status = {rule.WITHDRAWN}", "f_stopped": f"status = {rule.STOPPED}",
    "f_extended": f"{_NOT_OUT} AND extended <> 0", "f_supplement": f"status = {rule.SUPPLEMENT}",
    "f_resolved": _NOT_OUT,
    "f_early": f"{_NOT_OUT} AND due_s IS NOT NULL AND finished_s < {_day_start('due_s')}",
    "f_late": f"{_NOT_OUT} AND due_s IS NOT NULL AND finished_s > due_s",
    "f_by_post": f"{_NOT_OUT} AND by_post <> 0", "f_rated": f"{_NOT_OUT} AND rating_score > 0",
    "f_rated_1": f"{_NOT_OUT} AND rating_score = 1", "f_rated_2": f"{_NOT_OUT} AND rating_score = 2",
    "f_rated_3": f"{_NOT_OUT} AND rating_score = 3",
}
DAY_COUNTS = tuple(RECEIVED) + tuple(FINISHED) + ("f_rating_points",)
# the dossier columns the day counts read (a trigger's row source selects these)
DAY_SOURCE = ("commune_id", "code", "outcome", "status", "channel", "extended", "by_post", "rating_score",
              "received_s", "due_s", "finished_s")


def _events(source: str, sign: int) -> str:
    """The day counts of the rows of `source` (a table or a subquery with DAY_SOURCE), times sign:
    (commune_id, day, *DAY_COUNTS), a row per receipt and a row per finish."""
    def flag(cond):
        return f"CASE WHEN {cond} THEN {sign} ELSE 0 END"
    zeros_r = ["0"] * len(RECEIVED)
    zeros_f = ["0"] * (len(FINISHED) + 1)
    finish = "CASE WHEN finished_s > received_s THEN finished_s ELSE received_s END"
    received = ", ".join(f"{x} AS {name}" for x, name in zip([flag(c) for c in RECEIVED.values()] + zeros_f,
                                                                DAY_COUNTS))
    finished = ", ".join(zeros_r + [flag(c) for c in FINISHED.values()]
                         + [f"CASE WHEN {_NOT_OUT} AND rating_score > 0 THEN {sign} * rating_score ELSE 0 END"])
    return (f"SELECT commune_id, {_day('received_s')} AS day, {received} FROM {source} "
            f"WHERE received_s IS NOT NULL "
            f"UNION ALL SELECT commune_id, {_day(finish)} AS day, {finished} FROM {source} "
            f"WHERE received_s IS NOT NULL AND finished_s IS NOT NULL AND {_CODED}")


def _summed(sources: list[tuple[str, int]]) -> str:
    sums = ", ".join(f"SUM({c})" for c in DAY_COUNTS)
    events = " UNION ALL ".join(_events(src, sign) for src, sign in sources)
    return f"SELECT commune_id, day, {sums} FROM ({events}) AS ev GROUP BY commune_id, day"


def day_counts_upsert(sources: list[tuple[str, int]]) -> str:
    """Add the day counts of the rows of each (source, sign) to report_day, in one statement
    (rows in key order: two writers meet on report_day's rows in the same order)."""
    return (f"INSERT INTO report_day (commune_id, day, {', '.join(DAY_COUNTS)}) {_summed(sources)} "
            f"HAVING {' OR '.join(f'SUM({c}) <> 0' for c in DAY_COUNTS)} ORDER BY commune_id, day "
            f"ON CONFLICT (commune_id, day) DO UPDATE SET "
            + ", ".join(f"{c} = report_day.{c} + excluded.{c}" for c in DAY_COUNTS))


def day_counts_drift(db) -> list[tuple]:
    """The (commune_id, day, kept, recounted) where report_day differs from the day counts of the
    dossier rows as they are (nothing, unless a write went around the triggers)."""
    def table(sql):
        return {(r[0], r[1]): tuple(int(x) for x in r[2:]) for r in db.execute_sql(sql).fetchall()
                if any(r[2:])}
    kept = table(f"SELECT commune_id, day, {', '.join(DAY_COUNTS)} FROM report_day")
    fresh = table(_summed([('"dossier"', 1)]))
    return [(*key, kept.get(key), fresh.get(key)) for key in sorted(kept.keys() | fresh.keys())
            if kept.get(key) != fresh.get(key)]


def recount_day_counts(db) -> list[tuple]:
    """report_day counted again from the dossier rows (what differed, see day_counts_drift): for a
    database whose rows were written around the triggers (a data-only restore into a database
    that already had them, a hand-made fix with triggers disabled). Writers wait meanwhile."""
    from commune_desk.district.db import is_postgres
    with db.atomic():
        if is_postgres(db):
            db.execute_sql('LOCK TABLE "dossier" IN SHARE ROW EXCLUSIVE MODE')
        drift = day_counts_drift(db)
        if drift:
            db.execute_sql("DELETE FROM report_day")
            db.execute_sql(day_counts_upsert([('"dossier"', 1)]))
    return drift


def install_day_counts(db) -> None:
    """(Re)create report_day's triggers and fill it from the dossier rows, in the caller's
    transaction (a migration's): a row written before counts in the fill, one written after
    through a trigger."""
    from commune_desk.district.db import is_postgres
    for stmt in drop_triggers(db):
        db.execute_sql(stmt)
    if is_postgres(db):
        for op, sources, refs in (("insert", [("new_rows", 1)], "NEW TABLE AS new_rows"),
                                  ("update", [("old_rows", -1), ("new_rows", 1)],
                                   "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                                  ("delete", [("old_rows", -1)], "OLD TABLE AS old_rows")):
            db.execute_sql(f"CREATE OR REPLACE FUNCTION report_day_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           f"BEGIN {day_counts_upsert(sources)}; RETURN NULL; END $$")
            db.execute_sql(f'CREATE TRIGGER report_day_{op} AFTER {op.upper()} ON "dossier" REFERENCING {refs} '
                           f"FOR EACH STATEMENT EXECUTE FUNCTION report_day_{op}()")
    else:
        def row(ref):
            return "(SELECT " + ", ".join(f"{ref}.{c} AS {c}" for c in DAY_SOURCE) + ")"
        # an update that leaves the counted columns as they were (most: a print, a note) does nothing
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in DAY_SOURCE)
        for op, sources, when in (("insert", [(row("NEW"), 1)], ""),
                                  ("update", [(row("OLD"), -1), (row("NEW"), 1)], f" WHEN {changed}"),
                                  ("delete", [(row("OLD"), -1)], "")):
            db.execute_sql(f'CREATE TRIGGER report_day_{op} AFTER {op.upper()} ON "dossier" FOR EACH ROW{when} '
                           f"BEGIN {day_counts_upsert(sources)}; END")
    db.execute_sql("DELETE FROM report_day")
    db.execute_sql(day_counts_upsert([('"dossier"', 1)]))


def drop_triggers(db) -> list[str]:
    from commune_desk.district.db import is_postgres
    return [f'DROP TRIGGER IF EXISTS report_day_{op}' + (' ON "dossier"' if is_postgres(db) else "")
            for op in ("insert", "update", "delete")]


def _period_counts_sql(one_commune: bool) -> tuple[str, list[str]]:
    """COUNTS but open_overdue, per commune, for the period of days [:sd, :ed) from report_day."""
    def before_start(expr):
        return f"SUM(CASE WHEN day < :sd THEN {expr} ELSE 0 END)"

    def within(expr):
        return f"SUM(CASE WHEN day >= :sd THEN {expr} ELSE 0 END)"
    counts = {
        "carried_over": before_start("r_coded - f_coded"), "new": within("r_coded"),
        "new_online": within("r_online"), "new_post": within("r_post"),
        "withdrawals": f"SUM(r_withdrawn) - {before_start('f_withdrawn')}",
        "stops": f"SUM(r_stopped) - {before_start('f_stopped')}",
        "live": f"SUM(r_coded - r_withdrawn - r_stopped) - {before_start('f_coded - f_withdrawn - f_stopped')}",
        "extended": f"SUM(r_extended) - {before_start('f_extended')}",
        "resolved": within("f_resolved"), "resolved_early": within("f_early"), "resolved_late": within("f_late"),
        "by_post": within("f_by_post"), "open_supplement": "SUM(r_supplement - f_supplement)",
        "visit_supplement": within("v_supplement"), "refused": within("v_refused"),
        "rated": within("f_rated"), "rating_points": within("f_rating_points"),
        "rated_1": within("f_rated_1"), "rated_2": within("f_rated_2"), "rated_3": within("f_rated_3"),
    }
    names = [k for k in rule.COUNTS if k in counts]
    sql = (f"SELECT commune_id, {', '.join(counts[k] for k in names)} FROM report_day WHERE day < :ed"
           + (" AND commune_id = :c" if one_commune else "") + " GROUP BY commune_id")
    return sql, names


# PostgreSQL finds the rows received before an instant and finished after it on a GiST index of
# the interval (received, finish] (0019): as many as were open then, however long the history
# since. SQLite scans the finishes after it on a B-tree (dossier_finished, 0018).
OPEN_AT = "int8range(received_s, GREATEST(finished_s, received_s), '(]')"


def _open_overdue_rows(db, L: Layout, select: str, one_commune: bool) -> str:
    """The rows open at the period's end and overdue when judged, as two disjoint parts that
    indexes find directly: not finished (dossier_open), finished after the end (see OPEN_AT)."""
    from commune_desk.district.db import is_postgres
    from commune_desk.store.figures import open_overdue_where
    mine = " AND commune_id = :c" if one_commune else ""
    later = (f"{L.finished} IS NOT NULL AND {OPEN_AT} @> CAST(:e AS BIGINT)" if is_postgres(db)
             else f"{L.finished} >= :e")
    return " UNION ALL ".join(
        f"SELECT {select} FROM {L.table} WHERE {L.received} < :e AND {open_overdue_where(L, open_at_end=part)}{mine}"
        for part in (f"{L.finished} IS NULL", later))


_MARK = re.compile(r":(sd|ed|[seac])\b")


def _run(db, L: Layout, sql: str, values: dict) -> list[tuple]:
    """sql with its markers (:s :e :a period start, end and judging instant; :sd :ed the days of
    start and end; :c the commune) bound as the driver's positional parameters."""
    params = []

    def mark(m):
        params.append(values[m[1]])
        return L.param
    return db.execute_sql(_MARK.sub(mark, sql), params).fetchall()


def _values(L: Layout, period_from: date, period_to: date, now: datetime, commune_id) -> dict:
    start, end = rule.period_bounds(period_from, period_to)
    return {"s": L.bound(start), "e": L.bound(end), "a": L.bound(rule.judged_at(period_to, now)),
            "sd": day_number(start), "ed": day_number(end), "c": commune_id}


def period_counts(db, L: Layout, period_from: date, period_to: date, now: datetime,
                  commune_id: int | None = None) -> dict:
    """{commune_id: COUNTS} of every commune with dossiers in the period (or of the one asked)."""
    values = _values(L, period_from, period_to, now, commune_id)
    one = commune_id is not None
    sql, names = _period_counts_sql(one)
    out = {}
    for cid, *counted in _run(db, L, sql, values):
        counts = dict.fromkeys(rule.COUNTS, 0)
        counts.update(zip(names, (int(v or 0) for v in counted)))
        out[cid] = counts
    rows = _open_overdue_rows(db, L, "commune_id", one)
    for cid, n in _run(db, L, f"SELECT commune_id, COUNT(*) FROM ({rows}) AS o GROUP BY commune_id", values):
        out.setdefault(cid, dict.fromkeys(rule.COUNTS, 0))["open_overdue"] = int(n)
    return out


def _overdue(db, L: Layout, period_from, period_to, now, commune_id=None,
             limit=None) -> list[tuple[int, rule.OverdueItem]]:
    """The open overdue dossiers [(commune_id, OverdueItem)], longest overdue first."""
    import json
    at = rule.judged_at(period_to, now)
    # ordered and cut on the index's columns; only the rows shown are read for their snapshot
    rows = (f"SELECT id FROM ({_open_overdue_rows(db, L, f'id, {L.due} AS due, code', commune_id is not None)}) AS o "
            f"ORDER BY due, code" + (f" LIMIT {int(limit)}" if limit else ""))
    sql = f"SELECT commune_id, snapshot FROM {L.table} WHERE id IN ({rows}) ORDER BY {L.due}, code"
    found = _run(db, L, sql, _values(L, period_from, period_to, now, commune_id))
    return [(cid, rule.overdue_item(json.loads(snap) if isinstance(snap, str) else snap, at)) for cid, snap in found]


def commune_report(db, commune_id: int, period_from: date, period_to: date, now: datetime,
                   by: str | None = None):
    """One commune's Report (with its overdue list), or with `by` [(key, label, Report)]."""
    L = layout(db)
    at = rule.judged_at(period_to, now)
    where, params = f"commune_id = {L.param}", (commune_id,)
    if by:
        from commune_desk.store.figures import group_label
        return sorted(((str(k) if k is not None else "", group_label(by, k, label),
                        rule.from_counts(c, period_from, period_to, at))
                       for k, label, c in run_counts(db, L, period_from, period_to, now, by, where, params)),
                      key=lambda g: (-g[2].received, g[1]))
    counts = period_counts(db, L, period_from, period_to, now, commune_id).get(commune_id, {})
    overdue = [o for _, o in _overdue(db, L, period_from, period_to, now, commune_id)]
    return rule.from_counts(counts, period_from, period_to, at, overdue)


def all_communes(db, period_from: date, period_to: date, now: datetime, overdue_limit: int = 500):
    """{commune_id: Report} for every commune with dossiers (their figures; the overdue lists stay
    empty), and the overdue list across them [(commune_id, OverdueItem)], longest overdue first,
    at most `overdue_limit` rows (a province may have thousands)."""
    L = layout(db)
    at = rule.judged_at(period_to, now)
    reports = {k: rule.from_counts(c, period_from, period_to, at)
               for k, c in period_counts(db, L, period_from, period_to, now).items()}
    return reports, _overdue(db, L, period_from, period_to, now, limit=overdue_limit)
