"""Printed forms of the one-stop counter (TT 03/2025/TT-VPCP numbering).

    render_form("01", data, paper="a5") -> PDF bytes
    render_book(office, rows, date_from, date_to) -> PDF bytes (form 07)

Papers: "a5", "a4" and "80mm" (thermal roll; one page as long as the content).
"""
from __future__ import annotations

import importlib

# reportlab takes ~0.4 s to import: the window starts without it and loads it on the first print;
# even the data classes wait (building frozen dataclasses cost the window's start ~15 ms)
_LAZY = {"FORMS": "render", "PAPERS": "render", "render_form": "render", "render_book": "book",
         "register_fonts": "fonts", "resources_dir": "fonts",
         **{name: "model" for name in ("BookRow", "DocumentLine", "FormData", "HandoffRow", "MissingItem",
                                       "OfficeInfo", "Person")}}

__all__ = ["FORMS", "PAPERS", "render_form", "render_book", "register_fonts", "resources_dir",
           "OfficeInfo", "Person", "DocumentLine", "MissingItem", "HandoffRow", "BookRow",
           "FormData"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
