"""A real DeskApp on a Desk in tmp_path with a fake clock, under Xvfb (pytest-xvfb).

Message boxes are captured instead of blocking; printing writes into a list instead of a printer."""

from tkinter import messagebox

import pytest



class Messages(list):
    def texts(self) -> str:
        return "\n".join(f"{title}: {text}" for _kind, title, text in self)


@pytest.fixture
def messages(monkeypatch):
    seen = Messages()

    def capture(kind, answer=None):
        def fn(title=None, message=None, **kw):
            seen.append((kind, title, message))
            return answer
        return fn

    for kind in ("showerror", "showwarning", "showinfo"):
        monkeypatch.setattr(messagebox, kind, capture(kind))
    for kind in ("askyesno", "askokcancel"):
        monkeypatch.setattr(messagebox, kind, capture(kind, False))
    return seen


@pytest.fixture
def app(desk, messages):
    from commune_desk.gui.app import DeskApp
    window = DeskApp(desk)
    window.printed = []
    window.print_pdf = lambda path, *args, **kw: window.printed.append(path)   # (path, printer, paper)
    window.preview_pdf = window.printed.append
    window.update()
    yield window
    window.destroy()
