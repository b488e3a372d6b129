"""Quản trị › Thư mục quét: the folder a network scanner writes into, chosen in the window,
refused in one sentence when it is not there or cannot be used, audited, and cleared back to the
default; the story's «Từ thư mục quét» follows it."""

import shutil
import sys
from pathlib import Path
from tkinter import filedialog

from tests.gui.helpers import accept, pump_until, wait_background

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "attach"))
from pages import rasterise, text_page_pdf  # noqa: E402


def _answer(tab) -> str:
    pump_until(tab, lambda: tab.message.cget("text") not in ("", "Đang kiểm tra thư mục…"),
               what="the folder's check")
    return tab.message.cget("text")


def test_choose_refuse_and_clear_the_scan_folder(app, desk, tmp_path, monkeypatch):
    app.show("process")
    bar = app.screens["process"].story.attachments
    bar.look()                                                 # the story watches the default folder
    wait_background(app)
    assert bar.folder.path == desk.data_dir / "scan-inbox"
    app.show("admin")
    tab = app.screens["admin"].scan_tab
    assert tab.current.cget("text") == (f"Thư mục quét: mặc định, «scan-inbox» trong thư mục dữ liệu "
                                        f"({desk.data_dir / 'scan-inbox'}).")
    assert str(tab.btn_clear.cget("state")) == "disabled"
    picked = []
    monkeypatch.setattr(filedialog, "askdirectory", lambda **kw: picked.pop(0))

    # a folder that is not there (a share not connected), and a file: one sentence, nothing saved
    missing = tmp_path / "may-quet" / "chua-ket-noi"
    picked.append(str(missing))
    tab.btn_choose.invoke()
    assert _answer(tab) == (f"Không có thư mục «{missing}» trên máy này. Nếu là thư mục dùng chung trên mạng, "
                            "hãy kiểm tra máy quét hoặc máy chia sẻ đã bật và đã kết nối.")
    assert str(tab.message.cget("style")) == "Error.TLabel"
    (tmp_path / "a-file.pdf").write_bytes(b"%PDF-1.4")
    tab.message.configure(text="")
    picked.append(str(tmp_path / "a-file.pdf"))
    tab.btn_choose.invoke()
    assert "là một tệp, không phải thư mục" in _answer(tab)
    assert desk.config().scan_folder == ""
    picked.append("")                                          # the picker cancelled: nothing happens
    tab.btn_choose.invoke()
    assert desk.config().scan_folder == ""

    # the scanner's share: saved, shown, audited like any other setting
    share = tmp_path / "Máy quét tầng 1"
    share.mkdir()
    picked.append(str(share))
    tab.message.configure(text="")
    tab.btn_choose.invoke()
    assert _answer(tab) == f"Đã đặt thư mục quét: {share}."
    assert desk.config().scan_folder == str(share)
    assert tab.current.cget("text") == f"Thư mục quét: {share}"
    assert str(tab.btn_clear.cget("state")) == "normal"
    [entry] = [e for e in desk.audit_entries(5) if e.action == "setup" and e.target == "office"]
    before, after = (entry.detail[k]["value"]["scan_folder"] for k in ("before", "after"))
    assert (before, after) == ("", str(share))

    # a dossier's story now offers what the scanner writes there
    d = accept(desk, name="Trần Thị Bình")
    page = rasterise(text_page_pdf(tmp_path / "page.pdf"), tmp_path / "page.png")
    app.show("process")
    view = app.screens["process"]
    view.open(d.code)
    assert view.story.attachments is bar
    shutil.copyfile(page, share / "scan-0001.png")
    for _ in range(2):
        bar.look()
        wait_background(app)
    assert bar.folder_button.cget("text") == "Từ thư mục quét (1)"
    bar.folder_button.invoke()
    wait_background(app)
    assert [a.source for a in desk.attachments_of(desk.dossier(d.code))] == ["folder"]
    assert (share / "da-dinh-kem" / "scan-0001.png").exists()

    # cleared: back to scan-inbox in the data folder
    app.show("admin")
    tab.btn_clear.invoke()
    assert tab.message.cget("text") == "Đã trở về thư mục quét mặc định."
    assert desk.config().scan_folder == ""
    assert tab.current.cget("text").startswith("Thư mục quét: mặc định")
