"""Data passed to the printed forms. Pure data, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class OfficeInfo:
    name: str            # "UBND xã Phúc Lợi" (printed upper-case in the header)
    unit: str            # "Bộ phận tiếp nhận và trả kết quả" (upper-case, bold)
    place: str           # place name for the date line
    agency_code: str     # "000.30.36.H26"
    lookup_url: str = ""  # template with "{code}"; QR content; no QR if empty
    head_name: str = ""  # head who signs forms 04/05
    head_title: str = "CHỦ TỊCH"
    address: str = ""    # where the counter is: printed after the place results are collected


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str = ""
    birth_date: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class DocumentLine:
    name: str
    originals: int = 0
    certified_copies: int = 0
    photocopies: int = 0


@dataclass(frozen=True)
class MissingItem:
    name: str
    reason: str


@dataclass(frozen=True)
class HandoffRow:
    """One row of form 06."""
    from_party: str
    to_party: str
    at: datetime          # aware, Asia/Ho_Chi_Minh
    result: str = ""      # "Trước hạn" / "Đúng hạn" / "Quá hạn" / ""
    note: str = ""


@dataclass(frozen=True)
class BookRow:
    """One row of form 07 (Sổ theo dõi hồ sơ)."""
    number: int           # continuous within the year
    code: str
    procedure_name: str
    quantity: int
    applicant: str
    address: str
    phone: str
    received_at: datetime
    due_at: datetime | None
    returned_at: datetime | None
    clerk_name: str
    recipient: str = ""


@dataclass(frozen=True)
class FormData:
    office: OfficeInfo
    applicant: Person
    procedure_name: str
    clerk_name: str
    code: str = ""                 # dossier code; forms 02/03 may have none
    number: str = ""               # "Số: ..." (defaults to code on form 01)
    owner: Person | None = None    # dossier owner if different from applicant
    procedure_days: int | None = None   # working days; 0 = same day
    received_at: datetime | None = None
    due_at: datetime | None = None
    printed_at: datetime | None = None  # date line; defaults to received_at
    return_by: str = "counter"     # "counter" | "post"
    post_address: str = ""
    documents: tuple[DocumentLine, ...] = ()
    quantity: int = 1
    fee: int | None = None         # VND
    missing: tuple[MissingItem, ...] = ()   # form 02
    guidance: str = ""             # form 02 extra guidance text
    reason: str = ""               # forms 03, 04, 05
    new_due_at: datetime | None = None      # form 04
    handoffs: tuple[HandoffRow, ...] = ()   # form 06
    notes: str = ""
