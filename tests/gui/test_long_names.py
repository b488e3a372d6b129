"""Long procedure and document names are readable in full: on hover, and on a detail line."""

from tests.gui.helpers import accept, pump, pump_until


def hover(app, widget, y):
    widget.event_generate("<Motion>", x=20, y=y)

    def tips():
        return [w for w in widget.winfo_children() if w.winfo_class() == "Toplevel"]
    # the tip shows a moment after the pointer stops: wait for it, not for a fixed time
    pump_until(app, tips, what="the row's tip")
    return tips()[0].winfo_children()[0].cget("text")


def test_document_and_procedure_names_in_full_on_hover(app, desk):
    view = app.screens["intake"]
    view.proc_var.set("khai sinh")
    view.pick_procedure("HT-KS")
    pump(app)
    long_doc = view.procedure.documents[1]["name"]
    y = view.checklist.bbox("1")[1] + 5
    assert hover(app, view.checklist, y) == long_doc
    view.checklist.event_generate("<Leave>")
    first = view.proc_list.bbox(3)
    assert hover(app, view.proc_list, first[1] + 3) == view.matches[3].name


def test_the_queue_row_shows_its_procedure_in_full(app, desk):
    d = accept(desk, proc="CT-CK")
    app.show("process")
    view = app.screens["process"]
    view.select_queue("new")
    pump(app)
    y = view.tree.bbox(d.code)[1] + 5
    text = hover(app, view.tree, y)
    assert text.startswith(desk.procedure("CT-CK").name) and "Nguyễn Văn Đạt" in text
