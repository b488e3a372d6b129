"""Quản trị › Máy in: the printers the operating system knows (CUPS or Windows), the paper loaded in
each one, and which one this counter prints on. Every job then carries that printer's paper size."""

from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui.widgets import wrap_to_width
from commune_desk.printing import PAPER_LABELS

PAPER_NAMES = dict(PAPER_LABELS)
PAPERS = {label: key for key, label in PAPER_NAMES.items()}
SYSTEM_DEFAULT = "<default>"          # the list's row for «the system's default printer» (printer "")


class PrinterTab(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, style="Panel.TFrame", padding=12)
        self.app = app
        self.printers = []
        self.current = ttk.Label(self, text="", style="Panel.TLabel", justify="left")
        self.current.pack(anchor="w", fill="x")
        wrap_to_width(self.current)
        box = ttk.Frame(self, style="Panel.TFrame")
        box.pack(fill="both", expand=True, pady=(6, 0))
        box.columnconfigure(0, weight=1)
        box.rowconfigure(0, weight=1)
        cols = ("name", "state", "paper")
        self.list = ttk.Treeview(box, columns=cols, show="headings", height=6, selectmode="browse")
        for col, text, width in (("name", "Máy in", 260), ("state", "Trạng thái", 150), ("paper", "Khổ giấy", 150)):
            self.list.heading(col, text=text, anchor="w")
            self.list.column(col, width=width, minwidth=90, anchor="w", stretch=(col == "name"))
        self.list.grid(row=0, column=0, sticky="nsew")
        self.list.bind("<<TreeviewSelect>>", lambda e: self._picked())
        row = ttk.Frame(self, style="Panel.TFrame")
        row.pack(fill="x", pady=(8, 0))
        ttk.Label(row, text="Khổ giấy lắp trong máy in này:", style="Panel.TLabel").pack(side="left")
        self.paper = ttk.Combobox(row, values=list(PAPERS), state="readonly", width=16)
        self.paper.set("A5")
        self.paper.pack(side="left", padx=6)
        self.btn_use = ttk.Button(row, text="Dùng máy in này", style="Accent.TButton", command=self.use)
        self.btn_use.pack(side="left", padx=6)
        ttk.Button(row, text="Tìm lại máy in", command=self.on_show).pack(side="left", padx=6)
        self.message = ttk.Label(self, text="", style="Ok.TLabel", justify="left")
        self.message.pack(anchor="w", fill="x", pady=(6, 0))
        wrap_to_width(self.message)

    def on_show(self) -> None:
        from commune_desk.printing import list_printers
        self.message.configure(text="Đang tìm máy in…", style="Panel.TLabel")
        self.app.background.run(list_printers, on_done=self._fill,
                                on_error=lambda exc: self._fill([]))

    def _fill(self, printers) -> None:
        cfg = self.app.desk.config()
        papers = dict(cfg.printer_papers or {}) if cfg else {}
        self.printers = printers
        self.list.delete(*self.list.get_children())
        self.list.insert("", "end", iid=SYSTEM_DEFAULT, values=(
            "(Máy in mặc định của hệ thống)", "", PAPER_NAMES.get(papers.get("", cfg.paper if cfg else "a5"))))
        for p in printers:
            name = f"{p.name} (mặc định)" if p.default else p.name
            self.list.insert("", "end", iid=p.name, values=(name, p.state,
                                                          PAPER_NAMES.get(papers.get(p.name, cfg.paper if cfg else "a5"))))
        chosen = (cfg.printer if cfg else "") or SYSTEM_DEFAULT
        if self.list.exists(chosen):
            self.list.selection_set(chosen)
            self.list.see(chosen)
        self._show_current()
        self.message.configure(text="" if printers else "Máy này chưa có máy in nào — nhờ cán bộ kỹ thuật cài "
                                                        "máy in, rồi bấm «Tìm lại máy in».",
                               style="Ok.TLabel" if printers else "Error.TLabel")

    def _show_current(self) -> None:
        from commune_desk.gui.app import printer_paper
        cfg = self.app.desk.config()
        if cfg is None:
            return
        name = cfg.printer or "máy in mặc định của hệ thống"
        self.current.configure(text=f"Quầy này in trên: {name}, khổ {PAPER_NAMES.get(printer_paper(cfg), 'A5')}. "
                                    "Chọn máy in trong danh sách, chọn khổ giấy đang lắp, rồi bấm «Dùng máy in này».")

    def _picked(self) -> None:
        sel = self.list.selection()
        if sel:
            paper = self.list.item(sel[0], "values")[2]
            if paper in PAPERS:
                self.paper.set(paper)

    def use(self) -> None:
        sel = self.list.selection()
        if not sel:
            self.message.configure(text="Hãy chọn một máy in trong danh sách.", style="Error.TLabel")
            return
        row, paper = sel[0], PAPERS[self.paper.get()]
        name = "" if row == SYSTEM_DEFAULT else row
        desk = self.app.desk
        cfg = desk.require_config()
        papers = {**(cfg.printer_papers or {}), name: paper}
        try:
            desk.setup(office_name=cfg.office_name, agency_code=cfg.agency_code, desk=cfg.desk, printer=name,
                       paper=paper, printer_papers=papers)
        except DeskError as exc:
            self.message.configure(text=exc.message, style="Error.TLabel")
            return
        self.list.set(row, "paper", self.paper.get())
        intake = self.app.screens.get("intake")
        if intake is not None:
            intake.paper.set(PAPER_NAMES[paper] if PAPER_NAMES[paper] in intake.paper.cget("values") else "A5")
        self._show_current()
        self.message.configure(text=f"Đã chọn máy in {name or 'mặc định của hệ thống'}, khổ {self.paper.get()}.",
                               style="Ok.TLabel")
