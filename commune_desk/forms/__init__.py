"""Printed forms of the one-stop counter (TT 03/2025/TT-VPCP numbering).

    render_form("01", data, paper="a5") -> PDF bytes
    render_book(office, rows, date_from, date_to) -> PDF bytes (form 07)

Papers: "a5", "a4" and "80mm" (thermal roll; one page as long as the content).
"""
from __future__ import annotations

import importlib

from .model import (BookRow, DocumentLine, FormData, HandoffRow, MissingItem, OfficeInfo,
                    Person)

# reportlab takes ~0.4 s to import: the window starts without it and loads it on the first print
_LAZY = {"FORMS": "render", "PAPERS": "render", "render_form": "render", "render_book": "book",
         "register_fonts": "fonts", "resources_dir": "fonts"}

__all__ = ["FORMS", "PAPERS", "render_form", "render_book", "register_fonts", "resources_dir",
           "OfficeInfo", "Person", "DocumentLine", "MissingItem", "HandoffRow", "BookRow",
           "FormData"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
