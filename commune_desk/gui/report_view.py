"""Báo cáo: the figures an office publishes for a period (the same SQL aggregate as the district),
period presets, a split by field / procedure / channel / clerk, charts on a Canvas, export to
PDF and Excel. The figures are read in the background; the view only shows them."""

from datetime import datetime
import tkinter as tk
from tkinter import filedialog, ttk

from commune_desk.documents import export_report, report_document
from commune_desk.gui import charts, tables, theme
from commune_desk.gui.widgets import Field
from commune_desk.rules.dates import read_day
from commune_desk.rules.report import (PRESETS, RATE_LABEL, RATING_LABEL, REPORT_LINES, SPLITS, format_average,
                                       format_count, format_rate, preset_period)

WHOLE_OFFICE = "Toàn cơ quan"
CHART_ROW_PX = 250
WIDE_CHARTS_PX = 760      # narrower than this, the three charts take two rows
RECEIVED_COLOUR, RESOLVED_COLOUR, LATE_COLOUR = "#1f5f8b", "#2e8b57", "#b22222"


class ReportView(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, padding=(16, 12))
        self.app = app
        self.doc = None
        self._asked = None
        ttk.Label(self, text="Báo cáo tình hình tiếp nhận và giải quyết hồ sơ", style="Title.TLabel").pack(anchor="w")
        bar = ttk.Frame(self, style="Panel.TFrame", padding=10)
        bar.pack(fill="x", pady=8)
        self.preset = Field(bar, "Kỳ báo cáo", 12, widget="combo", values=list(PRESETS.values()))
        self.date_from = Field(bar, "Từ ngày (ngày/tháng/năm)", 14)
        self.date_to = Field(bar, "Đến ngày", 14)
        self.split = Field(bar, "Chia theo", 18, widget="combo", values=[WHOLE_OFFICE, *SPLITS.values()])
        # the choices on one line, the buttons on the next: both fit a 1024 px screen
        choices, buttons = ttk.Frame(bar, style="Panel.TFrame"), ttk.Frame(bar, style="Panel.TFrame")
        choices.pack(fill="x")
        buttons.pack(fill="x", pady=(4, 0))
        for f in (self.preset, self.date_from, self.date_to, self.split):
            f.pack(in_=choices, side="left", padx=4)
            f.lift(choices)                  # made before the row frame: keep them above it
        self.btn_run = ttk.Button(bar, text="Lập báo cáo (Enter)", style="Accent.TButton", command=self.refresh)
        self.btn_run.pack(in_=buttons, side="left", padx=4)
        self.btn_pdf = ttk.Button(bar, text="Xuất PDF", command=lambda: self.export("pdf"))
        self.btn_xlsx = ttk.Button(bar, text="Xuất Excel", command=lambda: self.export("xlsx"))
        self.btn_pdf.pack(in_=buttons, side="left", padx=4)
        self.btn_xlsx.pack(in_=buttons, side="left", padx=4)
        for b in (self.btn_run, self.btn_pdf, self.btn_xlsx):
            b.lift(buttons)
        self.preset.input.bind("<<ComboboxSelected>>", lambda e: self.apply_preset())
        self.split.input.bind("<<ComboboxSelected>>", lambda e: self.refresh())
        for f in (self.date_from, self.date_to):
            f.input.bind("<Return>", lambda e: self.refresh())
            f.input.bind("<Key>", lambda e: self.preset.set(PRESETS["custom"]) if e.char else None, add="+")
        self.preset.set(PRESETS["month"])
        self.split.set(SPLITS["field"])
        self.apply_preset(run=False)

        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        body.columnconfigure(1, weight=1)
        body.rowconfigure(1, weight=1)
        self.figures = ttk.Treeview(body, columns=("label", "value"), show="headings", height=23)
        self.figures.heading("label", text="Chỉ tiêu")
        self.figures.heading("value", text="Số hồ sơ")
        self.figures.column("label", width=260)
        self.figures.column("value", width=90, anchor="e")
        self.figures.grid(row=0, column=0, rowspan=2, sticky="n")
        self.canvas = tk.Canvas(body, width=300, height=CHART_ROW_PX, background=theme.PANEL, highlightthickness=1,
                                highlightbackground="#d5dbe3")
        self.canvas.grid(row=0, column=1, sticky="ew", padx=(12, 0))
        self.canvas.bind("<Configure>", lambda e: self.draw_charts())
        tabs = ttk.Notebook(body)
        tabs.grid(row=1, column=1, sticky="nsew", padx=(12, 0), pady=(8, 0))
        self.tabs = tabs
        self.groups = _tab_table(tabs, "Chia theo lĩnh vực", (
            ("label", "", 200), ("received", "Tiếp nhận", 80), ("new", "Mới", 70), ("online", "Trực tuyến", 80),
            ("resolved", "Đã giải quyết", 95), ("late", "Quá hạn", 70), ("open", "Đang giải quyết", 115),
            ("overdue", "Đang quá hạn", 105), ("rate", "Đúng hạn", 80)))
        for col in self.groups["columns"]:
            self.groups.column(col, anchor="w" if col == "label" else "e", stretch=col == "label")
        self.overdue = _tab_table(tabs, "Hồ sơ đang quá hạn", (
            ("code", "Mã hồ sơ", 200), ("name", "Người nộp", 170), ("procedure", "Thủ tục", 240),
            ("due", "Hạn trả", 120), ("late", "Quá (ngày)", 90)))
        self.message = ttk.Label(self, text="", style="Error.TLabel")
        self.message.pack(anchor="w")

    # ---- the period -------------------------------------------------------------------------

    def apply_preset(self, run: bool = True) -> None:
        name = next((k for k, v in PRESETS.items() if v == self.preset.get()), "custom")
        if name == "custom":
            self.date_from.input.focus_set()
            return
        first, last = preset_period(name, self.app.desk.now().date())
        self.date_from.set(f"{first:%d/%m/%Y}")
        self.date_to.set(f"{last:%d/%m/%Y}")
        if run:
            self.refresh()

    def _period(self):
        start, end = read_day(self.date_from.get()), read_day(self.date_to.get())
        if start is None or end is None or end < start:
            self.message.configure(text="Hãy nhập kỳ báo cáo hợp lệ, ví dụ từ 01/11/2026 đến 30/11/2026.",
                                   style="Error.TLabel")
            return None
        by = next((k for k, v in SPLITS.items() if v == self.split.get()), None)
        return start, end, by

    def on_show(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        period = self._period()
        if period is None:
            return
        self.message.configure(text="Đang tính số liệu…", style="Muted.TLabel")
        desk = self.app.desk
        # only the latest request is shown: an earlier one may finish after it
        self._asked = asked = object()
        self.app.background.run(lambda: report_document(desk, *period),
                                on_done=lambda doc: self._show(doc) if asked is self._asked else None,
                                on_error=self.app.error)

    # ---- showing ----------------------------------------------------------------------------

    def _show(self, doc) -> None:
        self.doc = doc
        r = doc.report
        figures = r.to_dict()
        self.message.configure(text=f"Kỳ {doc.period_from:%d/%m/%Y} – {doc.period_to:%d/%m/%Y}; số liệu tính đến "
                                    f"{datetime.fromisoformat(r.at):%H:%M %d/%m/%Y}.", style="Muted.TLabel")
        self.figures.delete(*self.figures.get_children())
        for key, label in REPORT_LINES:
            self.figures.insert("", "end", iid=key, values=(label, format_count(figures[key])))
        self.figures.insert("", "end", iid="rate", values=(RATE_LABEL, format_rate(r.on_time_rate)))
        self.figures.insert("", "end", iid="rating", values=(RATING_LABEL, format_average(r.rating_average)))
        self.groups.delete(*self.groups.get_children())
        title = SPLITS.get(doc.by, WHOLE_OFFICE)
        self.groups.heading("label", text=title)
        self.tabs.tab(0, text=f"Chia theo {title.lower()}" if doc.by else WHOLE_OFFICE)
        for key, label, g in doc.groups or (("", WHOLE_OFFICE, r),):
            self.groups.insert("", "end", values=(label, *map(format_count, (
                g.received, g.new, g.new_by_channel["2"], g.resolved, g.resolved_late, g.open, g.open_overdue)),
                format_rate(g.on_time_rate)))
        self.overdue.delete(*self.overdue.get_children())
        for item in r.overdue:
            due = f"{datetime.fromisoformat(item.due_at):%H:%M %d/%m/%Y}"
            self.overdue.insert("", "end", values=(item.code, item.applicant_name, item.procedure_name, due,
                                                   item.overdue_days))
        self.tabs.tab(1, text=f"Hồ sơ đang quá hạn ({format_count(len(r.overdue))})")
        self.draw_charts()

    def draw_charts(self) -> None:
        self.canvas.delete("all")
        doc = self.doc
        if doc is None:
            return
        w = max(self.canvas.winfo_width(), 300)
        months = [f"T{m.month}" + (f"/{m.year % 100}" if len(doc.months) <= 6 else "") for m, _ in doc.months]
        fonts = self.app.fonts
        # three charts side by side where they fit (1366 px); on a 1024 px counter the monthly chart
        # takes a row of its own and the two others share the next, so no chart is cut off
        wide = w >= WIDE_CHARTS_PX
        height = CHART_ROW_PX if wide else 2 * CHART_ROW_PX
        if int(self.canvas.cget("height")) != height:
            self.canvas.configure(height=height)
        h = CHART_ROW_PX
        first = w * 0.42 if wide else w
        charts.bars(self.canvas, 10, 8, first - 10, h - 12, "Tiếp nhận mới và đã giải quyết theo tháng", months,
                    [("Tiếp nhận", RECEIVED_COLOUR, [r.new for _, r in doc.months]),
                     ("Giải quyết", RESOLVED_COLOUR, [r.resolved for _, r in doc.months])], fonts)
        x2, y2 = (first, 8) if wide else (0, h + 8)
        second = w * 0.28 if wide else w * 0.45
        charts.line(self.canvas, x2 + 10, y2, second - 10, h - 12, "Tỷ lệ đúng hạn (%)", months,
                    [r.on_time_rate for _, r in doc.months], RESOLVED_COLOUR, fonts)
        charts.hbars(self.canvas, x2 + second + 10, y2, w - x2 - second - 20, h - 12, "Quá hạn theo lĩnh vực",
                     [(label, g.resolved_late + g.open_overdue) for label, g in doc.fields], LATE_COLOUR, fonts,
                     empty="Không có hồ sơ quá hạn trong kỳ.")

    # ---- export -----------------------------------------------------------------------------

    def export(self, fmt: str) -> None:
        period = self._period()
        if period is None:
            return
        start, end, by = period
        kind = ("Tệp PDF", "*.pdf") if fmt == "pdf" else ("Tệp Excel", "*.xlsx")
        path = filedialog.asksaveasfilename(parent=self, title="Lưu báo cáo", defaultextension=f".{fmt}",
                                            initialfile=f"bao-cao-{start}-{end}.{fmt}", filetypes=[kind])
        if not path:
            return
        desk = self.app.desk

        self.message.configure(text="Đang lưu báo cáo…", style="Muted.TLabel")
        self.app.background.run(lambda: export_report(desk, start, end, by, fmt, path) and path, on_done=lambda p: self.message.configure(
            text=f"Đã lưu báo cáo vào {p}.", style="Ok.TLabel"), on_error=self.app.error)


def _tab_table(tabs: ttk.Notebook, title: str, columns) -> ttk.Treeview:
    """A notebook page holding a table that scrolls its own columns: (name, heading, width) each."""
    box = ttk.Frame(tabs)
    box.columnconfigure(0, weight=1)
    box.rowconfigure(0, weight=1)
    tree = ttk.Treeview(box, columns=[c for c, _, _ in columns], show="headings")
    tables.scrolled(box, tree)
    for col, text, width in columns:
        tree.heading(col, text=text)
        tree.column(col, width=width)
    tabs.add(box, text=title)
    return tree
