"""Code128 barcode and QR code flowables, drawn as vectors (no text)."""
from __future__ import annotations

import re
from functools import lru_cache

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from . import qr

QUIET_MODULES = 10  # quiet zone on each side, in module widths
_DARK = re.compile(rb"\x01+")      # a run of dark modules in a row of qr_rows


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
        self.pattern = probe.decomposed     # bar widths as letters: "A".. bars, "a".. spaces
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
        self.canv.addLiteral(self.ops(0, 0))

    def ops(self, x: float, y: float) -> str:
        """PDF operators of the symbol centred in the wrapped width from (x, y), in module units
        across. Each bar is filled on its own: renderers snap a lone rectangle to whole pixels,
        which keeps thin bars crisp for scanners."""
        left, bars, height = 0, [], fp_str(self.bar_height)
        for letter in self.pattern:
            width = ord(letter.lower()) - ord("a") + 1
            if letter.isupper():
                bars.append(f"{left} 0 {width} {height} re f")
            left += width
        x0 = x + (self.avail - self.bars * self.module) / 2
        return f"q 0 0 0 rg {fp_str(self.module)} 0 0 1 {fp_str(x0, y)} cm {' '.join(bars)} Q"


qr_rows = lru_cache(maxsize=64)(qr.qr_rows)     # cached for reprints


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
        self.canv.addLiteral(qr_ops(self.value, x0, self.size, self.size))


def qr_ops(value: str, x: float, top: float, size: float, border: int = QrCode.BORDER) -> str:
    """PDF operators of a QR code of `size` points whose top-left corner (quiet zone included)
    is at (x, top): dark runs of each row are rectangles of one filled path, in module units
    from the symbol's top-left corner with rows going down, so every coordinate is an integer."""
    rows = qr_rows(value)
    cell = size / (len(rows) + 2 * border)
    place = fp_str(cell, 0, 0, -cell, x + border * cell, top - border * cell)
    return f"q 0 0 0 rg {place} cm {_dark_runs(rows)} f Q"


def _dark_runs(rows: tuple[bytes, ...]) -> str:
    return " ".join(f"{run.start()} {r} {run.end() - run.start()} 1 re"
                    for r, row in enumerate(rows) for run in _DARK.finditer(row))
