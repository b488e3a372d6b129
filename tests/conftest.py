import gc
import sys
import threading
from datetime import datetime

import pytest

from commune_desk.rules.office_calendar import TZ


def at(text: str) -> datetime:
    """'2026-11-23 09:32' as an Asia/Ho_Chi_Minh instant."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


class Clock:
    def __init__(self, start: str):
        self.now = at(start)

    def __call__(self):
        return self.now

    def set(self, text: str):
        self.now = at(text)


NOW = "2026-11-23 09:32"     # a Monday; tests live here unless they move their own clock


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def desk(tmp_path, clock):
    from commune_desk.store.desk import Desk
    d = Desk(tmp_path / "data", clock=clock)
    d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1, clerk_name="Trần Thị Lan")
    yield d
    d.close()


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    # no test may touch the real per-user data folder, nor run a command on today's date
    monkeypatch.setenv("COMMUNE_DESK_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("COMMUNE_DESK_NOW", at(NOW).isoformat())
    # argon2's cheapest profile: a password check costs ~1 ms instead of ~0.5 s (commands inherit it)
    monkeypatch.setenv("COMMUNE_DESK_ARGON2", "cheapest")
    yield


@pytest.fixture
def staffed(desk):
    """The desk with an administrator, a counter clerk and a specialist; nobody signed in."""
    desk.create_first_admin("admin", "quan-tri-123", "Nguyễn Văn Quản")
    desk.add_account("lan.tt", "tiep-nhan", "tiep-nhan-123", full_name="Trần Thị Lan")
    desk.add_account("binh.cm", "chuyen-mon", "chuyen-mon-123", full_name="Lê Văn Bình")
    desk.sign_out()
    return desk


_stuck: set[int] = set()      # background threads already waited for in vain: not waited for again


def pytest_configure(config):
    # A closed window's Tcl objects caught in reference cycles are freed by the garbage collector,
    # in whichever thread happens to trigger a collection. Freed on a worker thread (a window's
    # background count, a sync worker), Tcl aborts the whole process ("Fatal Python error: Aborted"
    # while garbage-collecting). Collecting after each test is not enough: the next test's window
    # starts its background work while the previous window is still reachable from pytest's
    # fixture values. So no collection starts by itself during the tests: each test's garbage is
    # collected once pytest has let go of it, on the main thread (pytest_runtest_protocol below).
    gc.disable()


def pytest_unconfigure(config):
    gc.enable()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    result = yield
    # the test's fixtures are gone; its windows' background tasks are let finish, then collected
    for t in threading.enumerate():
        if t.name == "desk-background" and t.ident not in _stuck:
            t.join(60)
            if t.is_alive():
                _stuck.add(t.ident)
    # a failed test's frames (and its window) stay reachable from here for post-mortem debugging
    sys.last_type = sys.last_value = sys.last_traceback = None
    if hasattr(sys, "last_exc"):
        sys.last_exc = None
    gc.collect()
    return result
