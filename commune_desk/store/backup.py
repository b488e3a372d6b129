"""Backups of the desk file: made with SQLite's online backup API while the app runs, checked
(quick_check on the copy) before they count, rotated, and optionally encrypted for a USB stick.

An encrypted backup is `MAGIC`, a 16-byte scrypt salt, the scrypt cost, a 7-byte nonce prefix, then
1 MiB chunks sealed with AES-256-GCM (cryptography) in the STREAM construction: each chunk's nonce
is prefix + counter + last-chunk flag, so a reordered, altered or truncated file fails to open.
"""

import json
import os
import shutil
import sqlite3
import struct
from datetime import datetime
from pathlib import Path

from commune_desk import paths
from commune_desk.errors import InvalidInput, StoreError
from commune_desk.store import audit, health
from commune_desk.store.attachments import backup_attachments, hold_after_restore, restore_attachments
from commune_desk.store.health import _NAME, BACKUP_DIR, latest_backup, list_backups  # noqa: F401

KEEP = {"daily": 7, "exit": 3, "migration": 3, "manual": 5, "before-restore": 3}
MAGIC = b"COMMUNE-DESK-BACKUP-1\n"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
PAGES_PER_STEP = 2048


def backup_dir(data_dir: Path) -> Path:
    folder = Path(data_dir) / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    health.make_private(folder)
    return folder


def make_backup(db_path: Path, out: Path | None = None, reason: str = "manual", password: str | None = None,
                progress=None, now: datetime | None = None) -> Path:
    """Copy the live file page by page (other connections keep reading and writing), check the copy,
    then move it into place. `progress(done, total)` is called between steps."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise StoreError(f"Chưa có tệp dữ liệu {db_path} để sao lưu.")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    if out is None:
        folder = backup_dir(db_path.parent)
        out = folder / f"desk-{stamp}-{reason}.sqlite3{'.enc' if password else ''}"
    out = Path(out)
    if out.is_dir():
        raise InvalidInput(f"«{out}» là một thư mục; hãy ghi tên tệp sao lưu, ví dụ {out / 'desk.sqlite3'}.", "out")
    if not out.parent.is_dir():
        raise InvalidInput(f"Thư mục «{out.parent}» không tồn tại; hãy tạo trước hoặc chọn nơi khác.", "out")
    part = out.with_name(out.name + ".part")
    try:
        _copy_online(db_path, part, progress)
        problems = health.check_file(part)
        if problems:
            raise StoreError(f"Bản sao lưu không đạt kiểm tra ({problems[0][:120]}); tệp dữ liệu có thể đã hỏng. "
                             "Hãy chạy: commune-desk check.")
        if password:
            encrypt_file(part, out, password)
            part.unlink()
        else:
            os.replace(part, out)
        health.make_private(out)
    except OSError as exc:
        raise health.explain(exc, out) or StoreError(f"Không ghi được bản sao lưu {out}: {exc}.") from None
    finally:
        for leftover in (part, Path(str(part) + "-journal")):
            if leftover.exists():
                leftover.unlink()
    backup_attachments(db_path.parent, out, password, encrypt_file)    # scans: beside it, once each
    if out.parent == db_path.parent / BACKUP_DIR:
        rotate(db_path.parent)
    return out


def _copy_online(src_path: Path, dst_path: Path, progress=None) -> None:
    src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=health.LOCK_WAIT_S)
    fd = os.open(dst_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    dst = sqlite3.connect(dst_path)
    try:
        def step(status, remaining, total):
            if progress:
                progress(total - remaining, total)
        src.backup(dst, pages=PAGES_PER_STEP, progress=step)
        dst.execute("PRAGMA journal_mode=DELETE")    # one self-contained file, no -wal beside it
    except sqlite3.Error as exc:
        raise health.explain(exc, dst_path) or StoreError(f"Sao lưu không thành công: {exc}.") from None
    finally:
        dst.close()
        src.close()


def rotate(data_dir: Path) -> list[Path]:
    """Keep the newest KEEP[reason] backups of each kind; return the ones removed."""
    removed, seen = [], {}
    for p in list_backups(data_dir):
        reason = _NAME.match(p.name).group(2)
        seen[reason] = seen.get(reason, 0) + 1
        if seen[reason] > KEEP.get(reason, 5):
            p.unlink()
            removed.append(p)
    return removed


def due_daily(data_dir: Path, today) -> bool:
    last = latest_backup(data_dir, "daily")
    return last is None or _NAME.match(last.name).group(1)[:8] < today.strftime("%Y%m%d")


# ---- encryption ----------------------------------------------------------------------------------

def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(MAGIC)) == MAGIC


def _key(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def encrypt_file(src: Path, dst: Path, password: str) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    if len(password) < 8:
        raise InvalidInput("Mật khẩu sao lưu phải có ít nhất 8 ký tự.", "password")
    salt, prefix = os.urandom(16), os.urandom(7)
    aead = AESGCM(_key(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
        fout.write(MAGIC + salt + struct.pack(">III", SCRYPT_N, SCRYPT_R, SCRYPT_P) + prefix)
        counter, chunk = 0, fin.read(CHUNK)
        while True:
            following = fin.read(CHUNK)
            sealed = aead.encrypt(_nonce(prefix, counter, not following), chunk, MAGIC)
            fout.write(struct.pack(">I", len(sealed)) + sealed)
            if not following:
                break
            counter, chunk = counter + 1, following
        fout.flush()
        os.fsync(fout.fileno())


def decrypt_file(src: Path, dst: Path, password: str) -> None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    wrong = InvalidInput("Sai mật khẩu, hoặc tệp sao lưu đã bị sửa hay bị cắt cụt.", "password")
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(src, "rb") as fin, os.fdopen(fd, "wb") as fout:
        head = fin.read(len(MAGIC) + 16 + 12 + 7)
        if len(head) < len(MAGIC) + 35 or not head.startswith(MAGIC):
            raise StoreError(f"«{src}» không phải tệp sao lưu mã hoá của Commune Desk.")
        salt = head[len(MAGIC):len(MAGIC) + 16]
        n, r, p = struct.unpack(">III", head[len(MAGIC) + 16:len(MAGIC) + 28])
        if n > 1 << 20 or r > 32 or p > 16:
            raise StoreError(f"«{src}» không phải tệp sao lưu mã hoá của Commune Desk.")
        prefix = head[len(MAGIC) + 28:]
        aead = AESGCM(_key(password, salt, n, r, p))
        counter, finished = 0, False
        while not finished:
            size = fin.read(4)
            if len(size) < 4:
                raise wrong                   # the last chunk never came: cut short
            sealed = fin.read(struct.unpack(">I", size)[0])
            for last in (False, True):
                try:
                    fout.write(aead.decrypt(_nonce(prefix, counter, last), sealed, MAGIC))
                    finished = last
                    break
                except InvalidTag:
                    continue
            else:
                raise wrong
            counter += 1
        if fin.read(1):
            raise wrong


# ---- restore -------------------------------------------------------------------------------------

def restore(backup: Path, db_path: Path, password: str | None = None, progress=None,
            now: datetime | None = None) -> dict:
    """Replace the desk file with a checked copy of `backup`. The file it replaces (damaged or not)
    is kept aside as desk.sqlite3.<stamp>.replaced, never deleted. Run with the window closed or
    from the window's Quản trị screen (which closes its own connection first)."""
    backup, db_path = Path(backup), Path(db_path)
    if not backup.is_file():
        raise InvalidInput(f"Không có tệp sao lưu «{backup}».", "file")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    staged = db_path.with_name(db_path.name + ".restoring")
    try:
        if is_encrypted(backup):
            if not password:
                raise InvalidInput("Tệp sao lưu được mã hoá: cần mật khẩu (--password-stdin hoặc biến môi "
                                   "trường COMMUNE_DESK_BACKUP_PASSWORD).", "password")
            plain = db_path.with_name(db_path.name + ".decrypted")
            try:
                decrypt_file(backup, plain, password)
                _copy_online(plain, staged, progress)
            finally:
                if plain.exists():
                    plain.unlink()
        else:
            _copy_online(backup, staged, progress)
        problems = health.check_file(staged, full=True)
        if problems:
            raise StoreError(f"Tệp sao lưu «{backup}» không đạt kiểm tra ({problems[0][:120]}); "
                             "hãy chọn bản sao lưu khác. Dữ liệu hiện tại không bị thay đổi.")
        _check_is_desk_file(staged, backup)
        kept = None
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.{stamp}.replaced")
            os.replace(db_path, kept)
            health.make_private(kept)
            for suffix in ("-wal", "-shm"):
                side = db_path.with_name(db_path.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
        carried = _carry_code_counters(kept, staged) if kept else None
        recovery = _mark_recovery_due(staged, db_path.parent, codes_safe=carried is not None,
                                      since=(now or datetime.now()).isoformat(timespec="seconds"))
        restore_attachments(backup, db_path.parent, password, decrypt_file)
        # scans attached after the backup: listed to be attached again, or kept aside; never orphans
        scans = hold_after_restore(kept, staged, db_path.parent, now or datetime.now(), recovery_due=recovery)
        os.replace(staged, db_path)
        health.make_private(db_path)
    except OSError as exc:
        raise health.explain(exc, db_path) or StoreError(f"Không khôi phục được: {exc}.") from None
    finally:
        if staged.exists():
            staged.unlink()
    return {"restored_from": str(backup), "path": str(db_path), "kept_aside": str(kept) if kept else None,
            "code_days_carried": carried or 0, "recovery_due": recovery,
            "codes_on_hold": recovery and carried is None, **scans}


def recovery_sentence(result: dict) -> str:
    """What the clerk is told after a restore of an enrolled desk (command line, Quản trị), and
    what becomes of the scans attached after the backup."""
    text = ""
    if result.get("recovery_due"):
        text = " Lần đồng bộ tới sẽ lấy lại từ máy chủ các hồ sơ đã tạo sau bản sao lưu"
        if result.get("codes_on_hold"):
            text += "; chưa cấp mã hồ sơ mới cho đến khi xong (hãy đồng bộ ngay: commune-desk sync)"
        text += "."
    if result.get("scans_to_reattach"):
        text += (f" {result['scans_to_reattach']} bản quét đính kèm sau bản sao lưu vẫn còn trên máy và được gắn lại "
                 "vào hồ sơ của chúng" + (" khi hồ sơ được lấy lại từ máy chủ." if result.get("recovery_due") else "."))
    if result.get("scans_kept_aside"):
        text += (f" {result['scans_kept_aside']} bản quét không gắn lại được vào hồ sơ nào được giữ riêng tại "
                 f"{result['scans_aside_folder']} (danh sách trong manifest.json).")
    return text


def _carry_code_counters(old: Path, new: Path) -> int | None:
    """A code printed after the backup was made must never be issued again: each day's counter of
    the replaced file (if it can still be read) is carried into the restored one when higher.
    None: the replaced file could not tell (its codes then wait for the sync's recovery), nor can
    one whose own codes were waiting for a recovery (restored in turn before it ran)."""
    try:
        src = sqlite3.connect(f"file:{old}?mode=ro", uri=True)
        try:
            counters = src.execute("SELECT day, last_seq FROM code_counter").fetchall()
            row = src.execute("SELECT value FROM setting WHERE key = 'sync'").fetchone()
        finally:
            src.close()
        recovery = (json.loads(row[0]) if row and row[0] else {}).get("recovery") or {}
    except (sqlite3.Error, ValueError, AttributeError):
        return None
    if recovery.get("due") and not recovery.get("codes_safe"):
        return None
    dst = sqlite3.connect(new)
    audit.install(dst)          # the audit triggers on code_counter call these functions
    try:
        with dst:
            before = dst.total_changes
            dst.executemany("INSERT INTO code_counter(day, last_seq) VALUES (?, ?) ON CONFLICT(day) "
                            "DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)", counters)
            return dst.total_changes - before
    except sqlite3.Error:
        return 0
    finally:
        dst.close()


def _mark_recovery_due(path: Path, data_dir: Path, codes_safe: bool, since: str) -> bool:
    """An enrolled desk restored from a backup lacks what it made and sent after that backup: the
    next sync pass gets it back from the server (sync's recovery). Until then new codes wait unless
    the replaced file's counters were carried. Enrolled: its device token is in the data folder, or
    the backup was made while it was enrolled (restored on a new PC, to be enrolled anew: the old
    device's changes then come back in the new enrolment's first pull)."""
    con = sqlite3.connect(path)
    audit.install(con)          # the setting table's audit triggers call these functions
    try:
        with con:
            row = con.execute("SELECT value FROM setting WHERE key = 'sync'").fetchone()
            value = json.loads(row[0]) if row and row[0] else {}
            if not ((Path(data_dir) / paths.TOKEN_FILE).exists() or value.get("device_id") or value.get("server")):
                return False
            value["recovery"] = {"due": True, "since": since, "codes_safe": codes_safe, "changes": 0, "dossiers": 0}
            con.execute("INSERT OR REPLACE INTO setting(key, value) VALUES ('sync', ?)",
                        (json.dumps(value, ensure_ascii=False, sort_keys=True),))
    finally:
        con.close()
    return True


def _check_is_desk_file(path: Path, shown: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    if not {"dossier", "event", "setting"} <= tables:
        raise StoreError(f"«{shown}» không phải tệp dữ liệu của Commune Desk. Dữ liệu hiện tại không bị thay đổi.")


def copy_aside(db_path: Path, now: datetime | None = None) -> Path | None:
    """Keep a damaged file aside before anything else touches it (the window offers this)."""
    if not db_path.exists():
        return None
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}.{stamp}.damaged")
    shutil.copy2(db_path, aside)
    health.make_private(aside)
    return aside
