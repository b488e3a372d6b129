"""What the screens' tables share: instants as the clerk reads them, where a dossier stands against
its due time, and Treeview columns that fit the window."""

from datetime import datetime
from tkinter import ttk

from commune_desk.rules.office_calendar import TZ
from commune_desk.rules.standing import standing as rules_standing
from commune_desk.rules.statuses import Status


def short(t: datetime | None) -> str:
    return f"{t.astimezone(TZ):%H:%M %d/%m/%Y}" if t else ""


def standing(desk, d, now: datetime) -> str:
    """Where the dossier stands against its due time, as the clerk reads it (rules/standing.py)."""
    return rules_standing(Status(d.status), d.due_at, d.resolved_at or d.returned_at, desk.calendar(), now)


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
