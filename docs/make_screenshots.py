"""Regenerate docs/screens/intake*.png: the real intake window under Xvfb with sample data.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/make_screenshots.py
Needs ImageMagick's `import` to grab the X screen.
"""

import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from commune_desk.gui.app import DeskApp  # noqa: E402
from commune_desk.rules.office_calendar import TZ  # noqa: E402
from commune_desk.store.desk import Desk  # noqa: E402

OUT = ROOT / "docs" / "screens"


def grab(app, path: Path) -> None:
    app.update()
    app.update_idletasks()
    subprocess.run(["import", "-window", "root", "-crop", f"{app.winfo_width()}x{app.winfo_height()}+0+0",
                    str(path)], check=True)
    print(path)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    desk = Desk(tempfile.mkdtemp(prefix="shots-"), clock=lambda: datetime(2026, 11, 23, 9, 32, tzinfo=TZ))
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", clerk_name="Trần Thị Lan")
    app = DeskApp(desk)
    app.geometry("1366x768+0+0")
    view = app.screens["intake"]
    view.proc_var.set("xac nhan hon nhan")
    view.pick_procedure("HT-XNHN")
    samples = {"name": "Nguyễn Thị Hồng Nhung", "id_number": "001190012345", "birth_date": "05/03/1990",
               "phone": "0912 345 678", "email": "nhung.nguyen@example.vn",
               "address": "Số 12, ngõ 34, thôn Đông, xã Phúc Lợi, thành phố Hà Nội"}
    for key, value in samples.items():
        view.fields[key].set(value)

    def shots():
        grab(app, OUT / "intake.png")
        view.fields["id_number"].set("003190012345")
        view.fields["phone"].set("12345")
        view.btn_accept.invoke()
        grab(app, OUT / "intake-errors.png")
        app.geometry("1024x768+0+0")
        view.fields["id_number"].set("001190012345")
        view.fields["phone"].set("0912345678")
        app.print_pdf = lambda path, *args, **kw: None
        view.btn_accept.invoke()
        app.after(300, lambda: (grab(app, OUT / "intake-1024-saved.png"), app.destroy()))

    app.after(600, shots)
    app.mainloop()


if __name__ == "__main__":
    main()
