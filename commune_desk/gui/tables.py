"""What the screens' tables share: instants and working-time spans as the clerk reads them, where
a dossier stands against its due time, and Treeview columns that fit the window."""

from datetime import datetime
from tkinter import ttk

from commune_desk.rules.lifecycle import FINISHED
from commune_desk.rules.office_calendar import TZ
from commune_desk.rules.statuses import CLOCK_STOPPED, Status
from commune_desk.rules.timeliness import judge


def short(t: datetime | None) -> str:
    return f"{t.astimezone(TZ):%H:%M %d/%m/%Y}" if t else ""


def span_text(calendar, delta) -> str:
    hours = int(delta.total_seconds() // 3600)
    days, hours = divmod(hours, int(calendar.day_length.total_seconds() // 3600) or 8)
    if days and hours:
        return f"{days} ngày {hours} giờ"
    if days:
        return f"{days} ngày"
    return f"{hours} giờ" if hours else f"{int(delta.total_seconds() // 60)} phút"


def standing(desk, d, now: datetime) -> str:
    """Where the dossier stands against its due time, as the clerk reads it."""
    status = Status(d.status)
    if d.due_at is None:
        return status.label
    if status in FINISHED:
        return judge(d.due_at, finished_at=d.resolved_at or d.returned_at).label
    if status in CLOCK_STOPPED:
        return "Tạm dừng tính hạn (chờ bổ sung)"
    if status in (Status.STOPPED, Status.WITHDRAWN, Status.NOT_ACCEPTED):
        return status.label
    cal = desk.calendar()
    if now > d.due_at:
        return f"Quá hạn {span_text(cal, cal.working_time_between(d.due_at, now))}"
    due = d.due_at.astimezone(TZ)
    if due.date() == now.astimezone(TZ).date():
        return f"Hôm nay, hạn {due:%H:%M}"             # the due-today queue says so, not «Còn 1 ngày»
    return f"Còn {span_text(cal, cal.working_time_between(now, d.due_at))}"


def fit_columns(tree: ttk.Treeview, fixed: dict[str, int], flexible: dict[str, int], minimum: int = 90) -> None:
    """Fixed columns keep their width; flexible ones share what is left by weight (at least `minimum`
    each, then the horizontal scrollbar takes over), so nothing is cut off at 1366 px and the key
    columns stay on screen at 1024 px."""
    for col, width in fixed.items():
        tree.column(col, width=width, minwidth=40, stretch=False)

    def fit(event=None):
        spare = tree.winfo_width() - sum(fixed.values()) - 4
        total = sum(flexible.values())
        for col, weight in flexible.items():
            tree.column(col, width=max(minimum, spare * weight // total), minwidth=40, stretch=False)
    tree.bind("<Configure>", fit, add="+")
    fit()


def scrolled(parent, tree: ttk.Treeview, row: int = 0) -> None:
    tree.grid(row=row, column=0, sticky="nsew")
    ys = ttk.Scrollbar(parent, orient="vertical", command=tree.yview)
    ys.grid(row=row, column=1, sticky="ns")
    xs = ttk.Scrollbar(parent, orient="horizontal", command=tree.xview)
    xs.grid(row=row + 1, column=0, sticky="ew")
    tree.configure(yscrollcommand=ys.set, xscrollcommand=xs.set)
