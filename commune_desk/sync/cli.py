"""`commune-desk sync` and `commune-desk enroll`: registered into the desk's parser by
commune_desk.cli.build_parser (one line there)."""

from contextlib import closing

from commune_desk.commands import iso, open_desk
from commune_desk.errors import InvalidInput
from commune_desk.store import outbox
from commune_desk.sync.engine import Options, enroll, run_pass
from commune_desk.sync.errors import SyncError
from commune_desk.sync.status import sync_status

COUNT_LABELS = [("pushed", "đã gửi"), ("accepted", "nhận mới"), ("duplicates", "đã có"),
                ("conflicts", "xung đột"), ("rejected", "bị từ chối"), ("quarantined", "cách ly"),
                ("pulled", "đã nhận về"), ("waiting", "còn chờ")]


def cmd_sync(args):
    with closing(open_desk(args)) as desk:
        if args.action == "status":
            st = sync_status(desk)
            obj = {**st, "last_success_at": iso(st["last_success_at"]),
                   "oldest_waiting_at": iso(st["oldest_waiting_at"])}
            lines = [f"Máy chủ: {st['server'] or 'chưa đăng ký'}",
                     f"Trạng thái: {'trực tuyến' if st['online'] else 'ngoại tuyến' if st['online'] is False else 'chưa đồng bộ lần nào'}",
                     f"Lần đồng bộ thành công gần nhất: {obj['last_success_at'] or 'chưa có'}",
                     f"Đang chờ gửi: {st['waiting']} (cũ nhất: {obj['oldest_waiting_at'] or '—'}); "
                     f"bị cách ly: {st['quarantined']}"]
            if st["clock_warning"]:
                lines.append("Cảnh báo: " + st["clock_warning"])
            if st["recovery_notice"]:
                lines.append(st["recovery_notice"])
            return "\n".join(lines), obj
        if args.action in ("list", "quarantined"):
            state = outbox.QUARANTINED if args.action == "quarantined" else outbox.PENDING
            items = [{**r, "at": iso(r["at"])} for r in outbox.listing(desk, state)]
            lines = [f"{r['seq']:>7} {r['at']} {r['kind']:<16} {r['code'] or ''} {r['reason']}".rstrip()
                     for r in items]
            return "\n".join(lines) or "Không có mục nào.", items
        if args.action == "requeue":
            if not args.all and not args.uuid:
                raise InvalidInput("Chọn mục cần gửi lại: --uuid … (lặp lại) hoặc --all.", "uuid")
            n = outbox.requeue(desk, None if args.all else args.uuid)
            return f"Đã đưa {n} mục trở lại hàng chờ gửi.", {"requeued": n}
        opts = Options(server=args.server, ca_file=args.ca_file, attachments=not args.no_attachments)
        if args.batch_size:
            opts.batch_size = max(1, args.batch_size)
        result = run_pass(desk, opts)
        obj = {k: getattr(result, k) for k, _ in COUNT_LABELS}
        obj.update(unacknowledged=result.unacknowledged, clock_offset_s=result.clock_offset_s,
                   applied=result.applied, attachments_sent=result.attachments_sent,
                   attachment_bytes=result.attachment_bytes, attachments_refused=result.attachments_refused,
                   attachments_waiting=result.attachments_waiting, attachment_error=result.attachment_error,
                   recovered=result.recovered, recovered_dossiers=result.recovered_dossiers,
                   recovery_error=result.recovery_error)
        if result.error:
            counts = ", ".join(f"{label} {obj[k]}" for k, label in COUNT_LABELS)
            raise SyncError(f"{result.error} ({counts})")
        text = "Đồng bộ xong: " + ", ".join(f"{label} {obj[k]}" for k, label in COUNT_LABELS) + "."
        if result.recovered:
            text += (f"\nSau khi khôi phục bản sao lưu: đã lấy lại từ máy chủ {result.recovered_dossiers} hồ sơ "
                     f"({result.recovered} thay đổi).")
        if result.recovery_error:
            text += "\n" + result.recovery_error
        if result.clock_offset_s is not None:
            from commune_desk.sync.engine import clock_short
            obj["clock_warning"] = clock_short(result.clock_offset_s)
            text += (f"\nĐồng hồ máy so với máy chủ: {result.clock_offset_s:+.0f} giây"
                     + (f" — {obj['clock_warning']}." if obj["clock_warning"] else "."))
        if not args.no_attachments:
            text += (f"\nTệp đính kèm: đã gửi {result.attachments_sent}, còn chờ {result.attachments_waiting}"
                     + (f", bị từ chối {result.attachments_refused}" if result.attachments_refused else "") + "."
                     + (f" Chưa gửi hết: {result.attachment_error}" if result.attachment_error else ""))
        return text, obj


def cmd_enroll(args):
    with closing(open_desk(args)) as desk:
        info = enroll(desk, args.server, args.code, ca_file=args.ca_file)
    text = (f"Đã đăng ký quầy với máy chủ {info['server']} "
            f"({info.get('commune_name') or info.get('agency_code') or ''}). Có thể đồng bộ: commune-desk sync")
    return text, info


def register(sub, common) -> None:
    p = sub.add_parser("sync", parents=[common], help="đồng bộ với máy chủ cấp trên (một lượt)",
                       description="Gửi các thay đổi đang chờ và nhận dữ liệu từ cấp trên. "
                                   "status: xem trạng thái; list / quarantined: xem mục chờ / bị cách ly; "
                                   "requeue: đưa mục bị cách ly trở lại hàng chờ.")
    p.add_argument("action", nargs="?", default="run",
                   choices=["run", "status", "list", "quarantined", "requeue"], help="việc cần làm (mặc định run)")
    p.add_argument("--server", help="địa chỉ máy chủ (mặc định: địa chỉ đã đăng ký)")
    p.add_argument("--ca-file", help="tệp chứng chỉ CA riêng để kiểm tra máy chủ")
    p.add_argument("--batch-size", type=int, help="số thay đổi mỗi lô (mặc định 200)")
    p.add_argument("--no-attachments", action="store_true", help="chỉ gửi thay đổi, chưa gửi tệp đính kèm")
    p.add_argument("--uuid", action="append", help="mục cần gửi lại (với requeue; lặp lại)")
    p.add_argument("--all", action="store_true", help="gửi lại mọi mục bị cách ly (với requeue)")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("enroll", parents=[common], help="đăng ký quầy với máy chủ cấp trên",
                       description="Đổi mã đăng ký dùng một lần (do cấp trên cấp) lấy khóa thiết bị.")
    p.add_argument("--server", required=True, help="địa chỉ máy chủ, ví dụ https://motcua.huyen.gov.vn")
    p.add_argument("--code", required=True, help="mã đăng ký dùng một lần")
    p.add_argument("--ca-file", help="tệp chứng chỉ CA riêng (khi máy chủ dùng CA nội bộ)")
    p.set_defaults(func=cmd_enroll)
