"""The counter by keyboard alone: F2's queue, F3's hand-over, the message boxes, first-run set-up."""

from commune_desk.rules.statuses import Status
from tests.gui.helpers import accept, pump, pump_until


def test_f2_down_and_enter_open_the_dossier(app, desk, clock):
    first = accept(desk, name="Lê Văn Một", proc="CT-GD")
    second = accept(desk, name="Trần Thị Hai", proc="CT-GD")
    app.event_generate("<F2>")
    pump(app)
    view = app.screens["process"]
    view.select_queue("new")
    view.tree.focus_force()
    pump(app)
    assert view.current is None
    view.tree.event_generate("<Down>")                     # nothing highlighted yet: the first dossier
    pump(app)
    assert view.current is not None and view.current.code == first.code
    view.tree.event_generate("<Down>")
    pump(app)
    assert view.current.code == second.code
    assert view.story.title.cget("text").startswith(second.code)
    view.tree.event_generate("<Return>")                   # Enter: on to the dossier's first action
    pump(app)
    assert app.focus_get() is view.buttons["handoff"]


def test_due_today_says_hom_nay(app, desk, clock):
    d = accept(desk, name="Lê Văn Muộn", proc="CT-GD")    # two working days: due Thu 26/11 09:32
    clock.set("2026-11-26 08:00")
    app.show("process")
    view = app.screens["process"]
    view.select_queue("due_today")
    assert view.listed_codes() == [d.code]
    assert view.tree.item(d.code, "values")[2] == "Hôm nay, hạn 09:32"
    clock.set("2026-11-25 08:00")
    view.select_queue("due_tomorrow")
    assert view.tree.item(d.code, "values")[2].startswith("Còn ")


def test_f3_ctrl_enter_from_any_field_and_enter_on_the_last(app, desk, clock):
    ids = [accept(desk, name=n) for n in ("Nguyễn Văn Đạt", "Trần Văn Bảy")]
    for d in ids:
        desk.advance(d.code, 9)
    app.show("handover")
    view = app.screens["handover"]
    view.scan_entry.focus_force()
    pump(app)
    view.code_var.set(ids[0].code)
    view.scan_entry.event_generate("<Return>")
    pump(app)
    assert app.focus_get() is view.f_recipient_id.input
    view.f_recipient_id.input.event_generate("<Control-Return>")
    pump(app)
    assert Status(desk.dossier(ids[0].code).status) == Status.RETURNED

    view.code_var.set(ids[1].code)
    view.scan_entry.event_generate("<Return>")
    pump(app)
    view.f_receipt.input.insert(0, "BL-7")
    view.f_receipt.input.focus_force()                     # key events go to the focused field
    pump(app)
    view.f_receipt.input.event_generate("<Return>")       # Enter on the last field hands over too
    pump(app)
    done = desk.dossier(ids[1].code)
    assert Status(done.status) == Status.RETURNED and done.fee_receipt == "BL-7"


def _answer(app, keys, seen):
    """Press keys in the box that is open now; note its buttons and which one has the focus."""
    from commune_desk.gui.dialogs import Dialog

    def press():
        boxes = [w for w in app.winfo_children() if isinstance(w, Dialog)]
        if not boxes:
            app.after(20, press)
            return
        box = boxes[0]
        box.update()
        seen.append(([b.cget("text") for b in box.buttons], box.focus_get() is box.buttons[0]))
        for key in keys:
            box.buttons[0].event_generate(key)
        app.after(3000, lambda: box.winfo_exists() and (seen.append("still open"), box.close(None)))
    app.after(20, press)


def test_message_boxes_speak_vietnamese_enter_defaults_esc_cancels(desk):
    from commune_desk.gui import dialogs
    from commune_desk.gui.app import DeskApp
    app = DeskApp(desk)                       # no capture of message boxes here: the real ones
    try:
        app.update()
        seen = []
        _answer(app, ["<Return>"], seen)
        assert dialogs.askyesno("Khôi phục", "Khôi phục hồ sơ đang nhập dở?", parent=app) is True
        _answer(app, ["<Escape>"], seen)
        assert dialogs.askyesno("Khôi phục", "Khôi phục hồ sơ đang nhập dở?", parent=app) is False
        _answer(app, ["<Return>"], seen)
        dialogs.showerror("Không in được", "Chưa chọn máy in — vào Quản trị (F7) để chọn.", parent=app)
        assert seen == [(["Có", "Không"], True), (["Có", "Không"], True), (["Đồng ý"], True)]
    finally:
        app.destroy()


def test_first_run_setup_saves_on_enter(tmp_path, clock):
    from commune_desk.gui.app import DeskApp
    from commune_desk.gui.setup_wizard import SetupWizard
    from commune_desk.store.desk import Desk
    desk = Desk(tmp_path / "new", clock=clock)
    app = DeskApp(desk)
    try:
        pump_until(app, lambda: any(isinstance(w, SetupWizard) for w in app.winfo_children()), what="the set-up wizard")
        wizard = next(w for w in app.winfo_children() if isinstance(w, SetupWizard))

        def enter_in(key):
            field = wizard.step.fields[key].input
            field.focus_force()
            pump(app)
            field.event_generate("<Return>")
            pump(app)

        office = wizard.step
        office.fields["office_name"].set("UBND xã Phúc Lợi")
        office.fields["agency_code"].set("000.30.36.H26")
        enter_in("office_name")                                   # Enter moves on within a page…
        assert wizard.step is office and app.focus_get() is office.fields["unit"].input
        enter_in("address")                                       # …and goes on from its last field
        if wizard.step is not office and "password" in wizard.step.fields:
            for key, value in (("full_name", "Trần Thị Lan"), ("name", "lan.tt"), ("password", "Phuc-Loi-2026"),
                               ("repeat", "Phuc-Loi-2026")):
                wizard.step.fields[key].set(value)
            enter_in("repeat")
        assert "printer" in wizard.step.fields
        enter_in("paper")
        assert "server" in wizard.step.fields
        enter_in("code")                                          # nothing typed: the desk works offline
        assert desk.config().office_name == "UBND xã Phúc Lợi" and not wizard.winfo_exists()
    finally:
        app.destroy()
        desk.close()


def test_a_whole_intake_by_real_keyboard(app, desk):
    """xdotool types as a clerk would, no mouse: procedure, papers, applicant, accept. Counts the
    keystrokes (printed with -s: the figure quoted in the issue's close)."""
    import shutil
    import subprocess
    import pytest
    from commune_desk.store.models import Dossier
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed")
    view = app.screens["intake"]
    app.deiconify()
    app.lift()
    view.proc_entry.focus_force()
    # the keys go where the X server has its focus: wait until Tk has given it to the field (only
    # once the window is mapped, which X reports when it gets to it)
    pump_until(app, lambda: app.focus_get() is view.proc_entry, what="the procedure field's focus")
    keys = 0

    def type_(text):
        nonlocal keys
        subprocess.run(["xdotool", "type", "--delay", "5", text], check=True, timeout=20)
        keys += len(text)
        pump(app, 0.1)

    def key(*names):
        nonlocal keys
        for name in names:
            subprocess.run(["xdotool", "key", name], check=True, timeout=20)
            keys += 1
            pump(app, 0.1)

    type_("khai sinh")
    key("Return")                                  # «Đăng ký khai sinh», focus on its papers
    key("ctrl+d")                                  # every paper handed over: on to the applicant
    type_("Nguyen Van Dat")
    key("Return")
    type_("001090012345")
    key("Return", "Return")                        # past the birth date
    type_("0912345678")
    key("ctrl+s")
    # the X server delivers the keys when it gets to them: wait for the saved dossier
    pump_until(app, lambda: Dossier.select().where(Dossier.applicant_name == "Nguyen Van Dat").exists(),
               what="the dossier typed in")
    row = Dossier.get(Dossier.applicant_name == "Nguyen Van Dat")
    assert row.procedure_id == "HT-KS" and row.code and row.phone == "0912345678"
    assert len(row.documents) == len(desk.procedure("HT-KS").documents)
    commands = keys - len("khai sinh") - len("Nguyen Van Dat") - len("001090012345") - len("0912345678")
    print(f"whole intake: {keys} keystrokes, {commands} of them not text")
    assert commands == 6


def test_the_password_box_speaks_vietnamese_enter_gives_the_password_esc_gives_nothing(desk):
    from commune_desk.gui import dialogs
    from commune_desk.gui.app import DeskApp
    from commune_desk.gui.dialogs import Dialog
    app = DeskApp(desk)
    try:
        app.update()
        seen = []

        def type_then(key):
            boxes = [w for w in app.winfo_children() if isinstance(w, Dialog)]
            if not boxes:
                app.after(20, lambda: type_then(key))
                return
            box = boxes[0]
            box.update()
            seen.append(([b.cget("text") for b in box.buttons], box.focus_get() is box.entry,
                         box.entry.cget("show")))
            box.entry.insert(0, "mật khẩu USB 2026")
            box.entry.event_generate(key)

        app.after(20, lambda: type_then("<Return>"))
        assert dialogs.askpassword("Mật khẩu", "Mật khẩu của bản sao lưu:", parent=app) == "mật khẩu USB 2026"
        app.after(20, lambda: type_then("<Escape>"))
        assert dialogs.askpassword("Mật khẩu", "Mật khẩu của bản sao lưu:", parent=app) is None
        assert seen == [(["Đồng ý", "Hủy"], True, "•")] * 2
    finally:
        app.destroy()
