"""A slip the spooler accepted but the printer did not print: the window says so, which dossier and
which form, with «In lại» one click away, and the story keeps it; a slip that prints later is said
too. Through a private cupsd whose printers print (cups-pdf) or are out of paper (tests/cups_helpers)."""

import os
import subprocess

import pytest

from cups_helpers import add_queue, load_paper, private_cupsd, stop_queue
from commune_desk.printing import Watch
from tests.gui.helpers import accept, pump_until


# the watch looks again after a timed wait, which never expires under libfaketime (make test-dates
# fakes the monotonic clock too); the verdicts' dates come from the desk's fixed clock anyway
pytestmark = pytest.mark.skipif("faketime" in os.environ.get("LD_PRELOAD", ""),
                                reason="a timed wait never expires under libfaketime")


@pytest.fixture
def cupsd(monkeypatch):
    with private_cupsd(monkeypatch) as root:
        add_queue("Quay_PDF", "cups-pdf:/")
        add_queue("Quay_Giay", "hetgiay:/")
        add_queue("Quay_Treo", "socket://127.0.0.1:9")     # nothing listens on the discard port
        yield root


def use_printer(app, desk, name):
    cfg = desk.require_config()
    desk.setup(office_name=cfg.office_name, agency_code=cfg.agency_code, desk=cfg.desk, printer=name,
               paper="a5", printer_papers={name: "a5"})
    app.print_pdf = None                                   # the real spooler, not the tests' recorder
    app.print_watch = Watch(deadline=60, every=0.2, follow=120)


def jobs(printer):
    out = subprocess.run(["lpstat", "-W", "not-completed", "-o", printer], capture_output=True, text=True)
    return [line.split()[0] for line in out.stdout.splitlines() if line.strip()]


def test_a_slip_the_printer_could_not_print_is_said_with_reprint_at_hand(cupsd, app, desk, messages):
    use_printer(app, desk, "Quay_Giay")
    d = accept(desk)
    app.print_form(d.code, "01")
    notice = app.print_notice
    pump_until(app, notice.winfo_ismapped, timeout=90, what="the notice of a slip not printed")
    said = (f"Phiếu hẹn của hồ sơ {d.code} chưa in xong: máy in báo hết giấy. "
            "Kiểm tra máy in rồi bấm In lại.")
    assert notice.text.cget("text") == said
    assert app.status_work.cget("text") == "Phiếu hẹn chưa in xong: máy in báo hết giấy"
    assert notice.btn_reprint.winfo_ismapped() and not messages           # a bar, not a box to click away
    kinds = [(e.kind, (e.data or {}).get("completed")) for e in desk.events_of(d)]
    assert kinds[-2:] == [("print", None), ("print_outcome", False)]
    from commune_desk.gui.story import describe_event
    assert describe_event(desk.events_of(d)[-1])[1:5:3] == ("In mẫu 01 chưa in xong", "máy in báo hết giấy; Máy in Quay_Giay")

    before = jobs("Quay_Giay")
    notice.btn_reprint.invoke()                                             # one click: sent again
    assert not notice.winfo_ismapped()
    pump_until(app, lambda: len(jobs("Quay_Giay")) == len(before) + 1, what="the reprint in the queue")
    pump_until(app, notice.winfo_ismapped, timeout=90, what="the second notice")

    load_paper(cupsd)                                                       # paper in: both come out
    later = f"Phiếu hẹn của hồ sơ {d.code} đã in xong (sau khi máy in được xử lý)."
    pump_until(app, lambda: notice.text.cget("text") == later, timeout=90, what="the late print said")
    assert not notice.btn_reprint.winfo_ismapped()
    assert ("print_outcome", True) in [(e.kind, (e.data or {}).get("completed")) for e in desk.events_of(d)]


def test_a_slip_that_came_out_needs_no_notice(cupsd, app, desk):
    from test_printing import cups_pdf_output
    use_printer(app, desk, "Quay_PDF")
    d = accept(desk)
    app.print_form(d.code, "01")
    pump_until(app, lambda: app.status_work.cget("text") == f"Đã in xong mẫu 01 của hồ sơ {d.code}",
               timeout=90, what="the printed slip said")
    assert not app.print_notice.winfo_ismapped()
    assert [e.kind for e in desk.events_of(d)][-1] == "print"
    cups_pdf_output(d.code).unlink()


def test_a_queue_stopped_after_it_took_the_slip(cupsd, app, desk):
    use_printer(app, desk, "Quay_Treo")
    d = accept(desk)
    app.print_form(d.code, "01")
    pump_until(app, lambda: jobs("Quay_Treo"), what="the slip in the queue")
    stop_queue("Quay_Treo")                                 # cupsdisable: someone paused the printer
    pump_until(app, app.print_notice.winfo_ismapped, timeout=90, what="the notice")
    assert app.print_notice.text.cget("text") == (
        f"Phiếu hẹn của hồ sơ {d.code} chưa in xong: hàng đợi in đang tạm dừng. Kiểm tra máy in rồi bấm In lại.")


def test_the_notice_reprints_only_for_a_clerk_signed_in(staffed, app, desk):
    from tests.gui.helpers import wait_background
    desk.sign_in("lan.tt", "tiep-nhan-123")
    d = accept(desk)
    desk.sign_out()                                         # the clerk left the counter
    app.print_notice.not_printed(d.code, "01", "a5", "Phiếu hẹn … chưa in xong")
    app.print_notice.btn_reprint.invoke()
    wait_background(app)
    assert app.printed == [] and app.status_work.cget("text") == "Cần đăng nhập để in biểu mẫu."
    desk.sign_in("lan.tt", "tiep-nhan-123")
    app.print_notice.btn_reprint.invoke()
    wait_background(app)
    assert [p.name for p in app.printed] == [f"{d.code}-01.pdf"] and not app.print_notice.winfo_ismapped()
