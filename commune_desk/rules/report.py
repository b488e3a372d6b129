"""The figures one-stop offices publish for a period, computed from dossier snapshots.

Pure: no I/O. The desk's Báo cáo screen and the district dashboard both call `build_report`
with dicts shaped like `commune_desk.store.desk.snapshot()`.

Definitions (DOMAIN.md, "Reports offices publish"):
- Only visits that got a dossier code (outcome accepted) count as received.
- carried_over: received before the period and not finished before it started.
- new: received inside the period, split by channel (1 trực tiếp, 2 trực tuyến, 3 BCCI).
- resolved: finished inside the period (resolved_at, or returned_at when no resolved_at),
  judged trước hạn / đúng hạn / quá hạn against due_at.
- open: received by the end of the period and not finished by then, judged trong hạn / quá hạn
  at the end of the period (or `now`, if earlier); a dossier waiting for a supplement is judged
  when its clock stopped (clock_stopped_at), or counts as within time if that is unknown.
- withdrawn: dossiers withdrawn by the citizen (7) or stopped (8); they are neither resolved nor open.
- supplement_requests: coded dossiers waiting for a supplement (status 5) plus incomplete
  visits (outcome supplement, form 02) in the period; refused: visits refused in the period.
- delivered_by_post: resolved in the period with the result sent by post (BCCI).
- extended: dossiers resolved in the period or open at its end whose due date was reset once by
  an apology-and-extension letter (form 04); they are judged against the new date, and counted
  here so the need for an extension still shows.
- on_time_rate: (trước hạn + đúng hạn) / resolved, in percent, two decimals; None when nothing
  was resolved.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from commune_desk.rules.office_calendar import TZ, local
from commune_desk.rules.timeliness import Timeliness, judge

WITHDRAWN = 7
STOPPED = 8
SUPPLEMENT = 5
CHANNELS = (1, 2, 3)


@dataclass
class OverdueItem:
    code: str
    procedure_name: str
    applicant_name: str
    received_at: str
    due_at: str
    overdue_days: int


@dataclass
class Report:
    period_from: str
    period_to: str
    at: str
    carried_over: int = 0
    new: int = 0
    new_by_channel: dict = field(default_factory=lambda: {str(c): 0 for c in CHANNELS})
    received: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    open: int = 0
    open_within: int = 0
    open_overdue: int = 0
    supplement_requests: int = 0
    refused: int = 0
    withdrawn: int = 0
    delivered_by_post: int = 0
    extended: int = 0
    on_time_rate: float | None = None
    overdue: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _instant(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return local(value)
    return local(datetime.fromisoformat(value))


def period_bounds(period_from: date, period_to: date) -> tuple[datetime, datetime]:
    """[first instant of period_from, first instant after period_to) in office time."""
    if period_to < period_from:
        raise ValueError("period ends before it starts")
    start = datetime.combine(period_from, time(0, 0), TZ)
    end = datetime.combine(period_to + timedelta(days=1), time(0, 0), TZ)
    return start, end


def finished_at(snap: dict) -> datetime | None:
    return _instant(snap.get("resolved_at")) or _instant(snap.get("returned_at"))


def build_report(snapshots, period_from: date, period_to: date, now: datetime) -> Report:
    start, end = period_bounds(period_from, period_to)
    now = local(now)
    at = min(now, end)
    report = Report(period_from=period_from.isoformat(), period_to=period_to.isoformat(),
                    at=at.isoformat(timespec="seconds"))
    for snap in snapshots:
        received = _instant(snap.get("received_at"))
        if received is None or received >= end:
            continue
        outcome = snap.get("outcome")
        if not snap.get("code") or outcome != "accepted":
            if received >= start:
                if outcome == "supplement":
                    report.supplement_requests += 1
                elif outcome == "refused":
                    report.refused += 1
            continue
        status = int(snap.get("status") or 0)
        done = finished_at(snap)
        stopped = status in (WITHDRAWN, STOPPED)
        if received < start:
            if done is not None and done < start:
                continue
            report.carried_over += 1
        else:
            report.new += 1
            channel = str(snap.get("channel") or 1)
            report.new_by_channel[channel] = report.new_by_channel.get(channel, 0) + 1
        if stopped:
            report.withdrawn += 1
            continue
        due = _instant(snap.get("due_at"))
        if snap.get("extended"):
            report.extended += 1
        if done is not None and done < end:
            report.resolved += 1
            verdict = judge(due, done) if due else Timeliness.ON_TIME
            if verdict is Timeliness.EARLY:
                report.resolved_early += 1
            elif verdict is Timeliness.ON_TIME:
                report.resolved_on_time += 1
            else:
                report.resolved_late += 1
            if snap.get("return_by") == "post":
                report.delivered_by_post += 1
            continue
        report.open += 1
        judged_at = at
        if status == SUPPLEMENT:
            report.supplement_requests += 1
            # the clock stops while the citizen completes the dossier
            judged_at = min(at, _instant(snap.get("clock_stopped_at")) or at) if snap.get("clock_stopped_at") else None
        if due is not None and judged_at is not None and judge(due, now=judged_at) is Timeliness.LATE:
            report.open_overdue += 1
            report.overdue.append(OverdueItem(
                code=snap["code"], procedure_name=snap.get("procedure_name") or "",
                applicant_name=snap.get("applicant_name") or "",
                received_at=received.isoformat(timespec="seconds"),
                due_at=due.isoformat(timespec="seconds"),
                overdue_days=max(0, (at.date() - due.date()).days)))
        else:
            report.open_within += 1
    report.received = report.carried_over + report.new
    if report.resolved:
        report.on_time_rate = round(100 * (report.resolved_early + report.resolved_on_time)
                                    / report.resolved, 2)
    report.overdue.sort(key=lambda o: (o.due_at, o.code))
    return report
