"""The real window (run_app) frees garbage only on its own thread: a closed screen's Tk objects freed
by a collection that a background thread (status counts, sync) happens to trigger make Tcl abort the
whole application. So automatic collection is off while the window runs and the window collects
on a timer."""

import json
import subprocess
import sys


def test_the_window_collects_garbage_on_its_own_thread_only(tmp_path):
    code = r"""
import gc, json, sys, threading
from datetime import datetime
from commune_desk.gui import app as A
from commune_desk.rules.office_calendar import TZ
from commune_desk.store.desk import Desk

d = Desk(sys.argv[1], clock=lambda: datetime(2026, 11, 23, 9, 32, tzinfo=TZ))
d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
d.close()
seen = []
gc.callbacks.append(lambda phase, info: phase == "start" and seen.append(threading.current_thread().name))
A.GC_EVERY_MS = 100
real = A.DeskApp.__init__
def init(self, *a, **k):
    real(self, *a, **k)
    self.after(2500, self.destroy)
A.DeskApp.__init__ = init
A.run_app(sys.argv[1])
print(json.dumps({"threads": sorted(set(seen)), "count": len(seen), "enabled_after": gc.isenabled()}))
"""
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data")], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["count"] >= 3                       # the timer collected while the window ran
    assert got["threads"] == ["MainThread"]        # and nothing else did
    assert got["enabled_after"] is True
