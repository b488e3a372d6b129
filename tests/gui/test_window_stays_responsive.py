"""Work that can take seconds on a modest PC runs off the UI thread: looking at a scan folder on a
share that does not answer, converting a thick dossier's scans, walking years of audit trail. Each
is held here on a gate while the test checks that the window still answers (its own after()
jobs run, another screen opens), then released: the result shows."""

import shutil
import sys
import threading
from pathlib import Path

from tests.gui.helpers import accept, pump_until, wait_background

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "attach"))
from pages import rasterise, text_page_pdf  # noqa: E402


class Gate:
    """Wraps a function so that it waits, on whatever thread runs it, until the test opens the gate."""

    def __init__(self, fn):
        self.fn, self.entered, self.open = fn, threading.Event(), threading.Event()

    def __call__(self, *args, **kwargs):
        self.entered.set()
        assert self.open.wait(60), "the gate was never opened"
        return self.fn(*args, **kwargs)


def answers(app) -> bool:
    """The Tk thread is free: an after() job queued now runs."""
    ran = []
    app.after(0, lambda: ran.append(True))
    pump_until(app, lambda: ran, timeout=30, what="an after() job while the work waits")
    return True


def test_a_scan_folder_that_does_not_answer_and_a_slow_attach_leave_the_window_free(app, desk, tmp_path,
                                                                                     monkeypatch):
    from commune_desk import scanner
    from commune_desk.store import scans
    d = accept(desk, name="Trần Thị Bình")
    app.show("process")
    view = app.screens["process"]
    view.open(d.code)
    bar = view.story.attachments
    page = rasterise(text_page_pdf(tmp_path / "page.pdf"), tmp_path / "page.png")
    inbox = scanner.scan_folder_of(desk)
    for n in (1, 2, 3):
        shutil.copyfile(page, inbox / f"scan-{n:04}.png")

    # the scanner's share hangs while it is listed
    hung = Gate(scanner.ScanFolder.ready)
    monkeypatch.setattr(scanner.ScanFolder, "ready", lambda folder: hung(folder))
    bar.look()
    assert hung.entered.wait(30) and bar.looking
    assert answers(app)
    app.show("search")
    assert app.current == "search"
    app.show("process")
    hung.open.set()
    wait_background(app)
    bar.look()
    wait_background(app)
    assert bar.folder_button.cget("text") == "Từ thư mục quét (3)"

    # converting the pages is slow: the clerk sees it going and can go on
    slow = Gate(scans.to_pdf)
    monkeypatch.setattr(scans, "to_pdf", slow)
    bar.folder_button.invoke()
    assert slow.entered.wait(30)
    assert bar.status.cget("text") == "Đang đính kèm 3 tệp…"
    assert str(bar.pick_button.cget("state")) == "disabled" and str(bar.folder_button.cget("state")) == "disabled"
    assert answers(app)
    slow.open.set()
    wait_background(app)
    assert bar.status.cget("text").startswith("Đã đính kèm 3 trang")
    assert [a.pages for a in desk.attachments_of(desk.dossier(d.code))] == [3]
    assert "Đính kèm bản số hoá" in [r[1] for r in view.story.rows()]
    assert sorted(p.name for p in (inbox / "da-dinh-kem").iterdir()) == ["scan-0001.png", "scan-0002.png",
                                                                         "scan-0003.png"]
    assert str(bar.pick_button.cget("state")) == "normal"
    assert bar.folder_button.cget("text") == "Từ thư mục quét" and str(bar.folder_button.cget("state")) == "disabled"


def test_checking_a_long_audit_trail_leaves_the_window_free(app, desk, monkeypatch):
    accept(desk)
    app.show("accounts")
    view = app.screens["accounts"]
    long_walk = Gate(desk.verify_audit)
    monkeypatch.setattr(desk, "verify_audit", long_walk)
    view.btn_verify.invoke()
    assert long_walk.entered.wait(30)
    assert view.verdict.cget("text") == "Đang kiểm tra nhật ký…"
    assert view.btn_verify.instate(["disabled"])
    assert answers(app)
    long_walk.open.set()
    wait_background(app)
    assert view.verdict.cget("text").startswith("Nguyên vẹn: ")
    assert not view.btn_verify.instate(["disabled"])


def test_scans_picked_at_intake_convert_while_the_clerk_types_and_a_save_waits_for_them(app, desk, tmp_path,
                                                                                        monkeypatch):
    from tkinter import filedialog
    from commune_desk.store import scans
    from commune_desk.store.models import Dossier
    pages = [rasterise(text_page_pdf(tmp_path / "to-khai.pdf"), tmp_path / f"trang-{n}.png") for n in (1, 2)]
    view = app.screens["intake"]
    view.proc_entry.insert(0, "xac nhan tinh trang hon nhan")
    view.proc_entry.event_generate("<Return>")
    pump_until(app, lambda: view.procedure is not None, what="the procedure picked")
    view.checklist.selection_set("0")                             # 1. the application form
    slow = Gate(scans.to_pdf)
    monkeypatch.setattr(scans, "to_pdf", slow)
    monkeypatch.setattr(filedialog, "askopenfilenames", lambda **kw: tuple(map(str, pages)))
    view.btn_scans.invoke()
    assert slow.entered.wait(30)
    assert view.btn_scans.cget("text") == "Đang chuyển (2)…"
    view.checklist.event_generate("<Control-d>")
    view.fields["name"].input.insert(0, "Nguyễn Văn Đạt")
    assert answers(app)
    assert view.submit("accepted") is None                        # Ctrl+S before the pages are ready
    assert view.proc_error.cget("text") == "Đang chuyển bản quét thành PDF — hồ sơ được lưu ngay khi xong."
    with desk.using():
        assert not Dossier.select().where(Dossier.applicant_name == "Nguyễn Văn Đạt").exists()
    slow.open.set()
    wait_background(app)                                          # converted: the dossier is saved then
    with desk.using():
        d = Dossier.get(Dossier.applicant_name == "Nguyễn Văn Đạt")
    [row] = desk.attachments_of(d)
    assert (row.document, row.pages) == (1, 2)
    assert view.result_label.cget("text").startswith(f"Đã tiếp nhận hồ sơ {d.code}")
    assert view.btn_scans.cget("text") == "Bản quét…" and view.proc_error.cget("text") == ""


def test_a_scan_that_cannot_be_read_is_said_when_it_is_picked(app, tmp_path, monkeypatch):
    from tkinter import filedialog
    bad = tmp_path / "hong.png"
    bad.write_bytes(b"not an image")
    view = app.screens["intake"]
    monkeypatch.setattr(filedialog, "askopenfilenames", lambda **kw: (str(bad),))
    view.btn_scans.invoke()
    wait_background(app)
    assert view.proc_error.cget("text").startswith("Không dùng được bản quét hong.png: ")
    assert view.btn_scans.cget("text") == "Bản quét…" and view.pending_scans == []


def test_a_result_whose_screen_failed_to_show_it_does_not_stop_the_next_ones(app, messages):
    def shown_on_a_closed_screen(_value):
        raise RuntimeError("màn hình đã đóng")
    app.background.run(lambda: 1, on_done=shown_on_a_closed_screen)
    pump_until(app, lambda: app.background.busy == 0, what="the first result delivered")
    later = []
    app.background.run(lambda: 2, on_done=later.append)
    pump_until(app, lambda: later == [2], what="the next result delivered")
