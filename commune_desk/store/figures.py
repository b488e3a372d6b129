"""The report's COUNTS (commune_desk.rules.report) as one SQL aggregate, grouped as asked.

The same statement runs on the desk's SQLite file and on the district's SQLite or PostgreSQL
database; a `Layout` says how each keeps the columns the figures need (the desk: ISO text in
office time, so text order is time order and the first ten characters are the office day; the
district: epoch seconds, the office day being (s + 7 h) / 1 day). Every condition here is one line
of `rules.report.buckets`, and tests/test_report_sql.py holds them to agreement on generated data.
"""

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
    rating_score: str            # an integer SQL expression, 0 for no rating
    day: Callable[[str], str]    # SQL for the office day of an instant expression
    bound: Callable[[datetime], object]   # a period bound as the instants are stored
    param: str = "?"
    groups: dict | None = None   # split name -> (key expression, label expression or None)


def _conditions(L: Layout) -> dict[str, str]:
    R, D, F, S = L.received, L.due, L.finished, L.clock_stopped
    live = f"{L.coded} AND status NOT IN ({rule.WITHDRAWN}, {rule.STOPPED})"
    resolved = f"{live} AND {F} IS NOT NULL AND {F} < :e"
    still_open = f"{live} AND ({F} IS NULL OR {F} >= :e)"
    return {
        "carried_over": f"{L.coded} AND {R} < :s",
        "new": f"{L.coded} AND {R} >= :s",
        "new_online": f"{L.coded} AND {R} >= :s AND channel = 2",
        "new_post": f"{L.coded} AND {R} >= :s AND channel = 3",
        "withdrawals": f"{L.coded} AND status = {rule.WITHDRAWN}",
        "stops": f"{L.coded} AND status = {rule.STOPPED}",
        "live": live,
        "extended": f"{live} AND {L.extended}",
        "resolved": resolved,
        "resolved_early": f"{resolved} AND {D} IS NOT NULL AND {F} <= {D} AND {L.day(F)} < {L.day(D)}",
        "resolved_late": f"{resolved} AND {D} IS NOT NULL AND {F} > {D}",
        "by_post": f"{resolved} AND {L.by_post}",
        # a dossier waiting for the citizen is judged when its clock stopped: min(at, S) > D
        "open_overdue": f"{still_open} AND {D} IS NOT NULL AND :a > {D} "
                        f"AND (status <> {rule.SUPPLEMENT} OR ({S} IS NOT NULL AND {S} > {D}))",
        "open_supplement": f"{still_open} AND status = {rule.SUPPLEMENT}",
        "visit_supplement": f"outcome = 'supplement' AND {R} >= :s",
        "refused": f"outcome = 'refused' AND {R} >= :s",
        "rated": f"{resolved} AND {L.rating_score} > 0",
        "rated_3": f"{resolved} AND {L.rating_score} = 3",
        "rated_2": f"{resolved} AND {L.rating_score} = 2",
        "rated_1": f"{resolved} AND {L.rating_score} = 1",
    }


def _bind(L: Layout, sql: str, values: dict) -> tuple[str, list]:
    """Named markers :s :e :a to the driver's positional parameters, in order."""
    params, out, i = [], [], 0
    while True:
        j = sql.find(":", i)
        if j < 0 or j + 1 >= len(sql) or sql[j + 1] not in values:
            if j < 0:
                out.append(sql[i:])
                break
            out.append(sql[i:j + 1])
            i = j + 1
            continue
        out.append(sql[i:j])
        out.append(L.param)
        params.append(values[sql[j + 1]])
        i = j + 2
    return "".join(out), params


def aggregate_sql(L: Layout, by: str | None = None, where: str = "") -> str:
    cond = _conditions(L)
    sums = [f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS {name}" for name, c in cond.items()]
    sums.append(f"SUM(CASE WHEN {cond['resolved']} THEN {L.rating_score} ELSE 0 END) AS rating_points")
    key, label = (L.groups or {})[by] if by else ("NULL", None)
    head = [f"{key} AS k", f"MAX({label}) AS label" if label else "NULL AS label"]
    # rows finished before the period add nothing (only refused / incomplete visits lack a finish)
    base = (f"{L.received} < :e AND ({L.received} >= :s OR ({L.coded} AND ({L.finished} IS NULL "
            f"OR {L.finished} >= :s)))")
    sql = f"SELECT {', '.join(head + sums)} FROM {L.table} WHERE {base}"
    if where:
        sql += f" AND {where}"
    if by:
        sql += f" GROUP BY {key}"
    return sql


def overdue_sql(L: Layout, columns: str, where: str = "") -> str:
    cond = _conditions(L)["open_overdue"]
    sql = f"SELECT {columns} FROM {L.table} WHERE {L.received} < :e AND {cond}"
    if where:
        sql += f" AND {where}"
    return sql + f" ORDER BY {L.due}, code"


def run_counts(db, L: Layout, period_from: date, period_to: date, now: datetime, by: str | None = None,
               where: str = "", where_params: tuple = ()) -> list[tuple]:
    """[(group key, label, COUNTS dict)] for the period; one row (key None) without `by`."""
    start, end = rule.period_bounds(period_from, period_to)
    at = rule.judged_at(period_to, now)
    sql, params = _bind(L, aggregate_sql(L, by, where),
                        {"s": L.bound(start), "e": L.bound(end), "a": L.bound(at)})
    names = list(_conditions(L)) + ["rating_points"]
    out = []
    for row in db.execute_sql(sql, params + list(where_params)).fetchall():
        if not by and row[2] is None:          # no rows at all: SUM is NULL
            row = (None, None) + (0,) * len(names)
        out.append((row[0], row[1], dict(zip(names, row[2:]))))
    return out


def run_overdue(db, L: Layout, columns: str, period_from: date, period_to: date, now: datetime,
                where: str = "", where_params: tuple = ()) -> list[tuple]:
    start, end = rule.period_bounds(period_from, period_to)
    at = rule.judged_at(period_to, now)
    sql, params = _bind(L, overdue_sql(L, columns, where), {"e": L.bound(end), "a": L.bound(at)})
    return db.execute_sql(sql, params + list(where_params)).fetchall()


# ---- the desk's file ---------------------------------------------------------------------------

def _desk_bound(value: datetime) -> str:
    from commune_desk.store.fields import InstantField
    return InstantField().db_value(value)


DESK = Layout(
    table="dossier", received="received_at", due="due_at", finished="COALESCE(resolved_at, returned_at)",
    clock_stopped="clock_stopped_at", coded="(code IS NOT NULL AND outcome = 'accepted')",
    by_post="return_by = 'post'", extended="extended <> 0",
    rating_score=("(CASE rating " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in rule.RATING_SCORES.items())
                  + " ELSE 0 END)"),
    day=lambda x: f"substr({x}, 1, 10)", bound=_desk_bound,
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
