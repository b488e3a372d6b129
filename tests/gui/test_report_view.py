"""The Báo cáo screen: presets, the split, charts on the Canvas, export to PDF and Excel."""

from tkinter import filedialog

import openpyxl

import commune_desk.sync  # noqa: F401  loaded up front: the window's status refresh (a background thread) and its
#                                   sync start (the UI thread) importing it at once can fail (KeyError), see closing note
from commune_desk.rules.statuses import Status
from helpers import accept, pdf_text, wait_background


def _values(tree, iid):
    return tree.item(iid, "values")


def test_year_preset_shows_figures_split_charts_and_overdue_list(app, desk, clock, messages):
    clock.set("2026-11-02 09:00")
    first = accept(desk, name="Nguyễn Văn An")
    accept(desk, name="Trần Thị Bình", channel=2)
    accept(desk, name="Lê Văn Cường", proc="CT-CK")
    clock.set("2026-11-03 10:00")
    desk.advance(first.code, Status.RESOLVED, note="Đã ký")
    clock.set("2026-11-23 09:32")
    app.show("report")
    view = app.screens["report"]
    view.preset.set("Năm nay")
    view.apply_preset()
    wait_background(app)
    assert (view.date_from.get(), view.date_to.get()) == ("01/01/2026", "31/12/2026")
    assert _values(view.figures, "new")[1] == "3" and _values(view.figures, "new_online")[1] == "1"
    assert _values(view.figures, "resolved")[1] == "1" and _values(view.figures, "open_overdue")[1] == "2"
    assert _values(view.figures, "rate")[1] == "100,00 %"
    groups = {view.groups.item(i, "values")[0]: view.groups.item(i, "values") for i in view.groups.get_children()}
    assert set(groups) == {"Hộ tịch", "Chứng thực"} and groups["Hộ tịch"][1] == "2"
    overdue = [view.overdue.item(i, "values")[0] for i in view.overdue.get_children()]
    assert len(overdue) == 2 and first.code not in overdue
    # the charts: a bar per month and series, the month's on-time point, a bar per field with overdue
    assert len(view.canvas.find_withtag("bar")) == 24
    assert len(view.canvas.find_withtag("point")) == 1
    assert len(view.canvas.find_withtag("hbar")) == 2

    view.split.set("Hình thức nộp")
    view.refresh()
    wait_background(app)
    labels = {view.groups.item(i, "values")[0] for i in view.groups.get_children()}
    assert labels == {"Trực tiếp", "Trực tuyến"}

    view.preset.set("Tháng này")
    view.apply_preset()
    wait_background(app)
    assert (view.date_from.get(), view.date_to.get()) == ("01/11/2026", "30/11/2026")
    assert not messages


def test_export_to_pdf_and_excel_and_a_bad_period(app, desk, clock, tmp_path, monkeypatch):
    clock.set("2026-11-02 09:00")
    accept(desk)
    clock.set("2026-11-23 09:32")
    app.show("report")
    view = app.screens["report"]
    wait_background(app)
    targets = iter([str(tmp_path / "bc.pdf"), str(tmp_path / "bc.xlsx")])
    monkeypatch.setattr(filedialog, "asksaveasfilename", lambda **kw: next(targets))
    view.btn_pdf.invoke()
    wait_background(app)
    assert "Đã lưu báo cáo" in view.message.cget("text")
    text = pdf_text(tmp_path / "bc.pdf")
    assert "Tiếp nhận mới trong kỳ 1" in text and "Kỳ báo cáo: từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    view.btn_xlsx.invoke()
    wait_background(app)
    sheet = openpyxl.load_workbook(tmp_path / "bc.xlsx")["Báo cáo"]
    assert {row[2]: row[1] for row in sheet.iter_rows(min_row=8, values_only=True)}["new"] == 1

    view.date_to.set("31/10/2026")
    view.refresh()
    assert "kỳ báo cáo hợp lệ" in view.message.cget("text")
