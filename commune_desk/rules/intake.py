"""Checking what the clerk typed at intake, all fields at once, before anything is stored."""

from dataclasses import dataclass, field
from datetime import date

from commune_desk.errors import DeskError, InvalidInput
from commune_desk.rules.dates import parse_day
from commune_desk.rules.identity import parse_email, parse_id_number, parse_phone
from commune_desk.rules.bounds import check_birth_date
from commune_desk.rules.text import clean, nfc, person_name

OUTCOMES = ("accepted", "supplement", "refused")
CHANNELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}
CHANNEL_NAMES = {"truc-tiep": 1, "direct": 1, "1": 1, "truc-tuyen": 2, "online": 2, "2": 2,
                 "buu-chinh": 3, "bcci": 3, "post": 3, "3": 3}
RETURN_BY = {"counter": "Tại Bộ phận một cửa", "post": "Qua dịch vụ bưu chính công ích"}

LIMITS = {"name": 120, "address": 250, "notes": 1000, "reason": 1000, "item": 300}


class FormErrors(InvalidInput):
    """Several fields are wrong; .errors maps each field to its sentence."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), next(iter(errors)))
        self.errors = errors


@dataclass
class IntakeForm:
    procedure_id: str = ""
    name: str = ""
    id_number: str = ""
    birth_date: str | date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    owner_name: str = ""
    owner_id_number: str = ""
    owner_address: str = ""
    channel: int | str = 1
    return_by: str = "counter"
    post_address: str = ""
    notes: str = ""
    outcome: str = "accepted"
    reason: str = ""
    missing: list = field(default_factory=list)    # [{"name": ..., "reason": ...}]
    received: list | None = None    # per catalog paper, ticked by the clerk; None: every paper (imports)


def parse_birth_date(raw) -> date | None:
    if raw in (None, ""):
        return None
    return parse_day(raw, "birth_date", f"Ngày sinh «{nfc(str(raw)).strip()}» không hợp lệ; hãy nhập theo dạng "
                                        "ngày/tháng/năm, ví dụ 05/03/1990.")


def parse_channel(raw) -> int:
    key = nfc(str(raw)).strip().lower()
    if key in CHANNEL_NAMES:
        return CHANNEL_NAMES[key]
    raise InvalidInput("Hình thức nộp phải là trực tiếp (1), trực tuyến (2) hoặc bưu chính công ích (3).",
                       "channel")


def validate(form: IntakeForm, today: date) -> dict:
    """Return the cleaned values, or raise FormErrors naming every wrong field."""
    errors: dict[str, str] = {}
    out: dict = {}

    def take(name, fn):
        try:
            out[name] = fn()
        except DeskError as exc:
            errors.setdefault(exc.field or name, exc.message)

    take("procedure_id", lambda: clean(form.procedure_id, label="Thủ tục hành chính", max_len=40,
                                       required=True, field="procedure_id"))
    take("applicant_name", lambda: person_name(form.name, label="Họ tên người nộp", max_len=LIMITS["name"],
                                               required=True, field="name"))
    take("birth_date", lambda: parse_birth_date(form.birth_date))
    if out.get("birth_date") and out["birth_date"] > today:
        errors["birth_date"] = "Ngày sinh không thể sau ngày hôm nay."
    elif out.get("birth_date"):
        take("birth_date", lambda: check_birth_date(out["birth_date"], today))
    take("id_number", lambda: _id_text(form.id_number, out.get("birth_date"), today, "id_number"))
    take("phone", lambda: parse_phone(form.phone))
    take("email", lambda: parse_email(form.email))
    take("address", lambda: clean(form.address, label="Địa chỉ", max_len=LIMITS["address"], field="address"))
    take("owner_name", lambda: person_name(form.owner_name, label="Họ tên chủ hồ sơ", max_len=LIMITS["name"],
                                           field="owner_name"))
    take("owner_id_number", lambda: _id_text(form.owner_id_number, None, today, "owner_id_number"))
    take("owner_address", lambda: clean(form.owner_address, label="Địa chỉ chủ hồ sơ",
                                        max_len=LIMITS["address"], field="owner_address"))
    take("channel", lambda: parse_channel(form.channel))
    take("notes", lambda: clean(form.notes, label="Ghi chú", max_len=LIMITS["notes"], multiline=True,
                                field="notes"))
    take("post_address", lambda: clean(form.post_address, label="Địa chỉ nhận kết quả qua bưu chính",
                                       max_len=LIMITS["address"], field="post_address"))

    return_by = nfc(form.return_by).strip().lower() or "counter"
    if return_by not in RETURN_BY:
        errors["return_by"] = "Hình thức nhận kết quả phải là tại quầy (counter) hoặc qua bưu chính (post)."
    out["return_by"] = return_by
    if return_by == "post" and not out.get("post_address") and "post_address" not in errors:
        if out.get("address"):
            out["post_address"] = out["address"]
        else:
            errors["post_address"] = "Nhận kết quả qua bưu chính thì phải có địa chỉ nhận."

    outcome = nfc(form.outcome).strip().lower()
    if outcome not in OUTCOMES:
        errors["outcome"] = "Kết quả tiếp nhận không hợp lệ."
    out["outcome"] = outcome
    take("reason", lambda: clean(form.reason, label="Lý do", max_len=LIMITS["reason"], multiline=True,
                                 field="reason"))
    if outcome == "refused" and not out.get("reason") and "reason" not in errors:
        errors["reason"] = "Từ chối tiếp nhận thì phải ghi rõ lý do."
    missing = []
    for i, item in enumerate(form.missing or []):
        try:
            name = clean(item.get("name"), label=f"Giấy tờ cần bổ sung thứ {i + 1}", max_len=LIMITS["item"],
                         required=True, field="missing")
            why = clean(item.get("reason"), label=f"Lý do bổ sung giấy tờ thứ {i + 1}", max_len=LIMITS["item"],
                        field="missing")
            missing.append({"name": name, "reason": why})
        except DeskError as exc:
            errors.setdefault("missing", exc.message)
    if outcome == "supplement" and not missing and "missing" not in errors:
        errors["missing"] = "Yêu cầu bổ sung thì phải liệt kê ít nhất một giấy tờ cần bổ sung, hoàn thiện."
    out["missing"] = missing

    if errors:
        raise FormErrors(errors)
    return out


def received_documents(documents: list[dict], received: list | None, outcome: str) -> list[dict]:
    """The papers the slip lists: only those the clerk ticked. Accepting a dossier with papers in
    the checklist and none of them ticked is a slip that would list nothing: refused."""
    if received is None:
        return [dict(d) for d in documents]
    if len(received) != len(documents):
        raise FormErrors({"documents": "Danh sách giấy tờ đã nộp không khớp với thủ tục; hãy chọn lại thủ tục."})
    chosen = [dict(d) for d, ok in zip(documents, received) if ok]
    if outcome == "accepted" and documents and not chosen:
        raise FormErrors({"documents": "Chưa đánh dấu giấy tờ nào đã nộp — bấm Space ở từng giấy tờ, "
                                       "hoặc Ctrl+D nếu công dân nộp đủ."})
    return chosen


def _id_text(raw, birth_date, today, field_name) -> str:
    try:
        parsed = parse_id_number(raw, birth_date, today)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field_name) from None
    return parsed.number if parsed else ""
