"""Scanned pages to PDF: what the counter's scanner (or a photo) gives becomes one small PDF.

A text page is reduced to 200 dpi and stored bilevel (CCITT Group 4, ~30–50 kB for an A4 page);
a page with real grey tones (an ID card, a photo) is stored greyscale JPEG. Pillow decides and
encodes, img2pdf wraps the encoded data without re-encoding it, pikepdf joins several PDFs.
A file that arrives as one PDF is kept byte for byte.
"""

import io
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

from commune_desk.errors import InvalidInput

TARGET_DPI = 200
A4_LONG_IN = 11.69
JPEG_QUALITY = 55
MID_TONE_SHARE = 0.12      # a page with more mid-grey pixels than this is a picture, not text
MAX_INPUT_BYTES = 100 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "TIFF", "MPO"}

Image.MAX_IMAGE_PIXELS = 120_000_000    # an A3 page at 600 dpi; larger is refused, not decoded


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def to_pdf(files: list[Path]) -> tuple[bytes, int]:
    """(PDF bytes, page count) for one checklist document made of these files, in order."""
    if not files:
        raise InvalidInput("Chưa chọn tệp nào để đính kèm.", "file")
    parts = [_read(f) for f in files]
    if len(parts) == 1 and is_pdf(parts[0][1]):
        return parts[0][1], _page_count(parts[0])
    pdfs = []
    pages: list[bytes] = []
    for path, data in parts:
        if is_pdf(data):
            if pages:
                pdfs.append(img2pdf.convert(pages))
                pages = []
            pdfs.append(data)
        else:
            pages.extend(_image_pages(path, data))
    if pages:
        pdfs.append(img2pdf.convert(pages))
    if len(pdfs) == 1:
        return pdfs[0], _page_count((files[0], pdfs[0]))
    out = pikepdf.new()
    for data in pdfs:
        with pikepdf.open(io.BytesIO(data)) as src:
            out.pages.extend(src.pages)
    buf = io.BytesIO()
    out.save(buf, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buf.getvalue(), len(out.pages)


def _read(path: Path) -> tuple[Path, bytes]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InvalidInput(f"Tệp «{path.name}» quá lớn ({size // (1024 * 1024)} MB); "
                               f"tối đa {MAX_INPUT_BYTES // (1024 * 1024)} MB.", "file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"Không tìm thấy tệp «{path}».", "file") from None
    except IsADirectoryError:
        raise InvalidInput(f"«{path}» là thư mục, không phải tệp.", "file") from None
    except PermissionError:
        raise InvalidInput(f"Không đọc được tệp «{path}» (không có quyền).", "file") from None
    if not data:
        raise InvalidInput(f"Tệp «{path.name}» rỗng.", "file")
    return path, data


def _page_count(part: tuple[Path, bytes]) -> int:
    path, data = part
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        raise InvalidInput(f"Tệp «{path.name}» không phải PDF hợp lệ (bị hỏng?).", "file") from None


def _image_pages(path: Path, data: bytes) -> list[bytes]:
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in IMAGE_FORMATS:
            raise UnidentifiedImageError
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(encode_page(image.copy()))
        return frames
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise InvalidInput(f"Tệp «{path.name}» không phải ảnh JPEG/PNG/TIFF hay PDF đọc được.", "file") from None


def encode_page(image: Image.Image) -> bytes:
    """One scanned page, encoded for the PDF: bilevel G4 TIFF for text, greyscale JPEG otherwise."""
    image = ImageOps.exif_transpose(image)
    dpi = _dpi(image)
    grey = image.convert("L")
    if dpi > TARGET_DPI * 1.05:
        scale = TARGET_DPI / dpi
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))),
                           Image.Resampling.LANCZOS)
        dpi = TARGET_DPI
    histogram = grey.histogram()
    mid = sum(histogram[48:208]) / max(1, grey.width * grey.height)
    buf = io.BytesIO()
    if mid <= MID_TONE_SHARE:
        level = _otsu(histogram)
        bilevel = grey.point(lambda v: 255 if v > level else 0, mode="1")
        bilevel.save(buf, format="TIFF", compression="group4", dpi=(dpi, dpi))
    else:
        grey.save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=True, dpi=(round(dpi), round(dpi)))
    return buf.getvalue()


def _dpi(image: Image.Image) -> float:
    """The scan's resolution; a file that does not say (a phone photo, a PNG) is taken as an A4
    page across its long side."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if value >= 50:
        return value
    return max(image.width, image.height) / A4_LONG_IN


def _otsu(histogram: list[int]) -> int:
    """Otsu's threshold on a 256-bin histogram, kept between 125 and 210 so a near-blank page
    does not turn black."""
    total = sum(histogram)
    sum_all = sum(i * h for i, h in enumerate(histogram))
    weight_b = sum_b = 0
    best, level = -1.0, 160
    for i, h in enumerate(histogram):
        weight_b += h
        if weight_b == 0:
            continue
        weight_f = total - weight_b
        if weight_f == 0:
            break
        sum_b += i * h
        mean_b, mean_f = sum_b / weight_b, (sum_all - sum_b) / weight_f
        between = weight_b * weight_f * (mean_b - mean_f) ** 2
        if between > best:
            best, level = between, i
    return min(210, max(125, level))
