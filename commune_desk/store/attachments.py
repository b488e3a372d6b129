"""Attachments: files of a dossier's checklist documents, stored content-addressed.

The files live in the data folder under `attachments/<first two hex digits>/<sha256>` (one file
per content, however many rows point to it). Order of writing, so that a crash never leaves a row
without its file:

1. the PDF is written to a temporary name beside its final place, flushed and fsync'd;
2. it is renamed to its SHA-256 name and the folder is fsync'd;
3. only then does the transaction that inserts the row (and its event) commit.

A crash between 2 and 3 leaves an orphan file; `clean_attachments` removes orphans (and stray
temporary files) older than an hour, so a file another process is about to point to is spared.
"""

import hashlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from commune_desk.errors import InvalidInput
from commune_desk.rules.text import clean
from commune_desk.store.models import Attachment, Dossier

ATTACHMENTS_DIR = "attachments"
ORPHAN_AGE_S = 3600
SOURCES = ("file", "folder", "scanner")
PENDING, SENT, REFUSED = "pending", "sent", "refused"


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
        """Remove files no row points to (a crash between file and row) and stray temporary
        files, older than min_age_s. Returns the removed names."""
        root = self.attachments_dir
        if not root.is_dir():
            return []
        known = {r[0] for r in self.db.execute_sql("SELECT DISTINCT sha256 FROM attachment").fetchall()}
        cutoff = _file_clock_now(root) - min_age_s
        removed = []
        for path in root.glob("*/*"):
            if not path.is_file() or path.name in known:
                continue
            try:
                if path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed.append(path.name)
            except FileNotFoundError:
                continue
        return removed


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
