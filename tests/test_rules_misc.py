"""Codes, identifiers, text folding, statuses and timeliness: what a clerk sees accepted or refused."""

import unicodedata
from datetime import date

import pytest

from commune_desk.errors import CodeExhausted, InvalidInput, NotAllowed
from commune_desk.rules.codes import (format_code, next_sequence, normalize_agency_code, parse_code,
                                      sequence_block)
from commune_desk.rules.identity import parse_email, parse_id_number, parse_phone
from commune_desk.rules.intake import FormErrors, IntakeForm, validate
from commune_desk.rules.statuses import Status, check_transition, parse_status
from commune_desk.rules.text import clean, fold
from commune_desk.rules.timeliness import Timeliness, judge
from tests.conftest import at


# ---- dossier codes ----------------------------------------------------------------------------

def test_code_format_takes_the_receiving_date():
    assert format_code("000.30.36.H26", at("2026-11-23 09:32"), 1) == "000.30.36.H26-261123-0001"
    assert str(parse_code("000.00.06.h56-231027-0361")) == "000.00.06.H56-231027-0361"


def test_single_desk_counts_from_0001():
    assert next_sequence(1, None) == 1
    assert next_sequence(1, 1) == 2
    assert next_sequence(1, 41) == 42


def test_desk_blocks_never_overlap():
    blocks = [set(range(a, b + 1)) for a, b in map(sequence_block, range(1, 10))]
    for i, a in enumerate(blocks):
        for b in blocks[i + 1:]:
            assert not a & b
    assert next_sequence(2, None) == 1000 and next_sequence(9, None) == 8000


def test_running_out_is_an_error_not_a_wrap():
    with pytest.raises(CodeExhausted, match="hết 999 số"):
        next_sequence(1, 999)
    with pytest.raises(CodeExhausted):
        next_sequence(2, 1999)


@pytest.mark.parametrize("bad", ["", "000.30.36.H26.", "000-30", "ĐÀ.1", "X" * 36, "000..1"])
def test_bad_agency_identifiers_are_refused(bad):
    with pytest.raises(InvalidInput, match="(mã định danh|Mã định danh)"):
        normalize_agency_code(bad)


@pytest.mark.parametrize("bad", ["000.30.36.H26-261123-001", "000.30.36.H26-261332-0001",
                                 "000.30.36.H26-261123-0000", "hello"])
def test_bad_codes_are_refused(bad):
    with pytest.raises(InvalidInput):
        parse_code(bad)


# ---- identifiers -------------------------------------------------------------------------------

def test_valid_cccd_with_matching_birth_year():
    pid = parse_id_number("001 090 012345", birth_date=date(1990, 5, 3))
    assert pid.kind == "cccd" and pid.number == "001090012345" and pid.birth_year == 1990
    assert not pid.female and pid.province == "Hà Nội"
    assert parse_id_number("079305001234").female and parse_id_number("079305001234").birth_year == 2005


@pytest.mark.parametrize("bad, message", [
    ("003090012345", "mã tỉnh"),          # 003 is not a province code
    ("00109001234", "12 chữ số"),          # 11 digits
    ("0010900123456", "12 chữ số"),
    ("12345", "12 chữ số"),
    ("001-09A-012345", "không hợp lệ"),
])
def test_invalid_cccds(bad, message):
    with pytest.raises(InvalidInput, match=message):
        parse_id_number(bad)


def test_cccd_century_must_agree_with_birth_date():
    with pytest.raises(InvalidInput, match="năm sinh 1990"):
        parse_id_number("001090012345", birth_date=date(2090, 1, 1))
    with pytest.raises(InvalidInput, match="năm sinh 2090"):
        parse_id_number("001290012345", birth_date=date(1990, 1, 1))
    with pytest.raises(InvalidInput, match="chưa tới"):
        parse_id_number("001230012345", today=date(2026, 11, 22))   # born 2030?


def test_legacy_cmnd_and_passports():
    assert parse_id_number("012345678").kind == "cmnd"
    assert parse_id_number("c1234567").kind == "passport"
    assert parse_id_number("C1234567").number == "C1234567"
    assert parse_id_number("") is None


@pytest.mark.parametrize("raw, expected", [
    ("0912 345 678", "0912345678"), ("+84 912345678", "0912345678"), ("84-389-123-456", "0389123456"),
    ("024 3825 1234", "02438251234"), ("0206.3852.123", "02063852123"), ("", ""),
])
def test_phones(raw, expected):
    assert parse_phone(raw) == expected


@pytest.mark.parametrize("bad", ["0123456789", "091234567", "09123456789", "1900 1234", "abc"])
def test_bad_phones(bad):
    with pytest.raises(InvalidInput, match="Số điện thoại không hợp lệ"):
        parse_phone(bad)


def test_email():
    assert parse_email(" an@example.vn ") == "an@example.vn"
    with pytest.raises(InvalidInput, match="email"):
        parse_email("an@")


# ---- text --------------------------------------------------------------------------------------

def test_nfd_input_is_stored_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Đạt")
    assert decomposed != "Nguyễn Thị Đạt"
    assert clean(f"  {decomposed}  ", label="Họ tên", max_len=50) == "Nguyễn Thị Đạt"
    assert unicodedata.is_normalized("NFC", clean(decomposed, label="x", max_len=50))


def test_clean_bounds_and_requires():
    with pytest.raises(InvalidInput, match="Vui lòng nhập họ tên"):
        clean("   ", label="Họ tên", max_len=10, required=True)
    with pytest.raises(InvalidInput, match="dài quá 5 ký tự"):
        clean("Nguyễn", label="Họ tên", max_len=5)
    with pytest.raises(InvalidInput, match="điều khiển"):
        clean("An\x00", label="Họ tên", max_len=10)
    assert clean("Nguyễn   Văn\tAn", label="x", max_len=50) == "Nguyễn Văn An"


@pytest.mark.parametrize("raw, folded", [
    ("Nguyễn Văn Đạt", "nguyen van dat"), ("ĐẶNG THỊ ƯỚC", "dang thi uoc"),
    ("Phạm Thị Hương Ơn", "pham thi huong on"), (unicodedata.normalize("NFD", "Lê Đức Thọ"), "le duc tho"),
    ("đăng ký khai sinh", "dang ky khai sinh"),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


# ---- statuses and timeliness ---------------------------------------------------------------------

def test_allowed_and_refused_transitions():
    check_transition(Status.ACCEPTED, Status.PROCESSING)
    check_transition(Status.SUPPLEMENT, Status.PROCESSING)
    check_transition(Status.RESOLVED, Status.RETURNED)
    with pytest.raises(NotAllowed, match="Không thể chuyển hồ sơ từ «Đã trả kết quả»"):
        check_transition(Status.RETURNED, Status.PROCESSING)
    with pytest.raises(NotAllowed, match="Được phép: 10"):
        check_transition(Status.RESOLVED, Status.PROCESSING)
    with pytest.raises(NotAllowed):
        check_transition(Status.WITHDRAWN, Status.PROCESSING)
    with pytest.raises(NotAllowed, match="từ 1 đến 10"):
        parse_status("11")


def test_every_status_has_a_vietnamese_label():
    assert [s.value for s in Status] == list(range(1, 11))
    assert Status.RESOLVED.label == "Đã xử lý xong, chờ trả"


def test_timeliness():
    due = at("2026-11-27 09:00")
    assert judge(due, finished_at=at("2026-11-26 16:00")) is Timeliness.EARLY
    assert judge(due, finished_at=at("2026-11-27 08:00")) is Timeliness.ON_TIME
    assert judge(due, finished_at=at("2026-11-27 09:00")) is Timeliness.ON_TIME
    assert judge(due, finished_at=at("2026-11-27 09:01")) is Timeliness.LATE
    assert judge(due, now=at("2026-11-27 08:59")) is Timeliness.WITHIN
    assert judge(due, now=at("2026-11-27 09:01")) is Timeliness.LATE
    assert Timeliness.EARLY.label == "Trước hạn"


# ---- intake form -------------------------------------------------------------------------------

def test_intake_form_collects_every_error_in_vietnamese():
    form = IntakeForm(procedure_id="HT-KS", name="", id_number="123", phone="12", email="x",
                      return_by="post", outcome="refused")
    with pytest.raises(FormErrors) as exc:
        validate(form, today=date(2026, 11, 23))
    errors = exc.value.errors
    assert set(errors) >= {"name", "id_number", "phone", "email", "post_address", "reason"}
    assert errors["name"] == "Vui lòng nhập họ tên người nộp."


def test_intake_form_post_defaults_to_the_applicant_address():
    out = validate(IntakeForm(procedure_id="x", name="An", address="Thôn Đông", return_by="post"),
                   today=date(2026, 11, 23))
    assert out["post_address"] == "Thôn Đông"


def test_lone_surrogates_from_an_input_method_are_refused():
    with pytest.raises(InvalidInput, match="lỗi bộ gõ"):
        clean("Nguy\ud800ễn", label="Họ tên", max_len=50)


def test_a_clock_is_flagged_beyond_five_minutes_in_the_largest_unit_that_says_it():
    from commune_desk.rules import clock
    assert clock.skew(None) is None and clock.skew(300) is None and clock.skew(-300) is None
    assert clock.skew(301) == "Đồng hồ máy nhanh 5 phút"
    assert clock.skew(-2 * 3600 - 100) == "Đồng hồ máy chậm 2 giờ"
    assert clock.skew(3 * 86400 + 40) == "Đồng hồ máy nhanh 3 ngày"
    assert clock.skew(0.96 * 86400) == "Đồng hồ máy nhanh 1 ngày"
