"""Test scans: a full A4 text page (Vietnamese, 13 pt as NĐ 30/2020 sets for official papers) and a slip with its barcode, rasterised
by poppler as a scanner would give them (greyscale, slight paper tone and noise)."""

import subprocess
from pathlib import Path

from PIL import Image

TEXT = ("Căn cứ Nghị định số 61/2018/NĐ-CP của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông "
        "trong giải quyết thủ tục hành chính, Ủy ban nhân dân xã Phúc Lợi xác nhận ông Nguyễn Văn Đạt, "
        "sinh ngày 12/03/1990, nơi cư trú thôn Đông, hiện đang trong tình trạng chưa đăng ký kết hôn. ")


def text_page_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from commune_desk.forms.fonts import REGULAR, register_fonts
    register_fonts()
    style = ParagraphStyle("body", fontName=REGULAR, fontSize=13, leading=17)
    doc = SimpleDocTemplate(str(path), pagesize=A4)
    doc.build([Paragraph(TEXT * n, style) for n in (3, 3, 3, 1)])
    return path


def rasterise(pdf: Path, out: Path, dpi: int = 200, fmt: str = "png", noise: int = 12, seed: int = 1) -> Path:
    stem = out.parent / f"{out.stem}-raw"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(pdf), str(stem)], check=True)
    raw = Path(f"{stem}.png")
    image = Image.open(raw).convert("L")
    raw.unlink()
    # paper tone and sensor noise: a clean render would flatter the compression
    table = [min(255, int(v * 0.92) + 10) for v in range(256)]
    image = image.point(table)
    noisy = Image.effect_noise(image.size, noise).convert("L")
    image = Image.blend(image, noisy, 0.08) if noise else image
    image.save(out, format="JPEG" if fmt == "jpeg" else fmt.upper(), dpi=(dpi, dpi),
               **({"quality": 85} if fmt == "jpeg" else {}))
    return out


def day_of_scans(folder: Path, n: int, pages: int = 3) -> list[list[Path]]:
    """n dossiers' worth of distinct text pages at 200 dpi, as a network scanner writes them
    (a full page of 13 pt text each, numbered so that no two are the same file)."""
    from PIL import ImageDraw
    base = Image.open(rasterise(text_page_pdf(folder / "page.pdf"), folder / "page.png")).convert("L")
    out = []
    for i in range(n):
        files = []
        for k in range(pages):
            page = base.copy()
            ImageDraw.Draw(page).text((1300, 2250), f"{i + 1:02d}/{k + 1}", fill=0, font_size=40)
            path = folder / f"d{i:02d}p{k}.jpg"
            page.save(path, dpi=(200, 200), quality=85)
            files.append(path)
        out.append(files)
    return out
