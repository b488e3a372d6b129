"""The district's report figures: the desk's aggregate (commune_desk.store.figures) over the
dossier rows of many communes, from columns kept for it beside each snapshot.

Instants are kept as epoch seconds (an integer compares fast on PostgreSQL whatever the
database's collation; text would be compared by locale), the office day being
(seconds + 7 h) / 1 day. `report_values` computes the columns from a snapshot; ingest and
publish write them with every snapshot, migration 0002 filled them for the rows before it.
"""

from datetime import date, datetime
from functools import lru_cache

from commune_desk.rules import report as rule
from commune_desk.store.figures import Layout, run_counts, run_overdue

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


def _day_start(expr: str) -> str:
    return f"((({expr} + {OFFICE_OFFSET_S}) / 86400) * 86400 - {OFFICE_OFFSET_S})"


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


def _overdue(db, L, period_from, period_to, now, where="", params=(), limit=None) -> list[tuple[int, rule.OverdueItem]]:
    import json
    at = rule.judged_at(period_to, now)
    rows = run_overdue(db, L, "commune_id, snapshot", period_from, period_to, now, where, params, limit)
    return [(cid, rule.overdue_item(json.loads(snap) if isinstance(snap, str) else snap, at)) for cid, snap in rows]


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
    [(_, _, counts)] = run_counts(db, L, period_from, period_to, now, None, where, params)
    overdue = [o for _, o in _overdue(db, L, period_from, period_to, now, where, params)]
    return rule.from_counts(counts, period_from, period_to, at, overdue)


def all_communes(db, period_from: date, period_to: date, now: datetime, overdue_limit: int = 500):
    """{commune_id: Report} for every commune with dossiers (their figures; the overdue lists stay
    empty), and the overdue list across them [(commune_id, OverdueItem)], longest overdue first,
    at most `overdue_limit` rows (a province may have thousands)."""
    L = layout(db)
    at = rule.judged_at(period_to, now)
    reports = {k: rule.from_counts(c, period_from, period_to, at)
               for k, _, c in run_counts(db, L, period_from, period_to, now, "commune")}
    return reports, _overdue(db, L, period_from, period_to, now, limit=overdue_limit)
