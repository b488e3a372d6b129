"""The status bar's work line («Máy in không phản hồi — …») is read whole at 1024 px: beside the
counts when it fits, on a line of its own under them when it does not."""

from tests.gui.helpers import pump


def box(w):
    return w.winfo_rootx(), w.winfo_rooty(), w.winfo_rootx() + w.winfo_width(), w.winfo_rooty() + w.winfo_height()


def shown_whole(app, label) -> bool:
    x0, y0, x1, y1 = box(label)
    wx0, wy0, wx1, wy1 = box(app)
    return (label.winfo_ismapped() and label.winfo_width() >= label.winfo_reqwidth() - 2
            and wx0 <= x0 and x1 <= wx1 and wy0 <= y0 and y1 <= wy1)


def test_a_long_work_line_goes_under_the_counts_and_a_short_one_beside_them(app):
    app.geometry("1024x768+0+0")
    pump(app, 0.3)
    long = "Máy in không phản hồi — đã lưu hồ sơ, bật máy in rồi bấm In lại."
    app.set_work(long)
    pump(app, 0.3)
    assert shown_whole(app, app.status_work), (app.status_work.winfo_width(), app.status_work.winfo_reqwidth())
    assert app.status_work.grid_info()["row"] == 1
    assert app.status_work.winfo_rooty() > app.status_office.winfo_rooty()
    for other in (app.status_office, app.status_alert, app.status_sync):
        assert shown_whole(app, other)

    app.set_work("Đã in")
    pump(app, 0.3)
    assert shown_whole(app, app.status_work) and app.status_work.grid_info()["row"] == 0
