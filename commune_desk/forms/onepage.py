"""A one-page PDF writer for the slip a clerk prints dozens of times a day.

reportlab's canvas and document serialiser are general (any number of pages, images, forms,
encryption) and spend ~8 ms on one slip, mostly formatting objects one value at a time. This
writes the same page — text in subsets of the embedded TrueType faces, lines, filled paths —
in a fraction of that, using reportlab for what the fonts are (metrics, the face's tables).
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, makeToUnicodeCMap

from .subset import program as subset_program

SUBSET_SIZE = 256          # one-byte codes; code 0 is the face's "missing glyph"


class SubsetFull(Exception):
    """A face would need more than 255 different characters on the page."""


class _Subset:
    """The characters of one face used on the page, each with its one-byte code."""

    def __init__(self, font, resource: str):
        self.font, self.resource = font, resource
        self.chars = [0]                          # code -> code point
        self.known: set[str] = set()
        self.codes: dict[int, str] = {}           # code point -> code, as a str.translate table

    def encode(self, text: str) -> bytes:
        if not self.known.issuperset(text):
            self._add(text)
        return text.translate(self.codes).encode("latin-1")

    def _add(self, text: str) -> None:
        covered = self.font.face.charToGlyph
        for ch in dict.fromkeys(text):                # in order: the same text, the same file
            if ch in self.known:
                continue
            point = ord(ch)
            if point not in covered:
                self.codes[point] = "\0"
            elif len(self.chars) == SUBSET_SIZE:
                raise SubsetFull(self.font.fontName)
            else:
                self.codes[point] = chr(len(self.chars))
                self.chars.append(point)
            self.known.add(ch)


class OnePage:
    """Text, lines and raw path operators on one page of `width` × `height` points."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.ops: list[str] = []
        self.subsets: dict[str, _Subset] = {}

    def text(self, x: float, y: float, font: str, size: float, text: str) -> None:
        subset = self.subsets.get(font)
        if subset is None:
            subset = self.subsets[font] = _Subset(pdfmetrics.getFont(font), f"F{len(self.subsets) + 1}")
        data = escapePDF(subset.encode(text.replace("\xa0", " ")))
        self.ops.append(f"BT /{subset.resource} {fp_str(size)} Tf 1 0 0 1 {fp_str(x, y)} Tm ({data}) Tj ET")

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float) -> None:
        self.ops.append(f"{fp_str(width)} w {fp_str(x1, y1)} m {fp_str(x2, y2)} l S")

    def raw(self, ops: str) -> None:
        self.ops.append(ops)

    def pdf(self, *, title: str, author: str, subject: str, creator: str) -> bytes:
        doc = _Objects()
        fonts = " ".join(f"/{s.resource} {_font(doc, s)} 0 R" for s in self.subsets.values())
        ops = "\n".join(self.ops).encode("latin-1")
        content = doc.stream(ops)
        pages = doc.reserve()
        page = doc.add(f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {fp_str(self.width, self.height)}] "
                       f"/Resources << /Font << {fonts} >> >> /Contents {content} 0 R >>")
        doc.put(pages, f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>")
        catalog = doc.add(f"<< /Type /Catalog /Pages {pages} 0 R >>")
        stamp = datetime.now().astimezone()
        offset = stamp.strftime("%z")
        date = _string(stamp.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'")
        info = doc.add(f"<< /Title {_string(title)} /Author {_string(author)} /Subject {_string(subject)} "
                       f"/Creator {_string(creator)} /Producer {_string(creator)} "
                       f"/CreationDate {date} /ModDate {date} >>")
        return doc.file(catalog, info, hashlib.md5(ops + date.encode()).hexdigest())


def _font(doc: _Objects, subset: _Subset) -> int:
    """The font dictionary of a subset, with its descriptor, embedded subset file and the
    ToUnicode map that lets text be copied and searched; as reportlab embeds a TrueType face."""
    face, chars = subset.font.face, subset.chars
    name = f"AAAAAA+{face.name.decode('latin-1')}"
    program = subset_program(face, chars)
    file = doc.stream(program, f"/Length1 {len(program)}")
    flags = face.flags & ~FF_NONSYMBOLIC | FF_SYMBOLIC
    descriptor = doc.add(
        f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{fp_str(*face.bbox)}] "
        f"/ItalicAngle {fp_str(face.italicAngle)} /Ascent {fp_str(face.ascent)} "
        f"/Descent {fp_str(face.descent)} /CapHeight {fp_str(face.capHeight)} /StemV {fp_str(face.stemV)} "
        f"/MissingWidth {fp_str(face.defaultWidth)} /FontFile2 {file} 0 R >>")
    unicode_map = doc.stream(makeToUnicodeCMap(name, chars).encode("latin-1"))
    widths = fp_str(*(face.getCharWidth(c) for c in chars))
    return doc.add(f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 "
                   f"/LastChar {len(chars) - 1} /Widths [{widths}] /FontDescriptor {descriptor} 0 R "
                   f"/ToUnicode {unicode_map} 0 R >>")


def _string(text: str) -> str:
    """A PDF text string: as it is when ASCII, else UTF-16 with its byte-order mark."""
    if text.isascii():
        return f"({escapePDF(text.encode('ascii'))})"
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"


class _Objects:
    """Numbered indirect objects, then the file with its cross-reference table."""

    def __init__(self):
        self.bodies: list[bytes | None] = []

    def reserve(self) -> int:
        self.bodies.append(None)
        return len(self.bodies)

    def put(self, number: int, body: str | bytes) -> None:
        self.bodies[number - 1] = body.encode("latin-1") if isinstance(body, str) else body

    def add(self, body: str | bytes) -> int:
        number = self.reserve()
        self.put(number, body)
        return number

    def stream(self, data: bytes, entries: str = "") -> int:
        return self.add(b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries.encode(), data))

    def file(self, catalog: int, info: int, ident: str) -> bytes:
        out = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
        size = len(out[0])
        offsets = []
        for number, body in enumerate(self.bodies, 1):
            offsets.append(size)
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            out.append(chunk)
            size += len(chunk)
        out.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        out.extend(b"%010d 00000 n \n" % o for o in offsets)
        out.append(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s><%s>] >>\n"
                   % (len(offsets) + 1, catalog, info, ident.encode(), ident.encode()))
        out.append(b"startxref\n%d\n%%%%EOF\n" % size)
        return b"".join(out)
