"""From stored dossiers to the printed forms: the one place that fills FormData."""

from dataclasses import dataclass
from datetime import date, datetime

from commune_desk.errors import InvalidInput, NotAllowed
from commune_desk.rules.statuses import Status
from commune_desk.rules.timeliness import Timeliness

FORM_CHOICES = ("01", "02", "03", "04", "05", "06")
PAPER_CHOICES = ("a5", "a4", "80mm")
COUNTER_SLIPS = ("01", "02", "03")     # handed over the counter: may come off the thermal roll


def default_paper(form: str, configured: str) -> str:
    """The office's paper for counter slips; letters and the control sheet (04–06) go on a sheet,
    A5 unless the office prints on A4."""
    if form in COUNTER_SLIPS:
        return configured
    return "a4" if configured == "a4" else "a5"

GUIDANCE = "Khi nộp lại hồ sơ, ông/bà vui lòng mang theo phiếu này."


def office_info(cfg):
    from commune_desk.forms import OfficeInfo
    return OfficeInfo(name=cfg.office_name, unit=cfg.unit, place=cfg.place, agency_code=cfg.agency_code,
                      lookup_url=cfg.lookup_url, head_name=cfg.head_name, head_title=cfg.head_title,
                      address=cfg.address)


def form_data(desk, dossier, form: str, now: datetime | None = None):
    from commune_desk.forms import DocumentLine, FormData, HandoffRow, MissingItem, Person
    if form not in FORM_CHOICES:
        raise InvalidInput(f"Không có biểu mẫu {form}; chọn một trong {', '.join(FORM_CHOICES)}.", "form")
    d, cfg = dossier, desk.require_config()
    needs_code = {"01", "04", "05", "06"}
    if form in needs_code and not d.code:
        raise NotAllowed("Lượt này không có mã hồ sơ nên không in được mẫu này.")
    if form == "01" and d.outcome != "accepted":
        raise NotAllowed("Chỉ hồ sơ được tiếp nhận mới có giấy tiếp nhận và hẹn trả kết quả (mẫu 01).")
    if form == "02" and not d.missing:
        raise NotAllowed("Hồ sơ này không có yêu cầu bổ sung, hoàn thiện nào để in mẫu 02.")
    if form == "03" and d.outcome != "refused":
        raise NotAllowed("Chỉ lượt bị từ chối tiếp nhận mới in phiếu từ chối (mẫu 03).")
    if form == "04" and not d.extended:
        raise NotAllowed("Hồ sơ chưa được gia hạn nên không có văn bản xin lỗi, hẹn lại (mẫu 04).")
    if form == "05" and Status(d.status) != Status.STOPPED:
        raise NotAllowed("Hồ sơ không ở trạng thái dừng xử lý nên không có thông báo mẫu 05.")
    now = now or desk.now()
    applicant = Person(name=d.applicant_name, id_number=d.id_number, birth_date=d.birth_date, phone=d.phone,
                       email=d.email, address=d.address)
    owner = Person(name=d.owner_name, id_number=d.owner_id_number, address=d.owner_address) if d.owner_name else None
    events = desk.events_of(d) if form in ("04", "06") else []    # only these print from the history
    due_at, new_due_at = d.due_at, None
    if form == "04":
        ext = next(e for e in events if e.kind == "extension")
        due_at, new_due_at = datetime.fromisoformat(ext.data["old_due_at"]), d.due_at
    handoffs = tuple(
        HandoffRow(from_party=e.data.get("from_party") or "", to_party=e.data.get("to_party") or "", at=e.at,
                   result=Timeliness(e.data["result"]).label if e.data.get("result") else "",
                   note=e.data.get("note") or "")
        for e in events if e.kind == "handoff" or (e.kind == "transition" and e.data.get("to_party")
                                                    and e.data.get("to_party") != e.data.get("from_party")))
    return FormData(
        office=office_info(cfg), applicant=applicant, owner=owner, procedure_name=d.procedure_name,
        clerk_name=d.clerk or cfg.clerk_name, code=d.code or "", number=d.code or "",
        procedure_days=d.procedure_days, received_at=d.received_at, due_at=due_at,
        printed_at=d.received_at if form in ("01", "02", "03") else now,
        return_by=d.return_by, post_address=d.post_address,
        documents=tuple(DocumentLine(x["name"], x.get("originals", 0), x.get("certified_copies", 0),
                                     x.get("photocopies", 0)) for x in d.documents),
        fee=d.fee, missing=tuple(MissingItem(m["name"], m.get("reason", "")) for m in d.missing),
        guidance=GUIDANCE if form == "02" else "", reason=d.extension_reason if form == "04" else d.reason, new_due_at=new_due_at, handoffs=handoffs, notes=d.notes)


def render_dossier_form(desk, key: str, form: str, paper: str = "a5") -> bytes:
    from commune_desk.forms import render_form
    if paper not in PAPER_CHOICES:
        raise InvalidInput(f"Khổ giấy {paper} không hỗ trợ; chọn a5, a4 hoặc 80mm.", "paper")
    d = desk.dossier(key)
    return render_form(form, form_data(desk, d, form), paper)


def render_tracking_book(desk, date_from: date, date_to: date) -> bytes:
    from commune_desk.forms import BookRow, render_book
    if date_to < date_from:
        raise InvalidInput("Ngày kết thúc phải sau ngày bắt đầu.", "to")
    cfg = desk.require_config()
    rows = [BookRow(number=n, code=d.code, procedure_name=d.procedure_name, quantity=1,
                    applicant=d.applicant_name, address=d.address, phone=d.phone, received_at=d.received_at,
                    due_at=d.due_at, returned_at=d.returned_at, clerk_name=d.clerk or cfg.clerk_name,
                    recipient=d.recipient_name)
            for n, d in desk.book_rows(date_from, date_to)]
    return render_book(office_info(cfg), rows, date_from, date_to)


# ---- the period report (PDF, XLSX, the Báo cáo screen) -------------------------------------------

@dataclass(frozen=True)
class ReportDocument:
    """Everything a printed or exported report shows, read once."""
    office: object                    # forms.OfficeInfo
    period_from: date
    period_to: date
    made_on: date
    report: object                    # rules.report.Report, office-wide
    by: str | None = None
    groups: tuple = ()                # ((key, label, Report), …) when split
    months: tuple = ()                # ((first day, Report), …) for the monthly chart
    fields: tuple = ()                # ((field, Report), …) for the overdue-by-field chart


def report_document(desk, date_from: date, date_to: date, by: str | None = None) -> ReportDocument:
    from commune_desk.rules.report import SPLITS, month_periods
    if date_to < date_from:
        raise InvalidInput("Ngày kết thúc phải sau ngày bắt đầu.", "to")
    if by is not None and by not in SPLITS:
        raise InvalidInput(f"Không chia báo cáo theo «{by}» được; chọn: {', '.join(SPLITS)}.", "by")
    now = desk.now()
    cfg = desk.require_config()
    months = tuple((a, desk.report(a, b, now=now)) for a, b in month_periods(date_from, date_to))
    fields = tuple((label, r) for _, label, r in desk.report(date_from, date_to, now=now, by="field"))
    return ReportDocument(office=office_info(cfg), period_from=date_from, period_to=date_to, made_on=now.date(),
                          report=desk.report(date_from, date_to, now=now), by=by,
                          groups=tuple(desk.report(date_from, date_to, now=now, by=by)) if by else (),
                          months=months, fields=fields)


def write_report(doc: ReportDocument, fmt: str, out) -> int:
    """Write the report as "pdf" or "xlsx" to the path `out`; returns its size in bytes."""
    from pathlib import Path
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        from commune_desk.forms.report import render_report
        data = render_report(doc)
        out.write_bytes(data)
        return len(data)
    if fmt == "xlsx":
        from commune_desk.spreadsheets import write_report_xlsx
        write_report_xlsx(doc, out)
        return out.stat().st_size
    raise InvalidInput(f"Định dạng «{fmt}» không hỗ trợ; chọn pdf hoặc xlsx.", "format")


def export_report(desk, date_from: date, date_to: date, by: str | None, fmt: str, out) -> tuple:
    """Build, write and audit one export; returns (the document, its size in bytes)."""
    doc = report_document(desk, date_from, date_to, by)
    size = write_report(doc, fmt, out)
    desk.record("report_export", str(out), format=fmt, period_from=str(date_from), period_to=str(date_to), by=by)
    return doc, size
