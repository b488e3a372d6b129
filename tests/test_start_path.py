"""The window module loads without the libraries only later work needs (scans, PDFs, spreadsheets):
each of these adds tenths of a second to a clerk's cold start on a modest PC (bench/bench_intake.py)."""

import subprocess
import sys

LATER = ("pikepdf", "img2pdf", "PIL", "reportlab", "openpyxl", "cryptography", "requests")


def test_opening_the_window_module_leaves_scan_pdf_and_sync_libraries_unloaded():
    code = ("import sys, commune_desk.gui.app; "
            f"print(','.join(m for m in {LATER!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
