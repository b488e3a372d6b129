"""Text hygiene: NFC everywhere, trimmed, bounded; one folding function for search."""

import re
import unicodedata

from commune_desk.errors import InvalidInput

_SPACES = re.compile(r"\s+")
# bidi controls (which can make a name read backwards on a slip) and zero-width characters
# (which make two equal-looking names differ): no Vietnamese text needs them, so they are removed
_INVISIBLE = dict.fromkeys([*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                            0x061C, 0x2060, 0xFEFF, 0x180E])


def nfc(value: str | None) -> str:
    return unicodedata.normalize("NFC", value or "").translate(_INVISIBLE)


def clean(value: str | None, *, label: str, max_len: int, required: bool = False,
          multiline: bool = False, field: str | None = None) -> str:
    """NFC, trimmed, inner runs of spaces collapsed; Vietnamese errors when empty or too long."""
    text = nfc(value).strip()
    if multiline:
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()
    else:
        text = _SPACES.sub(" ", text)
    if any((unicodedata.category(ch) == "Cc" and ch != "\n") or unicodedata.category(ch) == "Cs" for ch in text):
        raise InvalidInput(f"{label} chứa ký tự không hợp lệ (ký tự điều khiển hoặc lỗi bộ gõ).", field)
    if required and not text:
        raise InvalidInput(f"Vui lòng nhập {label.lower()}.", field)
    if len(text) > max_len:
        raise InvalidInput(f"{label} dài quá {max_len} ký tự (hiện có {len(text)}).", field)
    return text


def person_name(value: str | None, *, label: str, max_len: int, required: bool = False,
                field: str | None = None) -> str:
    """`clean`, and a name has at least one letter ("123" or "..." is a slip of the keyboard)."""
    text = clean(value, label=label, max_len=max_len, required=required, field=field)
    if text and not any(ch.isalpha() for ch in text):
        raise InvalidInput(f"{label} phải có chữ cái (hiện là «{text}»).", field)
    return text


def fold(value: str | None) -> str:
    """Lower-case, without tones or marks, đ→d: 'Nguyễn Văn Đạt' → 'nguyen van dat'."""
    text = nfc(value).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.casefold()).strip()
