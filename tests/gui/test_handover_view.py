"""Trả kết quả through the real window: the scanner types the code and Enter; who collects; messages."""

import shutil
import subprocess

import pytest

from commune_desk.rules.statuses import Status
from tests.gui.helpers import accept, pump, pump_until

KEYSYMS = {".": "period", "-": "minus"}


def handover(app):
    app.show("handover")
    pump(app)
    return app.screens["handover"]


def scan(view, code: str) -> None:
    """A USB scanner: one key event per character, quickly, then Enter, into the focused box."""
    entry = view.scan_entry
    entry.focus_force()
    entry.delete(0, "end")
    view.update()
    for ch in code:
        entry.event_generate("<KeyPress>", keysym=KEYSYMS.get(ch, ch), when="tail")
    entry.event_generate("<Return>", when="tail")
    view.update()


def resolved(desk, clock, **kw):
    d = accept(desk, **kw)
    desk.advance(d.code, 9)
    return d


def test_scan_then_applicant_hands_over_with_id_check(app, desk, clock, messages):
    d = resolved(desk, clock)                    # resolved Mon 23/11, due Fri 27/11: early
    view = handover(app)
    assert view.focus_get() is view.scan_entry   # the box waits for the scanner
    clock.set("2026-11-24 10:15")
    scan(view, d.code)
    assert view.scan_entry.get() == d.code
    card = view.card_text()
    assert card["code"] == d.code and card["name"] == "Nguyễn Văn Đạt"
    assert card["status"] == "Đã xử lý xong, chờ trả" and card["timeliness"] == "Trước hạn"
    assert card["fee"] == "5.000 đồng" and view.f_fee.get() == "5000"
    assert str(view.btn_hand.cget("state")) == "normal"
    assert view.focus_get() is view.f_recipient_id.input          # next: check the ID card

    # a wrong ID number is refused and nothing changes
    view.f_recipient_id.input.insert(0, "001090099999")
    view.btn_hand.invoke()
    assert "không khớp" in messages[-1][2]
    assert Status(desk.dossier(d.code).status) == Status.RESOLVED

    view.f_recipient_id.input.delete(0, "end")
    view.f_recipient_id.input.insert(0, "001090012345")
    view.f_receipt.input.insert(0, "BL-0042")
    view.rating_buttons["rat-hai-long"].invoke()
    view.btn_hand.invoke()
    done = desk.dossier(d.code)
    assert Status(done.status) == Status.RETURNED and done.returned_at == clock.now
    assert done.recipient_name == "Nguyễn Văn Đạt" and done.recipient_id_number == "001090012345"
    assert done.fee_receipt == "BL-0042" and done.fee_paid == 5000 and done.rating == "rat-hai-long"
    msg = view.message.cget("text")
    assert msg == (f"Đã trả kết quả hồ sơ {d.code} cho Nguyễn Văn Đạt lúc 10 giờ 15 phút, ngày 24/11/2026 — "
                   "Trước hạn.")
    assert view.scan_entry.get() == "" and view.focus_get() is view.scan_entry

    # the same slip scanned again
    scan(view, d.code)
    assert "Mã này đã được quét trước đó" in view.message.cget("text")
    assert "ĐÃ TRẢ KẾT QUẢ lúc 10 giờ 15 phút, ngày 24/11/2026 cho Nguyễn Văn Đạt" in view.message.cget("text")
    assert str(view.btn_hand.cget("state")) == "disabled"
    assert len([e for e in desk.events_of(done) if e.kind == "handover"]) == 1


def test_unknown_and_unresolved_codes_get_clear_messages(app, desk, clock):
    d = accept(desk)
    view = handover(app)
    scan(view, "000.30.36.H26-261123-0999")
    assert view.message.cget("text").startswith("Không tìm thấy hồ sơ mã «000.30.36.H26-261123-0999»")
    assert view.card_text()["code"] == "" and str(view.btn_hand.cget("state")) == "disabled"
    assert view.focus_get() is view.scan_entry
    scan(view, d.code)
    assert view.message.cget("text").startswith(
        f"Hồ sơ {d.code} chưa xử lý xong (trạng thái: Được tiếp nhận); chưa thể trả kết quả.")
    assert view.card_text()["name"] == "Nguyễn Văn Đạt"            # the card still shows whose it is
    assert str(view.btn_hand.cget("state")) == "disabled"
    view.hand_over()                                                # Ctrl+Enter does nothing either
    assert Status(desk.dossier(d.code).status) == Status.ACCEPTED


def test_next_slip_scanned_into_a_field_is_taken_as_a_scan(app, desk, clock):
    a, b = resolved(desk, clock), resolved(desk, clock, name="Lê Thị Hoa", id_number="001190054321")
    view = handover(app)
    scan(view, a.code)
    assert view.focus_get() is view.f_recipient_id.input
    for ch in b.code:                                   # the scanner types wherever the cursor is
        view.f_recipient_id.input.event_generate("<KeyPress>", keysym=KEYSYMS.get(ch, ch), when="tail")
    view.f_recipient_id.input.event_generate("<Return>", when="tail")
    view.update()
    assert view.card_text()["name"] == "Lê Thị Hoa" and view.f_recipient_id.get() == ""
    assert Status(desk.dossier(a.code).status) == Status.RESOLVED
    view.f_recipient_id.input.insert(0, "001190054321")
    view.f_recipient_id.input.event_generate("<Return>")  # an ID number just moves on
    view.update()
    assert view.card_text()["name"] == "Lê Thị Hoa" and view.f_recipient_id.get() == "001190054321"


def test_qr_lookup_address_is_read_as_its_code(app, desk, clock):
    d = resolved(desk, clock)
    view = handover(app)
    view.code_var.set(f"https://dichvucong.example.vn/tra-cuu?ma={d.code}")
    view.scan_entry.event_generate("<Return>")
    assert view.card_text()["code"] == d.code


def test_proxy_collects_with_authorisation_paper(app, desk, clock, messages):
    d = resolved(desk, clock)
    clock.set("2026-11-27 10:00")                                   # after due, but resolved on time
    view = handover(app)
    scan(view, d.code)
    view.who_buttons["proxy"].invoke()
    assert view.f_proxy_name.winfo_manager() == "grid" and view.f_recipient_id.winfo_manager() == ""
    view.f_proxy_name.input.insert(0, "Trần Văn Bình")
    view.f_proxy_id.input.insert(0, "001090099999")
    view.btn_hand.invoke()
    assert "giấy ủy quyền" in view.f_proxy_paper.error.cget("text")
    assert Status(desk.dossier(d.code).status) == Status.RESOLVED
    view.f_proxy_paper.input.insert(0, "UQ-12/2026")
    view.btn_hand.invoke()
    done = desk.dossier(d.code)
    assert done.proxy and done.recipient_name == "Trần Văn Bình" and done.proxy_paper == "UQ-12/2026"
    assert done.recipient_id_number == "001090099999"
    assert "cho Trần Văn Bình (nhận thay)" in view.message.cget("text")
    assert view.message.cget("text").endswith("— Trước hạn.")
    assert not messages


def test_post_handover_needs_tracking_number_and_shows_address(app, desk, clock):
    d = resolved(desk, clock, return_by="post", post_address="Số 5 ngõ 12, thôn Đoài, xã Phúc Lợi")
    view = handover(app)
    scan(view, d.code)
    assert view.who.get() == "post"                                  # registered for post at intake
    assert view.post_address.cget("text") == "Địa chỉ nhận: Số 5 ngõ 12, thôn Đoài, xã Phúc Lợi"
    assert view.focus_get() is view.f_post_tracking.input
    view.btn_hand.invoke()
    assert view.f_post_tracking.error.cget("text") == "Gửi qua bưu chính: hãy nhập số hiệu bưu gửi."
    view.f_post_tracking.input.insert(0, "EI123456789VN")
    view.btn_hand.invoke()
    done = desk.dossier(d.code)
    assert Status(done.status) == Status.RETURNED and done.post_tracking == "EI123456789VN"
    assert "qua bưu chính (số hiệu EI123456789VN)" in view.message.cget("text")


def test_late_result_is_shown_late(app, desk, clock):
    d = accept(desk)
    clock.set("2026-11-27 10:00")
    desk.advance(d.code, 9)
    view = handover(app)
    scan(view, d.code)
    assert view.card_text()["timeliness"] == "Quá hạn"
    view.btn_hand.invoke()
    assert view.message.cget("text").endswith("— Quá hạn.")


@pytest.mark.skipif(shutil.which("xdotool") is None, reason="xdotool is not installed")
def test_real_keyboard_scan_with_xdotool(app, desk, clock):
    d = resolved(desk, clock)
    view = handover(app)
    app.deiconify()
    app.lift()
    app.focus_force()
    view.scan_entry.focus_force()
    # the keys go where the X server has its focus: wait until Tk has given it to the field (only
    # once the window is mapped, which X reports when it gets to it)
    pump_until(app, lambda: app.focus_get() is view.scan_entry, what="the scan field's focus")
    subprocess.run(["xdotool", "type", "--delay", "5", d.code], check=True, timeout=20)
    subprocess.run(["xdotool", "key", "Return"], check=True, timeout=20)
    # the X server delivers the keys when it gets to them: wait for the looked-up card
    pump_until(app, lambda: view.card_text()["code"], what="the scanned dossier's card")
    assert view.card_text()["code"] == d.code
    assert view.message.cget("text").startswith(f"Hồ sơ {d.code} đã có kết quả.")
