"""Screenshots of each step of the first-run wizard into docs/screens/setup-N.png.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/make_screenshots_setup.py
"""
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import ImageGrab  # noqa: E402

from commune_desk.gui.app import DeskApp  # noqa: E402
from commune_desk.gui.setup_wizard import SetupWizard  # noqa: E402
from commune_desk.store.desk import Desk  # noqa: E402

OUT = ROOT / "docs" / "screens"
VALUES = [
    dict(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk="1",
         address="Số 1 đường Trường Chinh, xã Phúc Lợi, thành phố Hà Nội"),
    dict(full_name="Trần Thị Lan", name="lan.tt", password="mat-khau-dai", repeat="mat-khau-dai"),
    dict(paper="A5"),
    dict(server="https://motcua.phucloi.gov.vn", code="K7Q2-9XPA"),
]


def settle(app, seconds=0.4):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.update()
        time.sleep(0.02)


def grab(window, path: Path) -> None:
    window.update()
    x, y = window.winfo_rootx(), window.winfo_rooty()
    ImageGrab.grab(bbox=(x, y, x + window.winfo_width(), y + window.winfo_height()),
                   xdisplay=None).save(path)
    print(path.relative_to(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        desk = Desk(Path(tmp))
        app = DeskApp(desk)
        settle(app, 0.5)
        [wizard] = [w for w in app.winfo_children() if isinstance(w, SetupWizard)]
        wizard.geometry("+40+40")
        for n, values in enumerate(VALUES, 1):
            for key, value in values.items():
                wizard.step.fields[key].set(value)
            if n == 1:     # the first step also shows how a wrong identifier is said
                wizard.step.fields["agency_code"].set("H26 Phúc Lợi")
                wizard.next()
                settle(app)
                grab(wizard, OUT / "setup-1-error.png")
                wizard.step.fields["agency_code"].set(values["agency_code"])
            settle(app)
            grab(wizard, OUT / f"setup-{n}.png")
            if n < len(VALUES):
                wizard.next()
        app.destroy()
        desk.close()


if __name__ == "__main__":
    main()
