"""Printing from the window: the printer chosen among those the OS knows, its paper on every job,
and a failed job said in one sentence with the story untouched."""

from commune_desk import printing
from commune_desk.printing import Printer, PrinterOff
from tests.gui.helpers import accept, pump, wait_background

KNOWN = [Printer("Quay_1", default=True, state="Sẵn sàng"), Printer("Nhiet_80", state="Sẵn sàng")]


def test_choose_the_printer_and_its_paper_in_admin(app, desk, monkeypatch):
    monkeypatch.setattr(printing, "list_printers", lambda: KNOWN)
    app.show("admin")
    tab = app.screens["admin"].printer_tab
    wait_background(app)
    names = [tab.list.item(i, "values")[0] for i in tab.list.get_children()]
    assert names == ["(Máy in mặc định của hệ thống)", "Quay_1 (mặc định)", "Nhiet_80"]
    tab.list.selection_set("Nhiet_80")
    tab.paper.set("Cuộn nhiệt 80 mm")
    tab.btn_use.invoke()
    cfg = desk.config()
    assert (cfg.printer, cfg.paper, cfg.printer_papers) == ("Nhiet_80", "80mm", {"Nhiet_80": "80mm"})
    assert "Đã chọn máy in Nhiet_80, khổ Cuộn nhiệt 80 mm" in tab.message.cget("text")

    jobs = []
    app.print_pdf = lambda path, printer, paper, title="": jobs.append((printer, paper))
    d = accept(desk)
    app.print_form(d.code, "01")
    wait_background(app)
    assert jobs == [("Nhiet_80", "80mm")]                          # the job carries the printer's paper
    assert [e.kind for e in desk.events_of(d)][-1] == "print"


def test_a_printer_that_does_not_answer(app, desk, messages):
    def off(path, printer, paper, title=""):
        raise PrinterOff(printing.PRINTER_OFF)
    app.print_pdf = off
    d = accept(desk)
    app.print_form(d.code, "01")
    wait_background(app)
    pump(app)
    assert app.status_work.cget("text") == "Máy in không phản hồi — đã lưu hồ sơ, bật máy in rồi bấm In lại."
    assert messages[-1][2] == "Máy in không phản hồi — đã lưu hồ sơ, bật máy in rồi bấm In lại."
    assert "print" not in [e.kind for e in desk.events_of(d)]         # the story says no print happened
    assert desk.dossier(d.code).code == d.code                          # the dossier is saved all the same
