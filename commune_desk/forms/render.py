"""Rendering forms 01–06 (imported on first use: reportlab is slow to import)."""
from __future__ import annotations

from typing import Callable

from . import notices, slips
from .layout import PAPERS, Sheet, build_pdf
from .model import FormData

FORMS: dict[str, str] = {**slips.TITLES, **notices.TITLES}

_BUILDERS: dict[str, Callable] = {
    "01": slips.form01,
    "02": slips.form02,
    "03": slips.form03,
    "04": notices.form04,
    "05": notices.form05,
    "06": notices.form06,
}


def render_form(form: str, data: FormData, paper: str = "a5") -> bytes:
    """Render one form as PDF bytes."""
    builder = _BUILDERS.get(form)
    if builder is None:
        raise ValueError(f"Không có biểu mẫu số {form!r}; chỉ có: {', '.join(FORMS)}")
    spec = PAPERS.get(paper.lower() if isinstance(paper, str) else paper)
    if spec is None:
        raise ValueError(f"Khổ giấy không hỗ trợ: {paper!r}; chỉ có: {', '.join(PAPERS)}")
    return build_pdf(lambda paper: builder(Sheet(paper), data), spec,
                     title=FORMS[form], author=data.office.name, subject=data.code)
