"""Intake speed: save one dossier durably and have its slip PDF ready, against a floor measured in
the same run (a bare reportlab canvas with the same font and a Code128 barcode + one raw SQLite
FULL commit). And cold start to a usable window against bare `import tkinter, reportlab, peewee`
+ Tk(). Goals (issue 3): intake ≤ 2× floor, cold start ≤ 2.5× floor."""

import io
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import measure, ms, table

RUNS = 40


def floor_once(conn, font_path):
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen import canvas
    conn.execute("insert into t(code, name) values (?, ?)", ("000.30.36.H26-261123-0001", "Nguyễn Văn Đạt"))
    conn.commit()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5)
    c.setFont("BenchSerif", 12)
    c.drawString(40, 500, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ — Nguyễn Văn Đạt")
    Code128("000.30.36.H26-261123-0001", barHeight=30).drawOn(c, 40, 440)
    c.showPage()
    c.save()
    return buf.getvalue()


def bench_save_and_slip() -> list[tuple]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from commune_desk.documents import render_dossier_form
    from commune_desk.paths import resources_dir
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.store.desk import Desk

    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    try:
        font = resources_dir() / "fonts" / "LiberationSerif-Regular.ttf"
        pdfmetrics.registerFont(TTFont("BenchSerif", str(font)))
        conn = sqlite3.connect(tmp / "floor.sqlite3")
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=full")
        conn.execute("create table t(id integer primary key, code text, name text)")
        floor = measure(lambda: floor_once(conn, font), RUNS)

        desk = Desk(tmp / "desk")
        desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26",
                   lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}")
        form = IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt", id_number="001090012345",
                          phone="0912345678", address="Thôn Đông, xã Phúc Lợi, thành phố Hà Nội")

        def ours():
            d = desk.intake(form)
            render_dossier_form(desk, d.code, "01", "a5")

        real = measure(ours, RUNS)
        ratio = statistics.median(real) / statistics.median(floor)
        return [("save + slip PDF (A5, form 01)", ms(real), ms(floor), f"{ratio:.2f}×", "≤ 2×",
                 "ok" if ratio <= 2 else "MISSED")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


FLOOR_START = "import time; t=time.perf_counter(); import tkinter, reportlab, peewee; r=tkinter.Tk(); r.update(); print(time.perf_counter()-t)"
APP_START = """
import time; t=time.perf_counter()
import sys
from commune_desk.gui.app import DeskApp
from commune_desk.store.desk import Desk
app = DeskApp(Desk(sys.argv[1]))
app.update()
print(time.perf_counter()-t)
app.destroy()
"""


def _run_python(code: str, *args) -> float:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def bench_cold_start() -> list[tuple]:
    if not os.environ.get("DISPLAY"):
        return [("cold start", "no DISPLAY: run under xvfb-run", "", "", "", "")]
    from commune_desk.store.desk import Desk
    tmp = Path(tempfile.mkdtemp(prefix="bench-start-"))
    try:
        d = Desk(tmp)
        d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26")
        d.close()
        floor = [_run_python(FLOOR_START) for _ in range(7)]
        real = [_run_python(APP_START, str(tmp)) for _ in range(7)]
        ratio = statistics.median(real) / statistics.median(floor)
        return [("cold start to usable window", ms(real), ms(floor), f"{ratio:.2f}×", "≤ 2.5×",
                 "ok" if ratio <= 2.5 else "MISSED")]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    rows = bench_save_and_slip() + bench_cold_start()
    table(rows, ("what", "median", "floor (same run)", "ratio", "goal", ""))


if __name__ == "__main__":
    main()
