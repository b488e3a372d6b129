"""Regenerate docs/screens/report-1366x768.png (the Báo cáo screen with its charts) and
docs/reports/report-p*.png (the PDF report rendered): a year of sample dossiers imported
through `Desk.import_dossiers`, as an office would bring in its past records.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/make_report_samples.py
Needs poppler's `pdftoppm`.
"""

import random
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commune_desk.rules.office_calendar import TZ  # noqa: E402
from commune_desk.store.desk import Desk  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 32, tzinfo=TZ)
AGENCY = "000.30.36.H26"
PROCEDURES = [("1.001193", 0), ("1.004873", 3), ("2.000815", 0), ("3.000722", 3), ("2.001035", 2), ("1.001612", 3),
              ("HT-KT", 0), ("2.000884", 0)]
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đỗ Đức Đạt", "Vũ Thị Hương"]


def sample_rows() -> list[tuple[int, dict]]:
    rnd = random.Random(11)
    rows, per_day = [], {}
    day = date(2026, 1, 2)
    while day <= date(2026, 11, 20):
        if day.weekday() < 5:
            for _ in range(rnd.randint(14, 30)):
                seq = per_day[day] = per_day.get(day, 0) + 1
                code, days = rnd.choice(PROCEDURES)
                received = datetime(day.year, day.month, day.day, 8, 0, tzinfo=TZ) + timedelta(minutes=13 * seq)
                due = datetime(day.year, day.month, day.day, 17, 0, tzinfo=TZ) + timedelta(days=max(days, 1) + 1)
                late = rnd.random() < (0.05 if code in ("2.001035", "1.001612") else 0.008)
                finished = due + timedelta(days=2) if late else received + timedelta(hours=rnd.randint(2, 40))
                finished = min(finished, due) if not late else finished
                row = {"MaHoSo": f"{AGENCY}-{day:%y%m%d}-{seq:04d}", "MaTTHC": code,
                       "ChuHoSo": rnd.choice(NAMES), "KenhNop": rnd.choice("1111112223"),
                       "NgayTiepNhan": f"{received:%Y%m%d%H%M%S}", "NgayHenTra": f"{due:%Y%m%d%H%M%S}",
                       "TrangThaiHoSo": "10", "TraQuaBuuChinh": "1" if rnd.random() < 0.03 else "0"}
                if finished >= NOW - timedelta(days=rnd.randint(3, 12)) or (late and rnd.random() < 0.3):
                    row["TrangThaiHoSo"] = "4"
                else:
                    row["NgayKetThucXuLy"] = f"{finished:%Y%m%d%H%M%S}"
                    row["NgayTra"] = f"{finished + timedelta(hours=1):%Y%m%d%H%M%S}"
                rows.append((len(rows) + 2, row))
        day += timedelta(days=1)
    return rows


def grab(app, path: Path) -> None:
    from PIL import ImageGrab
    app.update()
    app.update_idletasks()
    ImageGrab.grab(bbox=(0, 0, app.winfo_width(), app.winfo_height()), xdisplay=app.winfo_screen()).save(path)
    print(path)


def main() -> None:
    from commune_desk.documents import export_report
    from commune_desk.gui.app import DeskApp
    from commune_desk.rules.past_dossiers import COLUMNS
    screens, reports = ROOT / "docs" / "screens", ROOT / "docs" / "reports"
    screens.mkdir(parents=True, exist_ok=True)
    reports.mkdir(parents=True, exist_ok=True)
    desk = Desk(tempfile.mkdtemp(prefix="report-shots-"), clock=lambda: NOW)
    desk.setup(office_name="UBND phường Phúc Lợi", agency_code=AGENCY, clerk_name="Trần Thị Lan",
               head_name="Nguyễn Văn Hùng")
    print(desk.import_dossiers(list(COLUMNS), sample_rows()))
    pdf = Path(tempfile.mkdtemp()) / "bao-cao.pdf"
    export_report(desk, date(2026, 1, 1), date(2026, 12, 31), "field", "pdf", pdf)
    for old in reports.glob("report-p*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-l", "2", "-png", str(pdf), str(reports / "report-p")], check=True)
    print(sorted(reports.glob("report-p*.png")))

    app = DeskApp(desk, start_screen="report")
    app.geometry("1366x768+0+0")
    view = app.screens["report"]
    view.preset.set("Năm nay")
    view.apply_preset()

    def wait_then_grab():
        if app.background.busy:
            app.after(100, wait_then_grab)
            return
        try:
            grab(app, screens / "report-1366x768.png")
        finally:
            app.destroy()

    app.after(800, wait_then_grab)
    app.mainloop()


if __name__ == "__main__":
    main()
