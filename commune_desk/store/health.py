"""The desk file's health: SQLite and OS failures said as one Vietnamese sentence with the way
forward, the start-up and daily checks, and files readable only by their user.

    StoreError
     +-- DiskFull       -- the disk (or the process's file-size limit) is full: lookups still work
     +-- Locked         -- another program holds the write lock longer than LOCK_WAIT_S
     +-- ReadOnly       -- the data folder or file cannot be written: lookups still work
     +-- Damaged        -- the file fails its check: opened read-only until a backup is restored
"""

import errno
import json
import os
import re
import shutil
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

from commune_desk.errors import StoreError

BACKUP_DIR = "backups"
_NAME = re.compile(r"^desk-(\d{8}-\d{6})-([a-z-]+)\.sqlite3(\.enc)?$")
LOCK_WAIT_S = 3                     # a clerk waits this long for another program's lock, not 10 s
FULL_CHECK_EVERY = timedelta(days=1)
HEALTH_FILE = "health.json"


class DiskFull(StoreError):
    pass


class Locked(StoreError):
    pass


class ReadOnly(StoreError):
    pass


class Damaged(StoreError):
    pass


def disk_full_message(where: Path) -> str:
    return (f"Ổ đĩa đầy: không ghi được vào {where}. Việc vừa làm chưa được lưu; dữ liệu đã lưu trước đó "
            "vẫn nguyên vẹn và tra cứu hồ sơ vẫn dùng được. Hãy xoá bớt tệp không cần trên ổ này "
            "(hoặc chép thư mục dữ liệu sang ổ khác) rồi làm lại.")


def damaged_message(path: Path, detail: str = "") -> str:
    why = f" ({detail})" if detail else ""
    latest = latest_backup(path.parent)
    source = f"«commune-desk restore {latest}»" if latest else "«commune-desk restore TỆP_SAO_LƯU»"
    return (f"Tệp dữ liệu {path} bị hỏng{why}. Ứng dụng chỉ mở để tra cứu, không ghi thêm gì vào tệp này. "
            f"Cách khắc phục: khôi phục bản sao lưu tốt gần nhất bằng lệnh {source} "
            "(hoặc Quản trị → Sao lưu, khôi phục); tệp hỏng được giữ lại bên cạnh để kiểm tra.")


def locked_message(path: Path) -> str:
    return (f"Tệp dữ liệu {path} đang bị một chương trình khác giữ (đã chờ {LOCK_WAIT_S} giây). "
            "Hãy đóng chương trình đó hoặc cửa sổ Commune Desk thứ hai rồi làm lại; chưa có gì bị thay đổi.")


def read_only_message(path: Path) -> str:
    return (f"Thư mục dữ liệu {path.parent} chỉ cho phép đọc: tra cứu vẫn dùng được nhưng không ghi được gì. "
            "Hãy nhờ quản trị máy cấp quyền ghi cho thư mục này.")


def _sqlite_cause(exc: BaseException) -> sqlite3.Error | None:
    seen = exc
    while seen is not None:
        if isinstance(seen, sqlite3.Error):
            return seen
        for arg in getattr(seen, "args", ())[:1]:
            if isinstance(arg, sqlite3.Error):
                return arg
        seen = seen.__cause__ or seen.__context__
    return None


def explain(exc: BaseException, path: Path, damaged: str | None = None) -> StoreError | None:
    """The StoreError a clerk should read for a database or file failure, or None if unknown."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, OSError) and not isinstance(exc, sqlite3.Error):
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return DiskFull(disk_full_message(Path(exc.filename or path)))
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return ReadOnly(f"Không ghi được vào {exc.filename or path}: không có quyền ghi "
                            "(thư mục chỉ đọc). Hãy chọn thư mục khác hoặc nhờ quản trị máy cấp quyền.")
        return None
    cause = _sqlite_cause(exc)
    text = str(cause or exc).lower()
    name = getattr(cause, "sqlite_errorname", "") or ""
    if damaged and ("readonly" in text or "read-only" in text or name.startswith("SQLITE_READONLY")):
        return Damaged(damaged)
    if "disk is full" in text or name == "SQLITE_FULL":
        return DiskFull(disk_full_message(path))
    if "disk i/o error" in text or name.startswith("SQLITE_IOERR"):
        # a write cut short by a full disk or a file-size limit surfaces as an I/O error
        if name in _WRITE_ERRORS or _nearly_full(path):
            return DiskFull(disk_full_message(path))
        return StoreError(f"Lỗi đọc/ghi ổ đĩa ở {path}: ổ có thể đầy hoặc hỏng. Việc vừa làm chưa được lưu. "
                          "Hãy kiểm tra ổ đĩa (commune-desk check) và sao lưu dữ liệu.")
    if "locked" in text or name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
        return Locked(locked_message(path))
    if "readonly" in text or "read-only" in text or name.startswith("SQLITE_READONLY"):
        return ReadOnly(read_only_message(path))
    if ("malformed" in text or "not a database" in text or "decode" in text or name == "SQLITE_CORRUPT"
            or name == "SQLITE_NOTADB"):
        return Damaged(damaged_message(path, "kiểm tra phát hiện lỗi khi đọc"))
    if "unable to open" in text or name == "SQLITE_CANTOPEN":
        return ReadOnly(f"Không mở được tệp dữ liệu {path}: thư mục không tồn tại hoặc không có quyền. "
                        "Hãy kiểm tra thư mục dữ liệu (--data-dir).")
    return None


_WRITE_ERRORS = {"SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE", "SQLITE_IOERR_SHMSIZE",
                 "SQLITE_IOERR_SHMMAP", "SQLITE_IOERR_SHMOPEN", "SQLITE_IOERR_DIR_FSYNC"}


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 4 * 1024 * 1024
    except OSError:
        return False


def list_backups(data_dir: Path) -> list[Path]:
    """The automatic and manual backups in the data folder, newest first."""
    folder = Path(data_dir) / BACKUP_DIR
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _NAME.match(p.name)]
    return sorted(found, key=lambda p: _NAME.match(p.name).group(1), reverse=True)


def latest_backup(data_dir: Path, reason: str | None = None) -> Path | None:
    for p in list_backups(data_dir):
        if reason is None or _NAME.match(p.name).group(2) == reason:
            return p
    return None


# ---- checks ------------------------------------------------------------------------------------

def problems_text(problems: list[str]) -> str:
    """What a clerk reads of SQLite's English findings (they stay in the log and `check --json`)."""
    return f"kiểm tra tệp phát hiện {len(problems)} lỗi" if len(problems) < 20 else "kiểm tra tệp phát hiện nhiều lỗi"


def run_check(con, full: bool = False) -> list[str]:
    """quick_check (O(N), skips index/table agreement) or integrity_check; [] when the file is fine,
    else one line per problem (SQLite packs several in a row)."""
    rows = [r[0] for r in con.execute(f"PRAGMA {'integrity_check' if full else 'quick_check'}(20)")]
    if rows == ["ok"]:
        return []
    return [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]


def check_file(path: Path, full: bool = False) -> list[str]:
    """Check a file on its own read-only connection (backups, restores, the daily background check)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=LOCK_WAIT_S)
    except sqlite3.Error as exc:
        return [str(exc)]
    try:
        return run_check(con, full)
    except sqlite3.Error as exc:
        return [str(exc)]
    finally:
        con.close()


def _state_path(data_dir: Path) -> Path:
    return data_dir / HEALTH_FILE


def read_state(data_dir: Path) -> dict:
    try:
        return json.loads(_state_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(data_dir: Path, **values) -> None:
    state = read_state(data_dir) | values
    try:
        path = _state_path(data_dir)
        path.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
        make_private(path)
    except OSError:
        pass      # a read-only or full folder: the check runs again next time


def full_check_due(data_dir: Path, now: datetime | None = None) -> bool:
    last = read_state(data_dir).get("integrity_checked_at")
    now = now or datetime.now(timezone.utc)
    try:
        return last is None or now - datetime.fromisoformat(last) >= FULL_CHECK_EVERY
    except (TypeError, ValueError):
        return True


def daily_full_check(path: Path, now: datetime | None = None) -> list[str] | None:
    """The full integrity_check once a day (the window runs it off the UI thread); None if not due."""
    data_dir = path.parent
    now = now or datetime.now(timezone.utc)
    if not path.exists() or not full_check_due(data_dir, now):
        return None
    problems = check_file(path, full=True)
    write_state(data_dir, integrity_checked_at=now.isoformat(timespec="seconds"),
                integrity_ok=not problems, integrity_problems=problems[:5])
    return problems


# ---- permissions ---------------------------------------------------------------------------------

def make_private(path: Path) -> None:
    """0600 for a file, 0700 for a folder, on POSIX: citizens' data is readable only by the user."""
    if os.name != "posix":
        return
    try:
        mode = stat.S_IRWXU if path.is_dir() else stat.S_IRUSR | stat.S_IWUSR
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except OSError:
        pass


def write_private(path: Path, data: bytes) -> None:
    """Write a file (PDF, export) created 0600 from the start, with full-disk and folder errors said."""
    path = Path(path)
    if path.is_dir():
        raise ReadOnlyOrMissing(f"«{path}» là một thư mục; hãy ghi tên tệp PDF, ví dụ {path / 'phieu.pdf'}.")
    if not path.parent.is_dir():
        raise ReadOnlyOrMissing(f"Thư mục «{path.parent}» không tồn tại; hãy tạo thư mục trước hoặc chọn nơi khác.")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as exc:
        try:
            if path.is_file() and path.stat().st_size != len(data):
                path.unlink()       # never leave half a PDF behind (a device such as /dev/full stays)
        except OSError:
            pass
        raise explain(exc, path) or StoreError(f"Không ghi được tệp {path}: {exc.strerror or exc}.") from None
    make_private(path)


class ReadOnlyOrMissing(StoreError):
    pass
