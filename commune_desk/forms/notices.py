"""Forms signed by the head (04 apology and extension, 05 stop notice) and the
06 control sheet that travels with the dossier."""
from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from .layout import Sheet, text
from .model import FormData
from .slips import print_date, unit_of, when
from .wording import BLANK, short_date

TITLES = {
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
HEAD_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"
EMPTY_HANDOFF_ROWS = 4


def addressee(sheet: Sheet, data: FormData) -> Flowable:
    return sheet.para(f"Kính gửi: Ông/Bà <b>{text(data.applicant.name)}</b>", sheet.center)


def head_signature(sheet: Sheet, data: FormData) -> Flowable:
    recipients = [sheet.para("<b><i>Nơi nhận:</i></b>", sheet.small_left),
                  sheet.para(f"- Ông/Bà {text(data.applicant.name)};", sheet.small_left),
                  sheet.para(f"- Lưu: {text(data.office.unit)}.", sheet.small_left)]
    office = data.office
    return sheet.signatures(recipients, (office.head_title, HEAD_HINT, office.head_name))


def form04(sheet: Sheet, data: FormData) -> list[Flowable]:
    if data.due_at and data.new_due_at and data.new_due_at <= data.due_at:
        raise ValueError("Thời hạn hẹn lại phải sau thời hạn trả kết quả đã hẹn")
    office = data.office
    received = short_date(data.received_at) if data.received_at else BLANK
    story = sheet.header(office, data.number or BLANK, print_date(data))
    story += sheet.title_block(TITLES["04"])
    story.append(addressee(sheet, data))
    story.append(sheet.para(
        f"Ngày {text(received)}, {text(unit_of(office))} đã tiếp nhận hồ sơ "
        f"của Ông/Bà đề nghị giải quyết thủ tục hành chính: <b>{text(data.procedure_name)}</b>.",
        sheet.justify))
    story.append(sheet.field("Mã hồ sơ", data.code or BLANK, bold=True, style=sheet.indent))
    story.append(sheet.field("Thời hạn trả kết quả theo giấy hẹn", when(data.due_at),
                             style=sheet.indent))
    story.append(sheet.para(
        f"Tuy nhiên đến nay, {text(office.name)} chưa giải quyết xong hồ sơ của Ông/Bà "
        "đúng thời hạn đã hẹn.", sheet.justify))
    story.append(sheet.field("Lý do", data.reason or BLANK, style=sheet.justify))
    story.append(sheet.para(
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {text(office.name)} trân trọng xin lỗi "
        "Ông/Bà và đề nghị gia hạn thời gian giải quyết hồ sơ; kết quả giải quyết sẽ được trả "
        f"cho Ông/Bà vào: <b>{text(when(data.new_due_at))}</b>.", sheet.justify))
    if data.notes:
        story.append(sheet.field("Ghi chú", data.notes))
    story.append(sheet.para("Xin trân trọng cảm ơn!", sheet.justify))
    story.append(head_signature(sheet, data))
    return story


def form05(sheet: Sheet, data: FormData) -> list[Flowable]:
    office = data.office
    story = sheet.header(office, data.number or BLANK, print_date(data))
    story += sheet.title_block(TITLES["05"])
    story.append(addressee(sheet, data))
    story.append(sheet.para(
        f"{text(office.name)} thông báo dừng giải quyết hồ sơ sau:", sheet.justify))
    story.append(sheet.field("Mã hồ sơ", data.code or BLANK, bold=True, style=sheet.indent))
    story.append(sheet.field("Thủ tục hành chính", data.procedure_name, style=sheet.indent))
    story.append(sheet.field("Người nộp hồ sơ", data.applicant.name, style=sheet.indent))
    if data.owner is not None and data.owner.name and data.owner.name != data.applicant.name:
        story.append(sheet.field("Chủ hồ sơ", data.owner.name, style=sheet.indent))
    if data.applicant.address:
        story.append(sheet.field("Địa chỉ", data.applicant.address, style=sheet.indent))
    story.append(sheet.field("Thời gian nhận hồ sơ", when(data.received_at), style=sheet.indent))
    story.append(sheet.field("Lý do dừng giải quyết", data.reason or BLANK, style=sheet.justify))
    if data.notes:
        story.append(sheet.field("Ghi chú", data.notes))
    story.append(sheet.para(
        f"{text(office.name)} thông báo để Ông/Bà được biết. Mọi thắc mắc xin liên hệ "
        f"{text(office.unit)} để được hướng dẫn.", sheet.justify))
    story.append(head_signature(sheet, data))
    return story


def form06(sheet: Sheet, data: FormData) -> list[Flowable]:
    office = data.office
    story = sheet.header(office, data.number or None, print_date(data))
    story += sheet.title_block(TITLES["06"])
    story.append(sheet.field("Mã hồ sơ", data.code or BLANK, bold=True))
    story.append(sheet.field("Thủ tục hành chính", data.procedure_name))
    story.append(sheet.para(f"Người nộp hồ sơ: Ông/Bà <b>{text(data.applicant.name)}</b>"))
    if data.applicant.address:
        story.append(sheet.field("Địa chỉ", data.applicant.address))
    if data.applicant.phone:
        story.append(sheet.field("Số điện thoại", data.applicant.phone))
    story.append(sheet.field("Thời gian nhận hồ sơ", when(data.received_at)))
    story.append(sheet.field("Thời hạn trả kết quả", when(data.due_at)))
    if data.notes:
        story.append(sheet.field("Ghi chú", data.notes))
    def sign_room() -> list[Flowable]:
        return [Spacer(1, sheet.paper.sign_space * 0.6)]

    rows = []
    for i, row in enumerate(data.handoffs, 1):
        parties = sheet.para(f"<b>{i}.</b> Giao: {text(row.from_party)}<br/>"
                             f"Nhận: {text(row.to_party)}", sheet.cell)
        rows.append((parties, f"Giao lúc {when(row.at)}", sign_room(), row.result, row.note))
    for i in range(len(rows) + 1, max(EMPTY_HANDOFF_ROWS, len(rows)) + 1):
        parties = sheet.para(f"<b>{i}.</b> Giao: …<br/>Nhận: …", sheet.cell)
        rows.append((parties, "Giao lúc … giờ … phút, ngày …", sign_room(), "", ""))
    widths = (30, 22, 14, 16, 14) if sheet.paper.narrow else (38, 30, 19, 20, 16)
    story.append(sheet.grid(
        ("Tên cơ quan/người giao – nhận", "Thời gian giao – nhận", "Ký nhận",
         "Kết quả (trước hạn/ đúng hạn/ quá hạn)", "Ghi chú"),
        rows, widths, left_cols=(0, 1, 4)))
    return story
