"""The report's COUNTS (commune_desk.rules.report) as one SQL aggregate, grouped as asked.

The same statement runs on the desk's SQLite file and on the district's SQLite or PostgreSQL
database; a `Layout` says how each keeps the columns the figures need (the desk: ISO text in
office time, so text order is time order and the first ten characters are the office day; the
district: epoch seconds, its office day starting at ((s + 7 h) // 1 day) * 1 day - 7 h). Each row
is classified once by two CASE ladders that restate `rules.report.buckets`; the tests in
tests/reports/ hold the two to agreement on generated data, on SQLite and PostgreSQL.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from commune_desk.rules import report as rule


@dataclass(frozen=True)
class Layout:
    table: str
    received: str
    due: str
    finished: str
    clock_stopped: str
    coded: str                   # a boolean SQL expression: has a code and was accepted
    by_post: str                 # a boolean SQL expression: result sent by post
    extended: str                # a boolean SQL expression
    rating: str                  # the rating as stored: rules.report.RATING_SCORES's key, or the score
    day_start: Callable[[str], str]   # SQL for the first instant of the office day of an instant
    bound: Callable[[datetime], object]   # a period bound as the instants are stored
    param: str = "?"
    groups: dict | None = None   # split name -> (key expression, label expression or None)


def open_overdue_where(L: Layout, open_at_end: str = "") -> str:
    """State 7 of _classes, as a WHERE clause for the overdue list (rows received before :e).
    `open_at_end` may narrow "not finished by :e" to one of its parts (the district finds each
    on its own index)."""
    D, F, S = L.due, L.finished, L.clock_stopped
    return (f"{D} IS NOT NULL AND {D} < :a AND {L.coded} AND status NOT IN ({rule.WITHDRAWN}, {rule.STOPPED}) "
            f"AND {open_at_end or f'({F} IS NULL OR {F} >= :e)'} "
            f"AND (status <> {rule.SUPPLEMENT} OR ({S} IS NOT NULL AND {S} > {D}))")


_MARK = re.compile(r":([sea])\b")


def _bind(L: Layout, sql: str, values: dict) -> tuple[str, list]:
    """The markers :s (period start), :e (its end) and :a (judged at) as the driver's positional
    parameters, in order."""
    params = []

    def mark(m):
        params.append(values[m[1]])
        return L.param
    return _MARK.sub(mark, sql), params


# What each dossier is, computed once per row (a SUM per bucket evaluated ~20 conditions a row):
# kind 1 carried over, 2 new, 3 incomplete visit (form 02), 4 refused, 0 nothing;
# state 1 withdrawn, 2 stopped, 3 resolved early, 4 on time, 5 late, 6 open within time, 7 open overdue.
CLASSES = ("kind", "state", "channel", "status", "post", "ext", "rating")


def _classes(L: Layout) -> list[str]:
    R, D, F, S = L.received, L.due, L.finished, L.clock_stopped
    return [
        f"CASE WHEN {L.coded} THEN (CASE WHEN {R} < :s THEN 1 ELSE 2 END) WHEN {R} < :s THEN 0 "
        f"WHEN outcome = 'supplement' THEN 3 WHEN outcome = 'refused' THEN 4 ELSE 0 END",
        f"CASE WHEN NOT {L.coded} THEN 0 WHEN status = {rule.WITHDRAWN} THEN 1 WHEN status = {rule.STOPPED} THEN 2 "
        f"WHEN {F} IS NOT NULL AND {F} < :e THEN (CASE WHEN {D} IS NULL THEN 4 WHEN {F} > {D} THEN 5 "
        f"WHEN {F} < {L.day_start(D)} THEN 3 ELSE 4 END) "
        # a dossier waiting for the citizen is judged when its clock stopped: min(at, S) > D
        f"WHEN {D} IS NOT NULL AND :a > {D} AND (status <> {rule.SUPPLEMENT} OR ({S} IS NOT NULL AND {S} > {D})) "
        f"THEN 7 ELSE 6 END",
        # plain columns (grouped as they are, read in add_classes): a CASE per row costs more
        "channel", "status", L.by_post, L.extended, L.rating,
    ]


def aggregate_sql(L: Layout, by: str | None = None, where: str = "") -> str:
    key, label = (L.groups or {})[by] if by else ("NULL", None)
    head = [f"{key} AS k", f"MAX({label}) AS label" if label else "NULL AS label"]
    head += [f"{expr} AS {name}" for name, expr in zip(CLASSES, _classes(L))] + ["COUNT(*) AS n"]
    # rows finished before the period add nothing (only refused / incomplete visits lack a finish)
    base = (f"{L.received} < :e AND ({L.received} >= :s OR ({L.coded} AND ({L.finished} IS NULL "
            f"OR {L.finished} >= :s)))")
    sql = f"SELECT {', '.join(head)} FROM {L.table} WHERE {base}"
    if where:
        sql += f" AND {where}"
    return sql + f" GROUP BY {', '.join((['k'] if by else []) + list(CLASSES))}"


def add_classes(counts: dict, kind: int, state: int, channel, status, post, ext, rating, n: int) -> None:
    """Add n dossiers of one class to the COUNTS of rules.report."""
    channel = channel if channel in (2, 3) else 1
    waiting = status == rule.SUPPLEMENT
    score = rating if isinstance(rating, int) else rule.RATING_SCORES.get(rating or "", 0)
    if kind in (1, 2):
        counts["carried_over" if kind == 1 else "new"] += n
        if kind == 2 and channel in (2, 3):
            counts["new_online" if channel == 2 else "new_post"] += n
    elif kind:
        counts["visit_supplement" if kind == 3 else "refused"] += n
    if state in (1, 2):
        counts["withdrawals" if state == 1 else "stops"] += n
    elif state:
        counts["live"] += n
        counts["extended"] += n if ext else 0
        if state <= 5:
            counts["resolved"] += n
            counts["resolved_early"] += n if state == 3 else 0
            counts["resolved_late"] += n if state == 5 else 0
            counts["by_post"] += n if post else 0
            if score:
                counts["rated"] += n
                counts[f"rated_{score}"] += n
                counts["rating_points"] += n * score
        else:
            counts["open_overdue"] += n if state == 7 else 0
            counts["open_supplement"] += n if waiting else 0


def overdue_sql(L: Layout, columns: str, where: str = "", limit: int | None = None) -> str:
    # the rows are found on the report's columns alone (the desk's covering index), then read
    inner = f"SELECT id FROM {L.table} WHERE {L.received} < :e AND {open_overdue_where(L)}"
    if where:
        inner += f" AND {where}"
    sql = f"SELECT {columns} FROM {L.table} WHERE id IN ({inner}) ORDER BY {L.due}, code"
    return sql + (f" LIMIT {int(limit)}" if limit else "")


def run_counts(db, L: Layout, period_from: date, period_to: date, now: datetime, by: str | None = None,
               where: str = "", where_params: tuple = ()) -> list[tuple]:
    """[(group key, label, COUNTS dict)] for the period; one row (key None) without `by`."""
    start, end = rule.period_bounds(period_from, period_to)
    at = rule.judged_at(period_to, now)
    sql, params = _bind(L, aggregate_sql(L, by, where),
                        {"s": L.bound(start), "e": L.bound(end), "a": L.bound(at)})
    groups: dict = {}
    for k, label, *classes in db.execute_sql(sql, params + list(where_params)).fetchall():
        entry = groups.setdefault(k, [label, dict.fromkeys(rule.COUNTS, 0)])
        entry[0] = entry[0] or label
        add_classes(entry[1], *classes)
    if not by and not groups:
        groups[None] = [None, dict.fromkeys(rule.COUNTS, 0)]
    return [(k, label, counts) for k, (label, counts) in groups.items()]


def run_overdue(db, L: Layout, columns: str, period_from: date, period_to: date, now: datetime,
                where: str = "", where_params: tuple = (), limit: int | None = None) -> list[tuple]:
    """The open overdue dossiers of the period, longest overdue first (at most `limit`)."""
    start, end = rule.period_bounds(period_from, period_to)
    at = rule.judged_at(period_to, now)
    sql, params = _bind(L, overdue_sql(L, columns, where, limit), {"e": L.bound(end), "a": L.bound(at)})
    return db.execute_sql(sql, params + list(where_params)).fetchall()


# ---- the desk's file ---------------------------------------------------------------------------

def _desk_bound(value: datetime) -> str:
    from commune_desk.store.fields import InstantField
    return InstantField().db_value(value)


DESK = Layout(
    # unary + keeps SQLite off the indexes: a year is most of the file, and one scan beats a lookup per row
    table="dossier", received="+received_at", due="+due_at", finished="COALESCE(resolved_at, returned_at)",
    clock_stopped="clock_stopped_at", coded="(code IS NOT NULL AND outcome = 'accepted')",
    by_post="return_by = 'post'", extended="extended", rating="rating",
    # 'YYYY-MM-DD' sorts before every instant of that day and after every instant of the day before
    day_start=lambda x: f"substr({x}, 1, 10)", bound=_desk_bound,
    groups={"field": ("field", None), "procedure": ("procedure_id", "procedure_name"),
            "channel": ("(CASE WHEN channel IN (2, 3) THEN channel ELSE 1 END)", None),
            "clerk": ("clerk", None)})


def group_label(by: str, key, label) -> str:
    if by == "channel":
        return rule.CHANNEL_LABELS[rule.channel_key(key)]
    if by == "procedure":
        return label or str(key)
    return key or "(không ghi)"


def desk_report(db, period_from: date, period_to: date, now: datetime, by: str | None = None):
    """The office-wide Report, or with `by` the list [(key, label, Report)] sorted by label."""
    at = rule.judged_at(period_to, now)
    if by:
        if by not in rule.SPLITS:
            raise ValueError(by)
        groups = [(str(k) if k is not None else "", group_label(by, k, label),
                   rule.from_counts(c, period_from, period_to, at))
                  for k, label, c in run_counts(db, DESK, period_from, period_to, now, by)]
        return sorted(groups, key=lambda g: (-g[2].received, g[1]))
    [(_, _, counts)] = run_counts(db, DESK, period_from, period_to, now)
    overdue = [rule.overdue_item(dict(zip(("code", "procedure_name", "applicant_name", "received_at", "due_at"), r)),
                                 at)
               for r in run_overdue(db, DESK, "code, procedure_name, applicant_name, received_at, due_at",
                                    period_from, period_to, now)]
    return rule.from_counts(counts, period_from, period_to, at, overdue)
