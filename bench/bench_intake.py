"""Intake speed: save one dossier durably and have its slip PDF ready, against a floor measured in
the same run: the same form 01 (every line of its text, its table rules, barcode and QR code) drawn
at fixed places on a bare reportlab canvas, plus one raw SQLite synchronous=FULL commit. The floor
leaves out exactly what the app adds: the store's writer and platypus's layout (wrapping, tables,
fitting the page). And cold start to a usable window against bare `import tkinter, reportlab, peewee`
+ Tk(). Goals (issue 9): intake ≤ 1.5× floor and ≤ 50 ms median; cold start ≤ 2.5× floor.
Two more rows split each intake sample in two: the save (Desk.intake against the floor's commit)
and the slip (reading the dossier back and laying it out with platypus, against the bare canvas)."""

import io
import itertools
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import measure_pair, ms, table

RUNS = 40
GOAL_RATIO, GOAL_MS = 1.5, 50


def form01_lines(data, paper):
    """(text, font, size) of every paragraph of form 01 as the app lays it out, in order, and the
    rows of its documents table: what the floor draws."""
    from reportlab.platypus import KeepTogether, Paragraph, Table

    from commune_desk.forms.layout import Sheet
    from commune_desk.forms.slips import form01

    lines, rows = [], []

    def walk(item):
        if isinstance(item, Paragraph):
            lines.append((item.getPlainText(), item.style.fontName, item.style.fontSize))
        elif isinstance(item, Table):
            if len(item._cellvalues[0]) == 5:          # the documents table
                rows.extend(item._cellvalues)
            for row, styles in zip(item._cellvalues, item._cellStyles):
                for cell, style in zip(row, styles):
                    if isinstance(cell, str):           # a one-word cell the table draws itself
                        if cell:
                            lines.append((cell, style.fontname, style.fontsize))
                    else:
                        walk(cell)
        elif isinstance(item, (list, tuple)):
            for x in item:
                walk(x)
        elif isinstance(item, KeepTogether):
            walk(item._content)

    walk(form01(Sheet(paper), data))
    return lines, len(rows)


def bare_slip(data, lines, table_rows, paper, code: str) -> bytes:
    """Form 01 on a bare canvas: each line at a fixed place, no wrapping, no layout."""
    from dataclasses import replace

    from reportlab.pdfgen.canvas import Canvas

    from commune_desk.forms.codes import Barcode128, QrCode
    from commune_desk.forms.slips import qr_url

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(paper.width, paper.height), pageCompression=0)
    left, width, y = paper.left, paper.content_width, paper.height - paper.top
    for text, font, size in lines:
        c.setFont(font, size)
        c.drawString(left, y, text)
        y -= size * 1.25
    bottom = y + 30
    for i in range(table_rows + 1):
        c.line(left, bottom + 12 * i, left + width, bottom + 12 * i)
    for x in (0, 0.07, 0.73, 0.86, 0.93, 1):
        c.line(left + width * x, bottom, left + width * x, bottom + 12 * table_rows)
    barcode = Barcode128(code, paper.barcode_height, paper.barcode_module)
    barcode.wrapOn(c, width - paper.qr_size, paper.barcode_height)
    barcode.drawOn(c, left, paper.height / 2)
    qr = QrCode(qr_url(replace(data, code=code)), paper.qr_size)
    qr.wrapOn(c, paper.qr_size, paper.qr_size)
    qr.drawOn(c, left + width - paper.qr_size, paper.height / 2)
    c.showPage()
    c.save()
    return buf.getvalue()


def bench_save_and_slip() -> list[tuple]:
    from commune_desk.documents import form_data, render_dossier_form
    from commune_desk.forms import PAPERS
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.store.desk import Desk

    tmp = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    try:
        desk = Desk(tmp / "desk")
        desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26",
                   lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}")
        form = IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt", id_number="001090012345",
                          phone="0912345678", address="Thôn Đông, xã Phúc Lợi, thành phố Hà Nội")
        paper = PAPERS["a5"]
        data = form_data(desk, desk.intake(form), "01")
        lines, table_rows = form01_lines(data, paper)

        conn = sqlite3.connect(tmp / "floor.sqlite3")
        conn.execute("pragma journal_mode=wal")
        conn.execute("pragma synchronous=full")
        conn.execute("create table t(id integer primary key, code text, name text)")

        numbers = itertools.count(5000)
        split = {"floor save": [], "floor pdf": [], "save": [], "pdf": []}   # where the time goes

        def floor_once():      # a new code each time, as intake makes: no cached QR code
            t = time.perf_counter()
            code = f"{data.code[:-4]}{next(numbers)}"
            conn.execute("insert into t(code, name) values (?, ?)", (code, data.applicant.name))
            conn.commit()
            u = time.perf_counter()
            bare_slip(data, lines, table_rows, paper, code)
            split["floor save"].append(u - t)
            split["floor pdf"].append(time.perf_counter() - u)

        def ours():
            t = time.perf_counter()
            d = desk.intake(form)
            u = time.perf_counter()
            render_dossier_form(desk, d.code, "01", "a5")
            split["save"].append(u - t)
            split["pdf"].append(time.perf_counter() - u)

        floor, real = measure_pair(floor_once, ours, RUNS)
        ratio = statistics.median(real) / statistics.median(floor)
        met = ratio <= GOAL_RATIO and statistics.median(real) * 1000 <= GOAL_MS

        def part(label, mine, bare):
            mine, bare = split[mine][-RUNS:], split[bare][-RUNS:]
            return (label, ms(mine), ms(bare), f"{statistics.median(mine) / statistics.median(bare):.2f}×", "", "")
        return [("save + slip PDF (A5, form 01)", ms(real), ms(floor), f"{ratio:.2f}×",
                 f"≤ {GOAL_RATIO}×, ≤ {GOAL_MS} ms", "ok" if met else "MISSED"),
                part("  of which: save (Desk.intake / one commit)", "save", "floor save"),
                part("  of which: slip (read back, platypus / bare canvas)", "pdf", "floor pdf")]
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


def _run_python(code: str, *args, env: dict | None = None) -> float:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def _bytecode_env(cache: Path) -> dict:
    """Both sides start from compiled modules, as an installed program does (PyInstaller and pip
    ship .pyc): a shell with PYTHONDONTWRITEBYTECODE would make only our modules, which have no
    __pycache__ in a checkout, compile on every start. One bytecode cache for both, filled by a
    warm-up start of each."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def bench_cold_start() -> list[tuple]:
    if not os.environ.get("DISPLAY"):
        return [("cold start", "no DISPLAY: run under xvfb-run", "", "", "", "")]
    from commune_desk.store.desk import Desk
    tmp = Path(tempfile.mkdtemp(prefix="bench-start-"))
    try:
        d = Desk(tmp)
        d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26")
        d.close()
        env = _bytecode_env(tmp / "pycache")
        _run_python(FLOOR_START, env=env)
        _run_python(APP_START, str(tmp), env=env)
        floor, real = [], []
        for _ in range(9):       # in turn, so a busy machine slows both alike
            floor.append(_run_python(FLOOR_START, env=env))
            real.append(_run_python(APP_START, str(tmp), env=env))
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
