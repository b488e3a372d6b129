"""Code128 barcode and QR code flowables: python-barcode and qrcode encode, reportlab draws."""
from __future__ import annotations

import re

import barcode
import qrcode
from barcode.errors import BarcodeError
from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

QUIET_MODULES = 10  # quiet zone on each side, in module widths
_RUN = re.compile("1+")


def code128_modules(value: str) -> str:
    """The symbol's modules, "1" dark and "0" light, without quiet zones."""
    try:
        return barcode.Code128(value).build()[0] if value else ""
    except BarcodeError:
        return ""


class Barcode128(Flowable):
    """A Code128 symbol that shrinks its module width to fit the frame.

    The module width is at most `max_module`; the bars never get wider than
    the frame, while the blank quiet zones may reach `bleed` points into the
    page margins (useful on an 80 mm roll). The symbol is centred.
    """

    def __init__(self, value: str, height: float, max_module: float = 0.33 * mm,
                 bleed: float = 0.0):
        super().__init__()
        self.modules = code128_modules(value)
        if not self.modules:
            raise ValueError(f"Mã hồ sơ có ký tự không in được thành mã vạch: {value!r}")
        self.value = value
        self.bar_height = height
        self.max_module = max_module
        self.module = max_module
        self.bleed = bleed

    def wrap(self, avail_width, avail_height):
        self.avail = avail_width
        bars = len(self.modules)
        self.module = min(self.max_module, avail_width / bars,
                          (avail_width + 2 * self.bleed) / (bars + 2 * QUIET_MODULES))
        self.height = self.bar_height
        return avail_width, self.height

    def draw(self):
        # each bar is filled on its own: renderers snap a lone rectangle to whole pixels,
        # which keeps thin bars crisp for scanners
        canv = self.canv
        canv.saveState()
        canv.setFillColor(black)
        canv.translate((self.avail - len(self.modules) * self.module) / 2, 0)
        canv.scale(self.module, 1)
        for run in _RUN.finditer(self.modules):
            canv.rect(run.start(), 0, run.end() - run.start(), self.bar_height, stroke=0, fill=1)
        canv.restoreState()


def qr_matrix(value: str) -> tuple[tuple[bool, ...], ...]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(value)
    code.make(fit=True)
    return tuple(map(tuple, code.get_matrix()))


class QrCode(Flowable):
    """A square QR code of `size` points (including a 4-module quiet zone),
    aligned in the available width. Dark runs are drawn as one filled path."""

    BORDER = 4

    def __init__(self, value: str, size: float, align: str = "CENTER"):
        super().__init__()
        self.matrix = qr_matrix(value)
        self.value = value
        self.size = size
        self.align = align

    def wrap(self, avail_width, avail_height):
        self.avail = avail_width
        return avail_width, self.size

    def draw(self):
        x = {"RIGHT": self.avail - self.size, "LEFT": 0}.get(self.align, (self.avail - self.size) / 2)
        cell = self.size / (len(self.matrix) + 2 * self.BORDER)
        canv = self.canv
        canv.saveState()
        canv.setFillColor(black)
        # module units from the symbol's top-left corner, rows going down: integer coordinates
        canv.transform(cell, 0, 0, -cell, x + self.BORDER * cell, self.size - self.BORDER * cell)
        path = canv.beginPath()
        for r, row in enumerate(self.matrix):
            for run in _RUN.finditer("".join("1" if dark else "0" for dark in row)):
                path.rect(run.start(), r, run.end() - run.start(), 1)
        canv.drawPath(path, stroke=0, fill=1)
        canv.restoreState()
