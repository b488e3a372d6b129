"""Printing for real: the printers CUPS knows, the paper size on every job, one Vietnamese sentence
when it fails, and a job through a real CUPS queue (cups-pdf) that comes out on A5."""

import json
import os
import pwd
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

import forms_helpers as h
from cups_helpers import add_queue, private_cupsd
from commune_desk import printing
from commune_desk.forms import render_form

LPSTAT = {
    "-d": "system default destination: Quay_1\n",
    "-a": "Quay_1 accepting requests since Mon 23 Nov 2026\nNhiet_80 accepting requests since Mon\n"
          "Hong not accepting requests since Mon\n",
    "-p": "printer Nhiet_80 is idle.  enabled since Mon 23 Nov 2026\n"
          "printer Quay_1 is idle.  enabled since Mon 23 Nov 2026\n"
          "printer Tat disabled since Mon 23 Nov 2026 -\n\tPaused\n"
          "printer Hong is idle.  enabled since Mon 23 Nov 2026\n",
}


class FakeCups:
    """Plays lpstat and lp; lp answers as told."""

    def __init__(self, lpstat=LPSTAT, lp=(0, "request id is Quay_1-7 (1 file(s))\n", "")):
        self.calls, self.lpstat, self.lp = [], lpstat, lp

    def __call__(self, cmd, **kw):
        self.calls.append((cmd, kw))
        if cmd[0] == "lpstat":
            return subprocess.CompletedProcess(cmd, 0, self.lpstat.get(cmd[1], ""), "")
        code, out, err = self.lp
        return subprocess.CompletedProcess(cmd, code, out, err)

    def lp_commands(self):
        return [c for c, _ in self.calls if c[0] == "lp"]


@pytest.fixture
def pdf_file(tmp_path):
    return h.save(render_form("03", h.sample()), tmp_path, "phieu.pdf")


@pytest.fixture
def cups(monkeypatch):
    fake = FakeCups()
    monkeypatch.setattr(printing, "_is_windows", lambda: False)
    monkeypatch.setattr(printing.subprocess, "run", fake)
    return fake


def test_printers_are_the_ones_cups_knows_default_first(cups):
    printers = printing.list_printers()
    assert [p.name for p in printers] == ["Quay_1", "Hong", "Nhiet_80", "Tat"]
    assert printers[0].default and printers[0].ready
    assert {p.name: p.ready for p in printers} == {"Quay_1": True, "Hong": False, "Nhiet_80": True, "Tat": False}
    assert all(kw["env"]["LC_ALL"] == "C" and kw.get("timeout") for _, kw in cups.calls)


@pytest.mark.parametrize("paper, media", [("a5", "A5"), ("a4", "A4"), ("80mm", "Custom.80x297mm")])
def test_every_job_carries_its_paper_size(cups, pdf_file, paper, media):
    job = printing.send_pdf(pdf_file, "Nhiet_80" if paper == "80mm" else "Quay_1", paper, title="X mẫu 01")
    cmd = cups.lp_commands()[0]
    assert cmd[:5] == ["lp", "-d", cmd[2], "-o", f"media={media}"] and cmd[-1] == str(pdf_file.resolve())
    assert job.job_id == "Quay_1-7" and job.paper == paper


def test_no_printer_chosen_and_no_default(cups, pdf_file):
    cups.lpstat = {**LPSTAT, "-d": "no system default destination\n"}
    with pytest.raises(printing.NoPrinter) as err:
        printing.send_pdf(pdf_file, None)
    assert err.value.message == "Chưa chọn máy in — vào Quản trị (F7) để chọn."
    assert not cups.lp_commands()
    with pytest.raises(printing.NoPrinter, match="«Cu» không còn trong hệ thống — vào Quản trị"):
        printing.send_pdf(pdf_file, "Cu")


def test_printer_off_or_paused_is_said_in_one_sentence(cups, pdf_file):
    for name in ("Tat", "Hong"):
        with pytest.raises(printing.PrinterOff) as err:
            printing.send_pdf(pdf_file, name)
        assert err.value.message == "Máy in không phản hồi — đã lưu hồ sơ, bật máy in rồi bấm In lại."
    assert not cups.lp_commands()

    def slow(cmd, **kw):
        if cmd[0] == "lp":
            raise subprocess.TimeoutExpired("lp", 30)
        return FakeCups()(cmd, **kw)
    printing.subprocess.run = slow
    with pytest.raises(printing.PrinterOff):
        printing.send_pdf(pdf_file, "Quay_1")


def test_queue_errors_never_show_cups_text(cups, pdf_file):
    cups.lp = (1, "", "lp: Error - The printer or class is busy: client-error-internal-error")
    with pytest.raises(printing.QueueError) as err:
        printing.send_pdf(pdf_file, "Quay_1")
    assert err.value.message == "Hàng đợi in đang báo lỗi — đã lưu hồ sơ, kiểm tra máy in rồi bấm In lại."
    assert "lp" not in err.value.message and "client" not in err.value.message


def test_a_spooler_that_is_not_running(cups, pdf_file):
    cups.lpstat = {}
    cups.lp = (1, "", "lp: Error - Scheduler not responding.")
    with pytest.raises(printing.QueueError) as err:
        printing.send_pdf(pdf_file, "Quay_1")
    assert err.value.message == ("Dịch vụ in của máy tính không chạy — đã lưu hồ sơ, khởi động lại máy tính "
                                 "rồi bấm In lại.")


def test_a_computer_without_cups(monkeypatch, pdf_file):
    monkeypatch.setattr(printing, "_is_windows", lambda: False)

    def missing(*a, **k):
        raise FileNotFoundError("lp")
    monkeypatch.setattr(printing.subprocess, "run", missing)
    assert printing.list_printers() == []
    with pytest.raises(printing.NoPrinter, match="Chưa chọn máy in"):
        printing.send_pdf(pdf_file, None)
    with pytest.raises(printing.PrintError, match="Không tìm thấy tệp"):
        printing.send_pdf(pdf_file.parent / "khong-co.pdf", "Quay_1")


def test_windows_hook_hands_the_file_to_the_shell(monkeypatch, pdf_file):
    calls = []
    monkeypatch.setattr(printing, "_is_windows", lambda: True)
    monkeypatch.setattr(printing.os, "startfile", lambda *a: calls.append(("startfile", a)), raising=False)
    monkeypatch.setattr(printing, "_shell_execute", lambda *a: calls.append(("shell", a)))
    printing.send_pdf(pdf_file, None)
    printing.send_pdf(pdf_file, "HP LaserJet")
    assert calls == [("startfile", (str(pdf_file.resolve()), "print")),
                     ("shell", ("printto", pdf_file.resolve(), '"HP LaserJet"'))]

    def fail(*a):
        raise OSError("no association")
    monkeypatch.setattr(printing.os, "startfile", fail, raising=False)
    with pytest.raises(printing.QueueError, match="Hàng đợi in đang báo lỗi"):
        printing.send_pdf(pdf_file, None)


def test_preview_opens_the_viewer(monkeypatch, pdf_file):
    opened = []
    monkeypatch.setattr(printing, "_is_windows", lambda: False)
    monkeypatch.setattr(printing.subprocess, "Popen", lambda cmd, **kw: opened.append(cmd))
    printing.preview_pdf(pdf_file)
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    assert opened == [[opener, str(pdf_file.resolve())]]

    def fail(*a, **k):
        raise FileNotFoundError("xdg-open")
    monkeypatch.setattr(printing.subprocess, "Popen", fail)
    with pytest.raises(printing.PrintError, match="Không mở được tệp PDF"):
        printing.preview_pdf(pdf_file)


# ---- a real CUPS queue ---------------------------------------------------------------------

@pytest.fixture
def cups_pdf_queue(monkeypatch):
    """A private cupsd on its own socket with one cups-pdf queue «Quay_PDF»; stopped afterwards.
    cups-pdf writes into ~/PDF of the user who printed."""
    with private_cupsd(monkeypatch) as root:
        add_queue("Quay_PDF", "cups-pdf:/")
        yield root


def cups_pdf_output(title: str, timeout: float = 60) -> Path:
    user = pwd.getpwuid(os.getuid())          # cups-pdf goes by the account, not by $HOME or $USER
    places = [Path(user.pw_dir) / "PDF", Path("/var/spool/cups-pdf") / user.pw_name,
              Path("/var/spool/cups-pdf/ANONYMOUS")]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for place in places:
            for found in place.glob(f"{title}*.pdf"):
                if found.stat().st_size and b"%%EOF" in found.read_bytes()[-64:]:
                    return found
        time.sleep(0.2)
    raise AssertionError(f"cups-pdf wrote nothing titled {title} in {places}")


def test_a_slip_printed_through_a_real_cups_queue_comes_out_on_a5(cups_pdf_queue, tmp_path):
    from tests.test_cli import run
    data = tmp_path / "d"
    run("setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26", data_dir=data)
    code = json.loads(run("intake", "--procedure", "HT-KS", "--name", "Ngô Thị Mai", "--json",
                          data_dir=data).stdout)["code"]
    assert [p.name for p in printing.list_printers()] == ["Quay_PDF"]

    run("print", code, "--form", "01", "--out", str(tmp_path / "slip.pdf"), data_dir=data)
    events = json.loads(run("show", code, "--json", data_dir=data).stdout)["events"]
    assert [e["kind"] for e in events] == ["intake", "export"]          # a file is not a print

    title = f"cd-{uuid.uuid4().hex[:10]}"
    slip = tmp_path / f"{title}.pdf"       # cups-pdf names its output after the job title
    slip.write_bytes((tmp_path / "slip.pdf").read_bytes())
    job = printing.send_pdf(slip, "Quay_PDF", "a5", title=title)
    assert job.job_id.startswith("Quay_PDF-")
    out = cups_pdf_output(title)
    try:
        box = PdfReader(str(out)).pages[0].mediabox
        width_mm, height_mm = float(box.width) / 72 * 25.4, float(box.height) / 72 * 25.4
        assert abs(width_mm - 148) < 1.5 and abs(height_mm - 210) < 1.5, (width_mm, height_mm)   # A5
    finally:
        out.unlink()

    sent = json.loads(run("print", code, "--form", "01", "--send", "--printer", "Quay_PDF", "--json",
                          data_dir=data).stdout)
    assert sent["printer"] == "Quay_PDF" and sent["job"].startswith("Quay_PDF-")
    events = json.loads(run("show", code, "--json", data_dir=data).stdout)["events"]
    assert [e["kind"] for e in events][-1] == "print" and events[-1]["printer"] == "Quay_PDF"
    cups_pdf_output(code).unlink()
