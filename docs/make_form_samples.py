"""Regenerate the sample form images in docs/forms/ (needs pdftoppm from poppler-utils).

    .venv/bin/python docs/make_form_samples.py
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commune_desk.forms import (DocumentLine, FormData, MissingItem, OfficeInfo,  # noqa: E402
                                Person, render_form)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
OUT = ROOT / "docs" / "forms"
SAMPLES = [("01", "a5"), ("02", "a5"), ("03", "a5"), ("01", "80mm")]


def sample() -> FormData:
    office = OfficeInfo(
        name="UBND xã Phúc Lợi", unit="Bộ phận tiếp nhận và trả kết quả", place="Phúc Lợi",
        agency_code="000.30.36.H26",
        lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}",
        head_name="Lê Văn Quang")
    applicant = Person("Nguyễn Thị Hồng Nhung", "001186012345", date(1986, 5, 4), "0912345678",
                       "nhung.nguyen@example.vn", "Thôn Đông, xã Phúc Lợi, thành phố Hà Nội")
    return FormData(
        office=office, applicant=applicant, clerk_name="Trần Văn Bình",
        procedure_name="Đăng ký khai sinh", code="000.30.36.H26-261122-0001",
        procedure_days=3,
        received_at=datetime(2026, 11, 22, 9, 32, tzinfo=VN),
        due_at=datetime(2026, 11, 25, 8, 5, tzinfo=VN),
        documents=(DocumentLine("Tờ khai đăng ký khai sinh", originals=1),
                   DocumentLine("Giấy chứng sinh", originals=1),
                   DocumentLine("Giấy chứng nhận kết hôn của cha, mẹ", certified_copies=1),
                   DocumentLine("Căn cước công dân của người đi đăng ký", photocopies=1)),
        fee=0,
        missing=(MissingItem("Giấy chứng sinh", "Bản đã nộp bị tẩy xóa ngày sinh; cần nộp bản "
                             "chính do cơ sở y tế cấp"),
                 MissingItem("Tờ khai đăng ký khai sinh", "Thiếu chữ ký của người đi đăng ký")),
        guidance="Ông/Bà nộp bổ sung trực tiếp tại Bộ phận một cửa trong giờ hành chính "
                 "hoặc qua dịch vụ bưu chính công ích.",
        reason="Việc đăng ký khai sinh cho trẻ có yếu tố nước ngoài thuộc thẩm quyền của "
               "Ủy ban nhân dân cấp tỉnh, không thuộc thẩm quyền của Ủy ban nhân dân xã.",
    )


def main() -> None:
    pdftoppm = shutil.which("pdftoppm")
    if not pdftoppm:
        sys.exit("Cần pdftoppm (apt-get install poppler-utils)")
    OUT.mkdir(parents=True, exist_ok=True)
    data = sample()
    with tempfile.TemporaryDirectory() as tmp:
        for form, paper in SAMPLES:
            pdf = Path(tmp) / f"{form}_{paper}.pdf"
            # supplement requests and refusals are issued before any dossier code exists
            form_data = replace(data, code="") if form in ("02", "03") else data
            pdf.write_bytes(render_form(form, form_data, paper))
            target = OUT / f"form{form}_{paper}"
            subprocess.run([pdftoppm, "-r", "100", "-png", "-singlefile", "-f", "1", "-l", "1",
                            str(pdf), str(target)], check=True)
            print(target.with_suffix(".png").relative_to(ROOT))


if __name__ == "__main__":
    main()
