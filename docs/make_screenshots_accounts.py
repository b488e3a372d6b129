"""Screenshots of the sign-in, the locked window and the Tài khoản screen, at 1366×768 and 1024×768.

    .venv/bin/python docs/make_screenshots_accounts.py

Starts its own Xvfb, opens the real window on a throw-away desk with accounts and a fixed clock,
and saves PNGs to docs/screens/ with ImageMagick's `import -window root`.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docs.make_screenshots_processing import (Clock, at_each_size, on_xvfb, sample_desk, settle, shoot,  # noqa: E402
                                              window)


def take() -> list[Path]:
    saved = []
    clock = Clock("2026-11-23 08:00")
    with tempfile.TemporaryDirectory() as tmp:
        desk, _ = sample_desk(Path(tmp) / "data", clock)
        desk.create_first_admin("quantri", "quan-tri-123", "Nguyễn Văn Quản")
        desk.add_account("lan.tt", "tiep-nhan", "tiep-nhan-123", full_name="Trần Thị Lan")
        desk.add_account("minh.pv", "chuyen-mon", "chuyen-mon-123", full_name="Phạm Văn Minh")
        desk.add_account("hung.nv", "lanh-dao", "lanh-dao-123", full_name="Nguyễn Văn Hùng")
        desk.add_account("cuong.lv", "tiep-nhan", "tiep-nhan-456", full_name="Lê Văn Cường")
        desk.disable_account("cuong.lv")
        desk.sign_out()
        desk.sign_in("lan.tt", "tiep-nhan-123")
        desk.sign_out()
        app = window(desk)
        for size in at_each_size(app):
            if desk.account is not None:
                app.gate.sign_out()
            settle(app)
            app.gate.overlay.fields["name"].set("lan.tt")
            app.gate.overlay.fields["password"].set("nham")
            app.gate.overlay.submit()
            app.gate.overlay.submit_btn.state(["!disabled"])
            saved.append(shoot(app, "signin", size))
            app.gate.overlay.fields["name"].set("quantri")
            app.gate.overlay.fields["password"].set("quan-tri-123")
            app.gate.overlay.submit()
            app.show("accounts")
            view = app.screens["accounts"]
            view.table.selection_set("cuong.lv")
            view.fields["name"].set("hoa.pt")
            view.fields["full_name"].set("Phạm Thị Hoa")
            saved.append(shoot(app, "accounts", size))
            view.tabs.select(1)
            view.verify()
            while app.background.busy:
                settle(app, 0.05)
            saved.append(shoot(app, "audit", size))
            view.tabs.select(0)
            app.gate.lock()
            saved.append(shoot(app, "locked", size))
            app.gate.overlay.fields["password"].set("quan-tri-123")
            app.gate.overlay.submit()
        app.destroy()
        desk.close()
    return saved


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--display", default=":88")
    os.environ.setdefault("COMMUNE_DESK_ARGON2", "cheapest")
    return on_xvfb(ap.parse_args().display, take)


if __name__ == "__main__":
    sys.exit(main())
