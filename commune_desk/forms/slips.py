"""Counter slips: 01 receipt and appointment, 02 supplement request, 03 refusal."""
from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from .codes import Barcode128, QrCode
from .layout import NO_PADDING, Sheet, make_table, text
from .model import FormData, OfficeInfo, Person
from .wording import BLANK, count, days_text, money, time_in_words, VN_TZ

TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
}
SIGN_HINT = "(Ký và ghi rõ họ tên)"
RECEIVER = "Người tiếp nhận hồ sơ"
REQUEST = "Nội dung yêu cầu giải quyết"
PICKUP_NOTE = ("Lưu ý: Ông/Bà mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả này khi đến "
               "nhận kết quả. Trường hợp nhận thay phải có văn bản ủy quyền theo quy định.")


def print_date(data: FormData) -> datetime:
    return data.printed_at or data.received_at or datetime.now(VN_TZ)


def when(dt: datetime | None) -> str:
    return time_in_words(dt) if dt else BLANK


def unit_of(office: OfficeInfo) -> str:
    """"Bộ phận tiếp nhận và trả kết quả – UBND xã Phúc Lợi"."""
    return f"{office.unit} – {office.name}"


def person_lines(sheet: Sheet, label: str, person: Person, data: FormData) -> list[Flowable]:
    """Name, owner, identity number, address, phone and e-mail (empty ones left out), then
    the request."""
    out = [sheet.para(f"{text(label)}: Ông/Bà <b>{text(person.name)}</b>")]
    owner = data.owner
    if owner is not None and owner.name and owner.name != person.name:
        out.append(sheet.para(f"Chủ hồ sơ: Ông/Bà <b>{text(owner.name)}</b>"))
    if person.id_number:
        out.append(sheet.field("Số định danh cá nhân/CCCD", person.id_number))
    if person.address:
        out.append(sheet.field("Địa chỉ", person.address))
    contact = []
    if person.phone:
        contact.append(f"Số điện thoại: {text(person.phone)}")
    if person.email:
        contact.append(f"Email: {text(person.email)}")
    if contact:
        out.append(sheet.para("; ".join(contact)))
    out.append(sheet.field(REQUEST, data.procedure_name, bold=True))
    return out


def code_block(sheet: Sheet, data: FormData) -> list[Flowable]:
    """Barcode with "Mã hồ sơ: …" under it; the QR code on its right (wide
    paper) or at the end of the slip (roll, see `qr_block`)."""
    paper = sheet.paper
    caption = sheet.para(f"Mã hồ sơ: <b>{text(data.code)}</b>", sheet.center)
    barcode = Barcode128(data.code, paper.barcode_height, paper.barcode_module,
                         bleed=paper.left if paper.narrow else 0)
    url = qr_url(data)
    if paper.narrow or not url:
        return [Spacer(1, 2 * mm), barcode, caption]
    qr_w = paper.qr_size + 4 * mm
    table = make_table([[[Spacer(1, 2 * mm), barcode, caption], QrCode(url, paper.qr_size, "RIGHT")]],
                       [sheet.width - qr_w, qr_w], [*NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "TOP")])
    table.spaceBefore = 3
    return [table]


def qr_url(data: FormData) -> str:
    template = data.office.lookup_url
    return template.format(code=data.code) if template and data.code else ""


def form01(sheet: Sheet, data: FormData) -> list[Flowable]:
    if not data.code:
        raise ValueError("Giấy tiếp nhận hồ sơ phải có mã hồ sơ")
    office = data.office
    story = sheet.header(office, data.number or data.code, print_date(data))
    story += code_block(sheet, data)
    story += sheet.title_block(TITLES["01"])
    story.append(sheet.para(text(unit_of(office))))
    story += person_lines(sheet, "Tiếp nhận hồ sơ của", data.applicant, data)
    story.append(sheet.para("1. Thành phần hồ sơ nộp gồm:"))
    story.append(documents_table(sheet, data))
    story.append(sheet.para(f"2. Số lượng hồ sơ: {count(data.quantity)} bộ"))
    days = days_text(data.procedure_days) or BLANK
    story.append(sheet.para(f"3. Thời gian giải quyết hồ sơ theo quy định: {text(days)}"))
    story.append(sheet.para(f"4. Thời gian nhận hồ sơ: <b>{text(when(data.received_at))}</b>"))
    story.append(sheet.para(
        f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{text(when(data.due_at))}</b>"))
    story.append(sheet.para(f"6. Đăng ký nhận kết quả tại: {text(return_place(data))}"))
    if data.fee is not None:
        fee = money(data.fee) if data.fee else "Không thu"
        story.append(sheet.para(f"7. Phí, lệ phí: {text(fee)}"))
    if data.notes:
        story.append(sheet.field("Ghi chú", data.notes))
    url = qr_url(data)
    if sheet.paper.narrow and url:
        story += [Spacer(1, 4), QrCode(url, sheet.paper.qr_size),
                  sheet.para("Quét mã để tra cứu tình trạng hồ sơ", sheet.sign_hint)]
    story.append(sheet.signatures(
        ("Người nộp hồ sơ", SIGN_HINT, data.applicant.name),
        (RECEIVER, SIGN_HINT, data.clerk_name),
        keep_with=[sheet.para(text(PICKUP_NOTE), sheet.note)]))
    return story


def return_place(data: FormData) -> str:
    if data.return_by == "counter":
        office = data.office
        return f"{unit_of(office)}, {office.address}" if office.address else unit_of(office)
    if data.return_by == "post":
        address = data.post_address or data.applicant.address or BLANK
        return f"Qua dịch vụ bưu chính công ích, địa chỉ nhận: {address}"
    raise ValueError(f"Hình thức nhận kết quả không hợp lệ: {data.return_by!r} "
                     "(chỉ nhận 'counter' hoặc 'post')")


def documents_table(sheet: Sheet, data: FormData) -> Table:
    def num(n: int) -> str:
        return count(n) if n else ""

    rows = [(str(i), doc.name, num(doc.originals), num(doc.certified_copies), num(doc.photocopies))
            for i, doc in enumerate(data.documents, 1)]
    if not rows:
        rows = [("", "(Không có giấy tờ kèm theo)", "", "", "")]
    widths = {"80mm": (6, 36, 10, 12, 10), "a4": (7, 78, 12, 16, 12)}.get(
        sheet.paper.key, (7, 66, 13, 17, 13))
    return sheet.grid(("TT", "Tên giấy tờ", "Bản chính", "Bản sao (chứng thực)", "Bản photo"),
                      rows, widths)


def form02(sheet: Sheet, data: FormData) -> list[Flowable]:
    office = data.office
    story = sheet.header(office, data.number or None, print_date(data))
    story += sheet.title_block(TITLES["02"])
    story += person_lines(sheet, "Hồ sơ của", data.applicant, data)
    if data.code:
        story.append(sheet.field("Mã hồ sơ", data.code))
    story.append(sheet.para(
        f"{text(unit_of(office))} hướng dẫn một lần, đầy đủ để Ông/Bà "
        "bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:", sheet.justify))
    rows = [(str(i), item.name, item.reason) for i, item in enumerate(data.missing, 1)]
    if not rows:
        rows = [("1", BLANK, BLANK)]
    widths = (6, 34, 32) if sheet.paper.narrow else (8, 52, 49)
    story.append(sheet.grid(("TT", "Giấy tờ cần bổ sung, hoàn thiện", "Lý do, nội dung cần hoàn thiện"),
                            rows, widths, left_cols=(1, 2)))
    if data.guidance:
        story.append(sheet.para(text(data.guidance), sheet.justify))
    if data.notes:
        story.append(sheet.field("Ghi chú", data.notes))
    story.append(sheet.para(
        "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ "
        f"{text(unit_of(office))} để được hướng dẫn.", sheet.justify))
    story.append(sheet.signatures(None, ("Người hướng dẫn", SIGN_HINT, data.clerk_name)))
    return story


def form03(sheet: Sheet, data: FormData) -> list[Flowable]:
    office = data.office
    story = sheet.header(office, data.number or None, print_date(data))
    story += sheet.title_block(TITLES["03"])
    story.append(sheet.para(text(unit_of(office))))
    story += person_lines(sheet, "Tiếp nhận hồ sơ của", data.applicant, data)
    if data.code:
        story.append(sheet.field("Mã hồ sơ", data.code))
    story.append(sheet.para(
        "Sau khi xem xét, hồ sơ của Ông/Bà không đủ điều kiện tiếp nhận, giải quyết "
        "với lý do cụ thể như sau:", sheet.justify))
    story.append(sheet.para(text(data.reason or BLANK), sheet.indent))
    if data.notes:
        story.append(sheet.field("Ghi chú", data.notes))
    story.append(sheet.para("Xin thông báo để Ông/Bà được biết và thực hiện.", sheet.justify))
    story.append(sheet.signatures(None, (RECEIVER, SIGN_HINT, data.clerk_name)))
    return story
