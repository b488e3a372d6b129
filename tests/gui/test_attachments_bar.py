"""Scans in the window: under a dossier's story, attach from the scan folder a network scanner
writes into and from a SANE scanner, see each one in the story, open it."""

import os
import shutil
import stat
import sys
from pathlib import Path

from tests.gui.helpers import accept, pump, wait_background

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "attach"))
from pages import rasterise, text_page_pdf  # noqa: E402


def test_scan_folder_scanner_story_and_open(app, desk, tmp_path, monkeypatch):
    from commune_desk import scanner
    d = accept(desk, name="Trần Thị Bình")
    page = rasterise(text_page_pdf(tmp_path / "page.pdf"), tmp_path / "page.png")
    app.show("process")
    pump(app)
    view = app.screens["process"]
    view.open(d.code)
    bar = view.story.attachments
    assert bar.document.get() == "Cả hồ sơ"
    bar.document.set(bar.document.cget("values")[1])              # 1. the application form
    assert str(bar.folder_button.cget("state")) == "disabled"

    # the network scanner drops two pages into the scan folder
    inbox = scanner.scan_folder_of(desk)
    assert inbox == desk.data_dir / "scan-inbox"
    for name in ("scan-0001.png", "scan-0002.png"):
        shutil.copyfile(page, inbox / name)
    for _ in range(2):                                            # first look: sizes noted; second:
        bar.look()                                                # they stopped growing
        wait_background(app)
    assert bar.folder_button.cget("text") == "Từ thư mục quét (2)"
    bar.folder_button.invoke()
    assert bar.status.cget("text") == "Đang đính kèm 2 tệp…"      # converted off the UI thread
    wait_background(app)
    [row] = desk.attachments_of(desk.dossier(d.code))
    assert (row.document, row.pages, row.source) == (1, 2, "folder")
    assert sorted(p.name for p in (inbox / "da-dinh-kem").iterdir()) == ["scan-0001.png", "scan-0002.png"]
    assert bar.status.cget("text").startswith("Đã đính kèm 2 trang")

    story = view.story.rows()
    [(at, what, who, result, detail)] = [r for r in story if r[1] == "Đính kèm bản số hoá"]
    assert detail.startswith("Giấy tờ 1: Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu — scan-0001.png, 2 trang")

    # picked in the story and opened: the system viewer gets a PDF copy named for the dossier
    opened = []
    monkeypatch.setattr(scanner, "launch", opened.append)
    iid = [i for i in view.story.events.get_children()
           if view.story.events.item(i, "values")[1] == "Đính kèm bản số hoá"][0]
    view.story.events.selection_set(iid)
    pump(app)
    assert str(bar.open_button.cget("state")) == "normal"
    bar.open_button.invoke()
    [(opener, shown)] = opened
    assert opener == "xdg-open" and shown.endswith(f"{d.code}-{row.id}.pdf")
    assert Path(shown).read_bytes() == desk.attachment_file(row).read_bytes()

    # a SANE scanner: scanimage writes a page into the scan folder, picked up like the others
    fake = tmp_path / "bin" / "scanimage"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\n# the last argument is the output file\nfor a; do out=$a; done\ncp {page} \"$out\"\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert scanner.scanner_available()
    out = scanner.scan_page(inbox)
    assert out.parent == inbox and out.suffix == ".png"


def test_scans_picked_at_intake_are_saved_with_the_dossier(app, desk, tmp_path, monkeypatch):
    from tkinter import filedialog
    from commune_desk.store.models import Dossier
    pdf = text_page_pdf(tmp_path / "to-khai.pdf")
    view = app.screens["intake"]
    view.proc_entry.insert(0, "xac nhan tinh trang hon nhan")
    pump(app)
    view.proc_entry.event_generate("<Return>")
    pump(app)
    view.checklist.selection_set("0")                             # 1. the application form
    monkeypatch.setattr(filedialog, "askopenfilenames", lambda **kw: (str(pdf),))
    view.btn_scans.invoke()
    wait_background(app)                                          # converted and stored while the clerk types
    assert view.btn_scans.cget("text") == "Bản quét (1)…"
    view.checklist.event_generate("<Control-d>")
    view.fields["name"].input.insert(0, "Nguyễn Văn Đạt")
    view.submit("accepted")
    pump(app)
    with desk.using():
        d = Dossier.get(Dossier.applicant_name == "Nguyễn Văn Đạt")
    [row] = desk.attachments_of(d)
    assert row.document == 1 and desk.attachment_file(row).read_bytes() == pdf.read_bytes()
    assert view.btn_scans.cget("text") == "Bản quét…"              # the next citizen starts afresh
