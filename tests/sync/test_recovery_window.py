"""Restoring a backup from the window (Quản trị → Sao lưu, khôi phục) on an enrolled desk: the
status bar and the Đồng bộ screen say that the desk is getting its dossiers back, the worker
recovers them from the real server, and Tra cứu (F4) finds them again."""

import time
from tkinter import messagebox

import pytest

from commune_desk.rules.intake import IntakeForm
from commune_desk.store import backup
from commune_desk.sync import run_pass
from harness import FaultProxy, enroll, intake, make_desk, sync_options


def pump(app, until, timeout=60, what="the window"):
    end = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < end, f"{what} never came"
        app.update()
        time.sleep(0.03)
    app.update()


def test_restore_from_the_window_recovers_and_says_so(sqlite_server, tmp_path, monkeypatch):
    from commune_desk.gui.app import DeskApp
    monkeypatch.setattr(messagebox, "showerror", lambda *a, **k: pytest.fail(f"error box: {a}"))
    server = sqlite_server
    proxy = FaultProxy(server.port, only="/api/v1/recover")
    desk = make_desk(tmp_path / "desk", 1, agency=server.agency)
    app = None
    try:
        server.add_commune()
        enroll(desk, server)
        from commune_desk.store import outbox
        outbox.update_sync_settings(desk, server=proxy.url)          # the desk's link runs through the proxy
        intake(desk, 1)
        run_pass(desk, sync_options(proxy.url))
        saved = backup.make_backup(desk.path, out=tmp_path / "before.sqlite3")
        b = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Phạm Thị Bích"))
        c = desk.intake(IntakeForm(procedure_id="CT-CK", name="Đỗ Văn Cảnh"))
        assert run_pass(desk, sync_options(proxy.url)).accepted == 2

        app = DeskApp(desk)
        app.show("sync")
        view = app.screens["sync"]
        proxy.faults = ["hold"]                          # the first recovery page waits on the wire
        tab = (app.show("admin"), app.screens["admin"].backups)[1]
        tab.restore_from(saved)
        pump(app, proxy.replied.is_set, what="the recovery request")
        pump(app, lambda: "Lần đồng bộ tới sẽ lấy lại từ máy chủ" in tab.state.cget("text"), what="the tab's sentence")
        pump(app, lambda: "Đang lấy lại hồ sơ sau khôi phục (đã về 0)" in app.status_sync.cget("text"),
             what="the status bar's notice")
        app.show("sync")
        assert app.screens["sync"] is not view               # built anew on the restored file
        view = app.screens["sync"]
        pump(app, lambda: "Đang lấy lại hồ sơ từ máy chủ sau khi khôi phục bản sao lưu" in view.summary.cget("text"),
             what="the screen's notice")
        app.update()
        shot(app, tmp_path / "recovering.png")
        proxy.released.set()

        pump(app, lambda: "đã lấy lại từ máy chủ 2 hồ sơ (2 thay đổi)" in view.summary.cget("text"),
             what="the recovered count")
        pump(app, lambda: "Đang lấy lại" not in app.status_sync.cget("text"), what="the status bar")
        shot(app, tmp_path / "recovered.png")

        app.show("search")
        search = app.screens["search"]
        search.entry.delete(0, "end")
        search.entry.insert(0, "bich")
        pump(app, search.result_names, what="the search results")
        assert search.result_names() == ["Phạm Thị Bích"]
        assert {d.code for d in app.desk.find("do van canh")} == {c.code}
        assert app.desk.dossier(b.code).code == b.code
    finally:
        proxy.close()
        if app is not None:
            app.destroy()
            app.desk.close()
        desk.close()


def shot(app, path):
    """A screenshot for a person to look at (kept in the test's folder) when ImageMagick is there."""
    import shutil
    import subprocess
    if shutil.which("import"):
        subprocess.run(["import", "-window", str(app.winfo_id()), str(path)], capture_output=True, timeout=30)


def test_the_intake_screen_says_why_a_code_waits(sqlite_server, tmp_path, monkeypatch):
    """Restored without the replaced file (codes on hold): «Tiếp nhận» says why and what to do,
    stores nothing and prints nothing; the status bar says so too."""
    from commune_desk.gui.app import DeskApp
    from commune_desk.store.desk import Desk
    from commune_desk.store.models import Dossier
    monkeypatch.setattr(messagebox, "showerror", lambda *a, **k: pytest.fail(f"error box: {a}"))
    server = sqlite_server
    desk = make_desk(tmp_path / "desk", 1, agency=server.agency)
    server.add_commune()
    enroll(desk, server)
    saved = backup.make_backup(desk.path, out=tmp_path / "before.sqlite3")
    data, clock = desk.data_dir, desk.clock
    desk.close()
    (data / "desk.sqlite3").unlink()
    backup.restore(saved, data / "desk.sqlite3")
    desk = Desk(data, clock=clock)
    from commune_desk.store import outbox
    outbox.update_sync_settings(desk, server="http://127.0.0.1:9")     # offline: the hold stays
    app = DeskApp(desk)
    app.printed = []
    app.print_pdf = lambda path, *a, **k: app.printed.append(path)
    try:
        view = app.screens["intake"]
        view.proc_entry.focus_set()
        view.proc_entry.insert(0, "xac nhan tinh trang hon nhan")
        app.update()
        view.proc_entry.event_generate("<Return>")
        app.update()
        assert view.procedure.id == "HT-XNHN"
        view.fields["name"].input.insert(0, "Vũ Thị Duyên")
        view.btn_accept.invoke()
        app.update()
        said = view.proc_error.cget("text")
        assert view.fields["name"].error.cget("text") == ""           # nothing wrong with what was typed
        assert said.startswith("Dữ liệu vừa được khôi phục từ bản sao lưu") and "Đồng bộ ngay" in said
        with desk.using():
            assert not Dossier.select().where(Dossier.applicant_name == "Vũ Thị Duyên").exists()
        assert app.printed == []
        pump(app, lambda: "⚠ Đang lấy lại hồ sơ sau khôi phục" in app.status_sync.cget("text"),
             what="the status bar's notice")
        shot(app, tmp_path / "intake-on-hold.png")
    finally:
        app.destroy()
        desk.close()
