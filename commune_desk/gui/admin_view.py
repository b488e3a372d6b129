"""Quản trị: the office's settings, the fees of the procedure catalog, and its own days off."""

from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui.printer_tab import PrinterTab
from commune_desk.gui.scan_tab import ScanTab
from commune_desk.gui.storage import BackupTab
from commune_desk.gui.widgets import Field, TabbedScreen, cell_tips
from commune_desk.rules.dates import read_day

SETTINGS = [("office_name", "Tên cơ quan", 40), ("unit", "Tên bộ phận (dòng 2 tiêu đề)", 40),
            ("address", "Địa chỉ trụ sở (in nơi nhận kết quả)", 50), ("clerk_name", "Cán bộ tiếp nhận", 30),
            ("place", "Địa danh trên phiếu", 24), ("head_name", "Người ký văn bản (thủ trưởng)", 30),
            ("lookup_url", "Địa chỉ tra cứu trong mã QR ({code})", 50), ("upstream_url", "Máy chủ cấp trên", 50),
            ("idle_lock_minutes", "Tự khóa màn hình sau (phút)", 6)]


class AdminView(TabbedScreen):
    def __init__(self, parent, app):
        super().__init__(parent, app, "Quản trị")
        tabs = self.tabs
        tabs.add(self._office_tab(tabs), text="Cơ quan")
        tabs.add(self._catalog_tab(tabs), text="Danh mục thủ tục, lệ phí")
        tabs.add(self._calendar_tab(tabs), text="Ngày nghỉ, ngày làm bù")
        self.printer_tab = PrinterTab(tabs, app)
        tabs.add(self.printer_tab, text="Máy in")
        self.scan_tab = ScanTab(tabs, app)
        tabs.add(self.scan_tab, text="Thư mục quét")
        self.backups = BackupTab(tabs, app)
        tabs.add(self.backups, text="Sao lưu, khôi phục")

    # ---- office ------------------------------------------------------------------------------
    def _office_tab(self, parent):
        tab = ttk.Frame(parent, style="Panel.TFrame", padding=12)
        self.settings = {}
        grid = ttk.Frame(tab, style="Panel.TFrame")          # two columns: the tab fits 768 px in height
        grid.pack(fill="x")
        grid.columnconfigure(0, weight=1, uniform="s")
        grid.columnconfigure(1, weight=1, uniform="s")
        for i, (key, label, width) in enumerate(SETTINGS):
            f = Field(grid, label, min(width, 24))
            f.grid(row=i // 2, column=i % 2, sticky="ew", padx=(0, 12), pady=2)
            self.settings[key] = f
        ttk.Label(tab, text="Mã định danh cơ quan và số quầy chỉ đặt khi thiết lập (commune-desk setup).",
                  style="Muted.TLabel").pack(anchor="w", pady=4)
        self.office_msg = ttk.Label(tab, text="", style="Ok.TLabel")
        self.office_msg.pack(anchor="w")
        ttk.Button(tab, text="Lưu", style="Accent.TButton", command=self.save_office).pack(anchor="e")
        return tab

    def save_office(self) -> None:
        cfg = self.app.desk.require_config()
        values = {k: f.get() for k, f in self.settings.items()}
        for f in self.settings.values():
            f.show_error(None)
        try:
            self.app.desk.setup(agency_code=cfg.agency_code, desk=cfg.desk, **values)
        except DeskError as exc:
            self.settings.get(exc.field, self.settings["office_name"]).show_error(exc.message)
            return
        self.office_msg.configure(text="Đã lưu thiết lập.")
        self.app.refresh_status()

    # ---- catalog -----------------------------------------------------------------------------
    def _catalog_tab(self, parent):
        tab = ttk.Frame(parent, style="Panel.TFrame", padding=12)
        cols = ("id", "name", "days", "fee")
        self.catalog = ttk.Treeview(tab, columns=cols, show="headings", height=14, selectmode="browse")
        for col, text, width, anchor in (("id", "Mã", 90, "w"), ("name", "Tên thủ tục", 560, "w"),
                                         ("days", "Thời hạn", 90, "center"), ("fee", "Lệ phí (đồng)", 110, "e")):
            self.catalog.heading(col, text=text)
            self.catalog.column(col, width=width, anchor=anchor)
        self.catalog.pack(fill="both", expand=True)
        cell_tips(self.catalog, "name")
        row = ttk.Frame(tab, style="Panel.TFrame")
        row.pack(fill="x", pady=6)
        self.fee = Field(row, "Lệ phí mới (đồng) cho thủ tục đang chọn", 14)
        self.fee.pack(side="left")
        ttk.Button(row, text="Lưu lệ phí", command=self.save_fee).pack(side="left", padx=8, anchor="s")
        self.catalog.bind("<<TreeviewSelect>>", lambda e: self.fee.set(self._selected_fee()))
        return tab

    def _selected_fee(self):
        sel = self.catalog.selection()
        return self.catalog.item(sel[0], "values")[3].replace(".", "") if sel else ""

    def save_fee(self) -> None:
        sel = self.catalog.selection()
        text = self.fee.get().replace(".", "").strip()
        if not sel:
            self.fee.show_error("Hãy chọn một thủ tục trong danh sách.")
            return
        if not text.isdigit():
            self.fee.show_error("Lệ phí phải là số tiền (đồng), ví dụ 5000.")
            return
        try:
            self.app.desk.edit_procedure(sel[0], fee=int(text))
        except DeskError as exc:
            self.fee.show_error(exc.message)
            return
        self.fee.show_error(None)
        self._fill_catalog()
        self.catalog.selection_set(sel[0])

    def _fill_catalog(self) -> None:
        self.catalog.delete(*self.catalog.get_children())
        for p in self.app.desk.procedures():
            days = "trong ngày" if p.days == 0 else f"{p.days} ngày"
            self.catalog.insert("", "end", iid=p.id, values=(p.id, p.name, days, f"{p.fee:,}".replace(",", ".")))

    # ---- calendar ----------------------------------------------------------------------------
    def _calendar_tab(self, parent):
        tab = ttk.Frame(parent, style="Panel.TFrame", padding=12)
        ttk.Label(tab, text="Lịch nghỉ lễ, Tết, ngày nghỉ bù và thứ Bảy làm bù theo quy định đã có sẵn; "
                            "ở đây cơ quan ghi đè từng ngày.", style="Panel.TLabel").pack(anchor="w")
        row = ttk.Frame(tab, style="Panel.TFrame")
        row.pack(fill="x", pady=6)
        self.day = Field(row, "Ngày (ngày/tháng/năm)", 14)
        self.day.pack(side="left")
        self.day_note = Field(row, "Ghi chú", 30)
        self.day_note.pack(side="left", padx=6)
        ttk.Button(row, text="Là ngày nghỉ", command=lambda: self.set_day(False)).pack(side="left", anchor="s")
        ttk.Button(row, text="Là ngày làm việc", command=lambda: self.set_day(True)).pack(side="left", padx=6, anchor="s")
        self.day_state = ttk.Label(tab, text="", style="Ok.TLabel")
        self.day_state.pack(anchor="w")
        return tab

    def set_day(self, working: bool) -> None:
        day = read_day(self.day.get())
        if day is None:
            self.day.show_error("Ngày phải có dạng ngày/tháng/năm, ví dụ 02/01/2027.")
            return
        try:
            self.app.desk.set_calendar_day(day, working, self.day_note.get())
        except DeskError as exc:
            self.day_note.show_error(exc.message)
            return
        self.day.show_error(None)
        self.day_state.configure(text=f"Ngày {day:%d/%m/%Y}: {'ngày làm việc' if working else 'ngày nghỉ'}.")

    def on_show(self) -> None:
        cfg = self.app.desk.config()
        if cfg:
            for key, f in self.settings.items():
                f.set(getattr(cfg, key))
        self._fill_catalog()
        self.backups.on_show()
        self.printer_tab.on_show()
        self.scan_tab.on_show()
