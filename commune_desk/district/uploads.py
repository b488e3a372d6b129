"""Attachments from the desks: tus 1.0 resumable uploads (core, creation and checksum extensions).

    OPTIONS /api/v1/files               what this server supports
    POST    /api/v1/files               creation: Upload-Length, Upload-Metadata (sha256, dossier,
                                        document, filename) -> 201, Location /api/v1/files/<sha256>
    HEAD    /api/v1/files/<sha256>      Upload-Offset: where a cut upload resumes
    PATCH   /api/v1/files/<sha256>      append at Upload-Offset; Upload-Checksum (sha256 or sha1)
                                        of the chunk is checked before a byte is kept

An upload is keyed by the file's SHA-256, so a file is stored once however often it is sent. The
PATCH that completes it is answered only after the whole file hashed to its key (460 otherwise,
and the partial file is dropped): a desk that reads Upload-Offset == Upload-Length, from a PATCH
or a HEAD, knows the file is stored and verified. Desks authenticate with their device token
(these are API endpoints: no cookie, no CSRF token); a dossier must belong to the device's
commune. Bounds: MAX_ATTACHMENT_BYTES per file and ATTACHMENT_QUOTA_BYTES per commune.
"""

import base64
import binascii
import hashlib
import logging
import os
import re
import threading
import contextlib
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, g, request
from peewee import IntegrityError, fn

from commune_desk.district import api, digitised, ingest
from commune_desk.district.filestore import DiskStore
from commune_desk.district.models import Attachment, Dossier, Upload, database

log = logging.getLogger("commune_desk.district.uploads")
bp = Blueprint("uploads", __name__, url_prefix="/api/v1/files")

TUS_VERSION = "1.0.0"
MAX_FILE_BYTES = 50 * 1024 * 1024
QUOTA_BYTES = 20 * 1024 ** 3
CHECKSUM_MISMATCH = 460
_SHA = re.compile(r"^[0-9a-f]{64}$")
_ALGORITHMS = {"sha256": hashlib.sha256, "sha1": hashlib.sha1}
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def install(app, files_dir=None, max_file_bytes: int | None = None, quota_bytes: int | None = None) -> None:
    """Mount the endpoints on the district app (called by app.create_app)."""
    root = files_dir or os.environ.get("COMMUNE_DISTRICT_FILES") or "district-files"
    app.config.update(FILE_STORE=DiskStore(root),
                      MAX_ATTACHMENT_BYTES=max_file_bytes or MAX_FILE_BYTES,
                      ATTACHMENT_QUOTA_BYTES=quota_bytes or QUOTA_BYTES)
    app.register_blueprint(bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)          # desks authenticate with a bearer token, not a session cookie


def store() -> DiskStore:
    return current_app.config["FILE_STORE"]


def _tus(response: Response, **headers) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    for key, value in headers.items():
        response.headers[key.replace("_", "-")] = str(value)
    return response


def _empty(status: int, **headers) -> Response:
    return _tus(Response(b"", status=status), **headers)


def _error(status: int, code: str, message: str) -> Response:
    return _tus(api.error(status, code, message))


def _mb(n: int) -> str:
    """1048576 -> '1 MB', 1572864 -> '1,5 MB' (Vietnamese decimal comma)."""
    mb = round(n / (1024 * 1024), 1)
    return (f"{mb:.0f}" if mb == int(mb) else f"{mb:.1f}".replace(".", ",")) + " MB"


@bp.before_request
def _checks():
    if request.method == "OPTIONS":
        return None
    denied = api._authenticate()
    if denied:
        return _tus(denied)
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _tus(Response(b"", status=412), Tus_Version=TUS_VERSION)
    return None


@bp.route("", methods=["OPTIONS"])
@bp.route("/<sha256>", methods=["OPTIONS"])
def options(sha256=None):
    return _empty(204, Tus_Version=TUS_VERSION, Tus_Extension="creation,checksum",
                  Tus_Checksum_Algorithm="sha256,sha1", Tus_Max_Size=current_app.config["MAX_ATTACHMENT_BYTES"])


def parse_metadata(header: str) -> dict | None:
    out = {}
    for pair in filter(None, (p.strip() for p in (header or "").split(","))):
        key, _, value = pair.partition(" ")
        try:
            out[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError):
            return None
    return out


@bp.post("")
def create():
    try:
        length = int(request.headers.get("Upload-Length", ""))
    except ValueError:
        return _error(400, "bad_request", "Thiếu độ dài tệp (Upload-Length).")
    meta = parse_metadata(request.headers.get("Upload-Metadata", ""))
    if meta is None or not _SHA.match(meta.get("sha256", "")):
        return _error(400, "bad_request", "Thiếu mã SHA-256 của tệp trong Upload-Metadata.")
    sha = meta["sha256"]
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    if length <= 0 or length > limit:
        return _error(413, "file_too_large",
                      f"Tệp đính kèm quá lớn ({_mb(length)}); máy chủ nhận tệp tối đa {_mb(limit)}. "
                      "Hãy quét lại ở độ phân giải thấp hơn hoặc tách thành nhiều tệp.")
    dossier = Dossier.get_or_none(Dossier.uuid == meta.get("dossier", ""))
    if dossier is None:
        return _error(404, "unknown_dossier", "Máy chủ chưa có hồ sơ của tệp này; quầy sẽ gửi lại sau khi "
                                              "đồng bộ hồ sơ.")
    if dossier.commune_id != g.commune.id:
        return _error(403, "wrong_commune", "Hồ sơ không thuộc xã/phường của quầy này.")
    document = meta.get("document") or None
    if document is not None and not document.isdigit():
        return _error(400, "bad_request", "Số thứ tự giấy tờ không hợp lệ.")
    with database.atomic():
        upload = Upload.get_or_none(Upload.sha256 == sha)
        if upload is not None and upload.length != length:
            return _error(400, "bad_request", "Độ dài tệp không khớp với tệp cùng mã SHA-256 đã có.")
        if upload is None:
            quota = current_app.config["ATTACHMENT_QUOTA_BYTES"]
            used = (Upload.select(fn.COALESCE(fn.SUM(Upload.length), 0))
                    .where(Upload.commune == g.commune.id).scalar())
            if used + length > quota:
                return _error(413, "quota_exceeded",
                              f"Xã/phường đã dùng hết dung lượng lưu tệp đính kèm trên máy chủ "
                              f"({_mb(used)} / {_mb(quota)}). Hãy liên hệ cấp trên để được nới hạn mức; "
                              "tệp vẫn được giữ trên máy và sẽ gửi lại sau.")
            try:
                with database.atomic():
                    upload = Upload.create(sha256=sha, length=length, commune=g.commune.id, created_at=ingest.now())
            except IntegrityError:
                upload = Upload.get(Upload.sha256 == sha)
        doc = int(document) if document else None
        link = Attachment.select().where(Attachment.dossier == dossier.id, Attachment.sha256 == sha,
                                         (Attachment.document == doc) if doc is not None
                                         else Attachment.document.is_null())
        if not link.exists():
            link_file(dossier, sha, doc, (meta.get("filename") or "")[:255], g.device.id)
    return _empty(201, Location=f"{bp.url_prefix}/{sha}", Upload_Offset=_offset(upload))


def link_file(dossier: Dossier, sha256: str, document: int | None, name: str, device_id: int | None) -> Attachment:
    """In the caller's transaction: the file is one of the dossier's scans (it counts once whole)."""
    row = Attachment.create(commune=dossier.commune_id, dossier=dossier.id, sha256=sha256, document=document,
                            name=name, device=device_id, created_at=ingest.now())
    digitised.refresh(database.obj, [dossier.id])
    return row


def completed(upload_id: int, sha256: str) -> None:
    """In the caller's transaction: the file arrived whole and verified; its dossiers' scans count."""
    Upload.update(complete=True, completed_at=ingest.now()).where(Upload.id == upload_id).execute()
    digitised.refresh(database.obj, [a.dossier_id for a in Attachment.select(Attachment.dossier)
                                     .where(Attachment.sha256 == sha256)])


def _offset(upload: Upload) -> int:
    if upload.complete:
        return upload.length
    try:
        return store().staging(upload.sha256).stat().st_size
    except FileNotFoundError:
        return 0


def _own_upload(sha256: str):
    """The upload, if this device's commune attached it to one of its dossiers; else None (404:
    another commune learns nothing, not even that the file exists)."""
    if not _SHA.match(sha256):
        return None
    linked = Attachment.select().where(Attachment.sha256 == sha256, Attachment.commune == g.commune.id).exists()
    return Upload.get_or_none(Upload.sha256 == sha256) if linked else None


@bp.route("/<sha256>", methods=["HEAD"])
def head(sha256):
    upload = _own_upload(sha256)
    if upload is None:
        return _empty(404)
    return _empty(200, Upload_Offset=_offset(upload), Upload_Length=upload.length)


@contextmanager
def _exclusive(sha256: str):
    """One append at a time per file: a lock in this process and, where there is fcntl, across
    the server's worker processes."""
    with _locks_guard:
        lock = _locks.setdefault(sha256, threading.Lock())
    with lock:
        fh = open(store().partial / f".{sha256}.lock", "a+b")
        try:
            try:
                import fcntl
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            except ImportError:
                pass
            yield
        finally:
            fh.close()


@bp.patch("/<sha256>")
def patch(sha256):
    upload = _own_upload(sha256)
    if upload is None:
        return _empty(404)
    if request.headers.get("Content-Type", "").split(";")[0].strip() != "application/offset+octet-stream":
        return _error(415, "bad_request", "Kiểu nội dung phải là application/offset+octet-stream.")
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        return _error(400, "bad_request", "Thiếu vị trí ghi (Upload-Offset).")
    checksum = None
    if request.headers.get("Upload-Checksum"):
        algo, _, value = request.headers["Upload-Checksum"].partition(" ")
        if algo not in _ALGORITHMS:
            return _error(400, "bad_request", "Thuật toán kiểm tra không được hỗ trợ (dùng sha256 hoặc sha1).")
        try:
            checksum = (algo, base64.b64decode(value.strip(), validate=True))
        except binascii.Error:
            return _error(400, "bad_request", "Mã kiểm tra (Upload-Checksum) không hợp lệ.")
    chunk = request.get_data(cache=False)
    if checksum and _ALGORITHMS[checksum[0]](chunk).digest() != checksum[1]:
        return _error(CHECKSUM_MISMATCH, "checksum_mismatch",
                      "Đoạn dữ liệu nhận được không khớp mã kiểm tra; quầy sẽ gửi lại đoạn này.")
    with _exclusive(sha256):
        upload = Upload.get_by_id(upload.id)
        current = _offset(upload)
        if offset != current:
            return _error(409, "offset_mismatch", f"Vị trí ghi {offset} không khớp vị trí trên máy chủ {current}.")
        if upload.complete:
            return _empty(204, Upload_Offset=upload.length)
        if current + len(chunk) > upload.length:
            return _error(400, "bad_request", "Dữ liệu gửi vượt quá độ dài tệp đã khai.")
        staging = store().staging(sha256)
        with open(staging, "ab") as fh:
            fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        current += len(chunk)
        if current == upload.length:
            digest = hashlib.sha256()
            with open(staging, "rb") as fh:
                for block in iter(lambda: fh.read(1024 * 1024), b""):
                    digest.update(block)
            if digest.hexdigest() != sha256:
                staging.unlink()
                log.warning("upload %s did not hash to its key; dropped", sha256)
                return _error(CHECKSUM_MISMATCH, "checksum_mismatch",
                              "Tệp nhận đủ nhưng không khớp mã SHA-256; quầy sẽ gửi lại từ đầu.")
            store().put(sha256, staging)
            with database.atomic():
                completed(upload.id, sha256)
            with contextlib.suppress(OSError):        # no append can follow; Windows keeps it
                (store().partial / f".{sha256}.lock").unlink()
    return _empty(204, Upload_Offset=current)


# ---- reading (staff pages, CLI) -------------------------------------------------------------

def attachments_of(dossier) -> list[dict]:
    """The dossier's files that arrived whole, in checklist order."""
    rows = (Attachment.select(Attachment, Upload.length, Upload.completed_at)
            .join(Upload, on=(Upload.sha256 == Attachment.sha256))
            .where(Attachment.dossier == dossier.id, Upload.complete == True)  # noqa: E712
            .order_by(Attachment.document, Attachment.id).objects())
    documents = (dossier.snapshot or {}).get("documents") or []
    out = []
    for r in rows:
        label = "Cả hồ sơ"
        if r.document and 1 <= r.document <= len(documents):
            label = f"{r.document}. {documents[r.document - 1].get('name', '')}"
        out.append({"sha256": r.sha256, "size": r.length, "document": r.document, "name": r.name,
                    "label": label, "received_at": r.completed_at})
    return out


def digitised_share(commune_id: int, period_from, period_to) -> dict:
    """The report's digitised share for one commune (rules.digitise), from the snapshots' checklists
    and the files that arrived whole."""
    from commune_desk.rules.digitise import Share, is_digitised
    from commune_desk.rules.report import period_bounds
    start, end = period_bounds(period_from, period_to)
    rows = list(Dossier.select(Dossier.id, Dossier.snapshot, Dossier.field)
                .where(Dossier.commune == commune_id, Dossier.code.is_null(False), Dossier.outcome == "accepted",
                       Dossier.received_at >= start, Dossier.received_at < end).tuples())
    attached: dict[int, set] = {}
    ids = [r[0] for r in rows]
    for i in range(0, len(ids), 500):
        for dossier_id, document in (Attachment.select(Attachment.dossier, Attachment.document)
                                     .join(Upload, on=(Upload.sha256 == Attachment.sha256))
                                     .where(Attachment.dossier.in_(ids[i:i + 500]), Upload.complete == True)  # noqa: E712
                                     .tuples()):
            attached.setdefault(dossier_id, set()).add(document)
    share = Share()
    for dossier_id, snap, field_name in rows:
        share.add(field_name, is_digitised((snap or {}).get("documents") or [], (snap or {}).get("missing") or [],
                                           attached.get(dossier_id, set())))
    return share.to_dict()
