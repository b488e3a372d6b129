"""`commune-desk backup`, `restore` and `check`: the desk file's safety commands."""

import getpass
import os
import sys
import time
from pathlib import Path

from commune_desk import paths
from commune_desk.errors import InvalidInput
from commune_desk.store import backup, health

PASSWORD_ENV = "COMMUNE_DESK_BACKUP_PASSWORD"


def _password(args, confirm: bool) -> str:
    if getattr(args, "password_stdin", False):
        # the account's password (--user) came first on standard input; the backup's is the next line
        text = sys.stdin.readline().rstrip("\r\n")
    elif os.environ.get(PASSWORD_ENV):
        text = os.environ[PASSWORD_ENV]
    elif sys.stdin.isatty():
        text = getpass.getpass("Mật khẩu sao lưu: ")
        if confirm and getpass.getpass("Nhập lại mật khẩu: ") != text:
            raise InvalidInput("Hai lần nhập mật khẩu không khớp.", "password")
    else:
        raise InvalidInput(f"Cần mật khẩu: --password-stdin hoặc biến môi trường {PASSWORD_ENV}.", "password")
    if not text:
        raise InvalidInput("Mật khẩu sao lưu không được để trống.", "password")
    return text


def _progress(args):
    if args.json or not sys.stderr.isatty():
        return None
    def show(done, total):
        print(f"\r{done * 100 // max(total, 1):3d} %", end="", file=sys.stderr, flush=True)
    return show


def _db_path(args) -> Path:
    return paths.data_dir(args.data_dir) / paths.DB_NAME


def cmd_backup(args):
    password = _password(args, confirm=True) if args.encrypt else None
    started = time.perf_counter()
    out = backup.make_backup(_db_path(args), Path(args.out) if args.out else None, reason="manual",
                             password=password, progress=_progress(args))
    obj = {"path": str(out), "bytes": out.stat().st_size, "encrypted": bool(password), "verified": True,
           "seconds": round(time.perf_counter() - started, 3)}
    return f"Đã sao lưu và kiểm tra: {out}{' (đã mã hoá)' if password else ''}.", obj


def cmd_restore(args):
    source = Path(args.file)
    password = None
    if source.is_file() and backup.is_encrypted(source):
        password = _password(args, confirm=False)
    obj = backup.restore(source, _db_path(args), password=password, progress=_progress(args))
    aside = f" Tệp cũ được giữ lại: {obj['kept_aside']}." if obj["kept_aside"] else ""
    return f"Đã khôi phục dữ liệu từ {source}.{aside}{backup.recovery_sentence(obj)}", obj


def cmd_check(args):
    path = _db_path(args)
    if not path.exists():
        raise InvalidInput(f"Chưa có tệp dữ liệu {path}.", "data_dir")
    started = time.perf_counter()
    problems = health.check_file(path, full=not args.quick)
    seconds = time.perf_counter() - started
    if not args.quick:
        health.write_state(path.parent, integrity_checked_at=_utc_now(), integrity_ok=not problems,
                           integrity_problems=problems[:5])
    latest = backup.latest_backup(path.parent)
    obj = {"path": str(path), "ok": not problems, "check": "quick_check" if args.quick else "integrity_check",
           "problems": problems, "seconds": round(seconds, 3), "bytes": path.stat().st_size,
           "latest_backup": str(latest) if latest else None, "backups": len(backup.list_backups(path.parent))}
    if problems:
        args.exit_status = 1
        text = health.damaged_message(path, health.problems_text(problems))
        if latest:
            text += f" Bản sao lưu gần nhất: {latest}."
    else:
        text = f"Tệp dữ liệu {path} không có lỗi ({obj['check']}, {seconds:.1f} giây)."
    return text, obj


def _utc_now() -> str:
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def register(sub, common) -> None:
    p = sub.add_parser("backup", parents=[common], help="sao lưu tệp dữ liệu (có kiểm tra, có thể mã hoá)",
                       description="Sao lưu trực tuyến tệp dữ liệu trong khi ứng dụng vẫn chạy, rồi kiểm tra bản sao. "
                                   "Mặc định ghi vào thư mục backups/ trong thư mục dữ liệu.")
    p.add_argument("--out", help="tệp sao lưu đầu ra, ví dụ trên USB: E:\\desk-2026-12-03.sqlite3.enc")
    p.add_argument("--encrypt", action="store_true", help="mã hoá bằng mật khẩu (AES-256-GCM, scrypt)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="khôi phục dữ liệu từ một bản sao lưu",
                       description="Khôi phục từ bản sao lưu đã kiểm tra; tệp dữ liệu hiện tại được giữ lại bên cạnh. "
                                   "Hãy đóng cửa sổ ứng dụng trước.")
    p.add_argument("file", help="tệp sao lưu (.sqlite3 hoặc .sqlite3.enc)")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", parents=[common], help="kiểm tra tệp dữ liệu có bị hỏng không",
                       description="Kiểm tra toàn bộ tệp dữ liệu (PRAGMA integrity_check); mã thoát 1 nếu hỏng.")
    p.add_argument("--quick", action="store_true", help="chỉ kiểm tra nhanh (quick_check)")
    p.set_defaults(func=cmd_check)
