"""Citizens' identifiers, phones and e-mail, checked the way a clerk would check them."""

import re
from dataclasses import dataclass
from datetime import date

from commune_desk.errors import InvalidInput
from commune_desk.rules.text import nfc

# Province codes of birth registration (Thông tư 07/2016/TT-BCA); they stay valid after the 2025
# merger because they describe where a person's birth was registered.
PROVINCE_CODES = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh",
    "024": "Bắc Giang", "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương",
    "031": "Hải Phòng", "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình",
    "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam",
    "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên", "056": "Khánh Hòa",
    "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum", "064": "Gia Lai", "066": "Đắk Lắk",
    "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước", "072": "Tây Ninh",
    "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

_SEPARATORS = re.compile(r"[\s.\-()]")
_PASSPORT = re.compile(r"^[A-Z0-9]{6,9}$")


@dataclass(frozen=True)
class PersonalId:
    kind: str            # "cccd" | "cmnd" | "passport"
    number: str
    birth_year: int | None = None
    female: bool | None = None
    province: str | None = None


def parse_id_number(raw: str | None, birth_date: date | None = None,
                    today: date | None = None) -> PersonalId | None:
    """Return the checked identifier, None when empty; raise InvalidInput with a clerk's sentence."""
    text = _SEPARATORS.sub("", nfc(raw)).upper()
    if not text:
        return None
    if text.isdigit():
        if len(text) == 12:
            return _parse_cccd(text, birth_date, today)
        if len(text) == 9:
            return PersonalId("cmnd", text)
        raise InvalidInput(
            f"Số định danh/CCCD phải có đúng 12 chữ số (CMND cũ: 9 chữ số); số vừa nhập có {len(text)} chữ số.",
            "id_number")
    if _PASSPORT.match(text) and any(ch.isalpha() for ch in text) and any(ch.isdigit() for ch in text):
        return PersonalId("passport", text)
    raise InvalidInput(
        "Số giấy tờ tùy thân không hợp lệ: CCCD 12 chữ số, CMND 9 chữ số, hoặc số hộ chiếu (chữ và số).",
        "id_number")


def _parse_cccd(number: str, birth_date: date | None, today: date | None) -> PersonalId:
    province = number[:3]
    if province not in PROVINCE_CODES:
        raise InvalidInput(
            f"Số định danh không hợp lệ: mã tỉnh nơi đăng ký khai sinh «{province}» không tồn tại.",
            "id_number")
    gender_century = int(number[3])
    century = 1900 + 100 * (gender_century // 2)
    year = century + int(number[4:6])
    female = gender_century % 2 == 1
    if birth_date is not None and birth_date.year != year:
        raise InvalidInput(
            f"Số định danh không khớp ngày sinh: số này ứng với năm sinh {year}, "
            f"nhưng ngày sinh đã nhập là năm {birth_date.year}.", "id_number")
    if today is not None and year > today.year:
        raise InvalidInput(
            f"Số định danh không hợp lệ: chữ số thế kỷ và năm sinh cho năm {year}, chưa tới.",
            "id_number")
    return PersonalId("cccd", number, year, female, PROVINCE_CODES[province])


_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


def parse_phone(raw: str | None) -> str:
    """Normalise to the domestic form 0xxxxxxxxx; '' when empty."""
    text = _SEPARATORS.sub("", nfc(raw))
    if not text:
        return ""
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) in (11, 12):
        text = "0" + text[2:]
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    raise InvalidInput(
        "Số điện thoại không hợp lệ: di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08, 09; "
        "máy bàn gồm 11 chữ số bắt đầu bằng 02.", "phone")


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(raw: str | None) -> str:
    text = nfc(raw).strip()
    if not text:
        return ""
    if len(text) > 254 or not _EMAIL.match(text):
        raise InvalidInput("Địa chỉ email không hợp lệ (ví dụ đúng: ten@example.vn).", "email")
    return text


_SPACED_NUMBER = re.compile(r"^\+?\d[\d\s.()]*\d$")


def number_query(text: str) -> str | None:
    """«0912 345 678», «0912.345.678», «+84 912 345 678», «001 090 012 345» as typed into the search
    box: the digits the phone or ID was saved with; None when the text is not such a number (a code
    fragment like «261123-0001» keeps its dash and is searched as it is)."""
    text = nfc(text).strip()
    if not _SPACED_NUMBER.match(text) or not _SEPARATORS.search(text):
        return None
    digits = re.sub(r"\D", "", text)
    if text.startswith("+84"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 else None
