"""QR modules for the slips: the symbol `qrcode` makes (its segmentation, error correction M, a
fixed mask), built about five times faster.

`qrcode` encodes bit by bit and divides polynomials as Python objects (~2 ms a slip). Here the
bits are one integer, Reed–Solomon runs on log tables, and what depends only on the version
(function patterns, the order of the data modules, the mask) is worked out once per version.
"""
from __future__ import annotations

from bisect import bisect_left
from functools import cache

from qrcode import QRCode, util
from qrcode.base import EXP_TABLE, LOG_TABLE, rs_blocks
from qrcode.constants import ERROR_CORRECT_M

# a fixed mask is valid QR (ISO 18004 lets the encoder choose); scoring all eight costs ~10 ms
MASK = 2
OPTIMIZE = 20      # qrcode's default: a run of ≥ 20 digits or alphanumerics gets its own segment
PADS = (0xEC, 0x11)
BITS = bytes.maketrans(b"01", b"\x00\x01")


class _Bits:
    """The `put(value, length)` buffer QRData.write fills, kept as one integer."""

    def __init__(self):
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        self.value = (self.value << length) | num
        self.length += length


def qr_rows(value: str) -> tuple[bytes, ...]:
    """Modules of the QR code of `value`, row by row (1 dark, 0 light), without the quiet zone."""
    segments = list(util.optimal_data_chunks(value, minimum=OPTIMIZE))
    version = _fit(segments)
    n, functions, gather, places, mask = _layout(version)
    codewords = _codewords(version, segments)
    stream = int.from_bytes(codewords, "big") << (places - 8 * len(codewords))   # remainder bits: 0
    data = format(stream ^ mask, f"0{places}b").encode().translate(BITS)
    modules = bytes(map((functions + data).__getitem__, gather))
    return tuple(modules[r * n:(r + 1) * n] for r in range(n))


def _fit(segments) -> int:
    """The smallest version whose capacity holds the segments (as qrcode's best_fit)."""
    limits = util.BIT_LIMIT_TABLE[ERROR_CORRECT_M]
    for first, last in ((1, 9), (10, 26), (27, 40)):      # versions sharing length-field sizes
        sizes = util.mode_sizes_for_version(first)
        needed = sum(4 + sizes[s.mode] + _payload_bits(s) for s in segments)
        version = bisect_left(limits, needed, first)
        if version <= last:
            return version
    raise ValueError("Nội dung quá dài để tạo mã QR.")


def _payload_bits(segment) -> int:
    n = len(segment)
    if segment.mode == util.MODE_NUMBER:
        return n // 3 * 10 + (0, 4, 7)[n % 3]
    if segment.mode == util.MODE_ALPHA_NUM:
        return n // 2 * 11 + n % 2 * 6
    return n * 8


def _codewords(version: int, segments) -> bytes:
    """Data and error-correction codewords, interleaved."""
    bits = _Bits()
    for s in segments:
        bits.put(s.mode, 4)
        bits.put(len(s), util.length_in_bits(s.mode, version))
        s.write(bits)
    blocks = rs_blocks(version, ERROR_CORRECT_M)
    capacity = sum(b.data_count for b in blocks) * 8
    bits.put(0, min(4, capacity - bits.length))                 # terminator
    bits.put(0, -bits.length % 8)
    data = bits.value.to_bytes(bits.length // 8, "big")
    data += bytes(PADS[i % 2] for i in range((capacity - bits.length) // 8))
    dc, ec, offset = [], [], 0
    for block in blocks:
        dc.append(data[offset:offset + block.data_count])
        ec.append(_ecc(dc[-1], block.total_count - block.data_count))
        offset += block.data_count
    out = bytearray()
    for group in (dc, ec):
        for i in range(max(len(x) for x in group)):
            out.extend(x[i] for x in group if i < len(x))
    return bytes(out)


@cache
def _products(degree: int) -> tuple[tuple[int, ...], ...]:
    """For each byte f, f times the Reed–Solomon generator of `degree` (after its leading 1)."""
    generator = [1]
    for i in range(degree):
        root = EXP_TABLE[i]
        generator = [a ^ _mul(b, root) for a, b in zip(generator + [0], [0] + generator)]
    return tuple(tuple(_mul(f, g) for g in generator[1:]) for f in range(256))


def _mul(a: int, b: int) -> int:
    return EXP_TABLE[(LOG_TABLE[a] + LOG_TABLE[b]) % 255] if a and b else 0


def _ecc(data: bytes, degree: int) -> list[int]:
    """The remainder of data·x^degree divided by the generator: the error-correction codewords."""
    products = _products(degree)
    rem = [0] * degree
    for byte in data:
        rem = [a ^ b for a, b in zip(rem[1:] + [0], products[byte ^ rem[0]])]
    return rem


@cache
def _layout(version: int) -> tuple[int, bytes, tuple[int, ...], int, int]:
    """What depends only on the version: its size; its function patterns (1 dark, 0 light, row
    by row); for each module, its index in those patterns followed by the data bits in filling
    order; the number of data bits; and the mask over them."""
    qr = QRCode(version=version, error_correction=ERROR_CORRECT_M)
    qr.map_data = lambda data, mask: None          # qrcode lays out the rest, data modules stay None
    qr.data_cache = []
    qr.makeImpl(False, MASK)
    modules, n = qr.modules, qr.modules_count
    cells = []
    upward = True
    for right in range(n - 1, 0, -2):
        if right <= 6:                               # the vertical timing pattern is skipped
            right -= 1
        for row in (range(n - 1, -1, -1) if upward else range(n)):
            cells.extend((row, col) for col in (right, right - 1) if modules[row][col] is None)
        upward = not upward
    gather = list(range(n * n))
    for i, (r, c) in enumerate(cells):
        gather[r * n + c] = n * n + i
    functions = bytes(bool(m) for row in modules for m in row)
    masked = util.mask_func(MASK)
    mask = int("".join("1" if masked(r, c) else "0" for r, c in cells), 2)
    return n, functions, tuple(gather), len(cells), mask
