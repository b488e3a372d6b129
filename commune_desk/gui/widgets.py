"""Small validated inputs shared by the screens."""

import tkinter as tk
from tkinter import ttk

from commune_desk.rules.text import nfc


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
