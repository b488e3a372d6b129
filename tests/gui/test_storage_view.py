"""The window and the data file: a damaged file opens with a banner that says what to do, Quản trị
restores a backup with progress, and closing the window leaves a checked backup behind."""

import random
import sqlite3

from commune_desk.store import backup
from tests.gui.helpers import accept, pump_until, wait_background


def test_backup_tab_restores_a_backup_with_progress(app):
    desk = app.desk
    first = accept(desk, "Trần Thị Lan")
    saved = backup.make_backup(desk.path, reason="manual")
    later = accept(desk, "Lê Văn Ước")
    app.show("admin")
    tab = app.screens["admin"].backups
    assert saved.name in [tab.listing.item(i, "values")[0] for i in tab.listing.get_children()]

    tab.restore_from(saved)
    wait_background(app)
    assert "Đã khôi phục" in tab.state.cget("text")
    assert float(tab.progress.cget("value")) == 100
    assert app.desk is not desk and app.desk.read_only is None
    assert [d.code for d in app.desk.find("lan")] == [first.code]
    assert not app.desk.find("uoc")
    assert later.code not in [d.code for d in app.desk.find(first.code[:-5])]
    again = accept(app.desk, "Phạm Thị Hương")
    assert again.code > later.code                        # the counter of the replaced file was kept


def test_a_damaged_file_opens_read_only_with_a_banner(tmp_path, clock, messages):
    from commune_desk.gui.app import DeskApp
    from commune_desk.store.desk import Desk
    desk = Desk(tmp_path / "data", clock=clock)
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26")
    code = accept(desk).code
    backup.make_backup(desk.path, reason="daily")
    con = sqlite3.connect(desk.path)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'procedure'").fetchone()[0]
    con.close()
    desk.close()
    rnd = random.Random(5)
    with open(desk.path, "r+b") as f:
        f.seek((root - 1) * 4096 + 8)
        f.write(bytes(rnd.randrange(256) for _ in range(4000)))

    damaged = Desk(tmp_path / "data", clock=clock)
    assert damaged.read_only is not None
    window = DeskApp(damaged)
    try:
        pump_until(window, window.banner.winfo_ismapped, what="the banner (2 s after start)")
        text = window.banner.cget("text")
        assert "bị hỏng" in text and "khôi phục bản sao lưu" in text
        assert damaged.dossier(code).code == code          # lookups still work
    finally:
        window.destroy()
        damaged.close()
    # no backup of a damaged file is made on exit
    assert [p.name.endswith("-exit.sqlite3") for p in backup.list_backups(tmp_path / "data")] == [False]


def test_closing_the_window_leaves_a_checked_backup(desk, messages):
    from commune_desk.gui.app import DeskApp
    accept(desk)
    folder = desk.data_dir
    DeskApp(desk).destroy()
    made = backup.latest_backup(folder, "exit")
    assert made is not None
    con = sqlite3.connect(made)
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM dossier").fetchone()[0] == 1
    con.close()


def test_a_restore_in_the_window_keeps_the_scans_attached_after_the_backup(app, tmp_path):
    """The scan of a dossier the backup has comes back under it; the scan of a dossier the backup
    lacks (a desk not enrolled: nothing brings it back) is kept aside, and the tab says where."""
    import pikepdf
    desk = app.desk
    first = accept(desk, "Trần Thị Lan")
    saved = backup.make_backup(desk.path, reason="manual")
    files = []
    for seed in (1, 2):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.Root.Scan = pikepdf.Stream(pdf, random.Random(seed).randbytes(3000))
        pdf.save(tmp_path / f"scan{seed}.pdf", compress_streams=False)
        files.append(tmp_path / f"scan{seed}.pdf")
    on_first = desk.attach(first.code, [files[0]])
    later = accept(desk, "Lê Văn Ước")
    desk.attach(later.code, [files[1]])
    app.show("admin")
    tab = app.screens["admin"].backups
    tab.restore_from(saved)
    wait_background(app)
    text = tab.state.cget("text")
    assert "1 bản quét đính kèm sau bản sao lưu vẫn còn trên máy và được gắn lại vào hồ sơ của chúng." in text
    assert "1 bản quét không gắn lại được vào hồ sơ nào được giữ riêng tại" in text
    aside = app.desk.data_dir / "scans-after-restore"
    [kept] = [p for p in aside.rglob("*.pdf")]
    assert kept.name.startswith(later.code) and kept.read_bytes() == files[1].read_bytes()
    assert [a.sha256 for a in app.desk.attachments_of(app.desk.dossier(first.code))] == [on_first.sha256]
