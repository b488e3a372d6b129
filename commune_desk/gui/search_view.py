"""Tra cứu: one box, results as you type. Code (full or part), name without accents ('dat' finds
Đạt), ID number, phone. Enter or a double click opens the dossier's story; F2 takes it to Xử lý."""

import tkinter as tk
from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui import theme
from commune_desk.gui.story import StoryPanel
from commune_desk.gui.widgets import cell_tips
from commune_desk.gui.tables import fit_columns, scrolled, short, standing
from commune_desk.rules.lifecycle import FINISHED
from commune_desk.rules.statuses import Status

DEBOUNCE_MS = 150
LIMIT = 50


class SearchView(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, padding=(16, 10))
        self.app = app
        self.desk = app.desk
        self.results = []
        self._job = None
        self._build()

    def _build(self) -> None:
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=2)
        self.rowconfigure(3, weight=3)
        head = ttk.Frame(self)
        head.grid(row=0, column=0, sticky="ew", pady=(0, 6))
        ttk.Label(head, text="Tra cứu hồ sơ", style="Title.TLabel").pack(side="left")
        ttk.Label(head, text="↓ chọn kết quả · Enter: xem quá trình · Esc: xóa ô tìm",
                  foreground=theme.MUTED).pack(side="right")

        box = ttk.Frame(self, style="Panel.TFrame", padding=(12, 8))
        box.grid(row=1, column=0, sticky="ew")
        box.columnconfigure(0, weight=1)
        ttk.Label(box, text="Mã hồ sơ (đủ hoặc một phần), họ tên (gõ có dấu hoặc không dấu), "
                            "số định danh hoặc số điện thoại:", style="Panel.TLabel").grid(row=0, column=0, sticky="w")
        self.query = tk.StringVar(master=self)
        self.entry = ttk.Entry(box, textvariable=self.query, font=self.app.fonts["big"])
        self.entry.grid(row=1, column=0, sticky="ew", pady=(2, 2))
        self.count = ttk.Label(box, text="", style="Muted.TLabel")
        self.count.grid(row=2, column=0, sticky="w")
        self.query.trace_add("write", lambda *_: self._schedule())
        self.entry.bind("<Down>", self._into_results)
        self.entry.bind("<Return>", lambda e: (self.search_now(), self._open_first(), "break")[2])
        self.entry.bind("<Escape>", lambda e: (self.query.set(""), "break")[1])

        listing = ttk.Frame(self, style="Panel.TFrame", padding=(8, 6))
        listing.grid(row=2, column=0, sticky="nsew", pady=(8, 0))
        listing.columnconfigure(0, weight=1)
        listing.rowconfigure(0, weight=1)
        cols = ("code", "name", "id_number", "phone", "procedure", "status", "due")
        self.tree = ttk.Treeview(listing, columns=cols, show="headings", height=7, selectmode="browse")
        for col, text in (("code", "Mã hồ sơ"), ("name", "Người nộp"), ("id_number", "Số định danh"),
                          ("phone", "Điện thoại"), ("procedure", "Thủ tục"), ("status", "Trạng thái"),
                          ("due", "Hạn trả / kết quả")):
            self.tree.heading(col, text=text, anchor="w")
            self.tree.column(col, anchor="w")
        fit_columns(self.tree, {"code": 205, "id_number": 115, "phone": 100, "due": 125},
                    {"name": 3, "procedure": 3, "status": 3}, minimum=120)
        scrolled(listing, self.tree)
        cell_tips(self.tree, "procedure", "name")
        self.tree.bind("<Return>", lambda e: self.open_selected())
        self.tree.bind("<Double-1>", lambda e: self.open_selected())

        lower = ttk.Frame(self, style="Panel.TFrame")
        lower.grid(row=3, column=0, sticky="nsew", pady=(8, 0))
        lower.columnconfigure(0, weight=1)
        lower.rowconfigure(0, weight=1)
        self.story = StoryPanel(lower, self.app, height=5)
        self.story.grid(row=0, column=0, sticky="nsew")
        self.btn_process = ttk.Button(lower, text="Xử lý hồ sơ này (F2)", command=self.to_process, state="disabled")
        self.btn_process.grid(row=1, column=0, sticky="e", padx=10, pady=(0, 8))

    def on_show(self) -> None:
        self.entry.focus_set()
        self.entry.select_range(0, "end")

    # ---- searching -----------------------------------------------------------------------------

    def _schedule(self) -> None:
        if self._job:
            self.after_cancel(self._job)
        self._job = self.after(DEBOUNCE_MS, self.search_now)

    def search_now(self) -> None:
        if self._job:
            self.after_cancel(self._job)
            self._job = None
        text = self.query.get()
        try:
            self.results = self.desk.find(text, limit=LIMIT) if text.strip() else []
        except DeskError as exc:
            self.app.error(exc)
            return
        now = self.desk.now()
        self.tree.delete(*self.tree.get_children())
        for d in self.results:
            self.tree.insert("", "end", iid=d.code, values=(
                d.code, d.applicant_name, d.id_number, d.phone, d.procedure_name, Status(d.status).label,
                standing(self.desk, d, now) if Status(d.status) in FINISHED
                else short(d.due_at)))
        if not text.strip():
            self.count.configure(text="")
        elif self.results:
            more = " (hiển thị " + str(LIMIT) + " hồ sơ mới nhất; gõ thêm để thu hẹp)" if len(self.results) >= LIMIT else ""
            self.count.configure(text=f"{len(self.results)} hồ sơ{more}", style="Muted.TLabel")
        else:
            self.count.configure(text=f"Không tìm thấy hồ sơ nào khớp «{text.strip()}».", style="Error.TLabel")
        if self.results:
            self.tree.selection_set(self.results[0].code)

    def result_names(self) -> list[str]:
        return [self.tree.item(i, "values")[1] for i in self.tree.get_children()]

    def _into_results(self, event=None):
        children = self.tree.get_children()
        if children:
            self.tree.focus_set()
            self.tree.focus(children[0])
            self.tree.selection_set(children[0])
        return "break"

    def _open_first(self) -> None:
        if self.results:
            self.open(self.results[0].code)

    def open_selected(self) -> None:
        sel = self.tree.selection()
        if sel:
            self.open(sel[0])

    def open(self, code: str) -> None:
        try:
            self.story.show(self.desk.dossier(code))
        except DeskError as exc:
            self.app.error(exc)
            return
        self.btn_process.configure(state="normal")

    def to_process(self) -> None:
        d = self.story.dossier
        if d is None:
            return
        self.event_generate("<<OpenDossier>>", data=d.code)
