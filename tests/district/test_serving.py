"""`commune-district serve --workers N` on POSIX runs gunicorn: N worker processes answer on one
port, a worker that dies is replaced, SIGTERM stops them all, none outlives a killed arbiter
(on the real process)."""

import os
import signal
import sys
import time
from datetime import datetime, timedelta

import pytest
import requests
from harness import Server, assert_converged, enroll, intake, make_desk, sync_options

from commune_desk.district.ingest import _device_news
from commune_desk.district.models import Device
from commune_desk.rules.office_calendar import TZ

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="gunicorn runs on POSIX only")


def workers_of(server) -> set[int]:
    return set(server.processes()[1:])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split(")")[-1].split()[0] != "Z"


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def served(tmp_path):
    srv = Server(f"sqlite:///{tmp_path / 'district.sqlite3'}", tmp_path / "server",
                 extra_args=["--workers", "2"]).start()
    yield srv
    # SIGKILL the arbiter and its workers of the moment: a worker left to notice its arbiter's
    # death by itself may never wake up under faketime (make test-dates), and would stay behind.
    # The arbiter is stopped first so that it cannot fork a worker after the list is taken.
    if srv.alive:
        os.kill(srv.proc.pid, signal.SIGSTOP)
    workers = workers_of(srv)
    srv.kill()
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_two_workers_share_the_port_and_a_desk_syncs_through_them(served, tmp_path):
    assert wait_for(lambda: len(workers_of(served)) == 2)
    assert "gunicorn" in served.log().lower()
    desk = make_desk(tmp_path / "desk")
    try:
        enroll(desk, served, served.add_commune())
        intake(desk, 30)
        from commune_desk.sync import run_pass
        result = run_pass(desk, sync_options(served.url, batch_size=5))
        assert result.error is None and result.accepted == 30
        assert_converged(served, [desk])
    finally:
        desk.close()


def test_a_dead_worker_is_replaced_and_the_port_keeps_answering(served):
    assert wait_for(lambda: len(workers_of(served)) == 2)
    victim = min(workers_of(served))
    os.kill(victim, signal.SIGKILL)
    assert wait_for(lambda: victim not in workers_of(served)
                    and len(workers_of(served)) == 2)
    for _ in range(6):
        assert requests.get(served.url + "/api/v1/health", timeout=5).json()["status"] == "ok"


@pytest.mark.skipif("faketime" in os.environ.get("LD_PRELOAD", ""),
                    reason="under libfaketime a gunicorn worker's poll never times out, so it never looks "
                           "for its arbiter")
def test_no_worker_outlives_a_killed_arbiter(served):
    assert wait_for(lambda: len(workers_of(served)) == 2)
    workers = workers_of(served)
    served.kill()                                  # SIGKILL: the arbiter cannot tell anyone
    try:
        assert wait_for(lambda: not any(alive(w) for w in workers), timeout=40)   # each notices in a second
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    with pytest.raises(requests.ConnectionError):
        requests.get(served.url + "/api/v1/health", timeout=2)


def test_sigterm_stops_every_worker_and_frees_the_port(served):
    assert wait_for(lambda: len(workers_of(served)) == 2)
    workers = workers_of(served)
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(40) == 0
    assert wait_for(lambda: not any(alive(w) for w in workers))
    with pytest.raises(requests.ConnectionError):
        requests.get(served.url + "/api/v1/health", timeout=2)


def test_a_sign_in_lockout_holds_across_workers(served):
    """Every worker reads the same count, whichever of them answers each attempt."""
    served.admin("staff", "add", "--username", "tonghop", "--password-stdin", stdin="mật-khẩu-đủ-dài\n")
    assert wait_for(lambda: len(workers_of(served)) == 2)
    from test_district_pages import error_of
    answers = []
    for _ in range(6):
        s = requests.Session()          # a new connection each time: any worker may take it
        page = s.get(served.url + "/dang-nhap", timeout=5).text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answers.append(s.post(served.url + "/dang-nhap", timeout=10, allow_redirects=False,
                              data={"csrf_token": token, "username": "tonghop", "password": "sai-mật-khẩu"}))
        s.close()
    assert "tạm bị khoá" not in error_of(answers[3])
    assert "tạm bị khoá" in error_of(answers[4]) and "tạm bị khoá" in error_of(answers[5])


def test_a_desk_pushing_batch_after_batch_rewrites_its_device_row_once_a_minute():
    now = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    device = Device(last_seen_at=now - timedelta(seconds=20), clock_offset_s=12.0)
    assert _device_news(device, now, now + timedelta(seconds=12.4)) == {}
    moved = _device_news(device, now, now + timedelta(seconds=400))
    assert moved[Device.clock_offset_s] == 400.0 and moved[Device.last_seen_at] == now
    later = now + timedelta(seconds=61)
    assert _device_news(device, later, later + timedelta(seconds=12)) == {Device.last_seen_at: later,
                                                                          Device.clock_offset_s: 12.0}
    assert Device.last_seen_at in _device_news(Device(), now, None)
