"""Small validated inputs shared by the screens."""

import tkinter as tk
from tkinter import ttk

from commune_desk.rules.text import nfc


class TabbedScreen(ttk.Frame):
    """A screen of the window made of tabs (Quản trị, Tài khoản): its title, then `self.tabs`."""

    def __init__(self, parent, app, title: str):
        super().__init__(parent, padding=(16, 12))
        self.app = app
        ttk.Label(self, text=title, style="Title.TLabel").pack(anchor="w")
        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, pady=8)


class Field(ttk.Frame):
    """A label, an input and a red line under it for the Vietnamese error message."""

    def __init__(self, master, label: str, width: int = 30, required: bool = False, widget: str = "entry",
                 values=(), hint: str = ""):
        super().__init__(master, style="Panel.TFrame")
        text = f"{label} *" if required else label
        ttk.Label(self, text=text, style="Panel.TLabel").grid(row=0, column=0, sticky="w")
        self.var = tk.StringVar(master=self)
        if widget == "combo":
            self.input = ttk.Combobox(self, textvariable=self.var, values=list(values), width=width, state="readonly")
        elif widget == "text":
            self.input = tk.Text(self, width=width, height=3, wrap="word", font="TkTextFont", relief="solid",
                                 borderwidth=1, undo=True)
        else:
            self.input = ttk.Entry(self, textvariable=self.var, width=width)
        self.input.grid(row=1, column=0, sticky="ew")
        self.error = ttk.Label(self, text=hint, style="Muted.TLabel" if hint else "Error.TLabel")
        self.hint = hint
        self.error.grid(row=2, column=0, sticky="w")
        self.columnconfigure(0, weight=1)
        # long Vietnamese messages wrap under narrow inputs instead of being cut off
        self.bind("<Configure>", lambda e: self.error.configure(wraplength=max(e.width - 4, 80)))

    def get(self) -> str:
        if isinstance(self.input, tk.Text):
            return nfc(self.input.get("1.0", "end-1c"))
        return nfc(self.var.get())

    def set(self, value) -> None:
        value = "" if value is None else str(value)
        if isinstance(self.input, tk.Text):
            self.input.delete("1.0", "end")
            self.input.insert("1.0", value)
        else:
            self.var.set(value)

    def show_error(self, message: str | None) -> None:
        if message:
            self.error.configure(text=message, style="Error.TLabel")
            if isinstance(self.input, ttk.Entry):
                self.input.configure(style="Invalid.TEntry")
        else:
            self.error.configure(text=self.hint, style="Muted.TLabel")
            if isinstance(self.input, ttk.Entry):
                self.input.configure(style="TEntry")


def enter_moves_on(widgets) -> None:
    """Enter in a one-line input moves to the next input, like Tab."""
    def next_focus(event):
        event.widget.tk_focusNext().focus_set()
        return "break"
    for w in widgets:
        if not isinstance(w, tk.Text):
            w.bind("<Return>", next_focus)
            w.bind("<KP_Enter>", next_focus)


class ScrollFrame(ttk.Frame):
    """A screen that fits the window when it can and scrolls when it cannot: on a 1024×768 counter
    a panel scrolls rather than hide a control. The content (`.inner`) gets the viewport's width
    and the viewport's height, or its own requested height when that is larger; the focused
    widget is scrolled into view, so Tab never lands on something out of sight."""

    def __init__(self, master, **kw):
        super().__init__(master, **kw)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.canvas = tk.Canvas(self, highlightthickness=0, borderwidth=0,
                                background=ttk.Style(self).lookup("TFrame", "background") or None)
        self.canvas.grid(row=0, column=0, sticky="nsew")
        self.ybar = ttk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=self.ybar.set)
        self.inner = ttk.Frame(self.canvas)
        self.inner.columnconfigure(0, weight=1)
        self.inner.rowconfigure(0, weight=1)
        self._window = self.canvas.create_window(0, 0, window=self.inner, anchor="nw")
        self.canvas.bind("<Configure>", lambda e: self._fit())
        self.inner.bind("<Configure>", lambda e: self._fit())
        self._watch()

    def _watch(self) -> None:
        # a screen that grows (an error line, a panel opened) sends no event to its holder: look
        if self.winfo_ismapped():
            self._fit()
        self.after(250, self._watch)

    def refit(self) -> None:
        self.update_idletasks()
        self._fit()

    def _fit(self) -> None:
        view_w, view_h = self.canvas.winfo_width(), self.canvas.winfo_height()
        if view_w <= 1 or view_h <= 1:
            return
        # as wide as the window: the screens lay out for 1024 px (a list scrolls its own columns)
        need_h = self.inner.winfo_reqheight()
        w, h = view_w, max(view_h, need_h)
        if (int(self.canvas.itemcget(self._window, "width") or 0), int(self.canvas.itemcget(self._window, "height") or 0)) != (w, h):
            self.canvas.itemconfigure(self._window, width=w, height=h)
        self.canvas.configure(scrollregion=(0, 0, w, h))
        self._show_bar(self.ybar, need_h > view_h, row=0, column=1, sticky="ns")

    @staticmethod
    def _show_bar(bar, wanted: bool, **grid) -> None:
        if wanted and not bar.winfo_ismapped():
            bar.grid(**grid)
        elif not wanted and bar.winfo_ismapped():
            bar.grid_remove()

    def scrolls(self) -> bool:
        return self.ybar.winfo_ismapped()

    def see(self, widget) -> None:
        """Scroll so that `widget` (inside .inner) is in view."""
        if not self.scrolls():
            return
        self.update_idletasks()
        total_h, view_h = self.inner.winfo_height(), self.canvas.winfo_height()
        y = widget.winfo_rooty() - self.inner.winfo_rooty()
        top = self.canvas.canvasy(0)
        if y < top or y + widget.winfo_height() > top + view_h:
            target = min(max(0, y - 8), max(0, total_h - view_h))
            self.canvas.yview_moveto(target / total_h if total_h else 0)

    def scroll(self, units: int) -> None:
        if self.ybar.winfo_ismapped():
            self.canvas.yview_scroll(units, "units")


def wrap_to_width(label: ttk.Label, margin: int = 6) -> None:
    """Long Vietnamese lines wrap at the label's own width instead of being cut at the window edge."""
    label.bind("<Configure>", lambda e: label.configure(wraplength=max(e.width - margin, 120)), add="+")


def cell_tips(tree: ttk.Treeview, *columns: str) -> "RowTips":
    """Hovering a row shows these columns of it in full (a long procedure name cut by its column)."""
    def text(item) -> str:
        item = str(item)
        if not tree.exists(item):
            return ""
        return " — ".join(v for v in (str(tree.set(item, c)) for c in columns) if v)
    return RowTips(tree, text)


class RowTips:
    """The whole text of the list row under the pointer, in a small window beside it: long procedure
    and document names are readable in full however narrow the column."""

    DELAY_MS = 400

    def __init__(self, widget, text_of):
        self.widget, self.text_of = widget, text_of
        self.tip: tk.Toplevel | None = None
        self.row = None
        self._job = None
        widget.bind("<Motion>", self._moved, add="+")
        widget.bind("<Leave>", lambda e: self.hide(), add="+")
        widget.bind("<ButtonPress>", lambda e: self.hide(), add="+")

    def _row_at(self, y: int):
        if isinstance(self.widget, tk.Listbox):
            if not self.widget.size():
                return None
            index = self.widget.nearest(y)
            box = self.widget.bbox(index)
            return index if box and box[1] <= y <= box[1] + box[3] else None
        item = self.widget.identify_row(y)
        return int(item) if item.isdigit() else (item or None)

    def _moved(self, event) -> None:
        row = self._row_at(event.y)
        if row == self.row:
            return
        self.hide()
        self.row = row
        if row is not None:
            self._job = self.widget.after(self.DELAY_MS, lambda: self.show(row, event.x_root, event.y_root))

    def show(self, row, x: int, y: int) -> None:
        text = self.text_of(row)
        if not text:
            return
        self.tip = tk.Toplevel(self.widget)
        self.tip.wm_overrideredirect(True)
        screen_w = self.widget.winfo_screenwidth()
        label = tk.Label(self.tip, text=text, justify="left", background="#fffbe6", relief="solid", borderwidth=1,
                         wraplength=min(600, screen_w - 40), padx=6, pady=3, font="TkDefaultFont")
        label.pack()
        self.tip.update_idletasks()
        x = min(x + 12, screen_w - self.tip.winfo_reqwidth() - 4)
        self.tip.wm_geometry(f"+{max(0, x)}+{y + 16}")

    def hide(self) -> None:
        if self._job:
            self.widget.after_cancel(self._job)
            self._job = None
        if self.tip is not None:
            self.tip.destroy()
            self.tip = None
        self.row = None
