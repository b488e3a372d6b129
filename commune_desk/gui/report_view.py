"""Báo cáo: the figures an office publishes for a period, from the same engine as the district."""

from datetime import datetime
from tkinter import ttk

from commune_desk.gui.widgets import Field
from commune_desk.rules.dates import read_day
from commune_desk.rules.report import REPORT_LINES


class ReportView(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, padding=(16, 12))
        self.app = app
        ttk.Label(self, text="Báo cáo tình hình giải quyết hồ sơ", style="Title.TLabel").pack(anchor="w")
        bar = ttk.Frame(self, style="Panel.TFrame", padding=10)
        bar.pack(fill="x", pady=8)
        today = app.desk.now().date()
        self.date_from = Field(bar, "Từ ngày (ngày/tháng/năm)", 14)
        self.date_to = Field(bar, "Đến ngày", 14)
        self.date_from.set(f"{today.replace(day=1):%d/%m/%Y}")
        self.date_to.set(f"{today:%d/%m/%Y}")
        self.date_from.pack(side="left", padx=4)
        self.date_to.pack(side="left", padx=4)
        ttk.Button(bar, text="Lập báo cáo (Enter)", style="Accent.TButton", command=self.refresh).pack(side="left", padx=8)
        for f in (self.date_from, self.date_to):
            f.input.bind("<Return>", lambda e: self.refresh())
        body = ttk.Frame(self)
        body.pack(fill="both", expand=True)
        self.figures = ttk.Treeview(body, columns=("label", "value"), show="headings", height=16)
        self.figures.heading("label", text="Chỉ tiêu")
        self.figures.heading("value", text="Số hồ sơ")
        self.figures.column("label", width=300)
        self.figures.column("value", width=110, anchor="e")
        self.figures.pack(side="left", fill="y")
        right = ttk.LabelFrame(body, text="Hồ sơ quá hạn", padding=6)
        right.pack(side="left", fill="both", expand=True, padx=(12, 0))
        cols = ("code", "name", "procedure", "due", "late")
        self.overdue = ttk.Treeview(right, columns=cols, show="headings")
        for col, text, width in (("code", "Mã hồ sơ", 200), ("name", "Người nộp", 170), ("procedure", "Thủ tục", 240),
                                 ("due", "Hạn trả", 120), ("late", "Quá (ngày)", 80)):
            self.overdue.heading(col, text=text)
            self.overdue.column(col, width=width)
        self.overdue.pack(fill="both", expand=True)
        self.message = ttk.Label(self, text="", style="Error.TLabel")
        self.message.pack(anchor="w")

    def on_show(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        start, end = read_day(self.date_from.get()), read_day(self.date_to.get())
        if start is None or end is None or end < start:
            self.message.configure(text="Hãy nhập kỳ báo cáo hợp lệ, ví dụ từ 01/11/2026 đến 30/11/2026.")
            return
        self.message.configure(text="")
        desk = self.app.desk
        self.app.background.run(lambda: desk.report(start, end).to_dict(), on_done=self._show,
                                on_error=self.app.error)

    def _show(self, report: dict) -> None:
        self.figures.delete(*self.figures.get_children())
        for key, label in REPORT_LINES:
            self.figures.insert("", "end", iid=key, values=(label, report[key]))
        rate = report["on_time_rate"]
        self.figures.insert("", "end", iid="rate",
                            values=("Tỷ lệ giải quyết đúng hạn", "—" if rate is None else f"{rate:.2f} %"))
        self.overdue.delete(*self.overdue.get_children())
        for item in report["overdue"]:
            due = f"{datetime.fromisoformat(item['due_at']):%H:%M %d/%m/%Y}"
            self.overdue.insert("", "end", values=(item["code"], item["applicant_name"], item["procedure_name"],
                                                   due, item["overdue_days"]))
