"""Sign-in at the window: who may open which screen, the idle lock, sign-out, first administrator."""

import pytest

from tests.gui.helpers import pump, wait_background




@pytest.fixture
def window(staffed, messages):
    from commune_desk.gui.app import DeskApp
    app = DeskApp(staffed)
    app.update()
    yield app
    app.destroy()


def sign_in(app, name, password):
    overlay = app.gate.overlay
    overlay.fields["name"].set(name)
    overlay.fields["password"].set(password)
    overlay.submit()
    pump(app)


def test_nothing_is_reachable_before_sign_in(window):
    assert window.gate.overlay is not None and window.gate.overlay.mode == "sign_in"
    assert all(s is None for s in window.screens.values())
    window.show("search")
    assert window.screens["search"] is None and "Cần đăng nhập" in window.status_work.cget("text")


def test_wrong_password_stays_on_sign_in(window):
    sign_in(window, "lan.tt", "sai-mat-khau")
    assert window.desk.account is None
    assert "Sai tên đăng nhập hoặc mật khẩu" in window.gate.overlay.message.cget("text")
    assert window.gate.overlay.fields["password"].get() == ""


def test_a_clerk_sees_her_screens_only(window):
    sign_in(window, "lan.tt", "tiep-nhan-123")
    assert window.gate.overlay is None and window.current == "intake"
    visible = [k for k, b in window.nav_buttons.items() if b.winfo_ismapped()]
    assert "intake" in visible and "handover" in visible and "search" in visible
    assert "admin" not in visible and "accounts" not in visible and "process" not in visible
    window.show("admin")                      # F7 pressed anyway
    assert window.current == "intake" and window.screens["admin"] is None
    assert "không được thay đổi thiết lập" in window.status_work.cget("text")
    assert "Trần Thị Lan" in window.gate.who.cget("text")


def test_the_clerk_name_in_the_status_bar_is_the_account(window):
    sign_in(window, "binh.cm", "chuyen-mon-123")
    window.refresh_status()
    assert "Lê Văn Bình" in window.status_office.cget("text")
    assert window.current == "process"


def test_idle_lock_then_unlock(window):
    sign_in(window, "lan.tt", "tiep-nhan-123")
    now = [1000.0]
    window.gate.idle_clock = lambda: now[0]
    window.gate.touch()
    now[0] += 9 * 60
    assert not window.gate.check_idle()
    now[0] += 61
    assert window.gate.check_idle()
    overlay = window.gate.overlay
    assert overlay.mode == "locked" and overlay.fields["name"].get() == "lan.tt"
    window.show("search")
    assert window.current == "intake"
    overlay.fields["password"].set("tiep-nhan-123")
    overlay.submit()
    pump(window)
    assert window.gate.overlay is None and window.desk.account.name == "lan.tt"
    with window.desk.using():
        actions = [e.action for e in window.desk.audit_entries(3)]
    assert "idle_lock" in actions


def test_sign_out_drops_the_screens(window):
    sign_in(window, "lan.tt", "tiep-nhan-123")
    window.show("search")
    window.gate.sign_out()
    pump(window)
    assert window.desk.account is None and window.gate.overlay.mode == "sign_in"
    assert all(s is None for s in window.screens.values())


def test_admin_adds_and_disables_an_account_on_the_accounts_screen(window):
    sign_in(window, "admin", "quan-tri-123")
    window.show("accounts")
    view = window.screens["accounts"]
    view.fields["name"].set("hoa.ld")
    view.fields["full_name"].set("Phạm Thị Hoa")
    view.fields["role"].set("Lãnh đạo (lanh-dao)")
    view.fields["password"].set("lanh-dao-123")
    view.fields["confirm"].set("lanh-dao-123")
    view.add()
    assert view.table.item("hoa.ld", "values")[2] == "Lãnh đạo"
    view.table.selection_set("lan.tt")
    view.set_disabled(True)
    assert view.table.item("lan.tt", "values")[3] == "Vô hiệu hóa"
    view.btn_verify.invoke()
    wait_background(window)
    assert "Nguyên vẹn" in view.verdict.cget("text")


def test_desk_without_accounts_opens_as_before_and_can_be_given_an_administrator(desk, messages):
    from commune_desk.gui.app import DeskApp
    app = DeskApp(desk, ask_first_admin=True)
    try:
        app.update()
        overlay = app.gate.overlay
        assert overlay.mode == "first_admin"
        overlay.later()
        pump(app)
        assert app.gate.overlay is None and app.current == "intake"
        app.gate.open("first_admin")
        overlay = app.gate.overlay
        overlay.fields["name"].set("quantri")
        overlay.fields["password"].set("quan-tri-123")
        overlay.fields["confirm"].set("quan-tri-123")
        overlay.submit()
        pump(app)
        assert desk.has_accounts() and desk.account.role == "quan-tri"
        assert "accounts" in [k for k, b in app.nav_buttons.items() if b.winfo_ismapped()]
    finally:
        app.destroy()


def test_a_disabled_account_cannot_sign_in_at_the_window(window):
    sign_in(window, "admin", "quan-tri-123")
    window.desk.disable_account("binh.cm")
    window.gate.sign_out()
    sign_in(window, "binh.cm", "chuyen-mon-123")
    assert window.desk.account is None
    assert "vô hiệu hóa" in window.gate.overlay.message.cget("text")


def test_change_password_from_the_sidebar(window):
    sign_in(window, "lan.tt", "tiep-nhan-123")
    window.gate.password_btn.invoke()
    overlay = window.gate.overlay
    assert overlay.mode == "password"
    overlay.fields["old"].set("tiep-nhan-123")
    overlay.fields["password"].set("mat-khau-moi-9")
    overlay.fields["confirm"].set("mat-khau-moi-8")
    overlay.submit()
    assert "không giống nhau" in overlay.message.cget("text")
    overlay.fields["confirm"].set("mat-khau-moi-9")
    overlay.submit()
    pump(window)
    assert window.gate.overlay is None and "Đã đổi mật khẩu" in window.status_work.cget("text")
    window.gate.sign_out()
    sign_in(window, "lan.tt", "mat-khau-moi-9")
    assert window.desk.account.name == "lan.tt"
