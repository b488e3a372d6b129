"""The window's care of the data file: the banner for a damaged or read-only file, the daily
integrity check and backup off the UI thread, the backup on exit, and Quản trị's backup tab."""

import logging
from datetime import date
from pathlib import Path
from tkinter import filedialog, ttk

from commune_desk.errors import DeskError
from commune_desk.gui import dialogs
from commune_desk.gui.widgets import wrap_to_width
from commune_desk.store import backup, health

log = logging.getLogger("commune_desk.gui")


def daily_care(path: Path, today: date) -> dict:
    """Run off the UI thread at start: the full check once a day, then the day's backup."""
    problems = health.daily_full_check(path)
    made = None
    if not problems and backup.due_daily(path.parent, today):
        made = backup.make_backup(path, reason="daily")
    return {"problems": problems, "backup": made}


def start(app) -> None:
    desk = app.desk
    if desk.read_only is not None:
        app.show_banner(desk.read_only.message)
        return

    def done(result):
        if result["problems"]:
            app.show_banner(health.damaged_message(desk.path, health.problems_text(result["problems"])))

    app.background.run(lambda: daily_care(desk.path, desk.now().date()), on_done=done,
                       on_error=lambda exc: log.error("daily check or backup failed", exc_info=exc))
    # scans a crash left without their row (store/attachments.py), older than an hour
    app.background.run(desk.clean_attachments, on_error=lambda exc: log.error("scan clean-up failed", exc_info=exc))


def on_exit(app) -> None:
    desk = getattr(app, "desk", None)
    if desk is None or desk.read_only is not None or not desk.path.exists():
        return
    try:
        backup.make_backup(desk.path, reason="exit")
    except (DeskError, OSError) as exc:
        log.error("backup on exit failed: %s", exc)


def rebind(app) -> None:
    """After a restore the window's Desk is a new one on the restored file: the sign-in gate and
    the screens built on the replaced one (which now refuses every query) are rebuilt on it. The
    restored file has its own accounts: a desk with accounts asks to sign in again; otherwise every
    screen but this one is built afresh when next shown."""
    gate = getattr(app, "gate", None)
    if gate is None:
        return
    gate.desk = app.desk
    if app.desk.has_accounts():
        gate.sign_out()
        return
    for key, screen in list(app.screens.items()):
        if key != app.current and screen is not None:
            screen.destroy()
            app.screens[key] = None
            if key in app.holders:
                app.holders.pop(key).destroy()
    gate.refresh()


class BackupTab(ttk.Frame):
    """Quản trị → Sao lưu, khôi phục: back up now (to the data folder or, encrypted, to a USB
    stick), restore from a file with progress; the list of the data folder's backups."""

    def __init__(self, parent, app):
        super().__init__(parent, style="Panel.TFrame", padding=12)
        self.app = app
        ttk.Label(self, text="Ứng dụng tự sao lưu mỗi ngày, khi đóng cửa sổ và trước mỗi lần nâng cấp; mỗi bản "
                             "sao được kiểm tra ngay sau khi ghi.", style="Panel.TLabel").pack(anchor="w")
        row = ttk.Frame(self, style="Panel.TFrame")
        row.pack(fill="x", pady=6)
        ttk.Button(row, text="Sao lưu ngay", command=self.backup_now).pack(side="left")
        ttk.Button(row, text="Sao lưu ra USB (mã hoá)…", command=self.backup_to_usb).pack(side="left", padx=6)
        ttk.Button(row, text="Khôi phục từ bản sao lưu…", command=self.ask_restore).pack(side="left")
        self.progress = ttk.Progressbar(self, maximum=100, length=420)
        self.progress.pack(anchor="w", pady=4)
        self.state = ttk.Label(self, text="", style="Ok.TLabel", wraplength=1000)
        self.state.pack(anchor="w", fill="x")
        wrap_to_width(self.state)               # a restore names long paths (the file and scans kept aside)
        self.listing = ttk.Treeview(self, columns=("name", "size"), show="headings", height=8)
        self.listing.heading("name", text="Bản sao lưu trong thư mục dữ liệu")
        self.listing.heading("size", text="Dung lượng")
        self.listing.column("name", width=520)
        self.listing.column("size", width=120, anchor="e")
        self.listing.pack(fill="both", expand=True, pady=6)

    def on_show(self) -> None:
        self.listing.delete(*self.listing.get_children())
        for p in backup.list_backups(self.app.desk.data_dir):
            self.listing.insert("", "end", iid=str(p), values=(p.name, f"{p.stat().st_size / 1e6:.1f} MB"))

    def _set_progress(self, done: int, total: int) -> None:
        self._fraction = done / max(total, 1)     # called on the worker thread; painted by _paint

    def _paint(self) -> None:
        self.progress.configure(value=self._fraction * 100)
        if self.app.background.busy:
            self.after(100, self._paint)

    def _run(self, work, on_done, on_error) -> None:
        self._fraction = 0.0

        def finished(value):
            self._fraction = 1.0
            on_done(value)
        self.app.background.run(work, on_done=finished, on_error=on_error)
        self.after(100, self._paint)

    def backup_now(self, out: Path | None = None, password: str | None = None) -> None:
        path = self.app.desk.path
        self.state.configure(text="Đang sao lưu…", style="Ok.TLabel")
        self._run(
            lambda: backup.make_backup(path, out, reason="manual", password=password, progress=self._set_progress),
            on_done=lambda p: (self.state.configure(text=f"Đã sao lưu và kiểm tra: {p}"), self.on_show()),
            on_error=self._failed)

    def backup_to_usb(self) -> None:
        out = filedialog.asksaveasfilename(parent=self, title="Lưu bản sao lưu mã hoá",
                                           defaultextension=".enc", initialfile="desk.sqlite3.enc")
        if not out:
            return
        password = dialogs.askpassword("Mật khẩu", "Mật khẩu cho bản sao lưu (ít nhất 8 ký tự):", parent=self)
        if password:
            self.backup_now(Path(out), password)

    def ask_restore(self) -> None:
        start = self.app.desk.data_dir / backup.BACKUP_DIR
        name = filedialog.askopenfilename(parent=self, title="Chọn bản sao lưu", initialdir=str(start))
        if not name:
            return
        password = None
        if backup.is_encrypted(Path(name)):
            password = dialogs.askpassword("Mật khẩu", "Mật khẩu của bản sao lưu:", parent=self)
            if not password:
                return
        if dialogs.askyesno("Khôi phục", "Thay dữ liệu hiện tại bằng bản sao lưu này? Tệp hiện tại được giữ "
                                            "lại bên cạnh.", parent=self):
            self.restore_from(Path(name), password)

    def restore_from(self, source: Path, password: str | None = None) -> None:
        """Close this window's connection and the sync worker, restore, open the restored file."""
        app = self.app
        data_dir, clock = app.desk.data_dir, app.desk.clock
        if app.sync_worker is not None:
            app.sync_worker.stop(timeout=2)
            app.sync_worker = None
        app.desk.db.retire()
        self.state.configure(text="Đang khôi phục…", style="Ok.TLabel")

        def work():
            try:
                return backup.restore(source, data_dir / "desk.sqlite3", password=password,
                                      progress=self._set_progress)
            finally:
                from commune_desk.store.desk import Desk
                self._reopened = Desk(data_dir, clock=clock)

        def done(result):
            app.desk = self._reopened
            app.hide_banner()
            if app.desk.read_only is not None:
                app.show_banner(app.desk.read_only.message)
            self.progress.configure(value=100)
            aside = f" Tệp cũ giữ lại: {result['kept_aside']}." if result["kept_aside"] else ""
            self.state.configure(text=f"Đã khôi phục từ {source.name}.{aside}{backup.recovery_sentence(result)}")
            self.on_show()
            app.refresh_status()
            rebind(app)
            app.start_sync(now=True)      # an enrolled desk gets back what it sent since the backup

        def failed(exc):
            app.desk = getattr(self, "_reopened", app.desk)
            self._failed(exc)
            rebind(app)

        self._run(work, on_done=done, on_error=failed)

    def _failed(self, exc: BaseException) -> None:
        text = exc.message if isinstance(exc, DeskError) else f"Không thực hiện được: {exc}"
        self.state.configure(text=text, style="Error.TLabel")
