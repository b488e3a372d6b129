"""Printed forms: what a clerk or citizen sees on the paper."""
from __future__ import annotations

import sys
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

import forms_helpers as h
from commune_desk.forms import (FORMS, PAPERS, BookRow, DocumentLine, FormData, Person,
                                fonts, render_book, render_form)
from commune_desk.forms.wording import (count, date_in_words, date_line, days_text, money,
                                        time_in_words)

MM = 72 / 25.4
ALL_PAPERS = ("a5", "a4", "80mm")


def render(tmp_path: Path, form: str, data: FormData, paper: str = "a5") -> Path:
    return h.save(render_form(form, data, paper), tmp_path, f"{form}_{paper}.pdf")


def expected_texts(form: str, data: FormData) -> list[str]:
    """Strings that must be printed verbatim (NFC) on each form."""
    office, person = data.office, data.applicant
    out = [FORMS[form].upper(), person.name, data.procedure_name,
           office.name.upper(), office.unit.upper(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
           "Độc lập - Tự do - Hạnh phúc", date_line(office.place, data.received_at)]
    if form == "01":
        out += [f"Mã hồ sơ: {data.code}", f"Số: {data.code}",
                "Thời gian nhận hồ sơ: " + time_in_words(data.received_at),
                "Thời gian trả kết quả giải quyết hồ sơ: " + time_in_words(data.due_at),
                days_text(data.procedure_days), "Số lượng hồ sơ: 01 bộ", money(data.fee),
                person.address, person.phone, person.email, person.id_number,
                "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)",
                data.clerk_name, "văn bản ủy quyền",
                "mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả này"]
        out += [doc.name for doc in data.documents]
    elif form == "02":
        out += ["hướng dẫn một lần, đầy đủ", data.guidance, data.clerk_name, "NGƯỜI HƯỚNG DẪN"]
        out += [m.name for m in data.missing] + [m.reason for m in data.missing]
    elif form == "03":
        out += [data.reason, data.clerk_name, "NGƯỜI TIẾP NHẬN HỒ SƠ"]
    elif form == "04":
        out += [f"Kính gửi: Ông/Bà {person.name}", data.code, data.reason,
                time_in_words(data.due_at), time_in_words(data.new_due_at), "xin lỗi",
                office.head_title, office.head_name]
    elif form == "05":
        out += [f"Kính gửi: Ông/Bà {person.name}", data.code, data.reason,
                time_in_words(data.received_at), office.head_title, office.head_name]
    elif form == "06":
        out += [data.code, time_in_words(data.received_at), time_in_words(data.due_at)]
        for row in data.handoffs:
            out += [row.from_party, row.to_party, f"Giao lúc {time_in_words(row.at)}",
                    row.result]
    return out


def assert_printed(path: Path, expected: list[str]) -> str:
    text = h.pdf_text(path)
    assert unicodedata.is_normalized("NFC", text), "pdftotext gave decomposed characters"
    flat = h.flat(text)
    missing = [e for e in expected if h.flat(e) not in flat]
    assert not missing, f"not printed: {missing}\n--- text ---\n{text}"
    return flat


# -- registry and errors -----------------------------------------------------------
def test_forms_registry_has_the_six_forms_with_vietnamese_titles():
    assert list(FORMS) == ["01", "02", "03", "04", "05", "06"]
    assert FORMS["01"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert FORMS["02"] == "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    assert FORMS["03"] == "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    assert FORMS["06"] == "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    assert set(PAPERS) == set(ALL_PAPERS)


def test_unknown_form_or_paper_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="Không có biểu mẫu"):
        render_form("09", h.sample())
    with pytest.raises(ValueError, match="Khổ giấy không hỗ trợ"):
        render_form("01", h.sample(), "letter")


def test_extension_must_move_the_due_date_later():
    with pytest.raises(ValueError, match="hẹn lại"):
        render_form("04", h.sample(new_due_at=h.at(2026, 11, 26, 8, 0)))


def test_receipt_needs_a_code_and_a_known_return_channel():
    with pytest.raises(ValueError, match="mã hồ sơ"):
        render_form("01", h.sample(code=""))
    with pytest.raises(ValueError, match="nhận kết quả"):
        render_form("01", h.sample(return_by="drone"))
    with pytest.raises(ValueError, match="mã vạch"):
        render_form("01", h.sample(code="000.30.36.H26-261122-00Đ1"))


# -- content --------------------------------------------------------------------------
@pytest.mark.parametrize("paper", ALL_PAPERS)
@pytest.mark.parametrize("form", list(FORMS))
def test_each_form_prints_its_content(tmp_path, form, paper):
    data = h.sample()
    assert_printed(render(tmp_path, form, data, paper), expected_texts(form, data))


@pytest.mark.parametrize("form", list(FORMS))
def test_decomposed_input_prints_as_precomposed_text(tmp_path, form):
    data = h.sample()
    nfd_data = h.nfd(data)
    assert nfd_data.applicant.name != data.applicant.name   # really decomposed
    flat = assert_printed(render(tmp_path, form, nfd_data), expected_texts(form, data))
    assert not any(unicodedata.combining(c) for c in flat)


def test_decomposed_input_on_the_roll(tmp_path):
    data = h.sample()
    assert_printed(render(tmp_path, "01", h.nfd(data), "80mm"), expected_texts("01", data))


def test_receipt_optional_lines(tmp_path):
    owner = Person("Nguyễn Văn An")
    data = h.sample(return_by="post", post_address="Số 5 phố Huế, Hà Nội", fee=0,
                    procedure_days=0, owner=owner, notes="Nộp kèm 02 ảnh 4x6")
    flat = assert_printed(render(tmp_path, "01", data), [
        "Qua dịch vụ bưu chính công ích, địa chỉ nhận: Số 5 phố Huế, Hà Nội",
        "Phí, lệ phí: Không thu", "Trong ngày", "Chủ hồ sơ: Ông/Bà Nguyễn Văn An",
        "Ghi chú: Nộp kèm 02 ảnh 4x6"])
    assert "ngày làm việc" not in flat


def test_receipt_with_hundreds_of_different_characters(tmp_path):
    many = "".join(chr(c) for c in [*range(0x100, 0x130), *range(0x391, 0x3A2), *range(0x3B1, 0x3CA),
                                    *range(0x400, 0x460)])
    data = h.sample(notes=" ".join(many[i:i + 20] for i in range(0, len(many), 20)))
    assert_printed(render(tmp_path, "01", data), [f"Ghi chú: {data.notes}"])


def test_receipt_number_and_print_date_can_differ_from_code(tmp_path):
    data = h.sample(number="125/TN", printed_at=h.at(2026, 11, 23, 7, 45))
    flat = assert_printed(render(tmp_path, "01", data),
                          ["Số: 125/TN", "Phúc Lợi, ngày 23 tháng 11 năm 2026"])
    assert "ngày 22 tháng 11" not in flat


def test_document_counts_are_zero_padded_and_zero_left_blank(tmp_path):
    data = h.sample(documents=(DocumentLine("Tờ khai", 1, 0, 12),))
    flat = h.flat(h.pdf_text(render(tmp_path, "01", data)))
    assert "1 Tờ khai 01 12" in flat


@pytest.mark.parametrize("paper", ALL_PAPERS)
def test_document_counts_sit_centred_under_their_headings(tmp_path, paper):
    word = "Giấy-chứng-nhận-quyền-sử-dụng-đất-quyền-sở-hữu-nhà-ở-và-tài-sản-khác-gắn-liền-với-đất"
    data = h.sample(documents=(DocumentLine("Tờ khai", 1, 0, 12), DocumentLine(word, 0, 3)))
    path = render(tmp_path, "01", data, paper)
    words = h.pages(path)[0].words
    centre = lambda w: (w.x0 + w.x1) / 2
    first = lambda text: next(w for w in words if w.text == text)
    heading_y = first("TT").y0
    for count, heading in (("01", "chính"), ("12", "photo"), ("03", "(chứng")):
        start = [w for w in words if w.text == heading and w.y0 >= heading_y - 1][0]
        line = [w for w in words if abs(w.y0 - start.y0) < 1 and w.x0 >= start.x0][:2 if "(" in heading else 1]
        assert centre(first(count)) == pytest.approx((line[0].x0 + line[-1].x1) / 2, abs=1.5), (count, heading)
    assert centre(first("1")) == pytest.approx(centre(first("TT")), abs=1.5)
    spec = PAPERS[paper]
    start = next(i for i, w in enumerate(words) if w.text.startswith("Giấy-chứng"))
    pieces = [w for w in words[start:] if w.text in word][:3]
    assert len(pieces) >= 2 and "".join(w.text for w in pieces).startswith(word[:40])   # broken over lines
    assert all(spec.left <= w.x0 and w.x1 <= first("03").x0 for w in pieces)


def test_control_sheet_leaves_blank_rows_to_fill_by_hand(tmp_path):
    flat = h.flat(h.pdf_text(render(tmp_path, "06", h.sample(handoffs=()))))
    assert flat.count("Giao lúc … giờ … phút, ngày …") == 4


# -- barcodes -------------------------------------------------------------------------
@pytest.mark.parametrize("paper", ALL_PAPERS)
def test_receipt_barcode_and_qr_scan(tmp_path, paper):
    for code in (h.CODE, "000.00.06.H56-231027-0361"):
        path = render(tmp_path, "01", h.sample(code=code), paper)
        symbols = h.scan(path, tmp_path)
        assert f"CODE-128:{code}" in symbols, symbols
        assert f"QR-Code:{h.URL.format(code=code)}" in symbols, symbols
        for png in tmp_path.glob("scan*.png"):
            png.unlink()


def test_no_qr_without_lookup_url(tmp_path):
    data = h.sample(office=h.office(lookup_url=""))
    symbols = h.scan(render(tmp_path, "01", data), tmp_path)
    assert symbols == [f"CODE-128:{h.CODE}"]


# -- fit ------------------------------------------------------------------------------
def overlapping(words: list[h.Word]) -> list[tuple[str, str]]:
    shrink = 0.6
    boxes = [(w.x0 + shrink, w.y0 + shrink, w.x1 - shrink, w.y1 - shrink, w.text)
             for w in words]
    boxes.sort()
    hits = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[0] >= a[2]:
                break
            if b[1] < a[3] and a[1] < b[3]:
                hits.append((a[4], b[4]))
    return hits


@pytest.mark.parametrize("paper", ALL_PAPERS)
@pytest.mark.parametrize("form", list(FORMS))
def test_long_content_stays_inside_the_margins(tmp_path, form, paper):
    data = h.long_sample()
    path = render(tmp_path, form, data, paper)
    spec = PAPERS[paper]
    pages = h.pages(path)
    tol = 1.0
    for page in pages:
        assert page.width == pytest.approx(spec.width, abs=0.5)
        for w in page.words:
            assert w.x0 >= spec.left - tol and w.x1 <= page.width - spec.right + tol, w
            assert w.y0 >= spec.top - tol and w.y1 <= page.height - spec.bottom + tol, w
        assert not overlapping(page.words), overlapping(page.words)[:5]
    assert_printed(path, expected_texts(form, data))
    if paper == "a5" and form in ("01", "02"):
        assert len(pages) <= 2      # 15 documents (or items to add) may need a second A5 page
    else:
        assert len(pages) == 1      # type shrinks a little rather than spill


@pytest.mark.parametrize("form", list(FORMS))
def test_ordinary_slips_fit_one_a5_page(tmp_path, form):
    assert len(h.pages(render(tmp_path, form, h.sample()))) == 1


def test_roll_is_80mm_wide_and_as_long_as_its_content(tmp_path):
    short = PdfReader(render(tmp_path, "03", h.sample(), "80mm")).pages
    long = PdfReader(render(tmp_path, "01", h.long_sample(), "80mm")).pages
    assert len(short) == len(long) == 1
    for pages in (short, long):
        assert float(pages[0].mediabox.width) == pytest.approx(80 * MM, abs=0.1)
    assert float(long[0].mediabox.height) > float(short[0].mediabox.height) + 100 * MM


def test_paper_sizes(tmp_path):
    a5 = PdfReader(render(tmp_path, "01", h.sample(), "a5")).pages[0].mediabox
    a4 = PdfReader(render(tmp_path, "01", h.sample(), "a4")).pages[0].mediabox
    assert (float(a5.width), float(a5.height)) == pytest.approx((148 * MM, 210 * MM), abs=0.1)
    assert (float(a4.width), float(a4.height)) == pytest.approx((210 * MM, 297 * MM), abs=0.1)


# -- fonts ----------------------------------------------------------------------------
STANDARD_14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")


def assert_only_shipped_fonts(path: Path) -> None:
    rows = h.fonts(path)
    assert rows
    for name, kind, embedded in rows:
        assert "LiberationSerif" in name and not name.split("+")[-1].startswith(STANDARD_14), name
        assert kind == "TrueType" and embedded == "yes", (name, kind, embedded)


@pytest.mark.parametrize("paper", ALL_PAPERS)
def test_only_the_embedded_serif_is_used(tmp_path, paper):
    for form in FORMS:
        assert_only_shipped_fonts(render(tmp_path, form, h.sample(), paper))


def test_shipped_font_covers_vietnamese():
    from reportlab.pdfbase import pdfmetrics
    letters = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ–…"
    letters += letters.lower()
    fonts.register_fonts()
    for face in (fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC):
        cmap = pdfmetrics.getFont(face).face.charToGlyph
        assert [c for c in letters if ord(c) not in cmap] == [], face


def test_fonts_and_licence_are_shipped():
    folder = fonts.fonts_dir()
    assert folder == Path(__file__).resolve().parents[1] / "resources" / "fonts"
    assert "SIL OPEN FONT LICENSE" in (folder / "OFL.txt").read_text().upper()
    for name in fonts._FILES.values():
        assert (folder / name).is_file()


def test_resources_found_in_a_frozen_app(tmp_path, monkeypatch):
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert fonts.resources_dir() == tmp_path / "resources"


# -- book (form 07) -------------------------------------------------------------------
def book_rows(n: int) -> list[BookRow]:
    return [BookRow(i, f"000.30.36.H26-2611{i % 28 + 1:02d}-{i:04d}",
                    "Chứng thực bản sao từ bản chính giấy tờ, văn bản", 1,
                    f"Nguyễn Thị Hồng Nhung {i}", "Thôn Đông, xã Phúc Lợi, thành phố Hà Nội",
                    "0912345678", h.at(2026, 11, 2, 9, 32), h.at(2026, 11, 4, 8, 5),
                    h.at(2026, 11, 3, 15, 0) if i % 2 else None, "Trần Văn Bình",
                    "Nguyễn Văn An" if i % 5 == 0 else "")
            for i in range(1, n + 1)]


def test_book_is_landscape_multi_page_with_repeated_header(tmp_path):
    rows = book_rows(60)
    path = h.save(render_book(h.office(), rows, date(2026, 11, 1), date(2026, 11, 30)),
                  tmp_path)
    reader = PdfReader(path)
    assert len(reader.pages) >= 3
    for n, page in enumerate(h.pages(path), 1):
        assert page.width > page.height
        text = h.flat(h.pdf_text(path, n))
        for heading in ("STT", "Mã hồ sơ", "Ngày hẹn trả kết quả", "Bên giao", "Bên nhận"):
            assert heading in text, (n, heading)
        assert f"Trang {n}/{len(reader.pages)}" in text
        for w in page.words:
            assert 5 * MM <= w.x0 and w.x1 <= page.width - 5 * MM, w
            assert 5 * MM <= w.y0 and w.y1 <= page.height - 3 * MM, w
    flat = assert_printed(path, ["SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/11/2026 đến ngày 30/11/2026",
                                 "UBND XÃ PHÚC LỢI", "Người nhận hồ sơ (cán bộ)"])
    for row in rows:
        assert row.code in flat and row.applicant in flat
    assert "02/11/2026 09:32" in flat
    assert_only_shipped_fonts(path)


def test_book_without_rows_and_bad_period(tmp_path):
    path = h.save(render_book(h.office(), [], date(2026, 11, 1), date(2026, 11, 30)), tmp_path)
    assert_printed(path, ["Không có hồ sơ trong khoảng thời gian này"])
    with pytest.raises(ValueError):
        render_book(h.office(), [], date(2026, 11, 30), date(2026, 11, 1))


# -- wording ---------------------------------------------------------------------------
def test_time_in_words():
    assert time_in_words(h.at(2026, 11, 27, 9, 32)) == "9 giờ 32 phút, ngày 27/11/2026"
    assert time_in_words(h.at(2026, 3, 5, 8, 5)) == "8 giờ 05 phút, ngày 05/03/2026"
    assert time_in_words(h.at(2026, 3, 5, 0, 0)) == "0 giờ 00 phút, ngày 05/03/2026"
    utc = datetime(2026, 11, 27, 2, 32, tzinfo=h.ZoneInfo("UTC"))
    assert time_in_words(utc) == "9 giờ 32 phút, ngày 27/11/2026"   # shown in Vietnam time


def test_date_line_follows_decree_30_padding():
    assert date_line("Phúc Lợi", date(2026, 11, 22)) == "Phúc Lợi, ngày 22 tháng 11 năm 2026"
    assert date_in_words(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert date_in_words(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert date_line("Phu\u0301c Lơ\u0323i", date(2026, 2, 1)) == "Phúc Lợi, ngày 01 tháng 02 năm 2026"


def test_days_money_and_counts():
    assert days_text(5) == "05 ngày làm việc"
    assert days_text(12) == "12 ngày làm việc"
    assert days_text(0) == "Trong ngày"
    assert days_text(None) == ""
    with pytest.raises(ValueError):
        days_text(-1)
    assert money(50000) == "50.000 đồng"
    assert money(1250000) == "1.250.000 đồng"
    assert money(0) == "0 đồng"
    assert count(1) == "01" and count(15) == "15"
