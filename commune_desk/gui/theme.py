"""One look for every screen: calm colours, readable type at 1366×768, clear focus."""

import tkinter as tk
import tkinter.font as tkfont
from tkinter import ttk

BG = "#f4f6f9"
PANEL = "#ffffff"
SIDEBAR = "#1f3b57"
SIDEBAR_ACTIVE = "#2f5d8a"
ACCENT = "#1d6fb8"
TEXT = "#1b2430"
MUTED = "#5b6776"
ERROR = "#b3261e"
OK = "#1e7b34"
WARN = "#a15c00"

URGENCY_COLOURS = {"overdue": "#fde2e1", "due_today": "#fff2cc", "due_tomorrow": "#e6f0fb"}


def apply(root: tk.Tk, family: str) -> dict:
    for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont", "TkCaptionFont",
                 "TkSmallCaptionFont", "TkIconFont", "TkTooltipFont", "TkFixedFont"):
        try:
            tkfont.nametofont(name).configure(family=family, size=10)
        except tk.TclError:
            pass
    fonts = {
        "base": (family, 10),
        "bold": (family, 10, "bold"),
        "title": (family, 15, "bold"),
        "big": (family, 13, "bold"),
        "huge": (family, 20, "bold"),
        "small": (family, 9),
    }
    root.configure(background=BG)
    style = ttk.Style(root)
    style.theme_use("clam")
    style.configure(".", background=BG, foreground=TEXT, font=fonts["base"])
    style.configure("TFrame", background=BG)
    style.configure("Panel.TFrame", background=PANEL)
    style.configure("TLabel", background=BG)
    style.configure("Panel.TLabel", background=PANEL)
    style.configure("Title.TLabel", font=fonts["title"], background=BG)
    style.configure("Big.TLabel", font=fonts["big"], background=PANEL, foreground=ACCENT)
    style.configure("Huge.TLabel", font=fonts["huge"], background=PANEL, foreground=ACCENT)
    style.configure("Muted.TLabel", foreground=MUTED, background=PANEL, font=fonts["small"])
    style.configure("Error.TLabel", foreground=ERROR, background=PANEL, font=fonts["small"])
    style.configure("Ok.TLabel", foreground=OK, background=PANEL, font=fonts["bold"])
    style.configure("Warn.TLabel", foreground=WARN, background=PANEL, font=fonts["bold"])
    style.configure("Status.TLabel", background="#e3e8ef", foreground=TEXT, font=fonts["small"], padding=(8, 3))
    style.configure("Status.TFrame", background="#e3e8ef")
    style.configure("StatusAlert.TLabel", background="#fde2e1", foreground=ERROR, font=fonts["bold"], padding=(8, 3))
    style.configure("TLabelframe", background=PANEL)
    style.configure("TLabelframe.Label", background=PANEL, foreground=ACCENT, font=fonts["bold"])
    style.configure("TCheckbutton", background=PANEL)
    style.configure("TRadiobutton", background=PANEL)
    style.configure("TButton", padding=(10, 5))
    style.configure("Accent.TButton", background=ACCENT, foreground="white", font=fonts["bold"])
    style.map("Accent.TButton", background=[("active", SIDEBAR_ACTIVE), ("disabled", "#9bb5cf")])
    style.configure("Nav.TButton", background=SIDEBAR, foreground="white", anchor="w", padding=(14, 9),
                    borderwidth=0, font=fonts["base"])
    style.map("Nav.TButton", background=[("active", SIDEBAR_ACTIVE)])
    style.configure("NavActive.TButton", background=SIDEBAR_ACTIVE, foreground="white", anchor="w",
                    padding=(14, 9), borderwidth=0, font=fonts["bold"])
    style.configure("Sidebar.TFrame", background=SIDEBAR)
    style.configure("Sidebar.TLabel", background=SIDEBAR, foreground="white", font=fonts["big"])
    style.configure("Treeview", rowheight=24, font=fonts["base"])
    style.configure("Treeview.Heading", font=fonts["bold"])
    style.configure("TEntry", padding=3)
    style.configure("Invalid.TEntry", fieldbackground="#fdecea")
    return fonts
