"""The intake screen driven through its real widgets under Xvfb, as a clerk would use it."""

import subprocess
import time
import unicodedata
from tkinter import messagebox

import pytest

from commune_desk.gui.app import DeskApp
from commune_desk.store.desk import Desk
from commune_desk.store.models import Dossier
from tests.conftest import Clock


@pytest.fixture
def app_factory(tmp_path, monkeypatch):
    apps = []
    monkeypatch.setattr(messagebox, "showerror", lambda *a, **k: apps[-1].messages.append(a))
    monkeypatch.setattr(messagebox, "askyesno", lambda *a, **k: True)

    def make(desk):
        app = DeskApp(desk)
        app.messages = []
        app.printed = []
        app.print_pdf = lambda path, *args, **kw: app.printed.append(path)
        app.preview_pdf = lambda path: app.printed.append(path)
        apps.append(app)
        app.update()
        return app
    yield make
    for app in apps:
        try:
            app.destroy()
        except Exception:
            pass


@pytest.fixture
def gui_desk(tmp_path):
    d = Desk(tmp_path / "desk", clock=Clock("2026-11-23 09:32"))
    d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", clerk_name="Trần Thị Lan",
            lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}")
    yield d
    d.close()


def wait_printed(app, n=1, timeout=60):
    end = time.time() + timeout
    while len(app.printed) < n and time.time() < end:
        app.update()
        time.sleep(0.02)
    assert len(app.printed) >= n, f"nothing printed; status: {app.status_work.cget('text')}"
    return app.printed[n - 1]


def pdftotext(path):
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def type_into(widget, text):
    widget.focus_set()
    widget.delete(0, "end")
    widget.insert(0, text)


def fill(view, name="Nguyễn Văn Đạt", id_number="001090012345", phone="0912345678",
         address="Thôn Đông, xã Phúc Lợi, thành phố Hà Nội"):
    type_into(view.fields["name"].input, name)
    type_into(view.fields["id_number"].input, id_number)
    type_into(view.fields["phone"].input, phone)
    type_into(view.fields["address"].input, address)


def choose_procedure(app, view, query):
    type_into(view.proc_entry, query)
    app.update()
    view.proc_entry.event_generate("<Return>")
    app.update()


def test_accept_through_the_window_saves_then_prints_slip(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "xac nhan tinh trang hon nhan")
    assert view.procedure.id == "HT-XNHN"
    assert "9 giờ 32 phút, ngày 27/11/2026" in view.due_label.cget("text")     # live due, 24/11 is off
    assert view.focus_get() is view.checklist                  # Enter on the procedure: its papers next
    view.checklist.event_generate("<Control-d>")               # every paper handed over
    app.update()
    fill(view)
    app.focus_force()
    view.fields["address"].input.event_generate("<Control-s>")
    app.update()
    row = Dossier.get(Dossier.applicant_name == "Nguyễn Văn Đạt")
    assert row.code == "000.30.36.H26-261123-0001" and row.status == 2
    assert "000.30.36.H26-261123-0001" in view.result_label.cget("text")
    pdf = wait_printed(app)
    text = pdftotext(pdf)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Văn Đạt" in text and "000.30.36.H26-261123-0001" in text
    assert "9 giờ 32 phút, ngày 27/11/2026" in text
    png = pdf.with_suffix(".png")
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(png.with_suffix(""))], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split("\n")
    assert "000.30.36.H26-261123-0001" in decoded
    # the form is cleared for the next citizen; the focus is back on the procedure box
    assert view.fields["name"].get() == "" and view.procedure is None


def test_bad_input_shows_inline_vietnamese_errors_and_saves_nothing(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "HT-XNHN")
    fill(view, name="", id_number="003090012345", phone="12345")
    view.btn_accept.invoke()
    app.update()
    assert view.fields["name"].error.cget("text") == "Vui lòng nhập họ tên người nộp."
    assert "mã tỉnh" in view.fields["id_number"].error.cget("text")
    assert "Số điện thoại không hợp lệ" in view.fields["phone"].error.cget("text")
    assert Dossier.select().count() == 0 and app.printed == []


def test_no_procedure_chosen_is_refused(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    fill(view)
    view.btn_accept.invoke()
    assert "Hãy chọn thủ tục" in view.proc_error.cget("text")
    assert Dossier.select().count() == 0


def test_refuse_prints_form_03_with_the_reason(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "chung thuc chu ky")
    fill(view, name="Lê Thị Hoa")
    view.fields["reason"].input.insert("1.0", "Giấy tờ không thuộc thẩm quyền chứng thực của UBND xã")
    view.btn_refuse.invoke()
    app.update()
    row = Dossier.get(Dossier.applicant_name == "Lê Thị Hoa")
    assert row.code is None and row.status == 3
    text = pdftotext(wait_printed(app))
    assert "PHIẾU TỪ CHỐI" in text and "không thuộc thẩm quyền chứng thực" in text


def test_supplement_lists_the_unticked_documents_on_form_02(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "HT-XNHN")
    fill(view, name="Phạm Văn Minh")
    missing_name = view.procedure.documents[1]["name"]
    view.tick_all()
    view.checklist.focus("1")
    view.checklist.focus_force()
    app.update()
    view.checklist.event_generate("<space>")
    app.update()
    assert view.checklist.item("1", "values")[0] == "—"
    view.fields["reason"].input.insert("1.0", "Giấy tờ đã hết thời hạn sử dụng")
    view.btn_supplement.invoke()
    app.update()
    row = Dossier.get(Dossier.applicant_name == "Phạm Văn Minh")
    assert row.status == 5 and row.code is None
    assert row.missing == [{"name": missing_name, "reason": "Giấy tờ đã hết thời hạn sử dụng"}]
    text = pdftotext(wait_printed(app))
    assert "BỔ SUNG" in text and missing_name[:30] in text and "hết thời hạn sử dụng" in text


def test_combining_marks_from_a_windows_ime_are_stored_and_printed_nfc(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "HT-XNHN")
    name = "Đặng Thị Hương Ước"
    view.tick_all()
    fill(view, name=unicodedata.normalize("NFD", name))
    view.btn_accept.invoke()
    row = Dossier.get(Dossier.code.is_null(False))
    assert row.applicant_name == name
    assert name in pdftotext(wait_printed(app))


def test_a_draft_survives_a_crash_and_is_restored(app_factory, gui_desk, tmp_path):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "HT-XNHN")
    fill(view, name="Trần Quốc Việt")
    view.tick_all()
    view.set_document_received(2, False)
    view.save_draft()                         # what the debounce does 0.7 s after the last keystroke
    app.destroy()                             # the window is gone without saving: a crash
    again = Desk(gui_desk.data_dir, clock=gui_desk.clock)
    app2 = app_factory(again)
    app2.after(0, lambda: None)
    end = time.time() + 60
    view2 = app2.screens["intake"]
    while view2.fields["name"].get() != "Trần Quốc Việt" and time.time() < end:
        app2.update()
        time.sleep(0.02)
    assert view2.fields["name"].get() == "Trần Quốc Việt"
    assert view2.procedure.id == "HT-XNHN"
    assert view2.fields["phone"].get() == "0912345678"
    assert [v.get() for v in view2.doc_received][2] is False
    view2.btn_accept.invoke()
    assert again.draft() is None              # saved for real: the draft is gone


def test_report_and_admin_screens(app_factory, gui_desk):
    from commune_desk.rules.intake import IntakeForm
    gui_desk.intake(IntakeForm(procedure_id="HT-KS", name="Nguyễn Văn An"))   # due Mon 17:00
    gui_desk.clock.set("2026-11-25 09:00")
    app = app_factory(gui_desk)
    app.event_generate("<F5>")
    report = app.screens["report"]
    end = time.time() + 60
    while not report.figures.get_children() and time.time() < end:
        app.update()
        time.sleep(0.02)
    assert report.figures.item("open_overdue", "values")[1] == "1"
    assert report.overdue.item(report.overdue.get_children()[0], "values")[1] == "Nguyễn Văn An"

    app.show("admin")
    admin = app.screens["admin"]
    admin.catalog.selection_set("HT-XNHN")
    admin.fee.set("abc")
    admin.save_fee()
    assert "số tiền" in admin.fee.error.cget("text")
    admin.fee.set("3.000")
    admin.save_fee()
    assert gui_desk.procedure("HT-XNHN").fee == 3000
    admin.day.set("24/11/2026")
    admin.set_day(True)
    assert gui_desk.calendar().is_working_day(__import__("datetime").date(2026, 11, 24))


def test_refusing_without_a_reason_is_refused_inline(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "HT-KS")
    fill(view, name="Võ Văn Kiệt")
    view.btn_refuse.invoke()
    assert view.fields["reason"].error.cget("text") == "Từ chối tiếp nhận thì phải ghi rõ lý do."
    assert Dossier.select().count() == 0 and app.printed == []


def test_checklist_by_keyboard_and_an_unticked_paper_is_not_on_form_01(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "xac nhan tinh trang hon nhan")
    docs = [d["name"] for d in view.procedure.documents]
    assert view.focus_get() is view.checklist and view.checklist.focus() == "0"
    assert [view.checklist.item(i, "values")[0] for i in view.checklist.get_children()] == ["—"] * len(docs)
    fill(view, name="Hoàng Văn Nam")
    view.btn_accept.invoke()                                   # nothing ticked: no slip listing nothing
    assert "Chưa đánh dấu giấy tờ nào" in view.proc_error.cget("text")
    assert Dossier.select().count() == 0 and view.focus_get() is view.checklist
    view.checklist.event_generate("<space>")                   # paper 1 handed over
    view.checklist.event_generate("<Down>")
    view.checklist.event_generate("<Down>")
    view.checklist.event_generate("<space>")                   # paper 3 too; paper 2 not
    app.update()
    assert [v.get() for v in view.doc_received][:3] == [True, False, True]
    assert docs[2] in view.doc_detail.cget("text")             # the whole name on the detail line
    view.checklist.event_generate("<Tab>")
    app.update()
    assert view.focus_get() is not view.checklist              # Tab leaves the list
    view.btn_accept.invoke()
    row = Dossier.get(Dossier.applicant_name == "Hoàng Văn Nam")
    assert [d["name"] for d in row.documents] == [docs[0], docs[2]]
    text = pdftotext(wait_printed(app))
    assert "Tờ khai cấp Giấy xác nhận" in text and "Giấy tờ tùy thân của người yêu cầu" in text
    assert "đã cấp trước đây" not in text                      # paper 2 was not ticked


def test_khai_sinh_enter_picks_birth_registration_and_nothing_found_says_so(app_factory, gui_desk):
    app = app_factory(gui_desk)
    view = app.screens["intake"]
    choose_procedure(app, view, "khai sinh")
    assert view.procedure.id == "HT-KS"
    assert view.proc_info.cget("text").startswith("Đăng ký khai sinh\n")
    type_into(view.proc_entry, "khong co thu tuc nay")
    app.update()
    assert view.proc_error.cget("text").startswith("Không tìm thấy thủ tục «khong co thu tuc nay»")
    assert view.proc_list.size() == 0


def test_the_success_line_never_covers_the_live_due_time(app_factory, gui_desk):
    app = app_factory(gui_desk)
    app.geometry("1024x768+0+0")
    view = app.screens["intake"]
    for name in ("Nguyễn Văn Đạt", "Trần Thị Bình"):
        choose_procedure(app, view, "HT-XNHN")
        view.tick_all()
        fill(view, name=name)
        view.btn_accept.invoke()
        app.update()
    choose_procedure(app, view, "HT-KS")
    app.update()
    due, line = view.due_label, view.result_label
    assert "Hẹn trả kết quả" in due.cget("text") and "Đã tiếp nhận hồ sơ" in line.cget("text")
    a = (due.winfo_rooty(), due.winfo_rooty() + due.winfo_height())
    b = (line.winfo_rooty(), line.winfo_rooty() + line.winfo_height())
    assert a[1] <= b[0] or b[1] <= a[0]                       # one above the other, never overlapping
    assert due.winfo_width() >= due.winfo_reqwidth()            # the due time is not cut short
