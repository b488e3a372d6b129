"""Code128 barcode and QR code flowables, drawn as vectors (no text)."""
from __future__ import annotations

from functools import lru_cache
from itertools import groupby

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from . import qr

QUIET_MODULES = 10  # quiet zone on each side, in module widths


class Barcode128(Flowable):
    """A Code128 symbol that shrinks its module width to fit the frame.

    The module width is at most `max_module`; the bars never get wider than
    the frame, while the blank quiet zones may reach `bleed` points into the
    page margins (useful on an 80 mm roll). The symbol is centred.
    """

    def __init__(self, value: str, height: float, max_module: float = 0.33 * mm,
                 bleed: float = 0.0):
        super().__init__()
        self.value = value
        self.bar_height = height
        self.max_module = max_module
        probe = Code128(value, barWidth=1, quiet=0, humanReadable=0)
        self.bars = probe.width             # also validates: sets probe.valid
        if not value or probe.valid != 1:   # Code128 drops non-ASCII characters
            raise ValueError(f"Mã hồ sơ có ký tự không in được thành mã vạch: {value!r}")
        self.modules = probe.width + 2 * QUIET_MODULES
        self.module = max_module
        self.bleed = bleed

    def wrap(self, avail_width, avail_height):
        self.avail = avail_width
        self.module = min(self.max_module, avail_width / self.bars,
                          (avail_width + 2 * self.bleed) / self.modules)
        self.height = self.bar_height
        return avail_width, self.height

    def draw(self):
        quiet = QUIET_MODULES * self.module
        symbol = Code128(self.value, barWidth=self.module, barHeight=self.bar_height,
                         quiet=1, lquiet=quiet, rquiet=quiet, humanReadable=0)
        x = (self.avail - symbol.width) / 2
        symbol.drawOn(self.canv, x, 0)


qr_matrix = lru_cache(maxsize=64)(qr.qr_matrix)     # cached for reprints


class QrCode(Flowable):
    """A square QR code of `size` points (including a 4-module quiet zone),
    aligned in the available width. Dark runs are drawn as one filled path."""

    BORDER = 4

    def __init__(self, value: str, size: float, align: str = "CENTER"):
        super().__init__()
        self.value = value
        self.size = size
        self.align = align

    def wrap(self, avail_width, avail_height):
        self.avail = avail_width
        return avail_width, self.size

    def draw(self):
        if self.align == "RIGHT":
            x0 = self.avail - self.size
        elif self.align == "LEFT":
            x0 = 0
        else:
            x0 = (self.avail - self.size) / 2
        draw_qr(self.canv, self.value, x0, self.size, self.size)


def draw_qr(canvas, value: str, x: float, top: float, size: float, border: int = QrCode.BORDER) -> None:
    """A QR code of `size` points whose top-left corner (quiet zone included) is at (x, top);
    dark runs of each row are one rectangle of a single filled path."""
    matrix = qr_matrix(value)
    cell = size / (len(matrix) + 2 * border)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    # in module units from the symbol's top-left corner, rows going down: integer coordinates
    canvas.transform(cell, 0, 0, -cell, x + border * cell, top - border * cell)
    canvas.addLiteral(_dark_runs(matrix) + " f")
    canvas.restoreState()


def _dark_runs(matrix) -> str:
    ops = []
    for r, row in enumerate(matrix):
        c = 0
        for dark, run in groupby(row):
            width = len(tuple(run))
            if dark:
                ops.append(f"{c} {r} {width} 1 re")
            c += width
    return " ".join(ops)
