import gc
import sys
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
    if "tkinter" in sys.modules:
        # a closed window's Tcl objects caught in reference cycles must be freed here, on the main
        # thread: freed by a collection that a later window's background thread happens to run,
        # Tcl aborts the whole process ("Fatal Python error: Aborted" while garbage-collecting)
        gc.collect()


@pytest.fixture
def staffed(desk):
    """The desk with an administrator, a counter clerk and a specialist; nobody signed in."""
    desk.create_first_admin("admin", "quan-tri-123", "Nguyễn Văn Quản")
    desk.add_account("lan.tt", "tiep-nhan", "tiep-nhan-123", full_name="Trần Thị Lan")
    desk.add_account("binh.cm", "chuyen-mon", "chuyen-mon-123", full_name="Lê Văn Bình")
    desk.sign_out()
    return desk
