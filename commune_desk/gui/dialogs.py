"""Message boxes in Vietnamese: «Có» / «Không» / «Đồng ý» (Tk's own boxes say Yes/No/OK on Linux),
Enter presses the highlighted default, Esc cancels. Same call shape as tkinter.messagebox."""

import tkinter as tk
from tkinter import messagebox, ttk

from commune_desk.gui import theme


class Dialog(tk.Toplevel):
    """A modal box: the message, then buttons (text, value); the first is the default."""

    def __init__(self, parent, title: str, message: str, buttons: list[tuple[str, object]],
                 cancel_value=None, kind: str = "info", entry_show: str | None = None):
        super().__init__(parent)
        self.withdraw()
        self.title(title)
        self.configure(background=theme.PANEL)
        self.resizable(False, False)
        if parent.winfo_toplevel().winfo_viewable():
            self.transient(parent.winfo_toplevel())
        self.value = cancel_value
        body = ttk.Frame(self, style="Panel.TFrame", padding=(18, 14))
        body.pack(fill="both", expand=True)
        style = {"error": "Error.TLabel", "warning": "Warn.TLabel"}.get(kind, "Panel.TLabel")
        self.message = ttk.Label(body, text=message, style=style, justify="left", wraplength=460,
                                 font="TkDefaultFont")
        self.message.pack(anchor="w")
        self.entry, self.text = None, None
        if entry_show is not None:             # a box that asks for a line (a password)
            self.entry = ttk.Entry(body, show=entry_show, width=36)
            self.entry.pack(anchor="w", fill="x", pady=(8, 0))
        row = ttk.Frame(body, style="Panel.TFrame")
        row.pack(anchor="e", pady=(14, 0))
        self.buttons = []
        for i, (text, value) in enumerate(buttons):
            b = ttk.Button(row, text=text, style="Accent.TButton" if i == 0 else "TButton",
                           command=lambda v=value: self.close(v))
            b.pack(side="left", padx=(0 if i == 0 else 8, 0))
            self.buttons.append(b)
        # Enter presses the button that has the focus (the default at first); Esc cancels
        self.bind("<Return>", lambda e: self._press_focused())
        self.bind("<KP_Enter>", lambda e: self._press_focused())
        self.bind("<Escape>", lambda e: self.close(cancel_value))
        self.protocol("WM_DELETE_WINDOW", lambda: self.close(cancel_value))
        self._place(parent)
        self.deiconify()
        self.update_idletasks()
        try:
            self.grab_set()
        except tk.TclError:                     # not viewable yet: modal enough through transient()
            pass
        # the keys go to the box at once, whatever the window manager
        (self.entry or self.buttons[0]).focus_force()

    def _place(self, parent) -> None:
        self.update_idletasks()
        top = parent.winfo_toplevel()
        x = top.winfo_rootx() + max(0, (top.winfo_width() - self.winfo_reqwidth()) // 2)
        y = top.winfo_rooty() + max(0, (top.winfo_height() - self.winfo_reqheight()) // 3)
        self.geometry(f"+{x}+{y}")

    def _press_focused(self) -> str:
        focused = self.focus_get()
        (focused if focused in self.buttons else self.buttons[0]).invoke()
        return "break"

    def close(self, value) -> None:
        self.value = value
        if self.entry is not None:
            self.text = self.entry.get()
        self.grab_release()
        self.destroy()

    def run(self):
        self.wait_window()
        return self.value


def _replaced(name: str):
    """A caller (or a test) that replaced tkinter.messagebox's function keeps getting it."""
    current = getattr(messagebox, name)
    return None if getattr(current, "__module__", "") == messagebox.__name__ else current


def showerror(title: str, message: str, parent=None) -> None:
    if (fn := _replaced("showerror")) is not None:
        return fn(title, message, parent=parent)
    Dialog(parent or tk._default_root, title, message, [("Đồng ý", True)], True, kind="error").run()


def showinfo(title: str, message: str, parent=None) -> None:
    if (fn := _replaced("showinfo")) is not None:
        return fn(title, message, parent=parent)
    Dialog(parent or tk._default_root, title, message, [("Đồng ý", True)], True).run()


def askyesno(title: str, message: str, parent=None) -> bool:
    """«Có» (default, Enter) or «Không» (Esc)."""
    if (fn := _replaced("askyesno")) is not None:
        return fn(title, message, parent=parent)
    return bool(Dialog(parent or tk._default_root, title, message, [("Có", True), ("Không", False)], False).run())


def askpassword(title: str, message: str, parent=None) -> str | None:
    """A password typed behind «•»: «Đồng ý» (Enter) gives it, «Hủy» (Esc) gives None."""
    box = Dialog(parent or tk._default_root, title, message, [("Đồng ý", True), ("Hủy", False)], False,
                 entry_show="•")
    return box.text if box.run() else None
