"""TrueType subsets for the one-page writer: byte for byte the file reportlab's
`TTFontFile.makeSubset` makes, in a fraction of the time.

reportlab walks every glyph of the subset with a seek-and-read call per field and copies the
glyph table each time (~0.8 ms a face). What depends only on the face — each glyph's bytes and
the places where a composite glyph names its components, the tables copied as they are — is read
once here, and a subset is a few list operations per glyph.
"""
from __future__ import annotations

from functools import cache
from struct import pack, unpack_from

from reportlab.pdfbase.ttfonts import (GF_ARG_1_AND_2_ARE_WORDS, GF_MORE_COMPONENTS,
                                       GF_WE_HAVE_A_SCALE, GF_WE_HAVE_A_TWO_BY_TWO,
                                       GF_WE_HAVE_AN_X_AND_Y_SCALE, TTFontMaker)

COPIED = ("name", "OS/2", "cvt ", "fpgm", "prep")


def program(face, chars: list[int]) -> bytes:
    """The subset font file in which code i shows the glyph of code point chars[i]."""
    prepared = _prepared(face)
    parts = [0]                                              # new glyph index -> face's glyph
    new_index = {0: 0}
    codes = []
    for char in chars:
        glyph = face.charToGlyph.get(char, 0)
        if glyph not in new_index:
            new_index[glyph] = len(parts)
            parts.append(glyph)
        codes.append(new_index[glyph])
    for glyph in parts:                                      # grows while composites add parts
        for _, component in prepared.glyphs(glyph)[1]:
            if component not in new_index:
                new_index[component] = len(parts)
                parts.append(component)
    return prepared.file(parts, new_index, codes)


@cache
def _prepared(face) -> _Face:
    return _Face(face)


class _Face:
    def __init__(self, face):
        self.face = face
        self.glyf = face.get_table("glyf")
        self.tables = {tag: face.get_table(tag) for tag in COPIED if tag in face.table}
        self.tables["post"] = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self.hhea, self.maxp, self.head = (face.get_table(t) for t in ("hhea", "maxp", "head"))
        self.glyphs = cache(self._glyph)

    def _glyph(self, index: int) -> tuple[bytes, list[tuple[int, int]]]:
        """The glyph's bytes, and (offset, glyph) for each component it names if composite."""
        start, end = self.face.glyphPos[index], self.face.glyphPos[index + 1]
        data = self.glyf[start:end]
        components = []
        if len(data) > 2 and unpack_from(">h", data)[0] < 0:
            at, flags = 10, GF_MORE_COMPONENTS
            while flags & GF_MORE_COMPONENTS:
                flags, component = unpack_from(">HH", data, at)
                components.append((at + 2, component))
                at += 8 if flags & GF_ARG_1_AND_2_ARE_WORDS else 6
                if flags & GF_WE_HAVE_A_SCALE:
                    at += 2
                elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
                    at += 4
                elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
                    at += 8
        return data, components

    def file(self, parts: list[int], new_index: dict[int, int], codes: list[int]) -> bytes:
        out = TTFontMaker()
        for tag, data in self.tables.items():
            out.add(tag, data)
        hmetrics = self.face.hmetrics
        metrics = [hmetrics[g] for g in parts]
        full = len(metrics)                       # a trailing run of one advance keeps one
        while full > 1 and metrics[full - 1][0] == metrics[full - 2][0]:
            full -= 1
        values = [int(v) for pair in metrics[:full] for v in pair]    # advance and left side bearing
        values += [int(lsb) for _, lsb in metrics[full:]]
        out.add("hmtx", pack(f">{len(values)}H", *values))
        out.add("hhea", self.hhea[:34] + pack(">H", full) + self.hhea[36:])
        out.add("maxp", self.maxp[:4] + pack(">H", len(parts)) + self.maxp[6:])
        out.add("cmap", pack(f">{11 + len(codes)}H", 0, 1, 1, 0, 0, 12, 6, 10 + 2 * len(codes), 0, 0,
                             len(codes), *codes))
        glyf, offsets, size = [], [], 0
        for glyph in parts:
            data, components = self.glyphs(glyph)
            if components:
                data = bytearray(data)
                for at, component in components:
                    data[at:at + 2] = pack(">H", new_index[component])
            offsets.append(size)
            glyf.append(bytes(data) + b"\0" * (-len(data) % 4))
            size += len(glyf[-1])
        offsets.append(size)
        out.add("glyf", b"".join(glyf))
        long_offsets = (size + 1) >> 1 > 0xFFFF
        loca = offsets if long_offsets else [o >> 1 for o in offsets]
        out.add("loca", pack(f">{len(loca)}{'L' if long_offsets else 'H'}", *loca))
        out.add("head", self.head[:50] + pack(">H", long_offsets) + self.head[52:])
        return out.makeStream()
