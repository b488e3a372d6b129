"""Quản trị › Thư mục quét: the folder a network scanner writes its scans into, which «Từ thư mục
quét» under a dossier's story attaches from. Chosen with the system's folder picker, checked off
the UI thread (a network share that is down can take long to answer), saved as an office setting
(audited like the others); cleared, the desk uses «scan-inbox» in its data folder."""

from tkinter import filedialog, ttk

from commune_desk import scanner
from commune_desk.errors import DeskError
from commune_desk.gui.widgets import wrap_to_width


class ScanTab(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, style="Panel.TFrame", padding=12)
        self.app = app
        intro = ttk.Label(self, style="Panel.TLabel", justify="left",
                          text="Máy quét mạng ghi mỗi bản quét thành một tệp vào một thư mục dùng chung; dưới diễn "
                               "biến của hồ sơ, nút «Từ thư mục quét» đính kèm các tệp đó. Tệp đã đính kèm được "
                               f"chuyển vào thư mục con «{scanner.DONE_DIR}».")
        intro.pack(anchor="w", fill="x")
        wrap_to_width(intro)
        self.current = ttk.Label(self, text="", style="Panel.TLabel", justify="left")
        self.current.pack(anchor="w", fill="x", pady=(8, 0))
        wrap_to_width(self.current)
        row = ttk.Frame(self, style="Panel.TFrame")
        row.pack(fill="x", pady=(8, 0))
        self.btn_choose = ttk.Button(row, text="Chọn thư mục…", style="Accent.TButton", command=self.choose)
        self.btn_choose.pack(side="left")
        self.btn_clear = ttk.Button(row, text="Dùng thư mục mặc định", command=self.clear)
        self.btn_clear.pack(side="left", padx=6)
        self.message = ttk.Label(self, text="", style="Ok.TLabel", justify="left")
        self.message.pack(anchor="w", fill="x", pady=(6, 0))
        wrap_to_width(self.message)

    def on_show(self) -> None:
        cfg = self.app.desk.config()
        chosen = cfg.scan_folder if cfg else ""
        default = self.app.desk.data_dir / scanner.INBOX_DIR
        self.current.configure(text=f"Thư mục quét: {chosen}" if chosen else
                               f"Thư mục quét: mặc định, «{scanner.INBOX_DIR}» trong thư mục dữ liệu ({default}).")
        self.btn_clear.configure(state="normal" if chosen else "disabled")

    def choose(self) -> None:
        cfg = self.app.desk.config()
        start = (cfg.scan_folder if cfg else "") or str(self.app.desk.data_dir)
        path = filedialog.askdirectory(parent=self, title="Chọn thư mục máy quét ghi bản quét vào",
                                       initialdir=start, mustexist=True)
        if path:
            self.use(path)

    def use(self, path: str) -> None:
        """Check the folder off the UI thread, then save it."""
        self._busy(True)
        self.message.configure(text="Đang kiểm tra thư mục…", style="Panel.TLabel")
        self.app.background.run(lambda: scanner.check_folder(path), on_done=self._save, on_error=self._refused)

    def clear(self) -> None:
        self._save("")

    def _save(self, folder: str) -> None:
        desk = self.app.desk
        cfg = desk.require_config()
        try:
            desk.setup(office_name=cfg.office_name, agency_code=cfg.agency_code, desk=cfg.desk, scan_folder=folder)
        except DeskError as exc:
            self._refused(exc)
            return
        self._busy(False)
        self.message.configure(text=f"Đã đặt thư mục quét: {folder}." if folder else
                               "Đã trở về thư mục quét mặc định.", style="Ok.TLabel")

    def _refused(self, exc: BaseException) -> None:
        self._busy(False)
        said = exc.message if isinstance(exc, DeskError) else f"Không kiểm tra được thư mục ({exc})."
        self.message.configure(text=said, style="Error.TLabel")

    def _busy(self, busy: bool) -> None:
        self.btn_choose.configure(state="disabled" if busy else "normal")
        if busy:
            self.btn_clear.configure(state="disabled")
        else:
            self.on_show()
