"""`commune-district`: run the district server and administer it.

Each command is `cmd_<name>(args) -> (human_text, json_object)`, like `commune-desk`.
"""

import argparse
import getpass
import json
import logging
import os
import sys
from pathlib import Path

import platformdirs

from commune_desk.commands import Parser, execute
from commune_desk.errors import InvalidInput

log = logging.getLogger("commune_desk.district.cli")
ENV_DB = "COMMUNE_DISTRICT_DB"


def default_db_url() -> str:
    folder = Path(platformdirs.user_data_dir("CommuneDistrict", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'district.sqlite3'}"


def _open(args):
    from commune_desk.district.db import session
    return session(args.db)


# ---- commands ------------------------------------------------------------------------------

def cmd_serve(args):
    from commune_desk.district import serving
    from commune_desk.district.app import create_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    workers = max(1, args.workers) if serving.can_fork() else 1

    def make_app():
        return create_app(args.db, lookup_per_minute=args.lookup_per_minute, threads=args.threads,
                          trusted_proxies=args.trusted_proxies, files_dir=args.files_dir,
                          max_file_bytes=args.max_file_mb and int(args.max_file_mb * 1024 * 1024),
                          quota_bytes=args.quota_mb and int(args.quota_mb * 1024 * 1024))

    with _open(args):
        pass            # migrate (once, before any worker forks) and fail here if the database is wrong
    more = f", {workers} tiến trình" if workers > 1 else ""
    print(f"Máy chủ cấp trên đang chạy tại http://{args.host}:{args.port}/{more} (dừng: Ctrl+C)", flush=True)
    serving.serve(make_app, args.host, args.port, args.threads, workers)
    return None, None


def cmd_commune_add(args):
    from commune_desk.district import admin
    with _open(args):
        commune, code, created = admin.add_commune(args.agency_code, args.name)
    verb = "Đã thêm" if created else "Đã có"
    text = (f"{verb} {commune.name} (mã {commune.agency_code}).\n"
            f"Mã đăng ký dùng một lần cho một quầy (hiệu lực {admin.ENROLMENT_VALID_DAYS} ngày):\n{code}")
    return text, {"agency_code": commune.agency_code, "name": commune.name, "created": created,
                  "enrolment_code": code}


def cmd_commune_code(args):
    from commune_desk.district import admin
    with _open(args):
        code = admin.issue_code(args.agency_code)
    return f"Mã đăng ký mới cho {args.agency_code.upper()}:\n{code}", {"enrolment_code": code}


def cmd_commune_revoke(args):
    from commune_desk.district import admin
    with _open(args):
        commune, devices = admin.revoke_commune(args.agency_code)
    return (f"Đã thu hồi quyền đồng bộ của {commune.name} ({commune.agency_code}): {devices} quầy.",
            {"agency_code": commune.agency_code, "devices_revoked": devices})


def cmd_commune_list(args):
    from commune_desk.district.models import Commune, Device
    with _open(args):
        items = []
        for c in Commune.select().order_by(Commune.agency_code):
            devices = [{"id": d.id, "desk": d.desk, "label": d.label, "revoked": d.revoked_at is not None,
                        "last_seen_at": d.last_seen_at.isoformat() if d.last_seen_at else None,
                        "clock_offset_s": d.clock_offset_s}
                       for d in Device.select().where(Device.commune == c).order_by(Device.id)]
            items.append({"agency_code": c.agency_code, "name": c.name, "active": c.active, "devices": devices})
    lines = [f"{c['agency_code']:<20} {'hoạt động' if c['active'] else 'đã thu hồi':<11} "
             f"{len(c['devices'])} quầy  {c['name']}" for c in items]
    return "\n".join(lines) or "Chưa có xã/phường nào.", items


def cmd_dossiers(args):
    from commune_desk.district.admin import get_commune
    from commune_desk.district.models import Dossier
    with _open(args):
        commune = get_commune(args.agency_code)
        items = [{"code": d.code, "uuid": d.uuid, "status": d.status}
                 for d in Dossier.select(Dossier.code, Dossier.uuid, Dossier.status)
                 .where(Dossier.commune == commune).order_by(Dossier.received_at, Dossier.id)]
    lines = [f"{d['code'] or '(không mã)':<32} {d['status']:>2}  {d['uuid']}" for d in items]
    return "\n".join(lines) or "Chưa có hồ sơ nào.", items


def cmd_report(args):
    from datetime import date, datetime

    from commune_desk.district import figures
    from commune_desk.district.admin import get_commune
    from commune_desk.rules.office_calendar import TZ
    from commune_desk.rules.report import REPORT_LINES, format_count, format_rate
    try:
        start, end = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    except ValueError:
        raise InvalidInput("Ngày phải có dạng YYYY-MM-DD, ví dụ --from 2026-01-01 --to 2026-06-30.", "from") from None
    if end < start:
        raise InvalidInput("Ngày kết thúc phải sau ngày bắt đầu.", "to")
    now = datetime.fromisoformat(args.now) if args.now else datetime.now(TZ)
    with _open(args) as db:
        commune = get_commune(args.agency_code)
        report = figures.commune_report(db, commune.id, start, end, now).to_dict()
        if args.by:
            report["by"] = args.by
            report["groups"] = [{"key": k, "label": label, **{x: v for x, v in r.to_dict().items() if x != "overdue"}}
                                for k, label, r in figures.commune_report(db, commune.id, start, end, now, args.by)]
    report = {"agency_code": commune.agency_code, "name": commune.name, **report}
    lines = [f"{commune.name} ({commune.agency_code}): {start:%d/%m/%Y} – {end:%d/%m/%Y}"]
    lines += [f"{label:<30} {format_count(report[key]):>8}" for key, label in REPORT_LINES]
    lines.append(f"{'Tỷ lệ đúng hạn':<30} {format_rate(report['on_time_rate']):>8}")
    from commune_desk.district.uploads import digitised_share
    with _open(args):
        report["digitised"] = digitised_share(commune.id, start, end)
    lines.append(f"{'Tỷ lệ hồ sơ được số hoá':<30} {format_rate(report['digitised']['share']):>8}")
    return "\n".join(lines), report


def cmd_attachments(args):
    from commune_desk.district.models import Dossier
    from commune_desk.district.uploads import attachments_of
    from commune_desk.errors import NotFound
    with _open(args):
        code = args.code.strip()
        dossier = Dossier.get_or_none((Dossier.code == code.upper()) | (Dossier.uuid == code.lower()))
        if dossier is None:
            raise NotFound(f"Máy chủ không có hồ sơ «{code}».")
        items = [{"sha256": a["sha256"], "size": a["size"], "document": a["document"], "name": a["name"],
                  "received_at": a["received_at"].isoformat() if a["received_at"] else None}
                 for a in attachments_of(dossier)]
    lines = [f"{a['sha256']}  {a['size']:>10}  {a['document'] or '-':>3}  {a['name']}" for a in items]
    return "\n".join(lines) or "Hồ sơ chưa có tệp đính kèm nào trên máy chủ.", items


def cmd_catalog_publish(args):
    from commune_desk.district import publish
    try:
        raw = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"Không đọc được tệp danh mục {args.file}: {exc}", "file") from None
    with _open(args):
        pub = publish.publish_catalog(raw, args.agency_code)
    n = len(pub.data["procedures"])
    return (f"Đã công bố danh mục phiên bản {pub.data['catalog_version']} ({n} thủ tục).",
            {"uuid": pub.uuid, "catalog_version": pub.data["catalog_version"], "procedures": n})


def cmd_fee(args):
    from commune_desk.district import publish
    with _open(args):
        pub = publish.publish_fee(args.procedure, args.fee, args.note or "", args.agency_code)
    return f"Đã công bố lệ phí {args.fee:,} đ cho thủ tục {pub.data['procedure_id']}.".replace(",", "."), \
        {"uuid": pub.uuid, **pub.data}


def cmd_holiday(args):
    from commune_desk.district import publish
    day = publish.parse_day(args.day)
    working = None if args.action == "clear" else (args.action == "working")
    with _open(args):
        pub = publish.publish_calendar(day, working, args.note or "", args.agency_code)
    what = {None: "bỏ điều chỉnh", True: "ngày làm việc", False: "ngày nghỉ"}[working]
    return f"Đã công bố {day:%d/%m/%Y}: {what}.", {"uuid": pub.uuid, **pub.data}


def cmd_status(args):
    from commune_desk.district import publish
    with _open(args):
        pub = publish.publish_status(args.code, args.status, args.note or "")
    snap = pub.data["dossier"]
    from commune_desk.rules.statuses import LABELS, Status
    return (f"Đã chuyển hồ sơ {snap['code']} sang «{LABELS[Status(pub.data['status'])]}»; các quầy sẽ nhận khi đồng bộ.",
            {"uuid": pub.uuid, "code": snap["code"], "status": pub.data["status"]})


def cmd_recount(args):
    from commune_desk.district.figures import day_counts_drift, recount_day_counts
    with _open(args) as db:
        drift = day_counts_drift(db) if args.check else recount_day_counts(db)
    obj = {"days_differing": len(drift), "recounted": bool(drift) and not args.check}
    if not drift:
        return "Số liệu báo cáo theo ngày khớp với hồ sơ đang lưu.", obj
    if args.check:
        args.exit_status = 1
        return (f"Số liệu báo cáo theo ngày lệch với hồ sơ đang lưu ở {len(drift)} ngày; chạy "
                f"«commune-district recount» để đếm lại."), obj
    return f"Đã đếm lại số liệu báo cáo theo ngày từ hồ sơ ({len(drift)} ngày đã lệch).", obj


def cmd_staff_add(args):
    from commune_desk.district import admin
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != password:
            raise InvalidInput("Hai lần nhập mật khẩu không khớp.", "password")
    with _open(args):
        staff = admin.add_staff(args.username, args.name or "", password, args.role)
    return (f"Đã lưu tài khoản cán bộ «{staff.username}» ({admin.ROLE_LABELS[staff.role]}).",
            {"username": staff.username, "name": staff.name, "role": staff.role})


def cmd_staff_disable(args):
    from commune_desk.district import admin
    with _open(args):
        staff = admin.disable_staff(args.username)
    return f"Đã khoá tài khoản cán bộ «{staff.username}».", {"username": staff.username, "active": False}


def cmd_staff_list(args):
    from commune_desk.district.models import Staff
    with _open(args):
        items = [{"username": s.username, "name": s.name, "role": s.role, "active": s.active}
                 for s in Staff.select().order_by(Staff.username)]
    lines = [f"{s['username']:<20} {s['role']:<9} {'hoạt động' if s['active'] else 'đã khoá':<10} {s['name']}"
             for s in items]
    return "\n".join(lines) or "Chưa có tài khoản cán bộ nào.", items


# ---- parser --------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help=f"cơ sở dữ liệu: sqlite:///đường/dẫn hoặc postgresql://người:mật@máy/tên "
                             f"(mặc định: biến môi trường {ENV_DB} hoặc tệp SQLite trong thư mục dữ liệu)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="in kết quả dạng JSON")
    parser = Parser(prog="commune-district", parents=[common],
                    description="Máy chủ cấp trên (huyện/tỉnh) cho Commune Desk: nhận dữ liệu đồng bộ, "
                                "công bố danh mục, lịch, trạng thái; trang tra cứu và tổng hợp.")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=Parser, required=True)

    p = sub.add_parser("serve", parents=[common], help="chạy máy chủ")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1; "
                                                       "đặt sau reverse proxy TLS khi chạy thật)")
    p.add_argument("--port", type=int, default=8750, help="cổng (mặc định 8750)")
    p.add_argument("--threads", type=int, default=8, help="số luồng xử lý mỗi tiến trình (mặc định 8)")
    p.add_argument("--workers", type=int, default=1,
                   help="số tiến trình (Linux: chạy bằng gunicorn khi lớn hơn 1; mặc định 1, chạy bằng "
                        "waitress; nên bằng số nhân CPU của máy chủ tỉnh). Giới hạn số lần tra cứu mỗi "
                        "phút tính riêng cho từng tiến trình; khoá đăng nhập tính chung trong cơ sở dữ liệu")
    p.add_argument("--lookup-per-minute", type=int, default=30,
                   help="số lần tra cứu tối đa mỗi phút cho một địa chỉ IP (mặc định 30)")
    p.add_argument("--trusted-proxies", type=int, default=0,
                   help="số reverse proxy tin cậy đứng trước máy chủ (mặc định 0); địa chỉ người dùng "
                        "lấy từ X-Forwarded-For do các proxy này thêm vào")
    p.add_argument("--files-dir", help="thư mục lưu tệp đính kèm (mặc định: biến môi trường "
                                       "COMMUNE_DISTRICT_FILES hoặc ./district-files)")
    p.add_argument("--max-file-mb", type=float, help="dung lượng tối đa một tệp đính kèm, MB (mặc định 50)")
    p.add_argument("--quota-mb", type=float, help="hạn mức lưu tệp đính kèm của mỗi xã/phường, MB (mặc định 20480)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("commune", parents=[common], help="quản lý xã/phường")
    csub = p.add_subparsers(dest="commune_command", metavar="VIỆC", parser_class=Parser, required=True)
    q = csub.add_parser("add", parents=[common], help="thêm xã/phường và cấp mã đăng ký cho quầy")
    q.add_argument("--agency-code", required=True, help="mã định danh điện tử, ví dụ 000.30.36.H26")
    q.add_argument("--name", required=True, help="tên, ví dụ \"UBND xã Phúc Lợi\"")
    q.set_defaults(func=cmd_commune_add)
    q = csub.add_parser("code", parents=[common], help="cấp thêm một mã đăng ký (cho quầy thứ hai…)")
    q.add_argument("agency_code", metavar="MÃ_CƠ_QUAN")
    q.set_defaults(func=cmd_commune_code)
    q = csub.add_parser("revoke", parents=[common], help="thu hồi quyền đồng bộ của xã/phường")
    q.add_argument("agency_code", metavar="MÃ_CƠ_QUAN")
    q.set_defaults(func=cmd_commune_revoke)
    q = csub.add_parser("list", parents=[common], help="liệt kê xã/phường và các quầy")
    q.set_defaults(func=cmd_commune_list)

    p = sub.add_parser("dossiers", parents=[common], help="liệt kê hồ sơ máy chủ đang lưu của một xã/phường")
    p.add_argument("--agency-code", required=True)
    p.set_defaults(func=cmd_dossiers)

    p = sub.add_parser("report", parents=[common], help="số liệu tiếp nhận, giải quyết của một xã/phường",
                       description="Số liệu công khai của một kỳ, cùng cách tính với quầy và trang tổng hợp.")
    p.add_argument("--agency-code", required=True, help="mã định danh của xã/phường")
    p.add_argument("--from", dest="date_from", required=True, help="từ ngày YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="đến ngày YYYY-MM-DD")
    p.add_argument("--by", choices=["field", "procedure", "channel", "clerk"],
                   help="chia theo lĩnh vực, thủ tục, hình thức nộp hoặc cán bộ tiếp nhận")
    p.add_argument("--now", help=argparse.SUPPRESS)     # tests: judge open dossiers at this instant
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("recount", parents=[common], help="đếm lại số liệu báo cáo theo ngày từ hồ sơ",
                       description="Số liệu báo cáo được cộng dồn theo ngày mỗi khi hồ sơ thay đổi; lệnh này "
                                   "đếm lại từ hồ sơ đang lưu (chỉ cần sau khi khôi phục dữ liệu không qua "
                                   "máy chủ). --check chỉ kiểm tra, mã thoát 1 nếu lệch.")
    p.add_argument("--check", action="store_true", help="chỉ kiểm tra, không sửa")
    p.set_defaults(func=cmd_recount)

    p = sub.add_parser("attachments", parents=[common], help="liệt kê tệp đính kèm máy chủ đã nhận của một hồ sơ")
    p.add_argument("code", help="mã hồ sơ (hoặc mã lượt)")
    p.set_defaults(func=cmd_attachments)

    p = sub.add_parser("catalog", parents=[common], help="công bố danh mục thủ tục cho các quầy")
    csub = p.add_subparsers(dest="catalog_command", metavar="VIỆC", parser_class=Parser, required=True)
    q = csub.add_parser("publish", parents=[common], help="công bố tệp danh mục JSON")
    q.add_argument("file", metavar="TỆP")
    q.add_argument("--agency-code", help="chỉ cho một xã/phường (mặc định: tất cả)")
    q.set_defaults(func=cmd_catalog_publish)

    p = sub.add_parser("fee", parents=[common], help="công bố lệ phí mới của một thủ tục")
    p.add_argument("--procedure", required=True, help="mã thủ tục")
    p.add_argument("--fee", type=int, required=True, help="lệ phí (đồng)")
    p.add_argument("--note", help="ghi chú lệ phí")
    p.add_argument("--agency-code", help="chỉ cho một xã/phường (mặc định: tất cả)")
    p.set_defaults(func=cmd_fee)

    p = sub.add_parser("holiday", parents=[common], help="công bố ngày nghỉ / ngày làm bù")
    p.add_argument("action", choices=["off", "working", "clear"], help="off: nghỉ; working: làm việc; clear: bỏ")
    p.add_argument("--day", required=True, help="ngày, ví dụ 2026-09-01")
    p.add_argument("--note", help="ghi chú, ví dụ \"Nghỉ bù Quốc khánh\"")
    p.add_argument("--agency-code", help="chỉ cho một xã/phường (mặc định: tất cả)")
    p.set_defaults(func=cmd_holiday)

    p = sub.add_parser("status", parents=[common], help="chuyển trạng thái hồ sơ xử lý ở cấp trên")
    p.add_argument("--code", required=True, help="mã hồ sơ")
    p.add_argument("--status", type=int, required=True, help="trạng thái mới 1–10 (9: đã xử lý xong)")
    p.add_argument("--note", help="ghi chú")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("staff", parents=[common], help="tài khoản cán bộ (trang tổng hợp và quản trị)")
    csub = p.add_subparsers(dest="staff_command", metavar="VIỆC", parser_class=Parser, required=True)
    q = csub.add_parser("add", parents=[common], help="tạo hoặc đặt lại mật khẩu tài khoản")
    q.add_argument("--username", required=True)
    q.add_argument("--name", help="họ tên")
    q.add_argument("--role", choices=["tong-hop", "quan-tri"], default="tong-hop",
                   help="tong-hop: xem số liệu mọi xã/phường (mặc định); quan-tri: quản lý xã/phường, quầy, cán bộ")
    q.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của đầu vào chuẩn")
    q.set_defaults(func=cmd_staff_add)
    q = csub.add_parser("disable", parents=[common], help="khoá tài khoản (không đăng nhập được nữa)")
    q.add_argument("--username", required=True)
    q.set_defaults(func=cmd_staff_disable)
    q = csub.add_parser("list", parents=[common], help="liệt kê tài khoản cán bộ")
    q.set_defaults(func=cmd_staff_list)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.db = getattr(args, "db", None) or os.environ.get(ENV_DB) or default_db_url()
    args.json = getattr(args, "json", False)
    return execute(args.func, args)


if __name__ == "__main__":
    sys.exit(main())
