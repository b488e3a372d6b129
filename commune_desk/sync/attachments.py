"""Attachments upstream, after the changes: tus 1.0 resumable uploads (tuspy's uploader over the
sync transport, so uploads share its certificate checks, timeouts, retries and byte counters).

Smallest file first. Between two chunks the dossier changes that arrived meanwhile are pushed
first, so a day's scans never hold a new intake back; cancelling or pausing stops between two
chunks and the next pass resumes from the server's offset. A file is marked sent only when the
server answers Upload-Offset == its length, which it does only after verifying the whole file's
SHA-256 (district/uploads.py).
"""

import base64
import hashlib
import logging
from types import SimpleNamespace

from tusclient.client import TusClient
from tusclient.uploader import Uploader

from commune_desk.store.attachments import REFUSED, SENT
from commune_desk.sync import protocol as p
from commune_desk.sync.errors import SyncError, Transient, Unauthorized

log = logging.getLogger("commune_desk.sync")
FILES_PATH = "/api/v1/files"
CHUNK_BYTES = 64 * 1024          # 8 s at 64 kbit/s: the longest a new change waits behind a scan


class Refused(SyncError):
    """The server will not take this file as it is (too large, quota, not this commune's)."""


class NotYet(SyncError):
    """The server does not have the file's dossier yet; try at a later pass."""


class TusUpload(Uploader):
    """tuspy's uploader (headers, metadata, chunk arithmetic, offsets) whose three requests go
    through the sync Transport; chunks carry a SHA-256 Upload-Checksum."""

    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)

    def __init__(self, transport, path, url, **kwargs):
        self._transport = transport
        self.stale = False       # after a failed PATCH: ask the server where to resume
        super().__init__(file_path=str(path), url=url, client=TusClient(transport.server + FILES_PATH),
                         upload_checksum=True, **kwargs)

    def _path(self, url: str) -> str:
        return url[len(self._transport.server):] if url.startswith(self._transport.server) else url

    def get_offset(self):
        reply = self._transport.once("HEAD", self._path(self.url), headers=self.get_headers())
        _raise_for(reply)
        return int((reply.headers or {}).get("upload-offset", "x"))

    def _do_request(self):
        with self.get_file_stream() as fh:
            fh.seek(self.offset)
            chunk = fh.read(self.get_request_length())
        headers = {**self.get_headers(), "Upload-Offset": str(self.offset),
                   "Content-Type": "application/offset+octet-stream",
                   "Upload-Checksum": f"{self.checksum_algorithm_name} "
                                      f"{base64.b64encode(self.checksum_algorithm(chunk).digest()).decode()}"}
        try:
            reply = self._transport.once("PATCH", self._path(self.url), data=chunk, headers=headers)
            if reply.status in (409, 460):
                raise Transient(f"máy chủ từ chối đoạn dữ liệu (mã {reply.status}); gửi lại từ vị trí của máy chủ")
            _raise_for(reply)
        except Transient:
            self.stale = True
            raise
        self.request = SimpleNamespace(response_headers=reply.headers or {})

    def step(self):
        """One chunk, resuming from the server's offset after a failure."""
        if self.stale:
            self.offset = self.get_offset()
            self.stale = False
        if self.offset < self.stop_at:
            self.upload_chunk()


def _raise_for(reply) -> None:
    """2xx passes; the server's own errors become Refused / NotYet / Unauthorized; anything
    else (a proxy's page) is Transient."""
    if 200 <= reply.status < 300:
        if reply.headers is None or "upload-offset" not in reply.headers and "location" not in reply.headers:
            raise Transient(f"câu trả lời không phải của máy chủ tệp (mã {reply.status})")
        return
    err = p.parse_error_reply(reply.content_type, reply.body)
    if err is None:
        if reply.status == 404:
            raise NotYet("máy chủ không có tệp này")
        raise Transient(f"mã {reply.status} không kèm thông tin của máy chủ")
    if reply.status == 401:
        raise Unauthorized(f"Máy chủ từ chối quầy này: {err['message']} Hãy liên hệ cấp trên để đăng ký lại.")
    if err["code"] == "unknown_dossier":
        raise NotYet(err["message"])
    raise Refused(err["message"])


def send_one(desk, transport, item: dict, chunk_bytes: int, between_chunks) -> bool:
    """Upload one waiting file. True when the server acknowledged it whole; False when stopped
    between chunks (it resumes at the next pass)."""
    upload = TusUpload(transport, item["path"], None, chunk_size=chunk_bytes, metadata={
        "sha256": item["sha256"], "dossier": item["dossier_uuid"], "document": str(item["document"] or ""),
        "filename": item["name"] or item["sha256"]})

    def create():
        reply = transport.once("POST", FILES_PATH, headers=upload.get_url_creation_headers())
        _raise_for(reply)
        return reply.headers

    created = transport.with_retries(create, between_chunks.cancelled)
    upload.url = transport.server + upload._path(created["location"])
    if "upload-offset" in created:        # this server says where to resume; another would need a HEAD
        upload.offset = int(created["upload-offset"])
    else:
        upload.stale = True
    while upload.stale or upload.offset < item["size"]:
        if not between_chunks():
            return False
        transport.with_retries(upload.step, between_chunks.cancelled)
        between_chunks.sent(upload.offset)
    if upload.offset != item["size"]:
        raise Transient("máy chủ chưa xác nhận đủ tệp")
    desk.mark_attachment(item["id"], SENT)
    return True


class Gate:
    """Called between two chunks: pushes the changes that arrived meanwhile, then says whether
    to go on (not cancelled, not paused)."""

    def __init__(self, desk, push_changes, cancelled=None, paused=None, progress=None, total_bytes=0):
        self.desk, self.push_changes = desk, push_changes
        self.cancelled = cancelled or (lambda: False)
        self.paused = paused or (lambda: False)
        self.progress, self.total_bytes, self.done_bytes, self._base = progress, total_bytes, 0, 0

    def __call__(self) -> bool:
        from commune_desk.store import outbox
        if outbox.counts(self.desk)["waiting"]:
            self.push_changes()
        return not (self.cancelled() or self.paused())

    def sent(self, offset: int) -> None:
        if self.progress:
            self.progress("attachments", self._base + offset, max(self.total_bytes, self._base + offset))

    def next_file(self, size: int) -> None:
        self._base += size


def send_attachments(desk, transport, opts, result, push_changes) -> None:
    """Upload every waiting file, smallest first; record counts in result. A failure of the link
    ends this part of the pass (result.attachment_error), never the changes already pushed."""
    items = desk.attachments_to_send()
    gate = Gate(desk, push_changes, opts.cancelled, opts.attachments_paused,
                opts.progress, sum(i["size"] for i in items))
    try:
        for item in items:
            if not gate():
                break
            try:
                done = send_one(desk, transport, item, opts.chunk_bytes or CHUNK_BYTES, gate)
            except Refused as exc:
                desk.mark_attachment(item["id"], REFUSED, exc.message)
                result.attachments_refused += 1
                continue
            except NotYet:
                continue
            if not done:
                break
            result.attachments_sent += 1
            result.attachment_bytes += item["size"]
            gate.next_file(item["size"])
    except Unauthorized:
        raise
    except SyncError as exc:
        result.attachment_error = exc.message
    finally:
        result.attachments_waiting = desk.attachment_counts()["waiting"]
