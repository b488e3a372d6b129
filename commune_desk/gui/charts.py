"""Small charts drawn on a tkinter Canvas: grouped bars, a line, horizontal bars. Every item is
tagged with its kind ("bar", "point", "hbar") and its chart, so tests can find what was drawn."""

import tkinter as tk

from commune_desk.gui import theme
from commune_desk.rules.report import format_count

AXIS = "#8a96a3"
GRID = "#e3e8ef"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    step = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return m * step
    return 10 * step


def _frame(canvas: tk.Canvas, x, y, w, h, title: str, tag: str, font, top: int = 26) -> tuple:
    canvas.create_text(x, y, text=title, anchor="nw", font=font["bold"], fill=theme.TEXT, tags=(tag, "title"))
    return x + 40, y + top, w - 48, h - top - 24     # plot area: room for the value axis and the labels


def _categories(canvas, px, py, ph, slot, categories, tag, font) -> None:
    """Category labels under the axis; every other one (or fewer) when they would touch."""
    widest = max((len(c) for c in categories), default=1) * 7 + 4
    step = max(1, -(-widest // max(int(slot), 1)))
    for i, cat in enumerate(categories):
        if i % step == 0:
            canvas.create_text(px + slot * i + slot / 2, py + ph + 4, text=cat, anchor="n", font=font["small"],
                               fill=theme.MUTED, tags=tag)


def _value_axis(canvas, px, py, pw, ph, top: float, tag: str, font, suffix: str = "") -> None:
    for i in range(5):
        v = top * i / 4
        yy = py + ph - ph * i / 4
        canvas.create_line(px, yy, px + pw, yy, fill=GRID, tags=tag)
        label = format_count(int(round(v))) if not suffix else f"{v:g}{suffix}"
        canvas.create_text(px - 4, yy, text=label, anchor="e", font=font["small"], fill=theme.MUTED, tags=tag)
    canvas.create_line(px, py + ph, px + pw, py + ph, fill=AXIS, tags=tag)


def bars(canvas, x, y, w, h, title, categories, series, font, tag="bars") -> None:
    """series: [(name, colour, [value per category])], drawn side by side in each category."""
    px, py, pw, ph = _frame(canvas, x, y, w, h, title, tag, font, top=44)
    top = _nice_max(max([v for _, _, values in series for v in values] or [0]))
    _value_axis(canvas, px, py, pw, ph, top, tag, font)
    n = max(len(categories), 1)
    slot = pw / n
    bar_w = min(22, slot * 0.8 / max(len(series), 1))
    _categories(canvas, px, py, ph, slot, categories, tag, font)
    for i, cat in enumerate(categories):
        cx = px + slot * i + slot / 2
        left = cx - bar_w * len(series) / 2
        for j, (_, colour, values) in enumerate(series):
            v = values[i]
            top_y = py + ph - ph * v / top
            canvas.create_rectangle(left + j * bar_w, top_y, left + (j + 1) * bar_w - 1, py + ph, fill=colour,
                                    outline="", tags=(tag, "bar"))
    lx = x + w - 8
    for name, colour, _ in reversed(series):
        item = canvas.create_text(lx, y + 22, text=name, anchor="ne", font=font["small"], fill=theme.TEXT, tags=tag)
        x0 = canvas.bbox(item)[0]
        canvas.create_rectangle(x0 - 14, y + 24, x0 - 4, y + 34, fill=colour, outline="", tags=tag)
        lx = x0 - 22


def line(canvas, x, y, w, h, title, categories, values, colour, font, tag="line") -> None:
    """Percentages 0–100; None leaves a gap (a month with nothing resolved has no rate)."""
    px, py, pw, ph = _frame(canvas, x, y, w, h, title, tag, font)
    _value_axis(canvas, px, py, pw, ph, 100, tag, font, suffix="%")
    n = max(len(categories), 1)
    slot = pw / n
    previous = None
    _categories(canvas, px, py, ph, slot, categories, tag, font)
    for i, cat in enumerate(categories):
        cx = px + slot * i + slot / 2
        v = values[i]
        if v is None:
            previous = None
            continue
        cy = py + ph - ph * v / 100
        if previous:
            canvas.create_line(*previous, cx, cy, fill=colour, width=2, tags=tag)
        canvas.create_oval(cx - 3, cy - 3, cx + 3, cy + 3, fill=colour, outline="", tags=(tag, "point"))
        previous = (cx, cy)


def hbars(canvas, x, y, w, h, title, rows, colour, font, empty: str, tag="hbars") -> None:
    """rows: [(label, value)], one bar each, longest label on the left."""
    canvas.create_text(x, y, text=title, anchor="nw", font=font["bold"], fill=theme.TEXT, tags=(tag, "title"))
    if not any(v for _, v in rows):
        canvas.create_text(x, y + 30, text=empty, anchor="nw", font=font["small"], fill=theme.MUTED, tags=tag)
        return
    label_w = min(150, w * 0.45)
    top = max(v for _, v in rows)
    row_h = min(26, (h - 30) / max(len(rows), 1))
    for i, (label, v) in enumerate(rows):
        cy = y + 30 + i * row_h + row_h / 2
        canvas.create_text(x + label_w - 6, cy, text=label, anchor="e", font=font["small"], fill=theme.TEXT,
                           width=label_w - 8, tags=tag)
        length = (w - label_w - 40) * v / top if top else 0
        canvas.create_rectangle(x + label_w, cy - row_h * 0.35, x + label_w + length, cy + row_h * 0.35,
                                fill=colour, outline="", tags=(tag, "hbar"))
        canvas.create_text(x + label_w + length + 4, cy, text=format_count(v), anchor="w", font=font["small"],
                           fill=theme.TEXT, tags=tag)
