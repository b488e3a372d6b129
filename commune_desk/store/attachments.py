"""Attachments: files of a dossier's checklist documents, stored content-addressed.

The files live in the data folder under `attachments/<first two hex digits>/<sha256>` (one file
per content, however many rows point to it). Order of writing, so that a crash never leaves a row
without its file:

1. the PDF is written to a temporary name beside its final place, flushed and fsync'd;
2. it is renamed to its SHA-256 name and the folder is fsync'd;
3. only then does the transaction that inserts the row (and its event) commit.

A crash between 2 and 3 leaves an orphan file; `clean_attachments` removes orphans (and stray
temporary files) older than an hour, so a file another process is about to point to is spared.

A restore of an older backup replaces the rows but not the files: the scans attached after that
backup are still here, their rows only in the replaced file (kept aside as `*.replaced`). The
restore lists them (`hold_after_restore`) in the restored file's `scans_after_restore` setting;
the desk attaches them again to their dossiers as soon as those exist (at once, or after the sync's
recovery brings them back), with their upload state, so a scan never sent is still sent. When the
replaced file cannot be read, or a dossier can no longer come back, the files are moved to
`<data>/scans-after-restore/<date>/` with a `manifest.json`. The clean-up never removes a file a
database once pointed to: the restored file's rows, that list, and every `*.replaced` file count.
"""

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commune_desk.errors import InvalidInput
from commune_desk.rules.text import clean
from commune_desk.store.models import Attachment, Dossier, Setting

log = logging.getLogger(__name__)

ATTACHMENTS_DIR = "attachments"
ORPHAN_AGE_S = 3600
SOURCES = ("file", "folder", "scanner")
PENDING, SENT, REFUSED = "pending", "sent", "refused"
RESTORE_KEY = "scans_after_restore"     # setting: scans of the replaced file waiting for their dossier
ASIDE_DIR = "scans-after-restore"        # <data>/scans-after-restore/<date>/: kept, with manifest.json
REPLACED_GLOB = "*.sqlite3.*.replaced"  # desk files a restore replaced (backup.restore): never deleted
ENTRY_KEYS = ("dossier_uuid", "code", "document", "sha256", "size", "pages", "name", "source", "added_at",
              "sync_state", "sync_note", "sent_at")


@dataclass(frozen=True)
class StoredFile:
    """A file written and fsync'd into the store, not yet pointed to by any row."""
    sha256: str
    size: int
    pages: int
    name: str


def blob_path(root: Path, sha256: str) -> Path:
    return Path(root) / sha256[:2] / sha256


def write_blob(root: Path, data: bytes) -> tuple[str, Path]:
    """Store `data` under its SHA-256; durable when this returns."""
    sha = hashlib.sha256(data).hexdigest()
    final = blob_path(root, sha)
    if final.is_file() and final.stat().st_size == len(data):
        return sha, final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{sha}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    _fsync_dir(final.parent)
    _fsync_dir(final.parent.parent)
    return sha, final


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":           # NTFS makes a rename durable with the file; no folder handle
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_document(documents: list, document: int | None) -> int | None:
    if document is None:
        return None
    if isinstance(document, bool) or not isinstance(document, int) or not 1 <= document <= len(documents):
        raise InvalidInput(f"Giấy tờ số {document} không có trong danh mục của hồ sơ "
                           f"(chọn từ 1 đến {len(documents)}).", "document")
    return document


class Attachments:
    """Desk methods for attachments (mixed into store.desk.Desk)."""

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / ATTACHMENTS_DIR

    def store_files(self, files: list, name: str | None = None) -> StoredFile:
        """Convert (images to one PDF) and write the file into the store, before any row."""
        paths = [Path(f) for f in files]
        from commune_desk.store.scans import to_pdf   # Pillow, img2pdf, pikepdf: ~0.4 s, not at start
        data, pages = to_pdf(paths)
        sha, _ = write_blob(self.attachments_dir, data)
        label = clean(name if name is not None else paths[0].name, label="Tên tệp", max_len=255)
        return StoredFile(sha, len(data), pages, label)

    def attach(self, key: str, files: list, document: int | None = None, source: str = "file") -> Attachment:
        """Attach files (one PDF) to a checklist document of a dossier, or to the whole dossier."""
        dossier = self.dossier(key)
        document = check_document(dossier.documents, document)
        stored = self.store_files(files)
        with self.db.atomic():
            return self._add_attachment(dossier, document, stored, source)

    def _add_attachment(self, dossier: Dossier, document: int | None, stored: StoredFile,
                        source: str = "file") -> Attachment:
        if source not in SOURCES:
            raise InvalidInput(f"Nguồn tệp «{source}» không hợp lệ.", "source")
        existing = (Attachment.select().where(Attachment.dossier == dossier, Attachment.sha256 == stored.sha256,
                                              (Attachment.document == document) if document is not None
                                              else Attachment.document.is_null())
                    .first())
        if existing is not None:
            return existing
        row = Attachment.create(dossier=dossier, document=document, sha256=stored.sha256, size=stored.size,
                                pages=stored.pages, name=stored.name, source=source, added_at=self.now())
        self._event("attachment_added", dossier, sync=False, sha256=stored.sha256, size=stored.size,
                    pages=stored.pages, name=stored.name, document=document, source=source)
        return row

    def attachments_of(self, dossier: Dossier) -> list[Attachment]:
        return list(Attachment.select().where(Attachment.dossier == dossier)
                    .order_by(Attachment.document.asc(nulls="LAST"), Attachment.id))

    def attachment_file(self, row: Attachment) -> Path:
        return blob_path(self.attachments_dir, row.sha256)

    def digitised_share(self, date_from, date_to) -> dict:
        """Dossiers received (with a code) in the period, and how many are digitised, by field
        (rules.digitise)."""
        from commune_desk.rules.digitise import Share, is_digitised
        from commune_desk.rules.report import period_bounds
        from commune_desk.store.fields import InstantField
        start, end = (InstantField().db_value(t) for t in period_bounds(date_from, date_to))
        attached: dict[int, set] = {}
        for dossier_id, document in self.db.execute_sql(
                "SELECT a.dossier_id, a.document FROM attachment a JOIN dossier d ON d.id = a.dossier_id "
                "WHERE d.received_at >= ? AND d.received_at < ?", (start, end)):
            attached.setdefault(dossier_id, set()).add(document)
        share = Share()
        for dossier_id, documents, missing, field_name in self.db.execute_sql(
                "SELECT id, documents, missing, field FROM dossier WHERE code IS NOT NULL AND outcome = 'accepted' "
                "AND received_at >= ? AND received_at < ?", (start, end)):
            share.add(field_name, is_digitised(json.loads(documents or "[]"), json.loads(missing or "[]"),
                                               attached.get(dossier_id, set())))
        return share.to_dict()

    # ---- sync ------------------------------------------------------------------------------

    def attachments_to_send(self, limit: int = 1000) -> list[dict]:
        """Waiting files, smallest first, of dossiers whose intake the upstream already has (sent
        from here, or pulled from another desk): changes first, a file never travels before its
        dossier."""
        rows = self.db.execute_sql(
            'SELECT a.id, a.sha256, a.size, a.document, a.name, d.uuid FROM attachment a '
            'JOIN dossier d ON d.id = a.dossier_id '
            'WHERE a.sync_state = ? AND EXISTS (SELECT 1 FROM event e WHERE e.dossier_id = a.dossier_id '
            "AND e.kind = 'intake' AND e.sync_state IN ('synced', 'remote')) "
            'ORDER BY a.size, a.id LIMIT ?', (PENDING, limit)).fetchall()
        return [{"id": r[0], "sha256": r[1], "size": r[2], "document": r[3], "name": r[4], "dossier_uuid": r[5],
                 "path": blob_path(self.attachments_dir, r[1])} for r in rows]

    def attachment_counts(self) -> dict:
        rows = dict(self.db.execute_sql(
            "SELECT sync_state, count(*) FROM attachment GROUP BY sync_state").fetchall())
        waiting_bytes = self.db.execute_sql(
            "SELECT coalesce(sum(size), 0) FROM attachment WHERE sync_state = ?", (PENDING,)).fetchone()[0]
        return {"waiting": rows.get(PENDING, 0), "sent": rows.get(SENT, 0), "refused": rows.get(REFUSED, 0),
                "waiting_bytes": waiting_bytes}

    def mark_attachment(self, attachment_id: int, state: str, note: str = "") -> None:
        """Record the upstream's word on one file: SENT only on its acknowledgement."""
        with self.db.atomic():
            (Attachment.update(sync_state=state, sync_note=note, sent_at=self.now() if state == SENT else None)
             .where(Attachment.id == attachment_id).execute())

    # ---- housekeeping ----------------------------------------------------------------------

    def clean_attachments(self, min_age_s: float = ORPHAN_AGE_S) -> list[str]:
        """Remove files no row ever pointed to (a crash between file and row) and stray temporary
        files, older than min_age_s. A file the restored file's rows, the scans waiting to be
        attached again after a restore, or a replaced desk file point to is never removed.
        Returns the removed names."""
        root = self.attachments_dir
        if not root.is_dir():
            return []
        known = {r[0] for r in self.db.execute_sql("SELECT DISTINCT sha256 FROM attachment").fetchall()}
        known |= {e.get("sha256") for e in self._scans_after_restore()}
        cutoff = _file_clock_now(root) - min_age_s
        candidates = []
        for path in root.glob("*/*"):
            if not path.is_file() or path.name in known:
                continue
            try:
                if path.stat().st_mtime <= cutoff:
                    candidates.append(path)
            except FileNotFoundError:
                continue
        if not candidates:
            return []
        once, unreadable_until = referenced_by_replaced(self.data_dir)
        return _unlink_all([p for p in candidates if p.name.startswith(".") or (
            p.name not in once and (unreadable_until is None or _mtime(p) > unreadable_until))])

    # ---- after a restore -------------------------------------------------------------------

    def _scans_after_restore(self) -> list[dict]:
        row = Setting.get_or_none(Setting.key == RESTORE_KEY)
        return list((row.value or {}).get("entries") or []) if row else []

    def scans_after_restore(self) -> dict:
        """What waits: `{"waiting": n, "codes": [...]}` (scans whose dossier has not come back yet)."""
        entries = self._scans_after_restore()
        return {"waiting": len(entries), "codes": sorted({e.get("code") or e.get("dossier_uuid") for e in entries})}

    def reattach_scans(self) -> dict:
        """Attach again the scans a restore found in the replaced file, to their dossiers that exist
        now (the same bytes, the same file), with their upload state: a scan the server never
        acknowledged is sent on the next pass. A scan whose dossier cannot come back any more (no
        recovery due) is moved to the kept folder with a manifest. Returns the counts."""
        entries = self._scans_after_restore()
        if not entries or self.read_only is not None:
            return {"reattached": 0, "kept_aside": 0, "waiting": len(entries)}
        from commune_desk.store.outbox import recovery_state
        recovery_due = bool(recovery_state(self).get("due"))
        now = self.now()
        aside = [e for e in entries if not recovery_due and Dossier.get_or_none(Dossier.uuid == e["dossier_uuid"])
                 is None and blob_path(self.attachments_dir, e["sha256"]).is_file()]
        folder = keep_aside(self.data_dir, aside, now, note="Hồ sơ không còn trên máy sau khi khôi phục") \
            if aside else None             # copied and fsync'd before the list forgets them
        reattached, waiting = 0, []
        with self.db.atomic():
            for e in entries:
                if e in aside or not blob_path(self.attachments_dir, e["sha256"]).is_file():
                    continue
                dossier = Dossier.get_or_none(Dossier.uuid == e["dossier_uuid"])
                if dossier is None:
                    waiting.append(e)
                    continue
                reattached += self._reattach(dossier, e)
            Setting.replace(key=RESTORE_KEY, value={"entries": waiting}).execute()
        if folder:
            referenced = {r[0] for r in self.db.execute_sql("SELECT DISTINCT sha256 FROM attachment").fetchall()}
            for sha in {e["sha256"] for e in aside} - referenced - {e["sha256"] for e in waiting}:
                blob_path(self.attachments_dir, sha).unlink(missing_ok=True)
        return {"reattached": reattached, "kept_aside": len(aside), "waiting": len(waiting),
                "aside_folder": str(folder) if folder else None}

    def reattach_scans_safely(self) -> dict | None:
        """reattach_scans at opening: a locked file or a full disk must not stop the desk opening;
        the list stays, and the next opening or sync pass attaches them."""
        from peewee import OperationalError
        try:
            return self.reattach_scans()
        except (OperationalError, OSError) as exc:
            log.warning("scans after a restore not attached yet: %s", exc)
            return None

    def _reattach(self, dossier: Dossier, e: dict) -> int:
        document = e.get("document")
        same = Attachment.select().where(Attachment.dossier == dossier, Attachment.sha256 == e["sha256"],
                                         (Attachment.document == document) if document is not None
                                         else Attachment.document.is_null())
        if same.exists():
            return 0
        state = e.get("sync_state") if e.get("sync_state") in (PENDING, SENT, REFUSED) else PENDING
        Attachment.create(dossier=dossier, document=document, sha256=e["sha256"], size=e["size"],
                          pages=e.get("pages") or 1, name=e.get("name") or "", source=e.get("source") or "file",
                          added_at=_instant(e.get("added_at")) or self.now(), sync_state=state,
                          sync_note=e.get("sync_note") or "", sent_at=_instant(e.get("sent_at")) if state == SENT else None)
        self._event("attachment_added", dossier, sync=False, sha256=e["sha256"], size=e["size"],
                    pages=e.get("pages") or 1, name=e.get("name") or "", document=document,
                    source=e.get("source") or "file", reattached_after_restore=True)
        return 1


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _unlink_all(paths: list) -> list[str]:
    removed = []
    for path in paths:
        try:
            path.unlink()
            removed.append(path.name)
        except FileNotFoundError:
            continue
    return removed


def _instant(value):
    if not value:
        return None
    from commune_desk.store.fields import InstantField
    try:
        return InstantField().python_value(value)
    except (TypeError, ValueError):
        return None


def _read_entries(db_file: Path) -> list[dict] | None:
    """The attachment rows of a desk file (with their dossier's uuid and code) and the scans it was
    itself still waiting to attach again; None when the file cannot be read."""
    try:
        con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            entries = []
            if "attachment" in tables:
                for r in con.execute(
                        "SELECT d.uuid, d.code, a.document, a.sha256, a.size, a.pages, a.name, a.source, a.added_at, "
                        "a.sync_state, a.sync_note, a.sent_at FROM attachment a JOIN dossier d ON d.id = a.dossier_id "
                        "ORDER BY a.id"):
                    entries.append(dict(zip(ENTRY_KEYS, r)))
            row = con.execute("SELECT value FROM setting WHERE key = ?", (RESTORE_KEY,)).fetchone()
        finally:
            con.close()
        if row and row[0]:
            entries += [e for e in (json.loads(row[0]).get("entries") or []) if isinstance(e, dict)]
        return entries
    except (sqlite3.Error, ValueError, AttributeError):
        return None


def referenced_by_replaced(data_dir: Path) -> tuple[set, float | None]:
    """The files the replaced desk files in the data folder point to, and, when one of them cannot
    be read, the time of its last write: it may point to any file written before then (a row commits
    after its file, so a file written later is not one of its)."""
    shas, unreadable_until = set(), None
    for old in Path(data_dir).glob(REPLACED_GLOB):
        entries = _read_entries(old)
        if entries is not None:
            shas |= {e["sha256"] for e in entries}
            continue
        for part in (old, old.with_name(old.name + "-wal")):
            try:
                unreadable_until = max(unreadable_until or 0.0, part.stat().st_mtime)
            except OSError:
                continue
    return shas, unreadable_until


def _key(e: dict) -> tuple:
    return e.get("dossier_uuid"), e.get("sha256"), e.get("document")


def hold_after_restore(replaced: Path | None, restored: Path, data_dir: Path, now: datetime,
                       recovery_due: bool = False) -> dict:
    """At a restore, before the restored file takes its place: the scans the replaced file points to
    that the restored one does not are listed in the restored file's setting, to be attached again
    (Attachments.reattach_scans) once their dossier exists — now, or after the sync's recovery.
    Those whose dossier cannot come back (not in the restored file, no recovery due), and, when the
    replaced file is gone or cannot be read, every stored file the restored one does not point to,
    are moved to the kept folder with a manifest."""
    root = Path(data_dir) / ATTACHMENTS_DIR
    before = _read_entries(replaced) if replaced is not None else None
    after = _read_entries(restored) or []
    if before is not None:
        con = sqlite3.connect(restored)
        try:
            dossiers = {r[0] for r in con.execute("SELECT uuid FROM dossier")}
            row = con.execute("SELECT value FROM setting WHERE key = ?", (RESTORE_KEY,)).fetchone()
            waiting = list(json.loads(row[0]).get("entries") or []) if row and row[0] else []
        finally:
            con.close()
        have, aside = {_key(e) for e in after}, []
        for e in before:
            if _key(e) in have or not blob_path(root, e["sha256"]).is_file():
                continue
            have.add(_key(e))
            entry = {k: e.get(k) for k in ENTRY_KEYS}
            (waiting if recovery_due or e.get("dossier_uuid") in dossiers else aside).append(entry)
        folder = keep_aside(data_dir, aside, now, note="Hồ sơ không có trong bản sao lưu và không lấy lại được "
                                                        "từ máy chủ") if aside else None
        from commune_desk.store import audit
        con = sqlite3.connect(restored)
        audit.install(con)              # the setting table's audit triggers call these functions
        try:
            with con:
                con.execute("INSERT OR REPLACE INTO setting(key, value) VALUES (?, ?)",
                            (RESTORE_KEY, json.dumps({"entries": waiting}, ensure_ascii=False)))
        finally:
            con.close()
        # the kept copies stay; the stored file stays too while a row or the list points to it
        # (the clean-up spares it anyway: the replaced file points to it)
        return {"scans_to_reattach": len(waiting), "scans_kept_aside": len(aside),
                "scans_aside_folder": str(folder) if folder else None}
    referenced = {e["sha256"] for e in after}
    loose = [p for p in root.glob("*/*") if p.is_file() and not p.name.startswith(".")
             and len(p.name) == 64 and p.name not in referenced] if root.is_dir() else []
    if not loose:
        return {"scans_to_reattach": 0, "scans_kept_aside": 0, "scans_aside_folder": None}
    entries = [{"sha256": p.name, "size": p.stat().st_size,
                "file_time": datetime.fromtimestamp(p.stat().st_mtime).astimezone().isoformat(timespec="seconds")}
               for p in loose]
    folder = keep_aside(data_dir, entries, now, note="Tệp dữ liệu bị thay không đọc được: không rõ hồ sơ")
    for p in loose:
        p.unlink()
    return {"scans_to_reattach": 0, "scans_kept_aside": len(entries), "scans_aside_folder": str(folder)}


def keep_aside(data_dir: Path, entries: list[dict], now: datetime, note: str) -> Path:
    """Copy the stored files of `entries` to <data>/scans-after-restore/<date>/ under names a clerk can
    read (dossier code, document, the start of the SHA-256), fsync'd, and add them to the folder's
    manifest.json. Returns the folder."""
    folder = Path(data_dir) / ASIDE_DIR / now.strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {"files": []}
    root = Path(data_dir) / ATTACHMENTS_DIR
    for e in entries:
        document = e.get("document")
        label = f"{e.get('code') or 'khong-ro-ho-so'}-{f'giay-to-{document}' if document else 'ca-ho-so'}"
        name = f"{label}-{e['sha256'][:12]}.pdf".replace("/", "-")
        target = folder / name
        if not target.is_file():
            part = folder / (name + ".part")
            shutil.copyfile(blob_path(root, e["sha256"]), part)
            with open(part, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(part, target)
        manifest["files"].append({"file": name, "note": note, "kept_at": now.isoformat(timespec="seconds"),
                                  **{k: e.get(k) for k in ("code", "dossier_uuid", "document", "name", "pages",
                                                           "sha256", "size", "added_at", "sync_state", "file_time")
                                     if e.get(k) is not None}})
    tmp = folder / "manifest.json.part"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, manifest_path)
    _fsync_dir(folder)
    return folder


def _file_clock_now(folder) -> float:
    """Now, by the clock that stamps the files' times: a file's age is judged against the clock that
    wrote it (a network share's, or the kernel's when the process's own clock is set apart)."""
    probe = folder / f".now-{os.getpid()}-{threading.get_ident()}"
    try:
        probe.touch()
        return probe.stat().st_mtime
    except OSError:
        return time.time()
    finally:
        probe.unlink(missing_ok=True)


# ---- backups ---------------------------------------------------------------------------------

BACKUP_FOLDER = "attachments"      # beside a backup file: <its folder>/attachments/<aa>/<sha256>[.enc]


def backup_attachments(data_dir: Path, out: Path, password: str | None = None, encrypt=None) -> int:
    """Copy the files the backup's rows point to beside it, once each (content-addressed, so a
    later backup to the same folder copies only the new ones); encrypted like the backup when it
    has a password. Returns how many were copied."""
    src = Path(data_dir) / ATTACHMENTS_DIR
    if not src.is_dir():
        return 0
    dst = Path(out).parent / BACKUP_FOLDER
    copied = 0
    for blob in src.glob("*/*"):
        if blob.name.startswith(".") or not blob.is_file():
            continue
        target = dst / blob.parent.name / (blob.name + (".enc" if password else ""))
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        if password:
            encrypt(blob, part, password)
        else:
            shutil.copyfile(blob, part)
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, target)
        copied += 1
    return copied


def restore_attachments(backup: Path, data_dir: Path, password: str | None = None, decrypt=None) -> int:
    """Bring back the files kept beside a backup that the data folder lacks (each checked against
    its SHA-256). Returns how many were restored."""
    src = Path(backup).parent / BACKUP_FOLDER
    if not src.is_dir():
        return 0
    restored = 0
    root = Path(data_dir) / ATTACHMENTS_DIR
    for kept in src.glob("*/*"):
        sha = kept.name.removesuffix(".enc")
        if len(sha) != 64 or blob_path(root, sha).is_file():
            continue
        if kept.name.endswith(".enc"):
            if not password:
                continue
            plain = kept.with_name(kept.name + ".plain")
            try:
                decrypt(kept, plain, password)
                data = plain.read_bytes()
            finally:
                if plain.exists():
                    plain.unlink()
        else:
            data = kept.read_bytes()
        if hashlib.sha256(data).hexdigest() == sha:
            write_blob(root, data)
            restored += 1
    return restored
