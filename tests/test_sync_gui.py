"""The Đồng bộ screen against the real district server process: enrol with the one-time code,
the worker pushes in the background, the screen and the status bar tell the clerk."""

import sys
import time
from pathlib import Path
from tkinter import messagebox

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "sync"))
from harness import intake, make_desk, make_server, unique_agency  # noqa: E402

from commune_desk.gui.app import DeskApp  # noqa: E402


@pytest.fixture
def server(tmp_path):
    srv = make_server("sqlite", tmp_path / "server")
    srv.agency = unique_agency()
    yield srv
    srv.stop()


def pump(app, until, timeout=60):
    end = time.time() + timeout
    while not until() and time.time() < end:
        app.update()
        time.sleep(0.03)
    return until()


def test_enrol_and_sync_from_the_window(tmp_path, server, monkeypatch):
    monkeypatch.setattr(messagebox, "showerror", lambda *a, **k: pytest.fail(f"error box: {a}"))
    desk = make_desk(tmp_path / "desk", 1, agency=server.agency)
    made = intake(desk, 3)
    code = server.add_commune(server.agency)
    app = DeskApp(desk)
    try:
        app.show("sync")
        view = app.screens["sync"]
        assert pump(app, lambda: view.waiting.get_children())
        assert len(view.waiting.get_children()) == 3               # three intakes wait to be sent
        assert pump(app, lambda: "Chưa đăng ký" in app.status_sync.cget("text"))
        view.sync_now()
        assert "chưa đăng ký" in view.last_error.cget("text")
        view.server.set(server.url)
        view.code.set("SAI-MA-123")
        view.enroll()
        assert pump(app, lambda: view.code.error.cget("text") not in ("",))
        view.code.set(code)
        view.code.show_error(None)
        view.enroll()
        assert pump(app, lambda: not view.waiting.get_children() and app.sync_worker is not None
                    and "Trực tuyến" in app.status_sync.cget("text"))
        assert "Chờ gửi: 0" in app.status_sync.cget("text")
        assert not view.enroll_box.winfo_ismapped()
        stored = {d["code"] for d in server.dossiers()}
        assert stored == {d.code for d in made}
    finally:
        app.destroy()
        desk.close()
