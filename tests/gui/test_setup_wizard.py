"""First start: the set-up wizard, step by step, in the real window."""
import pytest

from commune_desk.gui.app import DeskApp
from commune_desk.rules import roles
from commune_desk.gui.setup_wizard import AdminStep, OfficeStep, PrinterStep, SetupWizard, UpstreamStep
from commune_desk.store.desk import Desk
from tests.gui.helpers import pump, pump_until


@pytest.fixture
def first_start(tmp_path, clock, messages):
    desk = Desk(tmp_path / "new", clock=clock)
    app = DeskApp(desk)
    app.print_pdf = lambda *a, **kw: None
    pump_until(app, lambda: any(isinstance(w, SetupWizard) for w in app.winfo_children()), what="the set-up wizard")    # after(50) on a new desk
    [wizard] = [w for w in app.winfo_children() if isinstance(w, SetupWizard)]
    yield app, wizard
    app.destroy()
    desk.close()


def fill(step, **values):
    for key, value in values.items():
        step.fields[key].set(value)


def error_of(step, key) -> str:
    return step.fields[key].error.cget("text")


OFFICE = dict(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.h26", desk="2",
              address="Số 1 đường Trường Chinh, xã Phúc Lợi, thành phố Hà Nội")
ADMIN = dict(full_name="Trần Thị Lan", name="lan.tt", password="mat-khau-dai", repeat="mat-khau-dai")


def to_upstream_step(wizard):
    """Office and administrator filled in, the printer left as it is."""
    fill(wizard.step, **OFFICE)
    wizard.next()
    fill(wizard.step, **ADMIN)
    wizard.next()
    wizard.next()
    assert isinstance(wizard.step, UpstreamStep)


def test_the_wizard_goes_through_office_admin_printer_and_a_skipped_upstream(first_start):
    app, wizard = first_start
    assert [type(s) for s in wizard.steps] == [OfficeStep, AdminStep, PrinterStep, UpstreamStep]
    fill(wizard.step, **OFFICE)
    wizard.next()
    assert isinstance(wizard.step, AdminStep)
    fill(wizard.step, **ADMIN)
    wizard.next()
    assert isinstance(wizard.step, PrinterStep)
    wizard.step.fields["paper"].set("Giấy cuộn 80 mm (máy in nhiệt)")
    wizard.next()
    pump(app)
    assert isinstance(wizard.step, UpstreamStep) and wizard.skip_button.winfo_ismapped()
    wizard.skip()
    pump_until(app, lambda: not wizard.winfo_exists(), what="the wizard closing")
    cfg = app.desk.config()
    assert (cfg.office_name, cfg.agency_code, cfg.desk, cfg.paper, cfg.printer, cfg.upstream_url) == (
        "UBND xã Phúc Lợi", "000.30.36.H26", 2, "80mm", "", "")
    assert cfg.unit == "Bộ phận tiếp nhận và trả kết quả" and cfg.address == OFFICE["address"]
    [admin] = app.desk.accounts()
    assert (admin.name, admin.full_name, admin.role) == ("lan.tt", "Trần Thị Lan", roles.ADMIN)
    assert "UBND xã Phúc Lợi · Quầy 2" in app.status_office.cget("text")


def test_a_wrong_value_keeps_its_page_with_one_vietnamese_line_and_writes_nothing(first_start):
    app, wizard = first_start
    fill(wizard.step, **{**OFFICE, "agency_code": "Phúc Lợi"})
    wizard.next()
    assert isinstance(wizard.step, OfficeStep)
    assert "Mã định danh cơ quan «PHÚC LỢI» không hợp lệ" in error_of(wizard.step, "agency_code")
    fill(wizard.step, agency_code="000.30.36.H26")
    wizard.next()
    fill(wizard.step, **{**ADMIN, "repeat": "mat-khau-khac"})
    wizard.next()
    assert isinstance(wizard.step, AdminStep)
    assert error_of(wizard.step, "repeat") == "Hai lần nhập mật khẩu không giống nhau."
    wizard.back()
    assert isinstance(wizard.step, OfficeStep) and wizard.step.fields["office_name"].get() == "UBND xã Phúc Lợi"
    assert app.desk.config() is None and not app.desk.has_accounts()


def test_upstream_needs_both_address_and_code_and_a_dead_server_keeps_the_set_up(first_start):
    app, wizard = first_start
    to_upstream_step(wizard)
    fill(wizard.step, server="https://motcua.example.gov.vn")
    wizard.next()
    assert error_of(wizard.step, "code") == "Cần cả địa chỉ máy chủ và mã đăng ký, hoặc bấm «Bỏ qua»."
    fill(wizard.step, server="http://127.0.0.1:9", code="ABCD-1234")
    wizard.next()                                   # nothing listens there
    assert wizard.winfo_exists() and isinstance(wizard.step, UpstreamStep)
    assert error_of(wizard.step, "server")
    assert app.desk.config().office_name == "UBND xã Phúc Lợi"      # the set-up itself was saved
    wizard.skip()
    pump_until(app, lambda: not wizard.winfo_exists(), what="the wizard closing")
    assert len(app.desk.accounts()) == 1


def test_the_address_is_printed_where_results_are_collected(first_start, tmp_path):
    from commune_desk.documents import render_dossier_form
    from commune_desk.rules.intake import IntakeForm
    from tests.gui.helpers import pdf_text
    app, wizard = first_start
    to_upstream_step(wizard)
    wizard.skip()
    d = app.desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt"))
    pdf = tmp_path / "01.pdf"
    pdf.write_bytes(render_dossier_form(app.desk, d.code, "01", "a5"))
    assert ("Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả – UBND xã Phúc Lợi, "
            "Số 1 đường Trường Chinh, xã Phúc Lợi, thành phố Hà Nội") in pdf_text(pdf)


def test_the_wizard_opens_while_the_spooler_is_slow_and_lists_its_printers_once_it_answers(tmp_path, clock,
                                                                                           messages, monkeypatch):
    import threading
    from commune_desk import printing
    from commune_desk.printing import Printer
    asked, answer = threading.Event(), threading.Event()

    def slow_spooler():
        asked.set()
        assert answer.wait(60)
        return [Printer("Quay_1", default=True, state="Sẵn sàng")]
    monkeypatch.setattr(printing, "list_printers", slow_spooler)
    desk = Desk(tmp_path / "new", clock=clock)
    app = DeskApp(desk)
    try:
        pump_until(app, lambda: any(isinstance(w, SetupWizard) for w in app.winfo_children()), what="the wizard")
        [wizard] = [w for w in app.winfo_children() if isinstance(w, SetupWizard)]
        assert asked.wait(30) and not answer.is_set()           # open while the spooler has not answered
        [step] = [s for s in wizard.steps if isinstance(s, PrinterStep)]
        combo = step.fields["printer"].input
        assert list(combo.cget("values")) == ["(Máy in mặc định của hệ thống)"]
        answer.set()
        pump_until(app, lambda: len(combo.cget("values")) == 2, what="the printers listed")
        assert list(combo.cget("values"))[1] == "Quay_1"
    finally:
        answer.set()
        app.destroy()
        desk.close()
