"""Every fault a bad link can produce; each test ends with: server set == desk set, no
duplicates, nothing lost."""

import json
import os
import signal
import subprocess
import sys
import threading

import pytest

from commune_desk.rules.statuses import Status
from commune_desk.store import outbox
from commune_desk.store.models import Event
from commune_desk.sync import run_pass, sync_status
from harness import FaultProxy, assert_converged, enroll, intake, sync_options, wait_until


@pytest.fixture
def proxy(server):
    p = FaultProxy(server.port)
    yield p
    p.close()


@pytest.fixture
def enrolled(server, desk1):
    enroll(desk1, server, server.add_commune())
    return desk1


@pytest.mark.parametrize("fault", ["drop_after", "truncate", "hang"])
def test_reply_lost_after_the_server_committed_is_resent_and_acknowledged_as_duplicate(
        server, proxy, enrolled, fault):
    intake(enrolled, 4)
    proxy.faults = [fault]
    # a short read timeout ends the hang; the attempts after it may meet a slow server (any that
    # times out again was committed too: a duplicate), so there are several
    result = run_pass(enrolled, sync_options(proxy.url, timeout=(2.0, 1.0), attempts=10))
    assert result.error is None
    # the first attempt was stored by the server; the resent batch is recognised, not doubled
    assert (result.accepted, result.duplicates) == (0, 4)
    assert [m for _, m, _ in proxy.seen if m != "pass"] == [fault]
    assert_converged(server, [enrolled])


def test_server_errors_are_retried_with_the_same_payload(server, proxy, enrolled):
    intake(enrolled, 3)
    proxy.faults = ["http500", "http500"]
    result = run_pass(enrolled, sync_options(proxy.url, attempts=4))
    assert result.error is None and result.accepted == 3
    pushes = [s for s in proxy.seen if s[0].startswith("/api/v1/push")]
    assert [m for _, m, _ in pushes] == ["http500", "http500", "pass"]
    assert_converged(server, [enrolled])


@pytest.mark.parametrize("fault", ["captive", "http409", "reset"])
def test_a_reply_that_is_not_an_acknowledgement_marks_nothing(server, proxy, enrolled, fault):
    intake(enrolled, 3)
    proxy.faults = [fault] * 3
    result = run_pass(enrolled, sync_options(proxy.url, attempts=3))
    assert result.error and "Không kết nối được" in result.error
    status = sync_status(enrolled)
    assert status["waiting"] == 3 and status["online"] is False
    assert server.dossiers() == []
    # the link comes back: everything goes, once
    result = run_pass(enrolled, sync_options(proxy.url))
    assert result.accepted == 3 and sync_status(enrolled)["online"] is True
    assert_converged(server, [enrolled])


def test_two_desks_of_one_commune_offline_on_the_same_day(server, desk1, desk2):
    code = server.add_commune()
    enroll(desk1, server, code)
    enroll(desk2, server)
    mine = intake(desk1, 3)
    theirs = intake(desk2, 3)
    assert {d.code[-4:] for d in mine} == {"0001", "0002", "0003"}
    assert {d.code[-4:] for d in theirs} == {"1000", "1001", "1002"}
    for d in (desk1, desk2, desk1):
        assert run_pass(d, sync_options(server.url)).error is None
    rows = assert_converged(server, [desk1, desk2])
    assert len(rows) == 6
    # both desks now know all six dossiers
    for d in (desk1, desk2):
        assert {c for c, _ in __import__("harness").desk_state(d)["dossiers"].values()} == {r["code"] for r in rows}
    # a result finished at desk 1 can be handed over at desk 2
    target = mine[0].code
    desk1.advance(target, Status.RESOLVED, note="Đã ký")
    run_pass(desk1, sync_options(server.url))
    run_pass(desk2, sync_options(server.url))
    assert int(desk2.dossier(target).status) == Status.RESOLVED
    desk2.handover(target, recipient="Nguyễn Văn An")
    run_pass(desk2, sync_options(server.url))
    run_pass(desk1, sync_options(server.url))
    assert int(desk1.dossier(target).status) == Status.RETURNED
    assert {r["code"]: r["status"] for r in server.dossiers()}[target] == Status.RETURNED
    assert_converged(server, [desk1, desk2])


def test_code_collision_from_a_misconfigured_desk_is_a_conflict_kept_for_a_human(server, tmp_path, desk1):
    from harness import make_desk
    twin = make_desk(tmp_path / "twin", 1, agency=server.agency)   # wrongly set up as desk 1 too
    try:
        code = server.add_commune()
        enroll(desk1, server, code)
        enroll(twin, server)
        first = intake(desk1, 2)
        clash = intake(twin, 2)
        assert [d.code for d in first] == [d.code for d in clash]
        run_pass(desk1, sync_options(server.url))
        result = run_pass(twin, sync_options(server.url))
        assert result.conflicts == 2 and result.quarantined == 2 and result.accepted == 0
        reasons = [r["reason"] for r in outbox.listing(twin, outbox.QUARANTINED)]
        assert all("Xung đột" in r and "quầy khác" in r for r in reasons)
        # the clerk puts them back; the server still refuses, nothing is doubled or lost
        assert outbox.requeue(twin) == 2
        assert run_pass(twin, sync_options(server.url)).conflicts == 2
        rows = server.dossiers()
        assert sorted(r["uuid"] for r in rows) == sorted(d.uuid for d in first)
        assert len(__import__("harness").desk_state(twin)["events"]) == 2
        assert_converged(server, [desk1])
    finally:
        twin.close()


def test_same_uuid_different_content_is_a_conflict(server, enrolled):
    [d] = intake(enrolled, 1)
    run_pass(enrolled, sync_options(server.url))
    with enrolled.using():
        ev = Event.get(Event.dossier == d.id, Event.kind == "intake")
        ev.data = {**ev.data, "tampered": True}
        ev.sync_state = "pending"
        ev.save()
    result = run_pass(enrolled, sync_options(server.url))
    assert result.conflicts == 1
    [row] = outbox.listing(enrolled, outbox.QUARANTINED)
    assert "nội dung khác" in row["reason"]
    assert len(server.change_uuids()) == 1


def test_a_bad_change_is_quarantined_the_rest_go_and_requeue_sends_it(server, enrolled):
    good = intake(enrolled, 3)
    with enrolled.using():
        ev = Event.get(Event.dossier == good[1].id)
        snap = dict(ev.data["dossier"])
        ev.data = {**ev.data, "dossier": {**snap, "status": 42}}
        ev.save()
    result = run_pass(enrolled, sync_options(server.url))
    assert (result.accepted, result.rejected, result.quarantined) == (2, 1, 1)
    [bad] = outbox.listing(enrolled, outbox.QUARANTINED)
    assert bad["code"] == good[1].code and "Trạng thái" in bad["reason"]
    assert sync_status(enrolled)["quarantined"] == 1
    with enrolled.using():
        ev = Event.get(Event.uuid == bad["uuid"])
        ev.data = {**ev.data, "dossier": snap}
        ev.save()
    assert outbox.requeue(enrolled, [bad["uuid"]]) == 1
    assert run_pass(enrolled, sync_options(server.url)).accepted == 1
    assert_converged(server, [enrolled])


def _desk_sync_process(data_dir, url):
    return subprocess.Popen([sys.executable, "-m", "commune_desk.cli", "sync", "--data-dir", str(data_dir),
                             "--server", url, "--json", "--batch-size", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_desk_killed_mid_batch_resumes_on_the_same_file(server, proxy, enrolled):
    intake(enrolled, 12)
    proxy.faults = ["pass", "hold"]          # the second batch is committed, its reply held
    proxy.hold_s = 300                       # held until the test lets go, however slow the machine
    proc = _desk_sync_process(enrolled.data_dir, proxy.url)
    assert proxy.replied.wait(60), proc.communicate()
    # the desk sends batch 2 while it records batch 1's acknowledgements (engine._push_all): kill it
    # once those are committed, so that only the held batch is in doubt
    wait_until(lambda: sync_status(enrolled)["waiting"] == 7, what="the desk recording the first batch")
    assert proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proxy.released.set()
    assert len(server.change_uuids()) == 10   # two batches stored, the second never acknowledged
    assert sync_status(enrolled)["waiting"] == 7
    proc = _desk_sync_process(enrolled.data_dir, proxy.url)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    counts = json.loads(out)
    assert (counts["accepted"], counts["duplicates"], counts["waiting"]) == (2, 5, 0)
    assert_converged(server, [enrolled])


def test_server_restarted_mid_batch(server, proxy, enrolled):
    intake(enrolled, 15)
    proxy.faults = ["pass", "hold_drop"]
    box = {}
    # refusals while the server restarts are retried for about a minute (the restart may be slow
    # on a loaded machine; it is waited for below, not guessed)
    opts = sync_options(proxy.url, attempts=70, batch_size=5)
    opts.retry.base_s, opts.retry.cap_s = 0.2, 1.0
    worker = threading.Thread(target=lambda: box.setdefault("r", run_pass(enrolled, opts)))
    worker.start()
    assert proxy.replied.wait(60)
    server.kill()
    proxy.released.set()                     # the desk sees its connection die, then refusals
    server.start(timeout=60)
    worker.join(120)
    assert not worker.is_alive(), "the sync pass did not end"
    result = box["r"]
    assert result.error is None
    assert (result.accepted, result.duplicates) == (10, 5)
    assert_converged(server, [enrolled])
