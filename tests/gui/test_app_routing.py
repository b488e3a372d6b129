"""Screens talk to each other only through virtual events the window routes."""

from commune_desk.gui.app import DeskApp
from commune_desk.gui.setup_wizard import SetupWizard
from commune_desk.store.desk import Desk
from tests.gui.helpers import accept, pump, pump_until


def test_open_dossier_event_shows_it_in_processing(app, desk):
    d = accept(desk, name="Nguyễn Văn Đạt")
    app.show("search")
    app.screens["search"].event_generate("<<OpenDossier>>", data=d.code)
    pump(app)
    assert app.current == "process"
    assert app.screens["process"].story.dossier.code == d.code


def test_first_run_setup_then_the_window_shows_the_office(tmp_path, clock, messages):
    desk = Desk(tmp_path / "new", clock=clock)
    app = DeskApp(desk)
    try:
        pump_until(app, lambda: any(isinstance(w, SetupWizard) for w in app.winfo_children()), what="the set-up wizard")
        [wizard] = [w for w in app.winfo_children() if isinstance(w, SetupWizard)]
        wizard.step.fields["office_name"].set("UBND xã Phúc Lợi")
        wizard.step.fields["agency_code"].set("000.30.36.H26")
        wizard.next()
        for key, value in (("full_name", "Trần Thị Lan"), ("name", "lan.tt"), ("password", "mat-khau-dai"),
                           ("repeat", "mat-khau-dai")):
            wizard.step.fields[key].set(value)
        wizard.next()
        wizard.next()
        wizard.skip()
        pump_until(app, lambda: "UBND xã Phúc Lợi · Quầy 1" in app.status_office.cget("text"),
                   what="the status bar naming the office")
    finally:
        app.destroy()
        desk.close()
