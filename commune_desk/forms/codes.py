"""Code128 barcode and QR code flowables (drawn as vectors, no text)."""
from __future__ import annotations

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.graphics import renderPDF
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

QUIET_MODULES = 10  # quiet zone on each side, in module widths


class Barcode128(Flowable):
    """A Code128 symbol that shrinks its module width to fit the frame.

    The module width is at most `max_module` and never makes the symbol wider
    than the frame; the symbol is centred in the available width.
    """

    def __init__(self, value: str, height: float, max_module: float = 0.33 * mm):
        super().__init__()
        self.value = value
        self.bar_height = height
        self.max_module = max_module
        probe = Code128(value, barWidth=1, quiet=0, humanReadable=0)
        if probe.valid != 1:
            raise ValueError(f"Mã hồ sơ có ký tự không in được thành mã vạch: {value!r}")
        self.modules = probe.width + 2 * QUIET_MODULES
        self.module = max_module

    def wrap(self, avail_width, avail_height):
        self.avail = avail_width
        self.module = min(self.max_module, avail_width / self.modules)
        self.width = min(avail_width, self.modules * self.module)
        self.height = self.bar_height
        return avail_width, self.height

    def draw(self):
        quiet = QUIET_MODULES * self.module
        symbol = Code128(self.value, barWidth=self.module, barHeight=self.bar_height,
                         quiet=1, lquiet=quiet, rquiet=quiet, humanReadable=0)
        x = max(0.0, (self.avail - symbol.width) / 2)
        symbol.drawOn(self.canv, x, 0)


class QrCode(Flowable):
    """A square QR code of `size` points, aligned in the available width."""

    def __init__(self, value: str, size: float, align: str = "CENTER"):
        super().__init__()
        self.value = value
        self.size = size
        self.align = align

    def wrap(self, avail_width, avail_height):
        self.avail = avail_width
        return avail_width, self.size

    def draw(self):
        widget = QrCodeWidget(self.value, barLevel="M", barBorder=4)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(self.size, self.size,
                          transform=[self.size / (x1 - x0), 0, 0, self.size / (y1 - y0), 0, 0])
        drawing.add(widget)
        if self.align == "RIGHT":
            x = self.avail - self.size
        elif self.align == "LEFT":
            x = 0
        else:
            x = (self.avail - self.size) / 2
        renderPDF.draw(drawing, self.canv, x, 0)
