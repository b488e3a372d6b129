"""Windows printing without a PDF viewer: the paper the driver is asked for, and the page as the
printer receives it (rendered at its resolution). The pywin32 calls themselves run on the Windows
runner (.github/workflows/windows.yml)."""
import subprocess
import sys

import pytest

import forms_helpers as h
from commune_desk import winprint
from commune_desk.forms import render_form
from commune_desk.winprint import PaperChoice, choose_paper

LASER = [(1, "Letter", (2159, 2794)), (5, "Legal", (2159, 3556)), (9, "A4", (2100, 2970)),
         (11, "A5", (1480, 2100)), (13, "B5 (JIS)", (1820, 2570))]
THERMAL = [(119, "80 x 297 mm", (800, 2970)), (120, "Roll Paper 80 x 3276 mm", (800, 32760)),
           (121, "58 x 297 mm", (580, 2970))]


def test_sheets_are_found_by_their_windows_id():
    assert choose_paper("a5", LASER, 210) == PaperChoice(11, 148, 210)
    assert choose_paper("a4", LASER, 297) == PaperChoice(9, 210, 297)


def test_a_driver_naming_a5_its_own_way_is_matched_by_size_either_way_round():
    own = [(9, "A4", (2100, 2970)), (257, "A5 (148 x 210 mm)", (1481, 2099))]
    assert choose_paper("a5", own, 210) == PaperChoice(257, 148, 210)
    landscape = [(300, "A5 ngang", (2100, 1480))]
    assert choose_paper("a5", landscape, 210) == PaperChoice(300, 148, 210)


def test_a_sheet_the_driver_does_not_offer_is_asked_for_as_a_custom_size():
    assert choose_paper("a5", [(1, "Letter", (2159, 2794))], 210) == PaperChoice(None, 148, 210)


def test_the_roll_takes_the_shortest_80mm_form_that_holds_the_slip():
    assert choose_paper("80mm", THERMAL, 250) == PaperChoice(119, 80, 297)
    assert choose_paper("80mm", THERMAL, 420) == PaperChoice(120, 80, 3276)
    assert choose_paper("80mm", LASER, 420) == PaperChoice(None, 80, 420)     # no roll: custom


def test_unknown_paper_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="Khổ giấy không hỗ trợ"):
        choose_paper("letter", LASER, 279)


@pytest.mark.parametrize("paper,dpi,size_mm", [("a5", (300, 300), (148, 210)),
                                               ("a4", (600, 600), (210, 297)),
                                               ("a5", (600, 300), (148, 210))])
def test_a_sheet_is_rendered_at_the_printers_resolution(tmp_path, paper, dpi, size_mm):
    pdf = h.save(render_form("01", h.sample(), paper), tmp_path)
    [page] = winprint.render_pages(pdf, *dpi)
    assert page.width == pytest.approx(size_mm[0] / 25.4 * dpi[0], abs=1)
    assert page.height == pytest.approx(size_mm[1] / 25.4 * dpi[1], abs=1)
    assert page.getpixel((5, 5)) == 255                          # white paper, not transparent black


def test_a_roll_rendered_for_a_203_dpi_thermal_head_still_scans(tmp_path):
    pdf = h.save(render_form("01", h.sample(), "80mm"), tmp_path)
    [page] = winprint.render_pages(pdf, 203)
    assert page.width == pytest.approx(80 / 25.4 * 203, abs=1)
    assert winprint.page_length_mm(pdf) > 150
    png = tmp_path / "thermal.png"
    page.save(png)
    done = subprocess.run([h.tool("zbarimg"), "-q", str(png)], capture_output=True, text=True, timeout=60)
    assert f"CODE-128:{h.CODE}" in done.stdout.splitlines()
    assert f"QR-Code:{h.URL.format(code=h.CODE)}" in done.stdout.splitlines()


@pytest.mark.skipif(sys.platform != "win32", reason="the Windows print API")
def test_windows_offers_its_pdf_printer_with_a4():      # on the Windows runner
    import win32con
    import win32print
    from commune_desk import printing
    names = [p.name for p in printing.list_printers()]
    assert "Microsoft Print to PDF" in names
    ids = win32print.DeviceCapabilities("Microsoft Print to PDF", "PORTPROMPT:", win32con.DC_PAPERS)
    sizes = win32print.DeviceCapabilities("Microsoft Print to PDF", "PORTPROMPT:", win32con.DC_PAPERSIZE)
    offered = [(int(i), "", winprint._tenths(s)) for i, s in zip(ids, sizes)]
    assert choose_paper("a4", offered, 297).paper_id == 9
