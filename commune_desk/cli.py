"""`commune-desk`: every clerk action without a window, for admins, imports and tests.

Each command is a function `cmd_<name>(desk_factory, args) -> (human_text, json_object)`.
"""

import argparse
import json
import sys
from pathlib import Path

from commune_desk import accounts_cli, paths
from commune_desk.commands import Parser, execute, iso as _iso, open_desk as _desk
from commune_desk.errors import InvalidInput
from commune_desk.logs import setup_logging
from commune_desk.rules.bounds import check_day, check_rows
from commune_desk.rules.deadline import compute_due
from commune_desk.rules.intake import IntakeForm, RETURN_BY
from commune_desk.rules.dates import parse_day
from commune_desk.rules.lifecycle import FINISHED
from commune_desk.rules.office_calendar import OfficeCalendar, parse_instant
from commune_desk.rules.statuses import CLOCK_STOPPED, Status
from commune_desk.store.health import write_private


# ---- commands ------------------------------------------------------------------------------

def cmd_setup(args):
    desk = _desk(args)
    sessions = tuple(args.session) if args.session else None
    admin = accounts_cli.first_admin_request(args, desk)
    if args.scan_folder:
        from commune_desk.scanner import check_folder
        args.scan_folder = check_folder(args.scan_folder)
    with desk.db.atomic():
        cfg = desk.setup(office_name=args.office_name, agency_code=args.agency_code, desk=args.desk,
                         place=args.place, address=args.address, unit=args.unit, clerk_name=args.clerk, head_name=args.head_name,
                         lookup_url=args.lookup_url, upstream_url=args.upstream, sessions=sessions,
                         cutoff=args.cutoff, paper=args.paper, printer=args.printer, scan_folder=args.scan_folder,
                         idle_lock_minutes=args.idle_lock_minutes)
        if admin:
            desk.create_first_admin(**admin)
    obj = {"office_name": cfg.office_name, "agency_code": cfg.agency_code, "desk": cfg.desk,
           "place": cfg.place, "data_dir": str(desk.data_dir), "procedures": len(desk.procedures())}
    text = (f"Đã thiết lập {cfg.office_name} (mã {cfg.agency_code}), quầy số {cfg.desk}. "
            f"Dữ liệu: {desk.data_dir}. Danh mục: {obj['procedures']} thủ tục.")
    return text, obj


def cmd_catalog(args):
    desk = _desk(args)
    procs = desk.find_procedures(args.query, limit=1000) if args.query else desk.procedures()
    items = [{"id": p.id, "national_code": p.national_code, "name": p.name, "field": p.field,
              "days": p.days, "fee": p.fee, "liaison": p.liaison, "documents": p.documents,
              "legal_basis": p.legal_basis, "catalog_version": p.catalog_version} for p in procs]
    lines = [f"{p.id:<10} {('trong ngày' if p.days == 0 else f'{p.days} ngày'):>11}  {p.name}" for p in procs]
    if args.query and not procs:
        return f"Không tìm thấy thủ tục «{args.query}».", items
    return "\n".join(lines) or "Danh mục trống (chưa thiết lập?).", items


def cmd_printers(args):
    from commune_desk.printing import list_printers
    printers = list_printers()
    items = [{"name": p.name, "default": p.default, "ready": p.ready, "state": p.state} for p in printers]
    lines = [f"{'*' if p.default else ' '} {p.name}  ({p.state})" for p in printers]
    return "\n".join(lines) or "Máy này chưa có máy in nào.", items


def cmd_due(args):
    received = parse_instant(args.received_at)
    if args.procedure:
        desk = _desk(args)
        proc = desk.procedure(args.procedure)
        days, calendar = proc.days, desk.calendar()
    else:
        if not 0 <= args.days <= 365:
            raise InvalidInput("Số ngày làm việc phải từ 0 đến 365.", "days")
        days = args.days
        calendar = _desk(args).calendar() if (paths.data_dir(args.data_dir) / paths.DB_NAME).exists() \
            else OfficeCalendar()
    d = compute_due(calendar, received, days)
    obj = {"received_at": _iso(d.received_at), "starts_at": _iso(d.starts_at), "due_at": _iso(d.due_at),
           "days": days}
    text = f"Nhận {d.received_at:%H:%M %d/%m/%Y} → bắt đầu tính {d.starts_at:%H:%M %d/%m/%Y} → hẹn trả {d.due_at:%H:%M %d/%m/%Y}"
    return text, obj


def cmd_intake(args):
    desk = _desk(args)
    form = IntakeForm(procedure_id=args.procedure, name=args.name, id_number=args.id_number or "",
                      birth_date=args.birth_date, phone=args.phone or "", email=args.email or "",
                      address=args.address or "", owner_name=args.owner_name or "",
                      channel=args.channel, return_by=args.return_by, post_address=args.post_address or "",
                      notes=args.notes or "", outcome=args.outcome, reason=args.reason or "",
                      missing=_missing(args.missing))
    received = parse_instant(args.received_at) if args.received_at else None
    d = desk.intake(form, received_at=received, attachments=_attachments(args.attach))
    obj = {"code": d.code, "uuid": d.uuid, "received_at": _iso(d.received_at), "due_at": _iso(d.due_at),
           "status": int(d.status), "outcome": d.outcome, "imported": d.imported}
    from commune_desk.sync.status import clock_notice
    warning = clock_notice(desk)
    if warning:
        obj["clock_warning"] = warning
    if d.code:
        text = f"Đã tiếp nhận hồ sơ {d.code}; hẹn trả {d.due_at:%H giờ %M phút, ngày %d/%m/%Y}."
    elif d.outcome == "supplement":
        text = f"Đã ghi nhận yêu cầu bổ sung hồ sơ (mã lượt {d.uuid})."
    else:
        text = f"Đã ghi nhận từ chối tiếp nhận (mã lượt {d.uuid})."
    if warning:
        text += f"\nCảnh báo: {warning}."
    return text, obj


def dossier_json(d, desk=None) -> dict:
    from commune_desk.rules.timeliness import judge
    obj = {"code": d.code, "uuid": d.uuid, "status": int(d.status), "status_label": Status(d.status).label,
           "procedure_id": d.procedure_id, "procedure_name": d.procedure_name, "applicant_name": d.applicant_name,
           "id_number": d.id_number, "phone": d.phone, "received_at": _iso(d.received_at),
           "due_at": _iso(d.due_at), "extended": d.extended, "assignee": d.assignee,
           "resolved_at": _iso(d.resolved_at), "returned_at": _iso(d.returned_at)}
    if d.due_at and desk is not None:
        finished = d.resolved_at if Status(d.status) in FINISHED else None
        if Status(d.status) not in CLOCK_STOPPED or finished:
            obj["timeliness"] = judge(d.due_at, finished_at=finished, now=desk.now()).value
    return obj


def cmd_advance(args):
    desk = _desk(args)
    d = desk.advance(args.code, args.to, note=args.note or "", assignee=args.assignee or "",
                     missing=_missing(args.missing))
    return f"Hồ sơ {d.code}: {Status(d.status).label}.", dossier_json(d, desk)


def cmd_handoff(args):
    desk = _desk(args)
    d = desk.handoff(args.code, args.to, note=args.note or "")
    return f"Đã chuyển hồ sơ {d.code} cho {d.assignee}.", dossier_json(d, desk)


def cmd_extend(args):
    desk = _desk(args)
    d = desk.extend(args.code, parse_instant(args.until, "until"), args.reason)
    return (f"Đã gia hạn hồ sơ {d.code} đến {d.due_at:%H giờ %M phút, ngày %d/%m/%Y}.",
            dossier_json(d, desk))


def cmd_handover(args):
    from commune_desk.store.processing import handover_timeliness
    desk = _desk(args)
    d = desk.handover(args.code, recipient=args.recipient or "", recipient_id=args.recipient_id or "",
                      proxy_id=args.proxy_id or "", proxy_paper=args.proxy_paper or "",
                      post_tracking=args.post_tracking or "", fee_paid=args.fee_paid,
                      fee_receipt=args.receipt or "", rating=args.rating or "")
    verdict = handover_timeliness(d)
    obj = dossier_json(d, desk) | {"timeliness": verdict.value, "timeliness_label": verdict.label,
                                   "recipient": d.recipient_name, "proxy": d.proxy,
                                   "post_tracking": d.post_tracking}
    return f"Đã trả kết quả hồ sơ {d.code} cho {d.recipient_name} — {verdict.label}.", obj


def cmd_find(args):
    check_rows(args.limit)
    desk = _desk(args)
    rows = desk.find(args.query, limit=args.limit)
    lines = [f"{d.code}  {d.applicant_name}  {Status(d.status).label}" for d in rows]
    return "\n".join(lines) or "Không tìm thấy hồ sơ nào.", [dossier_json(d, desk) for d in rows]


def cmd_show(args):
    desk = _desk(args)
    d = desk.dossier(args.code)
    events = [{"seq": e.seq, "kind": e.kind, "at": _iso(e.at), "actor": e.actor,
               **{k: v for k, v in e.data.items() if k != "dossier"}} for e in desk.events_of(d)]
    obj = dossier_json(d, desk) | {"events": events}
    lines = [f"{d.code or d.uuid} — {d.applicant_name} — {Status(d.status).label}"]
    lines += [f"  {e['at']}  {e['kind']}  {e.get('to_party') or ''}" for e in events]
    return "\n".join(lines), obj


def cmd_queue(args):
    from commune_desk.store.queries import QUEUES
    desk = _desk(args)
    rows = desk.queue(args.name, field=args.field, procedure_id=args.procedure)
    label = QUEUES[args.name][0]
    lines = [f"{label}: {len(rows)} hồ sơ"] + [f"  {d.code}  hạn {d.due_at:%H:%M %d/%m/%Y}  {d.applicant_name}"
                                                for d in rows]
    return "\n".join(lines), [dossier_json(d, desk) for d in rows]


MAX_PRINT_WAIT = 3600     # seconds: `print --send --wait`


def cmd_print(args):
    from commune_desk.documents import render_dossier_form
    desk = _desk(args)
    pdf = render_dossier_form(desk, args.code, args.form, args.paper)
    if args.out:
        out = Path(args.out)
    else:
        out = desk.data_dir / "prints" / f"{args.code.replace('/', '_')}-{args.form}.pdf"
        out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_private(out, pdf)
    obj = {"path": str(out), "form": args.form, "paper": args.paper, "bytes": len(pdf)}
    if args.wait is not None and not (args.send and 0 <= args.wait <= MAX_PRINT_WAIT):
        raise InvalidInput(f"--wait là số giây chờ máy in in xong (0–{MAX_PRINT_WAIT}), chỉ dùng cùng --send.", "wait")
    if not args.send:
        desk.log_export(args.code, args.form, args.paper, str(out))     # «Xuất PDF», not a print
        return f"Đã tạo {out}.", obj
    from commune_desk.printing import send_pdf
    job = send_pdf(out, args.printer or desk.require_config().printer or None, args.paper,
                   title=f"{args.code} mẫu {args.form}")
    desk.log_print(args.code, args.form, args.paper, printer=job.printer, job=job.job_id)   # 01/04/05 also events
    obj |= {"printer": job.printer, "job": job.job_id}
    text = f"Đã tạo {out} và gửi lệnh in tới máy in {job.printer}."
    if args.wait is None:
        return text, obj
    from commune_desk.printing import Watch, can_watch, wait_for_job
    from commune_desk.rules.printjob import not_printed_text, untracked
    verdict = wait_for_job(job, Watch(deadline=args.wait)) if can_watch(job) else untracked()
    obj |= {"completed": verdict.completed, "reason": verdict.reason, "reason_text": verdict.text}
    if verdict.completed:
        return text + " Máy in đã in xong.", obj
    desk.log_print_outcome(args.code, args.form, job.printer, job.job_id, False, verdict.reason, verdict.text)
    return text + " " + not_printed_text(args.code, args.form, verdict), obj


def cmd_book(args):
    from commune_desk.documents import render_tracking_book
    desk = _desk(args)
    start, end = _day(args.date_from, "from"), _day(args.date_to, "to")
    pdf = render_tracking_book(desk, start, end)
    write_private(Path(args.out), pdf)
    desk.record("book_export", str(args.out), period_from=str(start), period_to=str(end))
    return f"Đã tạo sổ theo dõi {args.out}.", {"path": args.out, "rows": len(desk.book_rows(start, end))}


def cmd_report(args):
    from commune_desk.rules.report import REPORT_LINES, SPLITS, format_count, format_rate
    desk = _desk(args)
    start, end = _day(args.date_from, "from"), _day(args.date_to, "to")
    if end < start:
        raise InvalidInput("Ngày kết thúc phải sau ngày bắt đầu.", "to")
    fmt = args.format or ("json" if args.json else None)
    args.json = args.json or fmt == "json"
    if fmt in ("pdf", "xlsx"):
        from commune_desk.documents import export_report
        out = Path(args.out) if args.out else desk.data_dir / "reports" / f"bao-cao-{start}-{end}.{fmt}"
        doc, size = export_report(desk, start, end, args.by, fmt, out)
        return f"Đã tạo {out}.", {"path": str(out), "format": fmt, "bytes": size, **doc.report.to_dict()}
    report = desk.report(start, end).to_dict()
    lines = [f"Báo cáo {start:%d/%m/%Y} – {end:%d/%m/%Y}"]
    lines += [f"{label:<30} {format_count(report[key]):>8}" for key, label in REPORT_LINES]
    lines.append(f"{'Tỷ lệ đúng hạn':<30} {format_rate(report['on_time_rate']):>8}")
    report["digitised"] = desk.digitised_share(start, end)
    lines.append(f"{'Tỷ lệ hồ sơ được số hoá':<30} {format_rate(report['digitised']['share']):>8} "
                 f"({format_count(report['digitised']['digitised'])}/{format_count(report['digitised']['received'])})")
    if args.by == "field":
        lines += [f"  – {g['field'] or '(không rõ lĩnh vực)'}: {format_rate(g['share'])} "
                  f"({format_count(g['digitised'])}/{format_count(g['received'])})"
                  for g in report["digitised"]["by_field"]]
    if args.by:
        groups = desk.report(start, end, by=args.by)
        report["by"] = args.by
        report["groups"] = [{"key": key, "label": label, **{k: v for k, v in r.to_dict().items() if k != "overdue"}}
                            for key, label, r in groups]
        lines.append("")
        lines.append(f"{SPLITS[args.by]:<40} {'Tiếp nhận':>10} {'Giải quyết':>10} {'Quá hạn':>8} {'Đúng hạn':>10}")
        for key, label, r in groups:
            lines.append(f"{label[:40]:<40} {format_count(r.received):>10} {format_count(r.resolved):>10} "
                         f"{format_count(r.resolved_late + r.open_overdue):>8} {format_rate(r.on_time_rate):>10}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return "\n".join(lines), report


def cmd_import(args):
    from commune_desk.spreadsheets import read_rows
    desk = _desk(args)
    header, rows = read_rows(args.file)
    result = desk.import_dossiers(header, rows)
    text = (f"Đã nhập {result['imported']} hồ sơ cũ từ {Path(args.file).name}"
            + (f"; bỏ qua {result['skipped']} hồ sơ đã có (trùng MaHoSo)." if result["skipped"] else "."))
    return text, result


def cmd_catalog_edit(args):
    desk = _desk(args)
    proc = desk.edit_procedure(args.id, fee=args.fee, fee_note=args.fee_note, days=args.days, name=args.name)
    return (f"Đã sửa thủ tục {proc.id}: thời hạn {proc.days} ngày, lệ phí {proc.fee} đồng.",
            {"id": proc.id, "name": proc.name, "days": proc.days, "fee": proc.fee, "edited": proc.edited})


def cmd_calendar_day(args):
    desk = _desk(args)
    day = _day(args.day, "day")
    if args.clear:
        desk.clear_calendar_day(day)
        text = f"Ngày {day:%d/%m/%Y} theo lịch mặc định."
    else:
        desk.set_calendar_day(day, working=args.working, note=args.note or "")
        text = f"Ngày {day:%d/%m/%Y} là {'ngày làm việc' if args.working else 'ngày nghỉ'}."
    return text, {"day": day.isoformat(), "working": desk.calendar().is_working_day(day)}


def _day(text, field):
    return check_day(parse_day(text, field, f"Ngày «{text}» phải có dạng YYYY-MM-DD."), field)


def _attachments(items):
    """--attach FILE (the whole dossier) or --attach N=FILE (checklist document N)."""
    out = []
    for item in items or []:
        doc, sep, path = item.partition("=")
        if sep and doc.strip().isdigit():
            out.append((int(doc), [path]))
        else:
            out.append((None, [item]))
    return out


def _missing(items):
    return [{"name": m.split("|", 1)[0], "reason": (m.split("|", 1) + [""])[1]} for m in items or []]


def cmd_run(args):
    from commune_desk.gui.app import run_app
    run_app(args.data_dir)
    return None, None


# ---- parser --------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help=f"thư mục dữ liệu (mặc định: thư mục dữ liệu của người dùng; biến môi trường {paths.ENV_VAR})")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="in kết quả dạng JSON cho máy đọc")
    accounts_cli.add_auth_options(common)

    parser = Parser(prog="commune-desk", parents=[common],
                    description="Commune Desk — phần mềm Bộ phận Một cửa cấp xã. Không có lệnh: mở cửa sổ ứng dụng.")
    parser.add_argument("--selftest", action="store_true",
                        help="tự kiểm tra bản cài đặt (thư mục dữ liệu, phông chữ, mẫu 01, cửa sổ) rồi thoát")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=Parser)

    p = sub.add_parser("run", parents=[common], help="mở cửa sổ ứng dụng (mặc định)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("setup", parents=[common], help="thiết lập quầy lần đầu (không hỏi)",
                       description="Thiết lập cơ quan, mã định danh và số quầy; nạp danh mục thủ tục.")
    p.add_argument("--office-name", required=True, help="tên cơ quan, ví dụ \"UBND xã Phúc Lợi\"")
    p.add_argument("--agency-code", required=True, help="mã định danh điện tử của cơ quan, ví dụ 000.30.36.H26")
    p.add_argument("--desk", type=int, default=1, help="số hiệu quầy 1–9 (mỗi quầy một số, mặc định 1)")
    p.add_argument("--place", help="địa danh ghi trên dòng ngày tháng (mặc định lấy từ tên cơ quan)")
    p.add_argument("--address", help="địa chỉ trụ sở, in sau nơi nhận kết quả trên giấy hẹn")
    p.add_argument("--unit", help="tên bộ phận trên tiêu đề phiếu")
    p.add_argument("--clerk", help="họ tên cán bộ tiếp nhận tại quầy")
    p.add_argument("--head-name", help="họ tên người đứng đầu ký văn bản xin lỗi, thông báo")
    p.add_argument("--lookup-url", help="địa chỉ tra cứu in trong mã QR, có {code}")
    p.add_argument("--upstream", help="địa chỉ máy chủ cấp trên (huyện hoặc tỉnh)")
    p.add_argument("--session", action="append", help="buổi làm việc, ví dụ 07:30-11:30 (lặp lại cho mỗi buổi)")
    p.add_argument("--cutoff", help="giờ chốt nhận hồ sơ giải quyết trong ngày, mặc định 15:00")
    p.add_argument("--paper", choices=["a5", "a4", "80mm"], help="khổ giấy in mặc định")
    p.add_argument("--printer", help="tên máy in (mặc định: máy in mặc định của hệ thống)")
    p.add_argument("--scan-folder", help="thư mục máy quét mạng ghi bản quét vào (mặc định: scan-inbox "
                                         "trong thư mục dữ liệu)")
    p.add_argument("--idle-lock-minutes", type=int, help="cửa sổ tự khóa sau bấy nhiêu phút không dùng (mặc định 10)")
    accounts_cli.add_setup_options(p)
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("catalog", parents=[common], help="liệt kê danh mục thủ tục",
                       description="Liệt kê thủ tục hành chính; có thể tìm không dấu, phù hợp nhất trước.")
    p.add_argument("query", nargs="?", help="từ khóa tìm, ví dụ \"khai sinh\"")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("due", parents=[common], help="tính thời hạn trả kết quả",
                       description="Tính thời điểm bắt đầu tính và hẹn trả kết quả theo ngày làm việc.")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--procedure", help="mã thủ tục trong danh mục")
    g.add_argument("--days", type=int, help="số ngày làm việc (0 = trong ngày)")
    p.add_argument("--received-at", required=True, help="thời điểm nhận, ISO 8601, ví dụ 2026-11-23T09:32+07:00")
    p.set_defaults(func=cmd_due)

    p = sub.add_parser("intake", parents=[common], help="tiếp nhận một hồ sơ",
                       description="Tiếp nhận hồ sơ: cấp mã, tính hạn, lưu bền vững trước khi in.")
    p.add_argument("--procedure", required=True, help="mã thủ tục trong danh mục")
    p.add_argument("--name", required=True, help="họ tên người nộp")
    p.add_argument("--id-number", help="số định danh/CCCD, CMND hoặc hộ chiếu")
    p.add_argument("--birth-date", help="ngày sinh dd/mm/yyyy")
    p.add_argument("--phone", help="số điện thoại")
    p.add_argument("--email", help="thư điện tử")
    p.add_argument("--address", help="địa chỉ")
    p.add_argument("--owner-name", help="chủ hồ sơ nếu khác người nộp")
    p.add_argument("--channel", default="1", help="1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích")
    p.add_argument("--return-by", default="counter", choices=sorted(RETURN_BY),
                   help="nhận kết quả tại quầy (counter) hay qua bưu chính (post)")
    p.add_argument("--post-address", help="địa chỉ nhận kết quả qua bưu chính")
    p.add_argument("--notes", help="ghi chú")
    p.add_argument("--outcome", default="accepted", choices=["accepted", "supplement", "refused"],
                   help="tiếp nhận (accepted), yêu cầu bổ sung (supplement), từ chối (refused)")
    p.add_argument("--reason", help="lý do từ chối / bổ sung")
    p.add_argument("--missing", action="append", help="giấy tờ cần bổ sung, dạng \"tên|lý do\" (lặp lại)")
    p.add_argument("--attach", action="append", metavar="[N=]TỆP",
                   help="đính kèm bản quét: TỆP (cả hồ sơ) hoặc N=TỆP (giấy tờ số N); lặp lại")
    p.add_argument("--received-at", help="chỉ dùng khi nhập hồ sơ giấy cũ: thời điểm nhận ISO 8601")
    p.set_defaults(func=cmd_intake)

    p = sub.add_parser("advance", parents=[common], help="chuyển trạng thái hồ sơ",
                       description="Chuyển hồ sơ sang trạng thái khác theo quy trình (ghi người, thời điểm).")
    p.add_argument("code", help="mã hồ sơ")
    p.add_argument("--to", required=True, help="trạng thái mới 1–10 (4 đang xử lý, 5 yêu cầu bổ sung, "
                                               "6 nghĩa vụ tài chính, 7 rút, 8 dừng, 9 đã xử lý xong)")
    p.add_argument("--note", help="ghi chú / lý do")
    p.add_argument("--assignee", help="người hoặc đơn vị nhận xử lý")
    p.add_argument("--missing", action="append", help="giấy tờ cần bổ sung \"tên|lý do\" (khi chuyển sang 5)")
    p.set_defaults(func=cmd_advance)

    p = sub.add_parser("handoff", parents=[common], help="chuyển giao hồ sơ cho người/đơn vị khác",
                       description="Ghi một bước chuyển giao trên phiếu kiểm soát (mẫu 06).")
    p.add_argument("code", help="mã hồ sơ")
    p.add_argument("--to", required=True, help="người hoặc đơn vị nhận")
    p.add_argument("--note", help="ghi chú")
    p.set_defaults(func=cmd_handoff)

    p = sub.add_parser("extend", parents=[common], help="xin lỗi và gia hạn (mẫu 04), một lần",
                       description="Gia hạn thời gian giải quyết một lần, trước thời hạn, có lý do.")
    p.add_argument("code", help="mã hồ sơ")
    p.add_argument("--until", required=True, help="thời điểm hẹn mới ISO 8601")
    p.add_argument("--reason", required=True, help="lý do chậm")
    p.set_defaults(func=cmd_extend)

    p = sub.add_parser("handover", parents=[common], help="trả kết quả cho công dân",
                       description="Trả kết quả tại quầy (người nộp hoặc người được ủy quyền) hoặc qua bưu chính.")
    p.add_argument("code", help="mã hồ sơ (quét mã vạch)")
    p.add_argument("--recipient", help="họ tên người nhận (mặc định: người nộp)")
    p.add_argument("--recipient-id", help="số định danh của người nộp đến nhận, để đối chiếu")
    p.add_argument("--proxy-id", help="số định danh của người nhận thay")
    p.add_argument("--proxy-paper", help="số giấy ủy quyền của người nhận thay")
    p.add_argument("--post-tracking", help="số hiệu bưu gửi khi trả qua bưu chính công ích")
    p.add_argument("--fee-paid", type=int, help="số tiền phí, lệ phí đã thu (đồng)")
    p.add_argument("--receipt", help="số biên lai thu phí")
    p.add_argument("--rating", choices=["rat-hai-long", "hai-long", "khong-hai-long"], help="đánh giá của công dân")
    p.set_defaults(func=cmd_handover)

    p = sub.add_parser("find", parents=[common], help="tra cứu hồ sơ",
                       description="Tìm theo mã hồ sơ (đủ hoặc một phần), tên không dấu, số định danh, điện thoại.")
    p.add_argument("query", help="từ khóa")
    p.add_argument("--limit", type=int, default=20, help="số kết quả tối đa")
    p.set_defaults(func=cmd_find)

    p = sub.add_parser("show", parents=[common], help="xem toàn bộ quá trình của một hồ sơ")
    p.add_argument("code", help="mã hồ sơ hoặc mã lượt")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("queue", parents=[common], help="danh sách hồ sơ theo trạng thái hoặc hạn",
                       description="Danh sách công việc: new, processing, supplement, financial, resolved, closed, "
                                   "overdue, due_today, due_tomorrow.")
    p.add_argument("name", choices=["new", "processing", "supplement", "financial", "resolved", "closed",
                                    "overdue", "due_today", "due_tomorrow"], help="tên danh sách")
    p.add_argument("--field", help="lọc theo lĩnh vực")
    p.add_argument("--procedure", help="lọc theo mã thủ tục")
    p.set_defaults(func=cmd_queue)

    p = sub.add_parser("print", parents=[common], help="in biểu mẫu của hồ sơ ra PDF (và máy in)",
                       description="Tạo PDF biểu mẫu 01–06 của hồ sơ; in lại giữ nguyên mã.")
    p.add_argument("code", help="mã hồ sơ (hoặc mã lượt với mẫu 02, 03)")
    p.add_argument("--form", required=True, choices=["01", "02", "03", "04", "05", "06"], help="số mẫu")
    p.add_argument("--paper", default="a5", choices=["a5", "a4", "80mm"], help="khổ giấy (mặc định a5)")
    p.add_argument("--out", help="tệp PDF đầu ra")
    p.add_argument("--send", action="store_true", help="gửi tới máy in")
    p.add_argument("--printer", help="tên máy in (mặc định: máy in mặc định)")
    p.add_argument("--wait", type=float, metavar="GIÂY",
                   help="chờ tối đa bấy nhiêu giây cho tới khi máy in in xong (cùng --send)")
    p.set_defaults(func=cmd_print)

    p = sub.add_parser("printers", parents=[common], help="các máy in hệ thống biết (* mặc định)")
    p.set_defaults(func=cmd_printers)

    p = sub.add_parser("book", parents=[common], help="sổ theo dõi hồ sơ (mẫu 07)",
                       description="In sổ theo dõi hồ sơ của một khoảng thời gian, khổ A4 ngang.")
    p.add_argument("--from", dest="date_from", required=True, help="từ ngày YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="đến ngày YYYY-MM-DD")
    p.add_argument("--out", required=True, help="tệp PDF đầu ra")
    p.set_defaults(func=cmd_book)

    __import__("commune_desk.sync.cli", fromlist=["register"]).register(sub, common)
    __import__("commune_desk.attach_cli", fromlist=["register"]).register(sub, common)
    accounts_cli.register(sub, common)
    __import__("commune_desk.backup_cli", fromlist=["register"]).register(sub, common)
    p = sub.add_parser("report", parents=[common], help="báo cáo số liệu tiếp nhận, giải quyết",
                       description="Số liệu công khai của một kỳ: tiếp nhận, giải quyết đúng hạn, quá hạn...")
    p.add_argument("--from", dest="date_from", required=True, help="từ ngày YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="đến ngày YYYY-MM-DD")
    p.add_argument("--by", choices=["field", "procedure", "channel", "clerk"],
                   help="chia theo lĩnh vực, thủ tục, hình thức nộp (channel) hoặc cán bộ tiếp nhận (clerk)")
    p.add_argument("--format", choices=["json", "pdf", "xlsx"],
                   help="json (như --json), pdf (A4, có biểu đồ) hoặc xlsx (Excel)")
    p.add_argument("--out", help="tệp đầu ra (mặc định với pdf/xlsx: thư mục reports trong thư mục dữ liệu)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("import", parents=[common], help="nhập hồ sơ cũ từ tệp .csv hoặc .xlsx",
                       description="Nhập hồ sơ cũ (sổ giấy, bảng tính xuất từ hệ thống tỉnh). Cột: MaHoSo, MaTTHC, "
                                   "ChuHoSo, SoDinhDanh, SoDienThoai, KenhNop, NgayTiepNhan, NgayHenTra, "
                                   "NgayKetThucXuLy, NgayTra, TrangThaiHoSo, TraQuaBuuChinh. Một dòng sai thì "
                                   "không nhập dòng nào; nhập lại cùng tệp không thay đổi gì.")
    p.add_argument("file", metavar="TỆP", help="tệp .csv (UTF-8) hoặc .xlsx")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("catalog-edit", parents=[common], help="sửa một thủ tục trong danh mục (quản trị)",
                       description="Sửa lệ phí, thời hạn, tên của một thủ tục; bản cập nhật danh mục sau giữ lệ phí đã sửa.")
    p.add_argument("id", help="mã thủ tục, ví dụ HT-XNHN")
    p.add_argument("--fee", type=int, help="lệ phí (đồng)")
    p.add_argument("--fee-note", help="ghi chú lệ phí")
    p.add_argument("--days", type=int, help="thời hạn giải quyết (ngày làm việc, 0 = trong ngày)")
    p.add_argument("--name", help="tên thủ tục")
    p.set_defaults(func=cmd_catalog_edit)

    p = sub.add_parser("calendar-day", parents=[common], help="đặt ngày nghỉ / ngày làm việc của cơ quan",
                       description="Ghi đè lịch nghỉ lễ mặc định cho một ngày: làm bù, nghỉ thêm.")
    p.add_argument("day", help="ngày YYYY-MM-DD")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--working", action="store_true", help="là ngày làm việc")
    g.add_argument("--off", action="store_true", help="là ngày nghỉ")
    g.add_argument("--clear", action="store_true", help="bỏ ghi đè, theo lịch mặc định")
    p.add_argument("--note", help="ghi chú, ví dụ \"Làm bù cho ngày 2/1\"")
    p.set_defaults(func=cmd_calendar_day)

    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for key, value in vars(args).items():
        if isinstance(value, str) and not value.isprintable() and _undecodable(value):
            print(f"Lỗi: tham số {key} chứa byte không phải UTF-8; hãy gõ lại bằng bộ gõ tiếng Việt Unicode.",
                  file=sys.stderr)
            return 2
    args.data_dir = getattr(args, "data_dir", None)
    args.json = getattr(args, "json", False)
    func = getattr(args, "func", cmd_run)
    try:
        log_dir = setup_logging(paths.data_dir(args.data_dir)).parent
    except OSError as exc:
        print(f"Lỗi: không dùng được thư mục dữ liệu: {exc}", file=sys.stderr)
        return 2
    if args.selftest:
        from commune_desk import selftest
        return selftest.main(args.data_dir)
    return execute(accounts_cli.guard(func), args, log_dir, explain=_store_failure)


def _undecodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _store_failure(exc, args):
    """A full disk, a lock held elsewhere, a read-only folder, a damaged file: said in Vietnamese."""
    import sqlite3
    from peewee import DatabaseError
    if not isinstance(exc, (OSError, sqlite3.Error, DatabaseError)):
        return None
    from commune_desk.store.health import explain
    folder = getattr(args, "data_dir", None) or paths.data_dir(None, create=False)
    return explain(exc, Path(folder) / paths.DB_NAME)


if __name__ == "__main__":
    sys.exit(main())
