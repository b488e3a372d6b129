"""The Xử lý screen through its real widgets: queues, the story, the allowed moves, forms 02/04/05/06."""

from commune_desk.rules.statuses import Status
from tests.conftest import at
from tests.gui.helpers import accept, pdf_text, pump, wait_background


def process(app):
    app.show("process")
    pump(app)
    return app.screens["process"]


def act(view, key, note="", party="", missing="", until=None):
    view.buttons[key].invoke()
    if party:
        view.f_party.input.insert(0, party)
    if note:
        view.f_note.input.insert("1.0", note)
    if missing:
        view.f_missing.input.insert("1.0", missing)
    if until is not None:
        view.f_until.input.delete(0, "end")
        view.f_until.input.insert(0, until)
    view.btn_confirm.invoke()
    view.update()


def shown(view, key):
    return view.buttons[key].winfo_manager() == "grid"


def test_queues_colour_sort_and_filter(app, desk, clock):
    late = accept(desk, name="Lê Văn Muộn", proc="HT-KS")        # same day: due Mon 23/11 17:00
    soon = accept(desk, name="Trần Thị Sớm")                      # due Fri 27/11 09:32
    later = accept(desk, name="Phạm Văn Sau", proc="CT-GD")       # 2 days: due Thu 26/11 09:32
    clock.set("2026-11-26 08:00")                                 # Thursday: Friday is tomorrow
    view = process(app)
    view.select_queue("overdue")
    assert view.listed_codes() == [late.code]
    assert view.row_colour(late.code) == "overdue"
    assert str(view.tree.tag_configure("overdue", "background")) == "#fde2e1"
    view.select_queue("due_today")
    assert view.listed_codes() == [later.code] and view.row_colour(later.code) == "due_today"
    view.select_queue("due_tomorrow")
    assert view.listed_codes() == [soon.code] and view.row_colour(soon.code) == "due_tomorrow"
    # the overdue count is always visible in the status bar
    app.refresh_status()
    wait_background(app)
    assert app.status_alert.cget("text") == "Quá hạn: 1 · Đến hạn hôm nay: 1"
    view.select_queue("new")
    assert view.listed_codes() == [late.code, later.code, soon.code]          # earliest due first
    app.tk.call(view.tree.heading("due", "command"))                          # click on «Hạn trả»
    assert view.listed_codes() == [soon.code, later.code, late.code]
    assert view.tree.heading("due", "text").endswith("▼")
    view.set_filter(field=desk.procedure("CT-GD").field)
    assert view.listed_codes() == [later.code]
    view.set_filter(procedure_id="HT-KS")
    assert view.listed_codes() == [late.code]
    assert view.queue_list.get(QUEUE_INDEX["new"]).startswith("Mới tiếp nhận (1)")


QUEUE_INDEX = {name: i for i, name in enumerate(
    ["overdue", "due_today", "due_tomorrow", "new", "processing", "supplement", "financial", "resolved", "closed"])}


def test_whole_life_handoff_supplement_restart_resolve_handover_and_story(app, desk, clock, tmp_path):
    d = accept(desk)                                   # Mon 23/11 09:32, due Fri 27/11 09:32
    view = process(app)
    assert view.queue_name == "new" and view.listed_codes() == [d.code]   # opens on the list with work
    view.tree.selection_set(d.code)
    pump(app)
    assert view.story.dossier.code == d.code
    # only what the status allows is offered
    assert shown(view, "handoff") and shown(view, "supplement") and shown(view, "resolved")
    assert view.buttons["processing"].cget("text") == "Bắt đầu xử lý…"
    clock.set("2026-11-23 10:00")
    act(view, "handoff", party="Công chức Tư pháp - Hộ tịch: Phạm Văn Minh", note="Kiểm tra hồ sơ")
    assert desk.dossier(d.code).assignee == "Công chức Tư pháp - Hộ tịch: Phạm Văn Minh"
    assert view.queue_name == "processing" and view.listed_codes() == [d.code]
    assert "Đã chuyển hồ sơ" in view.result.cget("text")
    story = view.story.rows()
    assert story[-1][1] == "Chuyển giao" and "Phạm Văn Minh" in story[-1][2] and story[-1][3] == "Trước hạn"

    # supplement: a missing paper is required, then form 02 prints and the clock stops
    clock.set("2026-11-25 10:00")
    act(view, "supplement")
    assert "ít nhất một giấy tờ" in view.f_missing.error.cget("text")
    assert Status(desk.dossier(d.code).status) == Status.PROCESSING
    view.f_missing.input.insert("1.0", "Giấy xác nhận cư trú | Đã hết hạn")
    view.btn_confirm.invoke()
    wait_background(app)
    assert Status(desk.dossier(d.code).status) == Status.SUPPLEMENT
    assert view.queue_name == "supplement"
    text = pdf_text(app.printed[-1])
    assert app.printed[-1].name.endswith("-02.pdf") and "Giấy xác nhận cư trú" in text and "Đã hết hạn" in text
    assert not shown(view, "resolved") and not shown(view, "extend") and not shown(view, "handoff")
    assert view.buttons["processing"].cget("text") == "Đã nhận đủ bổ sung…"

    # overdue by the old clock, but the clock was stopped
    clock.set("2026-12-02 14:00")
    view.select_queue("overdue")
    assert view.listed_codes() == []
    view.open(d.code)
    act(view, "processing", note="Đã nhận đủ giấy tờ bổ sung")
    again = desk.dossier(d.code)
    assert again.due_at == at("2026-12-07 14:00")               # full 3 working days restart
    assert "14:00 07/12/2026" in view.story.facts.cget("text")
    assert "tính lại hạn: 14:00 07/12/2026" in view.story.rows()[-1][4]

    clock.set("2026-12-04 09:00")
    act(view, "resolved", note="Đã ký xác nhận")
    assert Status(desk.dossier(d.code).status) == Status.RESOLVED
    assert view.queue_name == "resolved" and view.listed_codes() == [d.code]
    assert "Trước hạn" in view.story.facts.cget("text")
    rows = view.story.rows()
    assert [r[1:4] for r in rows] == [
        ("Tiếp nhận hồ sơ", "Trần Thị Lan", ""),
        ("Chuyển giao", "Bộ phận một cửa — Trần Thị Lan → Công chức Tư pháp - Hộ tịch: Phạm Văn Minh", "Trước hạn"),
        ("Đang xử lý → Yêu cầu bổ sung", "Trần Thị Lan", "Trong hạn"),
        ("Yêu cầu bổ sung → Đang xử lý", "Trần Thị Lan", "Trong hạn"),
        ("Đang xử lý → Đã xử lý xong, chờ trả", "Trần Thị Lan", "Trước hạn")]
    assert [r[0] for r in rows] == ["09:32 23/11/2026", "10:00 23/11/2026", "10:00 25/11/2026",
                                    "14:00 02/12/2026", "09:00 04/12/2026"]
    assert rows[2][4] == "Giấy xác nhận cư trú (Đã hết hạn)"
    assert [a for a in view.allowed()] == []                   # only the handover remains, on its own screen

    # the citizen comes back: the slip is scanned at Trả kết quả
    from tests.gui.test_handover_view import scan
    clock.set("2026-12-04 15:30")
    app.show("handover")
    pump(app)
    counter = app.screens["handover"]
    scan(counter, d.code)
    assert counter.card_text()["timeliness"] == "Trước hạn"
    counter.f_recipient_id.input.insert(0, "001090012345")
    counter.btn_hand.invoke()
    assert Status(desk.dossier(d.code).status) == Status.RETURNED
    view = process(app)
    view.open(d.code)
    last = view.story.rows()[-1]
    assert last[:2] == ("15:30 04/12/2026", "Trả kết quả") and last[3] == "Trước hạn"
    assert last[4] == "Người nhận: Nguyễn Văn Đạt"

    # form 06: the control sheet lists the hand-off with its timeliness
    view.btn_print06.invoke()
    wait_background(app)
    sheet = pdf_text(app.printed[-1])
    assert app.printed[-1].name.endswith("-06.pdf")
    assert "Phạm Văn Minh" in sheet and "Trước hạn" in sheet


def test_refused_transition_shows_a_message_and_changes_nothing(app, desk, clock, messages):
    d = accept(desk)
    view = process(app)
    view.open(d.code)
    assert shown(view, "resolved")
    # meanwhile another desk resolves it: the card on screen is stale
    desk.advance(d.code, 9)
    view.buttons["financial"].invoke()
    view.btn_confirm.invoke()
    assert messages and "Không thể chuyển hồ sơ từ «Đã xử lý xong, chờ trả» sang «Chờ thực hiện nghĩa vụ tài chính»" \
        in messages[-1][2]
    assert Status(desk.dossier(d.code).status) == Status.RESOLVED
    assert [e.kind for e in desk.events_of(desk.dossier(d.code))] == ["intake", "transition"]
    assert view.allowed() == [] and not shown(view, "financial")     # the card caught up

    # a stop without a reason is refused inline, with nothing written
    e = accept(desk, name="Lê Thị Hoa")
    view.open(e.code)
    act(view, "stopped")
    assert "lý do" in view.f_note.error.cget("text").lower()
    assert Status(desk.dossier(e.code).status) == Status.ACCEPTED


def test_stop_prints_form_05_and_withdrawal_closes(app, desk, clock):
    a, b = accept(desk), accept(desk, name="Lê Thị Hoa")
    view = process(app)
    view.open(a.code)
    act(view, "stopped", note="Người yêu cầu không đủ điều kiện theo quy định")
    wait_background(app)
    assert Status(desk.dossier(a.code).status) == Status.STOPPED
    text = pdf_text(app.printed[-1])
    assert app.printed[-1].name.endswith("-05.pdf") and "không đủ điều kiện" in text
    assert view.allowed() == [] and view.queue_name == "closed"
    view.open(b.code)
    act(view, "withdrawn", note="Công dân có đơn xin rút hồ sơ")
    assert Status(desk.dossier(b.code).status) == Status.WITHDRAWN
    assert sorted(view.listed_codes()) == sorted([a.code, b.code])


def test_extension_warned_once_before_due_and_form_04(app, desk, clock):
    d = accept(desk)                                    # due Fri 27/11 09:32
    view = process(app)
    view.open(d.code)
    assert str(view.buttons["extend"].cget("state")) == "normal" and view.warning.cget("text") == ""
    clock.set("2026-11-26 10:00")                       # less than one working day left
    view.open(d.code)
    assert "Còn dưới một ngày làm việc" in view.warning.cget("text")
    act(view, "extend", note="Cần xác minh thông tin hộ tịch tại nơi cư trú trước đây", until="03/12/2026 17:00")
    wait_background(app)
    ext = desk.dossier(d.code)
    assert ext.extended and ext.due_at == at("2026-12-03 17:00")
    text = pdf_text(app.printed[-1])
    assert app.printed[-1].name.endswith("-04.pdf")
    assert "xin lỗi" in text.lower() and "03/12/2026" in text and "27/11/2026" in text
    # once only: the button is now disabled and says why
    assert str(view.buttons["extend"].cget("state")) == "disabled"
    assert "đã được gia hạn một lần" in view.warning.cget("text")
    assert any(r[1] == "Xin lỗi, gia hạn (mẫu 04)" for r in view.story.rows())


def test_extension_after_due_is_not_offered(app, desk, clock, messages):
    d = accept(desk)
    clock.set("2026-11-27 09:33")
    view = process(app)
    view.open(d.code)
    assert str(view.buttons["extend"].cget("state")) == "disabled"
    assert "Đã quá hạn" in view.warning.cget("text")
    # forced (stale screen), the store still refuses and says why
    view.start_action("extend")
    view.btn_confirm.invoke()
    assert view.f_note.error.cget("text") == "Vui lòng nhập lý do gia hạn." and not messages
    view.start_action("extend")
    view.f_note.input.insert("1.0", "Muộn")
    view.btn_confirm.invoke()
    assert "trước hạn" in messages[-1][2]
    assert not desk.dossier(d.code).extended


def test_financial_obligation_then_resolved_by_keyboard(app, desk, clock):
    d = accept(desk)
    view = process(app)
    view.open(d.code)
    view.buttons["financial"].invoke()
    view.update()
    assert view.focus_get() is view.f_note.input
    view.f_note.input.insert("1.0", "Nộp lệ phí 100.000 đồng tại Kho bạc")
    view.f_note.input.event_generate("<Control-Return>")             # Ctrl+Enter confirms
    view.update()
    assert Status(desk.dossier(d.code).status) == Status.FINANCIAL
    assert view.queue_name == "financial" and view.listed_codes() == [d.code]
    assert view.buttons["processing"].cget("text") == "Đã nộp nghĩa vụ tài chính…"
    assert shown(view, "resolved") and not shown(view, "supplement")
    view.buttons["resolved"].invoke()
    view.f_note.input.event_generate("<Escape>")                     # Esc cancels: nothing written
    view.update()
    assert view.action is None and Status(desk.dossier(d.code).status) == Status.FINANCIAL
    act(view, "resolved")
    assert Status(desk.dossier(d.code).status) == Status.RESOLVED
