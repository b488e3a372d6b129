"""Sample data and poppler/zbar wrappers for tests/test_forms.py."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from commune_desk.forms import (DocumentLine, FormData, HandoffRow, MissingItem, OfficeInfo,
                                Person)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "000.30.36.H26-261122-0001"
URL = "https://dichvucong.example.vn/tra-cuu?ma={code}"


def at(y, mo, d, h, mi) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=VN)


def office(**kw) -> OfficeInfo:
    base = dict(name="UBND xã Phúc Lợi", unit="Bộ phận tiếp nhận và trả kết quả",
                place="Phúc Lợi", agency_code="000.30.36.H26", lookup_url=URL,
                head_name="Lê Văn Quang")
    base.update(kw)
    return OfficeInfo(**base)


def sample(**kw) -> FormData:
    base = dict(
        office=office(),
        applicant=Person("Nguyễn Thị Hồng Nhung", "001186012345", date(1986, 5, 4),
                         "0912345678", "nhung.nguyen@example.vn",
                         "Thôn Đông, xã Phúc Lợi, thành phố Hà Nội"),
        procedure_name="Đăng ký khai sinh",
        clerk_name="Trần Văn Bình",
        code=CODE,
        procedure_days=5,
        received_at=at(2026, 11, 22, 9, 32),
        due_at=at(2026, 11, 27, 8, 5),
        documents=(DocumentLine("Tờ khai đăng ký khai sinh", 1),
                   DocumentLine("Giấy chứng sinh", 1, 0, 1),
                   DocumentLine("Giấy đăng ký kết hôn của cha mẹ", 0, 1)),
        fee=8000,
        missing=(MissingItem("Giấy chứng sinh", "Bản chụp mờ, cần nộp bản chính"),
                 MissingItem("Tờ khai đăng ký khai sinh", "Thiếu chữ ký của người đi đăng ký")),
        guidance="Ông/Bà nộp bổ sung tại Bộ phận một cửa trong giờ hành chính.",
        reason="Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã.",
        new_due_at=at(2026, 12, 2, 16, 0),
        handoffs=(HandoffRow("Bộ phận TN&TKQ - Nguyễn Thị Lan",
                             "Công chức Tư pháp - Hộ tịch - Phạm Văn Đức",
                             at(2026, 11, 22, 10, 5), "Trước hạn", "Chuyển trong ngày"),
                  HandoffRow("Công chức Tư pháp - Hộ tịch - Phạm Văn Đức",
                             "Lãnh đạo UBND xã - Lê Văn Quang", at(2026, 11, 24, 14, 0),
                             "Đúng hạn")),
    )
    base.update(kw)
    return FormData(**base)


LONG_NAME = ("Nguyễn Thị Hồng Nhung " * 6)[:120].strip()
LONG_ADDRESS = ("Số nhà 18, ngõ 25, đường Trường Chinh, tổ dân phố Đông Thành, "
                "thôn Đông, xã Phúc Lợi, thành phố Hà Nội; ") * 4
LONG_ADDRESS = LONG_ADDRESS[:250].strip()


def long_sample() -> FormData:
    docs = tuple(DocumentLine(f"Bản sao có chứng thực giấy tờ số {i:02d} về nhân thân của người "
                              "yêu cầu", 1, i % 3, 2) for i in range(1, 16))
    missing = tuple(MissingItem(f"Giấy tờ bổ sung số {i:02d}", "Thiếu chữ ký, cần ký lại "
                                "trước mặt cán bộ tiếp nhận") for i in range(1, 16))
    person = Person(LONG_NAME, "001186012345", None, "0912345678",
                    "mot.dia.chi.thu.dien.tu.rat.dai@phucloi.hanoi.example.vn", LONG_ADDRESS)
    return sample(applicant=person, documents=docs, missing=missing,
                  procedure_name="Liên thông các thủ tục hành chính về đăng ký khai sinh, "
                                 "đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
                  reason="Lý do rất dài: " + LONG_ADDRESS, clerk_name=LONG_NAME[:60],
                  office=office(head_name=LONG_NAME[:60]))


def nfd(value):
    """Deep-convert strings in a dataclass tree to NFD (combining marks)."""
    import dataclasses
    if isinstance(value, str):
        return unicodedata.normalize("NFD", value)
    if isinstance(value, tuple):
        return tuple(nfd(v) for v in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: nfd(getattr(value, f.name))
                                             for f in dataclasses.fields(value)})
    return value


# -- external tools -------------------------------------------------------------
def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"Kiểm thử biểu mẫu cần lệnh `{name}`: apt-get install poppler-utils "
                    "zbar-tools", pytrace=False)
    return path


def run(*args: str) -> str:
    done = subprocess.run([tool(args[0]), *args[1:]], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr}"
    return done.stdout


def save(pdf: bytes, folder: Path, name: str = "form.pdf") -> Path:
    path = folder / name
    path.write_bytes(pdf)
    return path


def pdf_text(path: Path, page: int | None = None) -> str:
    """Text in drawing order (keeps each wrapped paragraph together)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return run("pdftotext", "-raw", "-enc", "UTF-8", *pages, str(path), "-")


def flat(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                   r'yMax="([\d.-]+)">(.*?)</word>', re.S)


def pages(path: Path) -> list[Page]:
    """Pages with word boxes (points, origin top-left) from `pdftotext -bbox`."""
    out = run("pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-")
    result = []
    for n, (w, h, body) in enumerate(_PAGE.findall(out), 1):
        words = [Word(n, html.unescape(t), *map(float, box))
                 for *box, t in _WORD.findall(body)]
        result.append(Page(float(w), float(h), words))
    return result


def scan(path: Path, folder: Path, page: int = 1, dpi: int = 200) -> list[str]:
    """Symbols zbarimg finds on a `dpi` render of one page: ["CODE-128:…", "QR-Code:…"]."""
    prefix = folder / f"scan{page}"
    run("pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(path),
        str(prefix))
    image = next(folder.glob(f"scan{page}*.png"))
    done = subprocess.run([tool("zbarimg"), "-q", str(image)], capture_output=True,
                          text=True, timeout=60)
    return done.stdout.splitlines()


def fonts(path: Path) -> list[tuple[str, str, str]]:
    """(name, type, embedded) rows of `pdffonts`."""
    lines = run("pdffonts", str(path)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type [type…] encoding emb sub uni object ID
        rows.append((parts[0], " ".join(parts[1:-6]), parts[-5]))
    return rows
