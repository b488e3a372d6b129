"""The report engine: the figures an office publishes for a period, from dossier snapshots."""

from datetime import date, datetime

import pytest

from commune_desk.rules.office_calendar import TZ
from commune_desk.rules.report import build_report

NOW = datetime(2026, 7, 10, 10, 0, tzinfo=TZ)
H1 = (date(2026, 1, 1), date(2026, 6, 30))


def snap(code="X", received="2026-03-02T09:00", due="2026-03-05T17:00", status=2, resolved=None,
         returned=None, channel=1, outcome="accepted", return_by="counter"):
    def iso(t):
        return None if t is None else datetime.fromisoformat(t).replace(tzinfo=TZ).isoformat()
    return {"code": code if outcome == "accepted" else None, "outcome": outcome, "status": status,
            "received_at": iso(received), "due_at": iso(due) if outcome == "accepted" else None,
            "resolved_at": iso(resolved), "returned_at": iso(returned), "channel": channel,
            "return_by": return_by, "procedure_name": "Xác nhận tình trạng hôn nhân",
            "applicant_name": "Nguyễn Văn An"}


def test_resolved_dossiers_are_judged_early_on_time_or_late():
    r = build_report([
        snap("A", resolved="2026-03-04T10:00", status=9),                       # before the due day
        snap("B", resolved="2026-03-05T16:00", status=9),                       # on the due day
        snap("C", resolved="2026-03-06T08:00", returned="2026-03-06T09:00", status=10),   # late
        snap("D", returned="2026-03-03T08:00", status=10),                      # returned_at only
    ], *H1, NOW)
    assert (r.resolved, r.resolved_early, r.resolved_on_time, r.resolved_late) == (4, 2, 1, 1)
    assert r.on_time_rate == 75.0
    assert r.open == 0 and r.received == r.new == 4


def test_received_counts_carried_over_and_new_by_channel_and_only_coded_dossiers():
    r = build_report([
        snap("OLD", received="2025-12-29T09:00", due="2026-01-05T17:00"),           # still open: carried over
        snap("DONE", received="2025-12-20T09:00", due="2025-12-24T17:00",
             resolved="2025-12-23T09:00", status=9),                                   # finished before: not counted
        snap("N1", channel=1), snap("N2", channel=2), snap("N3", channel=2), snap("N4", channel=3),
        snap(outcome="supplement", status=5), snap(outcome="refused", status=3),
        snap("LATER", received="2026-07-01T09:00"),                                     # after the period
    ], *H1, NOW)
    assert (r.carried_over, r.new, r.received) == (1, 4, 5)
    assert r.new_by_channel == {"1": 1, "2": 2, "3": 1}
    assert r.supplement_requests == 1 and r.refused == 1


def test_open_dossiers_are_within_time_or_overdue_at_the_end_of_the_period():
    r = build_report([
        snap("WITHIN", received="2026-06-29T09:00", due="2026-07-02T17:00", status=4),
        snap("LATE", received="2026-06-01T09:00", due="2026-06-04T17:00", status=4),
        snap("WAIT", received="2026-06-10T09:00", due="2026-06-30T17:00", status=5),
    ], *H1, NOW)
    assert (r.open, r.open_within, r.open_overdue) == (3, 2, 1)
    assert r.supplement_requests == 1
    [late] = r.overdue
    assert late.code == "LATE" and late.overdue_days == 27
    assert r.on_time_rate is None


def test_a_period_still_running_is_judged_now():
    now = datetime(2026, 6, 3, 12, 0, tzinfo=TZ)
    r = build_report([snap("A", received="2026-06-01T09:00", due="2026-06-04T17:00", status=4)],
                     date(2026, 6, 1), date(2026, 6, 30), now)
    assert r.open_within == 1 and r.open_overdue == 0


def test_withdrawn_and_post_delivery():
    r = build_report([
        snap("W", status=7), snap("S", status=8),
        snap("P", resolved="2026-03-04T10:00", returned="2026-03-04T15:00", status=10, return_by="post"),
    ], *H1, NOW)
    assert r.withdrawn == 2 and r.delivered_by_post == 1 and r.resolved == 1 and r.open == 0


def test_figures_add_up_like_phuc_loi_first_half_2019():
    # received 4,228 = resolved 4,204 + 24 open not yet due; 0 late; 504 online; 83 by post
    snaps = []
    for i in range(4228):
        online = i < 504
        if i < 4204:
            snaps.append(snap(f"R{i}", resolved="2026-03-04T10:00", status=10, returned="2026-03-04T11:00",
                              channel=2 if online else 1, return_by="post" if i < 83 else "counter"))
        else:
            snaps.append(snap(f"O{i}", received="2026-06-30T09:00", due="2026-07-15T17:00", status=4))
    r = build_report(snaps, *H1, NOW)
    assert (r.received, r.resolved, r.open_within, r.open_overdue, r.resolved_late) == (4228, 4204, 24, 0, 0)
    assert r.new_by_channel["2"] == 504 and r.delivered_by_post == 83
    assert r.on_time_rate == 100.0


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        build_report([], date(2026, 2, 1), date(2026, 1, 1), NOW)
