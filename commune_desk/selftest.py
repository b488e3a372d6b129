"""`commune-desk --selftest`: what an installer, CI or the IT help on the phone runs to know that
this build works on this PC. It checks the data folder (writable, the database opens and is
sound), the shipped resources (fonts, catalog, migrations), renders form 01, opens the window and
closes it. Exit 0 when all pass; otherwise exit 3 and one Vietnamese line with the reason.

A windowed build on Windows has no console: the result also goes to logs/selftest.txt in the
data folder.
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
from datetime import datetime

from commune_desk import paths

log = logging.getLogger("commune_desk.selftest")
FAILED = 3


class SelftestFailed(Exception):
    """One check failed; the message says which and why, for a person."""


def check_data_folder(data_dir) -> str:
    try:
        folder = paths.data_dir(data_dir)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".selftest-"):
            pass
    except OSError as exc:
        raise SelftestFailed(f"Không ghi được vào thư mục dữ liệu: {exc}") from None
    return f"Thư mục dữ liệu ghi được: {folder}"


def check_database(data_dir) -> str:
    from commune_desk.errors import DeskError
    from commune_desk.store.desk import Desk
    try:
        desk = Desk(data_dir)
    except DeskError as exc:
        raise SelftestFailed(f"Không mở được cơ sở dữ liệu: {exc.message}") from None
    try:
        verdict = desk.db.execute_sql("pragma quick_check").fetchone()[0]
    finally:
        desk.close()
    if verdict != "ok":
        raise SelftestFailed(f"Cơ sở dữ liệu bị hỏng ({verdict}): {desk.path}")
    return f"Cơ sở dữ liệu mở được và nguyên vẹn: {desk.path}"


def check_resources() -> str:
    from commune_desk.catalog import read_catalog
    from commune_desk.errors import DeskError
    from commune_desk.forms import fonts
    from commune_desk.store.db import MIGRATIONS_DIR
    missing = [name for name in fonts._FILES.values() if not (fonts.fonts_dir() / name).is_file()]
    if missing:
        raise SelftestFailed(f"Thiếu phông chữ trong bản cài đặt: {', '.join(missing)} "
                             f"(tìm ở {fonts.fonts_dir()})")
    try:
        catalog = read_catalog()
    except DeskError as exc:
        raise SelftestFailed(exc.message) from None
    if not any(MIGRATIONS_DIR.glob("0001_*.py")):
        raise SelftestFailed("Thiếu các tệp nâng cấp cơ sở dữ liệu (store/migrations) trong bản cài đặt.")
    return f"Phông chữ, danh mục ({len(catalog['procedures'])} thủ tục) và bản nâng cấp dữ liệu đủ."


def check_form01() -> str:
    from commune_desk.forms import DocumentLine, FormData, OfficeInfo, Person, render_form
    from commune_desk.forms.wording import VN_TZ
    at = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)
    data = FormData(
        office=OfficeInfo("UBND xã Phúc Lợi", "Bộ phận tiếp nhận và trả kết quả", "Phúc Lợi",
                          "000.30.36.H26", lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}"),
        applicant=Person("Nguyễn Văn Đạt"), procedure_name="Đăng ký khai sinh", clerk_name="Kiểm tra",
        code="000.30.36.H26-261123-0001", procedure_days=3, received_at=at, due_at=at,
        documents=(DocumentLine("Tờ khai", 1),), fee=0)
    try:
        pdf = render_form("01", data, "a5")
    except Exception as exc:  # noqa: BLE001 - any failure here is the reason to report
        raise SelftestFailed(f"Không tạo được giấy tiếp nhận (mẫu 01): {exc.__class__.__name__}: {exc}") from None
    if not pdf.startswith(b"%PDF"):
        raise SelftestFailed("Giấy tiếp nhận (mẫu 01) tạo ra không phải tệp PDF.")
    return f"Giấy tiếp nhận (mẫu 01) in được ({len(pdf) // 1024} KB)."


def check_window(data_dir) -> str:
    import tkinter as tk
    from commune_desk.store.desk import Desk
    desk = Desk(data_dir)
    try:
        from commune_desk.gui.app import DeskApp
        app = DeskApp(desk)
    except tk.TclError as exc:
        desk.close()
        raise SelftestFailed(f"Không mở được cửa sổ ứng dụng: {exc}") from None
    try:
        for job in app.tk.call("after", "info"):   # the first-run dialog, sync, warm-up: not now
            app.tk.call("after", "cancel", job)
        app.update()
        shown = app.winfo_viewable()
    finally:
        app.destroy()
        desk.close()
    if not shown:
        raise SelftestFailed("Cửa sổ ứng dụng không hiện lên được.")
    return "Cửa sổ ứng dụng mở và đóng được."


def run(data_dir=None) -> list[str]:
    """The lines of what passed; raises SelftestFailed at the first check that does not."""
    return [check_data_folder(data_dir), check_database(data_dir), check_resources(),
            check_form01(), check_window(data_dir)]


def main(data_dir=None) -> int:
    try:
        lines, status = run(data_dir) + ["Tự kiểm tra: đạt."], 0
    except SelftestFailed as exc:
        lines, status = [f"Tự kiểm tra không đạt: {exc}"], FAILED
    except Exception as exc:  # noqa: BLE001 - a self-test reports, it does not crash
        log.exception("selftest")
        lines, status = [f"Tự kiểm tra không đạt: lỗi không mong đợi {exc.__class__.__name__}: {exc}"], FAILED
    text = "\n".join(lines)
    _record(data_dir, text)
    stream = sys.stdout if status == 0 else sys.stderr
    if stream is not None:           # a windowed build on Windows has no console
        print(text, file=stream)
    return status


def _record(data_dir, text: str) -> None:
    try:
        folder = paths.data_dir(data_dir) / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "selftest.txt").write_text(text + os.linesep, encoding="utf-8")
    except OSError:
        pass
