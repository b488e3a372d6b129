"""Open the real window on the X display in $DISPLAY, show every screen with sample data, and print
as JSON the controls that lie outside the visible window; with --shots DIR, screenshot each screen
into DIR/<width>x<height>/<screen>.png.

    python -m tests.gui.fit_check [--shots docs/screens]

The test runs this in a child process on an Xvfb of each size (Tk cannot let go of a display it
once opened, so the test process never opens one it will stop)."""

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tkinter import messagebox  # noqa: E402

from commune_desk.gui.app import SCREENS, DeskApp  # noqa: E402
from commune_desk.rules.intake import IntakeForm  # noqa: E402
from commune_desk.rules.office_calendar import TZ  # noqa: E402
from commune_desk.store.desk import Desk  # noqa: E402
from tests.gui.layout import screen_problems  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 32, tzinfo=TZ)


def sample_desk() -> tuple[Desk, str]:
    desk = Desk(tempfile.mkdtemp(prefix="fit-"), clock=lambda: NOW)
    desk.setup(office_name="Trung tâm Phục vụ hành chính công phường Phúc Lợi", agency_code="000.30.36.H26",
               clerk_name="Trần Thị Lan")
    people = [("Nguyễn Thị Hồng Nhung", "HT-KS"), ("Lê Văn Hùng", "CT-CK"), ("Phạm Minh Đức", "HT-XNHN")]
    codes = []
    for i, (name, proc) in enumerate(people):
        d = desk.intake(IntakeForm(procedure_id=proc, name=name, id_number=f"00109001234{i}",
                                   phone=f"091234567{i}", address="Số 12, ngõ 34, thôn Đông, phường Phúc Lợi"),
                        received_at=datetime(2026, 11, 18 + i, 9, 0, tzinfo=TZ))
        codes.append(d.code)
    desk.handoff(codes[0], "Công chức Tư pháp - Hộ tịch")
    desk.advance(codes[2], 4)
    desk.advance(codes[2], 9)
    return desk, codes


def settle(app) -> None:
    """Until the background work (status bar counts, lists) has been painted."""
    end = time.monotonic() + 20
    app.update()
    while (app.background.busy or not app.status_sync.cget("text")) and time.monotonic() < end:
        app.update()
        time.sleep(0.02)
    app.update()


def shot(app, path: Path) -> None:
    from PIL import ImageGrab
    app.update()
    app.update_idletasks()
    image = ImageGrab.grab(bbox=(0, 0, app.winfo_width(), app.winfo_height()), xdisplay=app.winfo_screen())
    image.save(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shots", type=Path)
    args = parser.parse_args(argv)
    boxes = []                              # a message box would wait for a click nobody makes here
    for kind in ("showerror", "showinfo", "showwarning", "askyesno"):
        setattr(messagebox, kind, lambda title=None, message=None, _k=kind, **kw: boxes.append((_k, title, message)))
    desk, codes = sample_desk()
    app = DeskApp(desk)
    app.print_pdf = app.preview_pdf = lambda path, *a, **k: None
    app.refresh_status()
    settle(app)
    size = f"{app.winfo_screenwidth()}x{app.winfo_screenheight()}"
    found, shots, sizes = {}, [], {}
    for key, *_ in SCREENS:
        if key not in app._screen_paths:
            continue
        states = [("", None)]
        if key == "intake":
            states = [("", lambda v: (v.proc_var.set("khai sinh"), v.pick_procedure("HT-KS")))]
        elif key == "process":
            states = [("", None), ("-open", lambda v: v.open(codes[0]))]
        elif key == "handover":
            states = [("", lambda v: v.lookup(codes[2]))]
        for suffix, prepare in states:
            app.show(key)
            app.update()
            if prepare:
                prepare(app.screens[key])
            settle(app)
            issues = screen_problems(app, key) + [f"message box {b}" for b in boxes]
            boxes.clear()
            holder = app.holders[key]
            sizes[key + suffix] = [holder.inner.winfo_reqwidth(), holder.inner.winfo_reqheight(),
                                   holder.canvas.winfo_width(), holder.canvas.winfo_height()]
            if issues:
                found[key + suffix] = issues
            if args.shots:
                if key == "admin":                       # the printer choice is the page to show
                    tab = app.screens[key].printer_tab
                    tab.master.select(tab)
                    settle(app)
                holder = app.holders[key]
                holder.canvas.yview_moveto(0)
                app.focus_set()
                (args.shots / size).mkdir(parents=True, exist_ok=True)
                path = args.shots / size / f"{key}{suffix}.png"
                shot(app, path)
                shots.append(str(path))
                if key == "admin":                       # and where the scanner writes
                    tab = app.screens[key].scan_tab
                    tab.master.select(tab)
                    settle(app)
                    path = args.shots / size / "admin-scan.png"
                    shot(app, path)
                    shots.append(str(path))
    print(json.dumps({"window": [app.winfo_width(), app.winfo_height()],
                      "origin": [app.winfo_rootx(), app.winfo_rooty()], "problems": found, "shots": shots,
                      "sizes": sizes},
                     ensure_ascii=False))
    app.destroy()
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
