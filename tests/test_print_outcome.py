"""A slip is a promise: after the spooler accepted it, did it come out of the printer? The rule
(what counts as printed, on its way, stuck) on its own; CUPS's and Windows's answers read into it;
and `print --send --wait` through a private cupsd whose printers print, run out of paper, are
stopped or do not answer."""

import json
import subprocess

import pytest

from cups_helpers import add_queue, load_paper, private_cupsd, stop_queue
from commune_desk import printing, winprint
from commune_desk.printing import PrintJob, Watch
from commune_desk.rules.printjob import JobLook, Outcome, judge, not_printed_text, printed_late_text

CODE = "000.30.36.H26-261203-0007"


# ---- the rule ------------------------------------------------------------------------------------

def test_a_job_gone_from_the_queue_has_printed():
    assert judge(JobLook(pending=False), overdue=False).completed
    assert judge(JobLook(pending=False, enabled=False, reasons=("media-empty-error",)), overdue=True).completed


def test_a_job_on_its_way_is_waited_for_until_its_deadline():
    for reasons in ((), ("connecting-to-device",), ("media-low-warning", "toner-low-report")):
        look = JobLook(reasons=reasons)
        assert judge(look, overdue=False).outcome is Outcome.WAITING
        late = judge(look, overdue=True)
        assert (late.outcome, late.reason, late.text) == (Outcome.FAILED, "timeout", "máy in không phản hồi")


@pytest.mark.parametrize("reasons, enabled, key, text", [
    (("media-empty-error",), True, "media-empty", "máy in báo hết giấy"),
    (("media-needed",), True, "media-empty", "máy in báo hết giấy"),
    (("media-jam-error", "media-empty-error"), True, "media-jam", "máy in báo kẹt giấy"),
    (("door-open-report",), True, "door-open", "máy in đang mở nắp"),
    (("marker-supply-empty-error",), True, "toner-empty", "máy in báo hết mực"),
    (("offline-report",), True, "offline", "máy in đang tắt hoặc mất kết nối"),
    (("paused",), False, "paused", "hàng đợi in đang tạm dừng"),
    ((), False, "paused", "hàng đợi in đang tạm dừng"),
    (("media-empty-error", "paused"), False, "media-empty", "máy in báo hết giấy"),
    (("fuser-over-temp-error",), True, "error", "máy in đang báo lỗi"),
])
def test_a_printer_that_needs_a_person_is_said_at_once(reasons, enabled, key, text):
    verdict = judge(JobLook(enabled=enabled, reasons=reasons), overdue=False)
    assert (verdict.outcome, verdict.reason, verdict.text) == (Outcome.FAILED, key, text)


def test_a_spooler_that_does_not_answer_and_a_printer_that_is_gone():
    assert judge(JobLook(seen=False), overdue=False).outcome is Outcome.WAITING
    assert judge(JobLook(seen=False), overdue=True).text == "không hỏi được dịch vụ in của máy tính"
    assert judge(JobLook(known=False), overdue=False).text == "máy in không còn trong hệ thống"


def test_what_the_clerk_reads():
    verdict = judge(JobLook(reasons=("media-empty-error",)), overdue=False)
    assert not_printed_text(CODE, "01", verdict) == (
        "Phiếu hẹn của hồ sơ 000.30.36.H26-261203-0007 chưa in xong: máy in báo hết giấy. "
        "Kiểm tra máy in rồi bấm In lại.")
    assert printed_late_text(CODE, "04").startswith("Văn bản xin lỗi và hẹn lại của hồ sơ 000.30.36.H26")


# ---- CUPS's and Windows's answers ----------------------------------------------------------------

OUT_OF_PAPER = ("printer Quay_Giay now printing Quay_Giay-1.  enabled since Thu Dec  3 16:16:04 2026\n"
                "\tMedia tray empty\n\tForm mounted:\n\tContent types: any\n\tAlerts: media-empty-error\n"
                "\tLocation: \n")
STOPPED = "printer Quay_Tat disabled since Thu Dec  3 16:15:22 2026 -\n\tpaused\n\tAlerts: paused\n"
IDLE = "printer Quay_PDF is idle.  enabled since Thu Dec  3 16:15:25 2026\n\tAlerts: none\n"
JOBS = "Quay_Giay-1             root              1024   Thu Dec  3 16:16:04 2026\n"


def test_lpstat_read_as_a_look():
    look = printing.parse_cups_look(OUT_OF_PAPER, JOBS, "Quay_Giay-1")
    assert look == JobLook(pending=True, enabled=True, reasons=("media-empty-error",))
    assert printing.parse_cups_look(OUT_OF_PAPER, JOBS, "Quay_Giay-12").pending is False
    assert printing.parse_cups_look(STOPPED, "", "Quay_Tat-3") == JobLook(pending=False, enabled=False,
                                                                           reasons=("paused",))
    assert printing.parse_cups_look(IDLE, "", "Quay_PDF-2") == JobLook(pending=False)


def test_windows_status_bits_said_in_cups_words():
    # PRINTER_STATUS_PAPER_OUT | PRINTER_STATUS_PAUSED, JOB_STATUS_PAPEROUT
    assert winprint.windows_reasons(0x10 | 0x1, 0x40) == ("paused", "media-empty")
    look = winprint.windows_look(0x10, [{"JobId": 7, "Status": 0x10}], "7")
    assert judge(look, overdue=False).text == "máy in báo hết giấy"
    printed = winprint.windows_look(0, [{"JobId": 7, "Status": 0x80}], "7")   # JOB_STATUS_PRINTED
    assert judge(printed, overdue=False).completed
    assert judge(winprint.windows_look(0, [], "7"), overdue=False).completed
    assert judge(winprint.windows_look(0, None, "7"), overdue=False).reason == "gone"
    # pywin32 is not on this machine: a look that saw nothing (the real EnumJobs runs on Windows only)
    assert winprint.look_at_job("HP LaserJet", "7") == JobLook(seen=False)


def test_waiting_for_a_job_looks_until_it_prints(monkeypatch):
    looks = iter([JobLook(), JobLook(reasons=("connecting-to-device",)), JobLook(pending=False)])
    monkeypatch.setattr(printing, "look_at_job", lambda job: next(looks))
    now = iter(range(100))
    verdict = printing.wait_for_job(PrintJob("Q", "Q-1", "a5"), Watch(deadline=60, every=0), clock=lambda: next(now))
    assert verdict.completed


def test_after_a_failure_a_late_print_is_still_seen(monkeypatch):
    looks = iter([JobLook(reasons=("media-empty-error",))] * 3 + [JobLook(pending=False)])
    monkeypatch.setattr(printing, "look_at_job", lambda job: next(looks))
    now = iter(range(100))
    verdict = printing.wait_for_job(PrintJob("Q", "Q-1", "a5"), Watch(every=0, follow=10), clock=lambda: next(now),
                                    until_printed=True)
    assert verdict.completed


# ---- a real CUPS ---------------------------------------------------------------------------------

@pytest.fixture
def cupsd(monkeypatch):
    """Quay_PDF prints (cups-pdf); Quay_Giay is out of paper; Quay_Hong's backend fails and stops
    the queue; Quay_Treo points at no printer."""
    with private_cupsd(monkeypatch) as root:
        add_queue("Quay_PDF", "cups-pdf:/")
        add_queue("Quay_Giay", "hetgiay:/")
        add_queue("Quay_Hong", "hong:/")
        add_queue("Quay_Treo", "socket://127.0.0.1:9")     # nothing listens on the discard port
        yield root


@pytest.fixture
def office(tmp_path):
    from tests.test_cli import run
    data = tmp_path / "d"
    run("setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26", data_dir=data)
    code = json.loads(run("intake", "--procedure", "HT-KS", "--name", "Ngô Thị Mai", "--json",
                          data_dir=data).stdout)["code"]
    return data, code


def print_and_wait(office, printer, seconds="60", check=True):
    from tests.test_cli import run
    data, code = office
    return run("print", code, "--form", "01", "--send", "--printer", printer, "--wait", seconds, "--json",
               data_dir=data, check=check)


def events(office):
    from tests.test_cli import run
    data, code = office
    return json.loads(run("show", code, "--json", data_dir=data).stdout)["events"]


def test_print_wait_reports_a_slip_that_came_out(cupsd, office):
    from test_printing import cups_pdf_output
    out = json.loads(print_and_wait(office, "Quay_PDF").stdout)
    assert out["completed"] is True and out["reason"] == "" and out["job"].startswith("Quay_PDF-")
    assert out["printer"] == "Quay_PDF" and out["form"] == "01"                    # the old keys stay
    assert [e["kind"] for e in events(office)] == ["intake", "print"]
    cups_pdf_output(office[1]).unlink()


def test_print_wait_reports_a_printer_out_of_paper(cupsd, office):
    done = print_and_wait(office, "Quay_Giay")
    out = json.loads(done.stdout)
    assert (out["completed"], out["reason"], out["reason_text"]) == (False, "media-empty", "máy in báo hết giấy")
    assert out["job"].startswith("Quay_Giay-")
    kinds = [(e["kind"], e.get("completed"), e.get("reason")) for e in events(office)]
    assert kinds[-2:] == [("print", None, None), ("print_outcome", False, "media-empty")]

    from tests.test_cli import run
    data, code = office
    said = run("print", code, "--form", "01", "--send", "--printer", "Quay_Giay", "--wait", "60", data_dir=data)
    assert said.stdout.strip().endswith(f"Phiếu hẹn của hồ sơ {code} chưa in xong: máy in báo hết giấy. "
                                        "Kiểm tra máy in rồi bấm In lại.")


def test_print_wait_reports_a_queue_its_failing_printer_stopped(cupsd, office):
    out = json.loads(print_and_wait(office, "Quay_Hong").stdout)
    assert (out["completed"], out["reason"], out["reason_text"]) == (False, "paused", "hàng đợi in đang tạm dừng")
    assert [e["kind"] for e in events(office)][-1] == "print_outcome"


def test_a_queue_stopped_after_it_took_the_job(cupsd, pdf_file):
    job = printing.send_pdf(pdf_file, "Quay_Treo", "a5", title="dung")
    stop_queue("Quay_Treo")                                 # cupsdisable: the queue holds the job
    verdict = printing.wait_for_job(job, Watch(deadline=60, every=0.2))
    assert (verdict.completed, verdict.text) == (False, "hàng đợi in đang tạm dừng")


def test_a_printer_that_does_not_answer_by_the_deadline(cupsd, office):
    out = json.loads(print_and_wait(office, "Quay_Treo", seconds="2").stdout)
    assert (out["completed"], out["reason"], out["reason_text"]) == (False, "timeout", "máy in không phản hồi")


def test_paper_loaded_during_the_wait(cupsd, pdf_file):
    job = printing.send_pdf(pdf_file, "Quay_Giay", "a5", title="giay")
    first = printing.wait_for_job(job, Watch(deadline=60, every=0.2))
    assert first.reason == "media-empty"
    load_paper(cupsd)
    assert printing.wait_for_job(job, Watch(every=0.2, follow=60), until_printed=True).completed


def test_wait_is_a_number_of_seconds_with_send(cupsd, office):
    from tests.test_cli import run
    data, code = office
    for extra in (["--send", "--printer", "Quay_PDF", "--wait", "-1"], ["--wait", "5"]):
        done = run("print", code, "--form", "01", *extra, data_dir=data, check=False)
        assert done.returncode == 2 and "--wait là số giây chờ máy in in xong" in done.stderr + done.stdout
    assert [e["kind"] for e in events(office)] == ["intake"]
    assert subprocess.run(["lpstat", "-W", "all", "-o"], capture_output=True, text=True).stdout == ""


@pytest.fixture
def pdf_file(tmp_path):
    import forms_helpers as h
    from commune_desk.forms import render_form
    return h.save(render_form("01", h.sample()), tmp_path, "phieu.pdf")
