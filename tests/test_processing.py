"""After the slip: hand-offs, the clock stop, the once-only extension, handover, search, queues, forms."""

import subprocess
from datetime import date

import pytest

from commune_desk.documents import render_dossier_form, render_tracking_book
from commune_desk.errors import InvalidInput, NotAllowed
from commune_desk.rules.intake import IntakeForm
from commune_desk.rules.statuses import Status
from commune_desk.store.processing import handover_timeliness
from tests.conftest import at


def accept(desk, name="Nguyễn Văn Đạt", proc="HT-XNHN", **kw):
    return desk.intake(IntakeForm(procedure_id=proc, name=name, id_number=kw.pop("id_number", "001090012345"),
                                  phone=kw.pop("phone", "0912345678"), address="Thôn Đông, xã Phúc Lợi", **kw))


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_whole_life_at_the_counter(desk, clock, tmp_path):
    d = accept(desk)                                   # Mon 23/11 09:32, due Fri 27/11 09:32
    clock.set("2026-11-23 10:00")
    desk.handoff(d.code, "Công chức Tư pháp - Hộ tịch: Phạm Văn Minh")
    clock.set("2026-11-25 15:00")
    desk.advance(d.code, 9, assignee="Bộ phận một cửa")
    clock.set("2026-11-26 09:00")
    done = desk.handover(d.code, recipient_id="001090012345", fee_receipt="BL-0042", rating="hai-long")
    assert done.status == Status.RETURNED and done.recipient_name == "Nguyễn Văn Đạt"
    assert done.fee_paid == 5000 and handover_timeliness(done).label == "Trước hạn"
    kinds = [e.kind for e in desk.events_of(done)]
    assert kinds == ["intake", "handoff", "transition", "handover"]
    sheet = pdf_text(render_dossier_form(desk, d.code, "06"), tmp_path)
    assert "Phạm Văn Minh" in sheet and "Trước hạn" in sheet


def test_refused_transitions_say_why_and_change_nothing(desk):
    d = accept(desk)
    with pytest.raises(NotAllowed, match="Không thể chuyển hồ sơ từ «Được tiếp nhận» sang «Đã trả kết quả»|handover"):
        desk.advance(d.code, 10)
    with pytest.raises(NotAllowed, match="chưa xử lý xong"):
        desk.handover(d.code)
    desk.advance(d.code, 9)
    with pytest.raises(NotAllowed, match="Được phép: 10"):
        desk.advance(d.code, 4)
    with pytest.raises(InvalidInput, match="lý do dừng"):
        accept(desk, name="B") and desk.advance(desk.find("B")[0].code, 8)
    assert desk.dossier(d.code).status == Status.RESOLVED


def test_supplement_stops_the_clock_and_full_time_restarts(desk, clock):
    d = accept(desk)                                        # due Fri 27/11 09:32
    clock.set("2026-11-25 10:00")
    desk.advance(d.code, 5, missing=[{"name": "Giấy xác nhận cư trú", "reason": "Hết hạn"}])
    clock.set("2026-12-01 08:00")                          # overdue by the old clock, but it was stopped
    assert desk.queue("overdue") == []
    clock.set("2026-12-02 14:00")
    again = desk.advance(d.code, 4, note="Đã nhận đủ giấy tờ bổ sung")
    assert again.due_at == at("2026-12-07 14:00")          # 3 full working days from the return
    assert again.clock_stopped_at is None and again.supplement_rounds == 1


def test_extension_once_before_due_and_form_04(desk, clock, tmp_path):
    d = accept(desk)                                        # due Fri 27/11 09:32
    clock.set("2026-11-26 10:00")
    ext = desk.extend(d.code, at("2026-12-03 17:00"), "Cần xác minh thông tin hộ tịch tại nơi cư trú trước đây")
    assert ext.due_at == at("2026-12-03 17:00") and ext.original_due_at == at("2026-11-27 09:32")
    with pytest.raises(NotAllowed, match="một lần"):
        desk.extend(d.code, at("2026-12-10 17:00"), "Lần hai")
    text = pdf_text(render_dossier_form(desk, d.code, "04"), tmp_path)
    assert "xin lỗi" in text.lower() and "Cần xác minh thông tin hộ tịch" in text
    assert "03/12/2026" in text and "27/11/2026" in text
    # judged against the new date: resolved 2/12 is early, not late
    clock.set("2026-12-02 11:00")
    desk.advance(d.code, 9)
    assert handover_timeliness(desk.handover(d.code)).label == "Trước hạn"


def test_extension_after_due_is_refused(desk, clock):
    d = accept(desk)
    clock.set("2026-11-27 09:33")
    with pytest.raises(NotAllowed, match="trước hạn"):
        desk.extend(d.code, at("2026-12-03 17:00"), "Muộn")
    assert not desk.dossier(d.code).extended


def test_handover_to_proxy_and_by_post(desk, clock):
    a, b = accept(desk), accept(desk, name="Lê Thị Hoa", return_by="post")
    for d in (a, b):
        desk.advance(d.code, 9)
    with pytest.raises(InvalidInput, match="giấy ủy quyền"):
        desk.handover(a.code, recipient="Trần Văn Bình", proxy_id="001090099999")
    with pytest.raises(NotAllowed, match="không khớp"):
        desk.handover(a.code, recipient_id="001090099999")
    p = desk.handover(a.code, recipient="Trần Văn Bình", proxy_id="001090099999", proxy_paper="UQ-12/2026")
    assert p.proxy and p.recipient_id_number == "001090099999"
    with pytest.raises(InvalidInput, match="bưu gửi"):
        desk.handover(b.code)
    post = desk.handover(b.code, post_tracking="EI123456789VN")
    assert post.post_tracking == "EI123456789VN" and post.status == Status.RETURNED
    with pytest.raises(NotAllowed, match="đã trả kết quả lúc"):
        desk.handover(b.code, post_tracking="EI123456789VN")


def test_late_handover_is_judged_late(desk, clock):
    d = accept(desk)
    clock.set("2026-11-27 10:00")
    desk.advance(d.code, 9)
    assert handover_timeliness(desk.handover(d.code)).label == "Quá hạn"


def test_search_folds_accents_and_matches_codes_ids_phones(desk, clock):
    accept(desk, name="Nguyễn Văn Đạt")
    uoc = accept(desk, name="ĐẶNG THỊ ƯỚC", id_number="079305001234", phone="0389123456")
    accept(desk, name="Phạm Thị Hương Ơn", id_number="", phone="")
    names = lambda q: [d.applicant_name for d in desk.find(q)]
    assert names("dat") == ["Nguyễn Văn Đạt"]
    assert names("Đạt") == ["Nguyễn Văn Đạt"]
    assert names("dang uoc") == ["ĐẶNG THỊ ƯỚC"]
    assert names("huong on") == ["Phạm Thị Hương Ơn"]
    assert names("NGUYEN") == ["Nguyễn Văn Đạt"]
    assert names(uoc.code) == ["ĐẶNG THỊ ƯỚC"]
    assert names(uoc.code[-11:]) == ["ĐẶNG THỊ ƯỚC"]         # "261123-0002"
    assert names("0002") == ["ĐẶNG THỊ ƯỚC"]
    assert names("079305001234") == ["ĐẶNG THỊ ƯỚC"]
    assert names("0389123456") == ["ĐẶNG THỊ ƯỚC"]
    assert names("khong co ai") == []


def test_queues_by_urgency(desk, clock):
    late = accept(desk, proc="HT-KS")                           # same day: due Mon 23/11 17:00
    today = accept(desk, proc="HT-KS")
    soon = accept(desk)                                          # due Fri 27/11
    clock.set("2026-11-23 17:30")
    desk.handoff(today.code, "Tư pháp")
    assert [d.code for d in desk.queue("overdue")] == [late.code, today.code]
    clock.set("2026-11-26 08:00")                                # Thursday: Friday is tomorrow
    assert [d.code for d in desk.queue("due_tomorrow")] == [soon.code]
    clock.set("2026-11-27 08:00")
    assert [d.code for d in desk.queue("due_today")] == [soon.code]
    assert desk.urgency_counts()["overdue"] == 2
    assert [d.code for d in desk.queue("processing")] == [today.code]


def test_tracking_book_numbers_continue_within_the_year(desk, clock, tmp_path):
    accept(desk, name="Người Thứ Nhất")
    clock.set("2026-11-25 09:00")
    accept(desk, name="Người Thứ Hai")
    rows = desk.book_rows(date(2026, 11, 25), date(2026, 11, 30))
    assert [(n, d.applicant_name) for n, d in rows] == [(2, "Người Thứ Hai")]
    text = pdf_text(render_tracking_book(desk, date(2026, 11, 1), date(2026, 11, 30)), tmp_path)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Người Thứ Nhất" in text and "Người Thứ Hai" in text


def test_report_counts_the_extension_and_judges_against_the_new_date(desk, clock):
    d = accept(desk)                                        # due Fri 27/11 09:32
    clock.set("2026-11-26 10:00")
    desk.extend(d.code, at("2026-12-03 17:00"), "Cần xác minh")
    clock.set("2026-12-02 11:00")
    desk.advance(d.code, 9)
    late = accept(desk, name="Người Trễ Hạn", proc="HT-KS")  # due today 17:00, never resolved
    clock.set("2026-12-04 09:00")
    report = desk.report(date(2026, 11, 1), date(2026, 12, 31)).to_dict()
    assert report["extended"] == 1
    assert report["resolved"] == 1 and report["resolved_early"] == 1 and report["resolved_late"] == 0
    assert report["open_overdue"] == 1 and report["overdue"][0]["code"] == late.code
    assert report["on_time_rate"] == 100.0
