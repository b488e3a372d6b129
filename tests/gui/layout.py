"""Is every control of the shown screen inside the visible window? Used at 1024×768 and 1366×768."""

import tkinter as tk
from tkinter import ttk

CONTROLS = (ttk.Entry, ttk.Button, ttk.Combobox, ttk.Checkbutton, ttk.Radiobutton, ttk.Spinbox,
            ttk.Treeview, tk.Text, tk.Listbox, tk.Entry, tk.Button)
MUST_FIT = (ttk.Button, ttk.Checkbutton, ttk.Radiobutton, tk.Button)      # cut short = hidden text


def rect(w):
    x, y = w.winfo_rootx(), w.winfo_rooty()
    return x, y, x + w.winfo_width(), y + w.winfo_height()


def inside(inner, outer, slack=1) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def walk(widget):
    for child in widget.winfo_children():
        yield child
        yield from walk(child)


def name(w) -> str:
    text = ""
    if isinstance(w, (ttk.Button, ttk.Checkbutton, ttk.Radiobutton, tk.Button, ttk.Label)):
        text = w.cget("text")
    return f"{w.winfo_class()} {str(w)[-60:]} «{text}»" if text else f"{w.winfo_class()} {str(w)[-60:]}"


def problems(app, widgets) -> list[str]:
    """Controls (or status labels) not wholly inside the window and every ancestor, after the
    screen scrolled them into view; buttons narrower than their text."""
    out = []
    holder = app.holders.get(app.current)
    if holder is not None:
        holder.refit()
        app.update()
    window = rect(app)
    for w in widgets:
        if not w.winfo_ismapped():
            # laid out (not deliberately removed) inside a shown panel, yet not drawn: squeezed out
            if w.winfo_manager() in ("pack", "grid") and w.master.winfo_ismapped():
                out.append(f"{name(w)} squeezed out of sight (no room left in {name(w.master)})")
            continue
        if holder is not None and str(w).startswith(str(holder.inner) + "."):
            holder.see(w)
            app.update()
        box = rect(w)
        if not inside(box, window):
            out.append(f"{name(w)} at {box} outside the window {window}")
            continue
        parent = w.master
        while parent is not None and parent is not app:
            if not inside(box, rect(parent)):
                out.append(f"{name(w)} at {box} cut off by {name(parent)} {rect(parent)}")
                break
            parent = parent.master
        if isinstance(w, MUST_FIT) and w.winfo_width() < w.winfo_reqwidth() - 2:
            out.append(f"{name(w)} is {w.winfo_width()} px wide, its text needs {w.winfo_reqwidth()}")
        if isinstance(w, ttk.Treeview):
            out += headings_cut(w)
    return out


def headings_cut(tree: ttk.Treeview) -> list[str]:
    """Column headers wider than their column (a sort arrow aside)."""
    import tkinter.font as tkfont
    font = tkfont.Font(root=tree, font=ttk.Style(tree).lookup("Treeview.Heading", "font") or "TkHeadingFont")
    out = []
    for col in tree.cget("columns"):
        text = tree.heading(col, "text").rstrip(" ▲▼")
        if text and font.measure(text) + 8 > int(tree.column(col, "width")):
            out.append(f"{name(tree)}: header «{text}» needs {font.measure(text) + 8} px, "
                       f"its column has {tree.column(col, 'width')}")
    return out


def controls(root):
    return [w for w in walk(root) if isinstance(w, CONTROLS)]


def screen_problems(app, key: str) -> list[str]:
    """Show the screen; check it (each notebook tab in turn) and the status bar."""
    app.show(key)
    app.update()
    view = app.screens[key]
    found = []
    notebooks = [w for w in walk(view) if isinstance(w, ttk.Notebook)]
    for nb in notebooks or [None]:
        for tab in (nb.tabs() if nb else [None]):
            if nb:
                nb.select(tab)
                app.update()
            found += problems(app, controls(view))
    found += problems(app, [app.status_office, app.status_alert, app.status_sync, app.status_work])
    for label in (app.status_alert, app.status_sync):
        if label.winfo_width() < label.winfo_reqwidth() - 2:
            found.append(f"status bar {name(label)} cut short")
    return sorted(set(found))
