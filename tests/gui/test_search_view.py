"""Tra cứu through the real search box: results as you type, accents folded, the story on Enter."""

import time

from tests.gui.helpers import accept, pump


def search(app):
    app.show("search")
    pump(app)
    return app.screens["search"]


def type_in(view, text: str) -> None:
    view.entry.delete(0, "end")
    view.entry.insert(0, text)        # Vietnamese text cannot be synthesised as key events


def settle(view) -> None:
    """Until the search the last keystroke scheduled (after a short pause) has run."""
    wait_for(view, lambda: view._job is None)


def wait_for(view, until, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < end, "the results never came"
        view.update()
        time.sleep(0.005)


def test_results_appear_as_you_type_after_a_short_pause(app, desk):
    accept(desk, name="Nguyễn Văn Đạt")
    view = search(app)
    assert view.focus_get() is view.entry
    type_in(view, "dat")
    view.update_idletasks()                        # what is due at once runs; timers do not
    assert view.result_names() == []               # debounced: nothing yet on the very keystroke
    assert view._job is not None                   # but the search is on its way
    wait_for(view, view.result_names)              # how long it takes: bench/bench_search_view.py
    assert view.result_names() == ["Nguyễn Văn Đạt"]
    assert view.count.cget("text") == "1 hồ sơ"


def test_folding_of_d_u_o_and_uppercase(app, desk):
    accept(desk, name="Nguyễn Văn Đạt")
    uoc = accept(desk, name="ĐẶNG THỊ ƯỚC", id_number="079305001234", phone="0389123456")
    accept(desk, name="Phạm Thị Hương Ơn", id_number="", phone="")
    view = search(app)
    cases = {
        "dat": ["Nguyễn Văn Đạt"], "Đạt": ["Nguyễn Văn Đạt"], "ĐẠT": ["Nguyễn Văn Đạt"],
        "dang uoc": ["ĐẶNG THỊ ƯỚC"], "đặng ước": ["ĐẶNG THỊ ƯỚC"], "huong on": ["Phạm Thị Hương Ơn"],
        "HƯƠNG ƠN": ["Phạm Thị Hương Ơn"], "NGUYEN": ["Nguyễn Văn Đạt"],
        uoc.code: ["ĐẶNG THỊ ƯỚC"], uoc.code[-11:]: ["ĐẶNG THỊ ƯỚC"], "0002": ["ĐẶNG THỊ ƯỚC"],
        "079305001234": ["ĐẶNG THỊ ƯỚC"], "0389123456": ["ĐẶNG THỊ ƯỚC"],
    }
    for query, expected in cases.items():
        type_in(view, query)
        settle(view)
        assert view.result_names() == expected, query
    type_in(view, "khong co ai")
    settle(view)
    assert view.result_names() == []
    assert view.count.cget("text") == "Không tìm thấy hồ sơ nào khớp «khong co ai»."


def test_enter_opens_the_story_and_f2_button_goes_to_processing(app, desk, clock):
    d = accept(desk, name="Lê Thị Hoa")
    clock.set("2026-11-23 10:00")
    desk.handoff(d.code, "Công chức Tư pháp - Hộ tịch")
    view = search(app)
    type_in(view, "hoa")
    view.entry.event_generate("<Return>")
    view.update()
    assert view.story.dossier.code == d.code
    assert [r[1] for r in view.story.rows()] == ["Tiếp nhận hồ sơ", "Chuyển giao"]
    assert "Công chức Tư pháp - Hộ tịch" in view.story.rows()[1][2]
    view.btn_process.invoke()
    pump(app)
    assert app.current == "process"
    assert app.screens["process"].story.dossier.code == d.code
    assert app.screens["process"].buttons["resolved"].winfo_manager() == "grid"
