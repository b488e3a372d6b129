"""Screenshots of the Xử lý, Trả kết quả and Tra cứu screens with sample data, at 1366×768 and 1024×768.

    .venv/bin/python docs/make_screenshots_processing.py

Starts its own Xvfb (unless DISPLAY is already a virtual one given by --display), opens the real
window on a throw-away desk with a fixed clock, and saves PNGs to docs/screens/ with ImageMagick's
`import -window root`.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commune_desk.rules.intake import IntakeForm  # noqa: E402
from commune_desk.rules.office_calendar import TZ  # noqa: E402

OUT = ROOT / "docs" / "screens"
SIZES = [(1366, 768), (1024, 768)]


class Clock:
    def __init__(self, text):
        self.set(text)

    def set(self, text):
        self.now = datetime.fromisoformat(text).replace(tzinfo=TZ)

    def __call__(self):
        return self.now


def sample_desk(folder: Path, clock: Clock):
    from commune_desk.store.desk import Desk
    desk = Desk(folder, clock=clock)
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1, clerk_name="Trần Thị Lan",
               head_name="Nguyễn Văn Hùng", lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}")

    def accept(name, proc, when, **kw):
        clock.set(when)
        return desk.intake(IntakeForm(procedure_id=proc, name=name, id_number=kw.pop("id_number", ""),
                                      phone=kw.pop("phone", ""), address=kw.pop("address", "Thôn Đông, xã Phúc Lợi"),
                                      **kw))

    late = accept("Lê Văn Muộn", "HT-KS", "2026-11-23 08:10", id_number="001090004321", phone="0912000111")
    accept("Hoàng Thị Ước", "CT-BSBC", "2026-11-24 09:00", phone="0389123456")
    today = accept("Phạm Văn Sáu", "CT-GD", "2026-11-24 08:30", id_number="036085002468")
    dat = accept("Nguyễn Văn Đạt", "HT-XNHN", "2026-11-23 09:32", id_number="001090012345", phone="0912345678")
    soon = accept("Đặng Thị Hương", "HT-GH", "2026-11-23 10:05", phone="0978111222")
    accept("Bùi Quang Vinh", "KD-HKD", "2026-11-25 14:20", phone="0905333444")
    supp = accept("Võ Thị Ơn", "HT-TDCC", "2026-11-24 15:10")
    fin = accept("Trương Công Lực", "KD-HKD-TD", "2026-11-25 08:40")
    done = accept("Đỗ Minh Khánh", "HT-XNHN", "2026-11-23 14:00", id_number="001095007788", phone="0934555666")
    post = accept("Ngô Thị Thúy", "HT-BSTL", "2026-11-25 10:00", return_by="post",
                  post_address="Số 5 ngõ 12, thôn Đoài, xã Phúc Lợi")
    clock.set("2026-11-24 08:00")
    desk.handoff(late.code, "Công chức Tư pháp - Hộ tịch: Phạm Văn Minh")
    desk.handoff(dat.code, "Công chức Tư pháp - Hộ tịch: Phạm Văn Minh", note="Kiểm tra, xác minh")
    desk.handoff(soon.code, "Công chức Tư pháp - Hộ tịch: Phạm Văn Minh")
    clock.set("2026-11-25 09:00")
    desk.handoff(dat.code, "Lãnh đạo UBND xã: Nguyễn Văn Hùng", note="Trình ký")
    desk.handoff(today.code, "Công chức Tư pháp - Hộ tịch: Phạm Văn Minh")
    desk.advance(supp.code, 5, missing=[{"name": "Bản sao Giấy khai sinh", "reason": "Bản photo không rõ"}])
    desk.advance(fin.code, 6, note="Nộp lệ phí đăng ký 100.000 đồng")
    clock.set("2026-11-25 16:00")
    desk.advance(done.code, 9, assignee="Bộ phận một cửa")
    desk.advance(post.code, 9)
    clock.set("2026-11-26 09:10")          # Thursday morning at the counter
    return desk, {"dat": dat, "done": done, "soon": soon, "post": post}


def start_xvfb(display: str) -> subprocess.Popen:
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["DISPLAY"] = display
    for _ in range(100):
        if subprocess.run(["xdpyinfo"], capture_output=True).returncode == 0:
            break
        time.sleep(0.05)
    return proc


def settle(app, seconds=0.4):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.update()
        time.sleep(0.02)


def shoot(app, name: str, size) -> Path:
    w, h = size
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}-{w}x{h}.png"
    settle(app)
    subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+0+0", str(path)], check=True)
    return path


def on_xvfb(display: str, take) -> int:
    """Start an Xvfb, take the shots (`take()` returns the paths it saved), say where they are."""
    xvfb = start_xvfb(display)
    try:
        for path in take():
            print(path.relative_to(ROOT))
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    return 0


def window(desk):
    """The real window on the desk, printing nowhere."""
    from commune_desk.gui.app import DeskApp
    app = DeskApp(desk)
    app.print_pdf = app.preview_pdf = lambda path, *args, **kw: None
    return app


def at_each_size(app):
    """The window at each counter size in turn."""
    for size in SIZES:
        app.geometry(f"{size[0]}x{size[1]}+0+0")
        app.minsize(min(size[0], 1000), 700)
        settle(app)
        yield size


def take() -> list[Path]:
    saved = []
    clock = Clock("2026-11-23 08:00")
    with tempfile.TemporaryDirectory() as tmp:
        desk, sample = sample_desk(Path(tmp) / "data", clock)
        app = window(desk)
        for size in at_each_size(app):
            app.show("process")
            view = app.screens["process"]
            view.select_queue("processing")
            view.tree.selection_set(sample["dat"].code)
            settle(app, 0.2)
            saved.append(shoot(app, "process", size))
            view.select_queue("due_tomorrow")
            view.tree.selection_set(sample["soon"].code)
            settle(app, 0.2)
            view.start_action("extend")
            view.f_note.input.insert("1.0", "Cần xác minh thông tin giám hộ tại nơi cư trú trước đây")
            saved.append(shoot(app, "process-extension", size))
            view.cancel_action()
            app.show("handover")
            hv = app.screens["handover"]
            hv.code_var.set(sample["done"].code)
            hv.lookup()
            hv.f_recipient_id.set("001095007788")
            hv.f_receipt.set("BL-0042")
            hv.rating.set("hai-long")
            saved.append(shoot(app, "handover", size))
            hv.code_var.set(sample["post"].code)
            hv.lookup()
            saved.append(shoot(app, "handover-post", size))
            app.show("search")
            sv = app.screens["search"]
            sv.query.set("nguyen van")
            sv.search_now()
            sv.open_selected()
            saved.append(shoot(app, "search", size))
        app.destroy()
        desk.close()
    return saved


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--display", default=":87")
    return on_xvfb(ap.parse_args().display, take)


if __name__ == "__main__":
    sys.exit(main())
