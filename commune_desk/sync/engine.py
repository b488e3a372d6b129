"""One sync pass: push every pending change in batches, then pull what the upstream publishes.

A change becomes `synced` only through a well-formed acknowledgement of the batch that carried
it (protocol.parse_push_reply). Anything else — a timeout, a cut, a 5xx, an HTML page — leaves
it pending and the same bytes are sent again.
"""

import logging
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime

from commune_desk.rules import clock
from commune_desk.store import outbox
from commune_desk.sync import protocol as p
from commune_desk.sync.errors import NotEnrolled, ProtocolMismatch, SyncError, Transient, Unauthorized
from commune_desk.sync.token import load_token, save_token
from commune_desk.sync.transport import RetryPolicy, Transport

log = logging.getLogger("commune_desk.sync")

BATCH_SIZE = 200


@dataclass
class PassResult:
    pushed: int = 0            # changes sent and acknowledged either way
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    quarantined: int = 0
    unacknowledged: int = 0    # sent, answered, but not acknowledged: still waiting
    pulled: int = 0
    applied: dict = field(default_factory=dict)
    waiting: int = 0
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    clock_offset_s: float | None = None
    error: str | None = None
    attachments_sent: int = 0
    attachment_bytes: int = 0
    attachments_refused: int = 0
    attachments_waiting: int = 0
    attachment_error: str | None = None
    recovered: int = 0              # own changes got back from the server after a restore
    recovered_dossiers: int = 0     # of which dossiers the desk lacked
    recovery_error: str | None = None
    scans_reattached: int = 0       # scans of recovered dossiers attached again (store/attachments.py)
    scans_kept_aside: int = 0       # scans whose dossier did not come back: in <data>/scans-after-restore/

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Options:
    server: str | None = None
    ca_file: str | None = None
    batch_size: int = BATCH_SIZE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: tuple = (10.0, 60.0)
    sleep: object = None             # injected by the worker: an interruptible wait
    cancelled: object = None         # callable -> bool
    progress: object = None          # callable(phase, done, total)
    attachments: bool = True         # send waiting attachments after the changes (sync --no-attachments)
    attachments_paused: object = None   # callable -> bool: stop between two chunks, resume next pass
    chunk_bytes: int = 64 * 1024
    recover_page: int = 500          # own changes per recovery page (the server's limit is 500)


def _server_and_token(desk, opts: Options) -> tuple[str, dict, dict]:
    settings = outbox.sync_settings(desk)
    cfg = desk.config()
    server = opts.server or settings.get("server") or (cfg.upstream_url if cfg else "")
    record = load_token(desk.data_dir)
    if not server or record is None:
        raise NotEnrolled("Quầy chưa đăng ký với máy chủ cấp trên. Hãy chạy: commune-desk enroll "
                          "--server https://… --code MÃ-ĐĂNG-KÝ (mã do cấp trên cung cấp).")
    return server, record, settings


def run_pass(desk, opts: Options | None = None) -> PassResult:
    """Push, then pull. Raises NotEnrolled / Unauthorized / ProtocolMismatch; a network failure
    after the retries is reported in result.error (and the sync settings), not raised."""
    opts = opts or Options()
    server, record, settings = _server_and_token(desk, opts)
    ca_file = opts.ca_file or settings.get("ca_file")
    transport = Transport(server, record["token"], ca_file=ca_file, timeout=opts.timeout,
                          retry=opts.retry, sleep=opts.sleep, clock=desk.now)
    result = PassResult()
    started = desk.now()
    outbox.update_sync_settings(desk, last_attempt_at=started.isoformat(timespec="seconds"), running=True)
    try:
        recovering = _recover_all(desk, transport, opts, result)
        _push_all(desk, transport, opts, result)
        _pull_all(desk, transport, opts, result)
        if recovering:
            # own changes back, and the other devices' (a former enrolment of this desk among
            # them) pulled: no code the server holds can be issued again
            outbox.finish_recovery(desk, desk.now())
        scans = desk.reattach_scans()       # scans of dossiers the recovery brought back, with their upload state
        result.scans_reattached, result.scans_kept_aside = scans["reattached"], scans["kept_aside"]
        if opts.attachments:
            from commune_desk.sync.attachments import send_attachments
            send_attachments(desk, transport, opts, result, lambda: _push_all(desk, transport, opts, result))
    except (Unauthorized, ProtocolMismatch) as exc:
        outbox.update_sync_settings(desk, online=True, running=False, last_error=exc.message)
        raise
    except SyncError as exc:
        result.error = exc.message
        outbox.update_sync_settings(desk, online=False, running=False, last_error=exc.message)
    else:
        values = {"online": True, "running": False, "last_error": "",
                  "last_success_at": desk.now().isoformat(timespec="seconds")}
        if result.clock_offset_s is not None:
            values["clock_offset_s"] = result.clock_offset_s
        outbox.update_sync_settings(desk, **values)
    finally:
        transport.close()
        result.requests = transport.attempts
        result.bytes_sent, result.bytes_received = transport.bytes_sent, transport.bytes_received
        result.waiting = outbox.counts(desk)["waiting"]
    return result


# ---- push ------------------------------------------------------------------------------------

def _push_all(desk, transport: Transport, opts: Options, result: PassResult) -> None:
    """Batches go one at a time on the wire, but the desk's own work overlaps the server's:
    while batch k is in flight (in a helper thread that only does HTTP), this thread reads and
    encodes batch k+1, and while k+1 is in flight it records the acknowledgements of k. Every
    read and write of the desk file stays in this thread. A batch is sent early only after the
    previous one came back acknowledged; any other outcome is settled first, as before."""
    total = outbox.counts(desk)["waiting"]
    done = 0
    abandon = threading.Event()

    def cancelled() -> bool:
        return abandon.is_set() or bool(opts.cancelled and opts.cancelled())

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-http")
    try:
        changes = pending_changes(desk, after_seq=0, limit=opts.batch_size)
        flight = None
        if changes:
            batch = _prepare(desk, changes)
            flight = (changes, batch, pool.submit(_send, transport, batch, cancelled))
        while flight is not None:
            changes, batch, future = flight
            following = pending_changes(desk, after_seq=changes[-1]["seq"], limit=opts.batch_size)
            following_batch = _prepare(desk, following) if following else None
            outcome = future.result()         # Unreachable / Cancelled end the pass, as before
            flight = None
            if following and outcome[0] == "acks":
                flight = (following, following_batch, pool.submit(_send, transport, following_batch, cancelled))
            _settle(desk, transport, opts, changes, batch, outcome, result)
            if following and flight is None:
                flight = (following, following_batch, pool.submit(_send, transport, following_batch, cancelled))
            done += len(changes)
            if opts.progress:
                opts.progress("push", done, max(total, done))
    finally:
        abandon.set()                         # a request still in flight gives up its retries
        pool.shutdown(wait=True)


def pending_changes(desk, after_seq: int = 0, limit: int = 100) -> list[dict]:
    """The next pending events in the shape a push carries (see protocol). The stored data goes
    out as the JSON text it is stored as (decoding and re-encoding it was most of the desk's share
    of a push); "at" is stored as the wire has it: ISO 8601 seconds in the office's zone."""
    return [{"uuid": u, "seq": seq, "kind": kind, "at": at, "actor": actor, "dossier_uuid": d_uuid,
             "data": p.RawJSON(data)}
            for u, seq, kind, at, actor, data, d_uuid in outbox.pending_rows(desk, after_seq, limit)]


def _prepare(desk, changes: list) -> tuple[str, bytes, set]:
    batch_id = str(uuid.uuid4())
    body = p.encode_push(batch_id, desk.now(), changes,       # the same bytes on every retry
                         audit=outbox.audit_claim(desk))
    return batch_id, body, {c["uuid"] for c in changes}


def _send(transport: Transport, batch: tuple, cancelled=None):
    """HTTP only (no desk file access): ("acks", PushReply) or ("error", (status, err))."""
    batch_id, body, sent = batch

    def attempt():
        reply = transport.once("POST", p.PUSH_PATH, data=body,
                               headers={"Content-Type": p.JSON_TYPE, "Content-Encoding": "gzip"})
        if reply.status == 200:
            try:
                return "acks", p.parse_push_reply(reply.content_type, reply.body, batch_id, sent)
            except p.MalformedReply as exc:
                raise Transient("câu trả lời không phải xác nhận của máy chủ", detail=str(exc)) from None
        err = p.parse_error_reply(reply.content_type, reply.body)
        if err is None:
            # a 4xx that is not ours: a proxy or captive portal; nothing is known, try again
            raise Transient(f"mã {reply.status} không kèm xác nhận của máy chủ")
        return "error", (reply.status, err)

    return transport.with_retries(attempt, cancelled)


def _push_batch(desk, transport: Transport, opts: Options, changes: list, result: PassResult) -> None:
    batch = _prepare(desk, changes)
    _settle(desk, transport, opts, changes, batch, _send(transport, batch, opts.cancelled), result)


def _settle(desk, transport: Transport, opts: Options, changes: list, batch: tuple, outcome: tuple,
            result: PassResult) -> None:
    kind, payload = outcome
    if kind == "acks":
        _apply_acks(desk, payload, changes, result)
        return
    status, err = payload
    if status == 401 or status == 403:
        raise Unauthorized(f"Máy chủ từ chối quầy này: {err['message']} Hãy liên hệ cấp trên để đăng ký lại.")
    if err["code"] == "protocol":
        raise ProtocolMismatch(err["message"])
    if len(changes) > 1:
        # refused as a whole (too large, or one bad change spoils it): halve until the culprit is alone
        mid = len(changes) // 2
        _push_batch(desk, transport, opts, changes[:mid], result)
        _push_batch(desk, transport, opts, changes[mid:], result)
        return
    reason = f"Máy chủ từ chối (mã {status}): {err['message']}"
    result.rejected += 1
    result.quarantined += outbox.quarantine(desk, {changes[0]["uuid"]: reason})


def _apply_acks(desk, reply: p.PushReply, changes: list, result: PassResult) -> None:
    ok, refused, stale = [], {}, []
    for change in changes:
        ack = reply.acks.get(change["uuid"])
        if ack is None:
            result.unacknowledged += 1
            continue
        result.pushed += 1
        if ack.result == p.ACCEPTED:
            result.accepted += 1
            ok.append(ack.uuid)
        elif ack.result == p.DUPLICATE:
            result.duplicates += 1
            ok.append(ack.uuid)
        elif ack.result == p.CONFLICT:
            result.conflicts += 1
            refused[ack.uuid] = f"Xung đột: {ack.reason or 'máy chủ đã có dữ liệu khác'}"
            stale.append(ack.uuid)
        else:
            result.rejected += 1
            refused[ack.uuid] = f"Bị từ chối: {ack.reason or 'không rõ lý do'}"
    outbox.mark_synced(desk, ok, desk.now())
    if refused:
        result.quarantined += outbox.quarantine(desk, refused)
    outbox.superseded(desk, stale)       # the pull that follows brings the server's copy
    if reply.clock_offset_s is not None:
        result.clock_offset_s = reply.clock_offset_s
    if reply.audit is not None:
        outbox.update_sync_settings(desk, audit_server_seq=reply.audit["seq"], audit_status=reply.audit["status"])


# ---- pull ------------------------------------------------------------------------------------

def _get_page(transport: Transport, opts: Options, path: str, params: dict, parse) -> tuple:
    """One page of pull or recover: ("page", doc) or ("error", (status, protocol error))."""
    def attempt():
        reply = transport.once("GET", path, params=params)
        if reply.status == 200:
            try:
                return "page", parse(reply.content_type, reply.body)
            except p.MalformedReply as exc:
                raise Transient("câu trả lời không phải dữ liệu của máy chủ", detail=str(exc)) from None
        err = p.parse_error_reply(reply.content_type, reply.body)
        if err is None:
            raise Transient(f"mã {reply.status} không kèm dữ liệu của máy chủ")
        return "error", (reply.status, err)

    return transport.with_retries(attempt, opts.cancelled)


def _pull_all(desk, transport: Transport, opts: Options, result: PassResult) -> None:
    cursor = outbox.sync_settings(desk).get("cursor", "")
    for _ in range(100000):
        kind, payload = _get_page(transport, opts, p.PULL_PATH, {"cursor": cursor}, p.parse_pull_reply)
        if kind == "error":
            status, err = payload
            if status in (401, 403):
                raise Unauthorized(f"Máy chủ từ chối quầy này: {err['message']}")
            if err["code"] == "bad_cursor":
                outbox.update_sync_settings(desk, cursor="")   # start over: applying is idempotent
                cursor = ""
                continue
            raise ProtocolMismatch(err["message"])
        page = payload
        applied = outbox.apply_pull(desk, page["items"], page["cursor"], desk.now())
        for k, v in applied.items():
            result.applied[k] = result.applied.get(k, 0) + v
        result.pulled += len(page["items"])
        if isinstance(page.get("clock_offset_s"), (int, float)):
            result.clock_offset_s = float(page["clock_offset_s"])
        cursor = page["cursor"]
        if opts.progress:
            opts.progress("pull", result.pulled, result.pulled)
        if not page["more"]:
            return


# ---- recovery after a restore -----------------------------------------------------------------

def _recover_all(desk, transport: Transport, opts: Options, result: PassResult) -> bool:
    """A desk restored from an older backup first gets back its own changes that the server holds
    and it lacks (GET /api/v1/recover; outbox.apply_recovered stores each page with its cursor in
    one transaction, keyed by uuid), then its push and pull go on as usual. True when every own
    change is in (the recovery ends once the pull of the same pass is complete too)."""
    state = outbox.recovery_state(desk)
    if not state.get("due"):
        return False
    cursor = state.get("cursor")
    if cursor is None:
        # kept at once: this pass's pull (even after a failed recovery) moves the pull cursor on
        cursor = _recovery_start(desk)
        outbox.update_sync_settings(desk, recovery={**state, "cursor": cursor})
    if opts.progress:
        opts.progress("recover", 0, 0)       # the screen says what is going on from the first page
    for _ in range(100000):
        kind, payload = _get_page(transport, opts, p.RECOVER_PATH, {"cursor": cursor, "limit": opts.recover_page},
                                  p.parse_recover_reply)
        if kind == "error":
            status, err = payload
            if status in (401, 403):
                raise Unauthorized(f"Máy chủ từ chối quầy này: {err['message']}")
            if err["code"] == "bad_cursor" and cursor:
                cursor = ""                   # from the start: what the desk has is skipped by uuid
                continue
            if status == 404:
                # a server from before recovery: push and pull go on; the recovery stays due
                result.recovery_error = ("Máy chủ cấp trên chưa hỗ trợ lấy lại hồ sơ sau khi khôi phục bản sao lưu; "
                                         "hãy đề nghị cấp trên cập nhật phần mềm máy chủ.")
                outbox.update_sync_settings(desk, recovery_error=result.recovery_error)
                return False
            raise ProtocolMismatch(err["message"])
        page = payload
        done = outbox.apply_recovered(desk, page["items"], page["cursor"], desk.now())
        result.recovered += done["changes"]
        result.recovered_dossiers += done["dossiers"]
        cursor = page["cursor"]
        if opts.progress:
            opts.progress("recover", result.recovered_dossiers, result.recovered_dossiers)
        if not page["more"]:
            break
    outbox.update_sync_settings(desk, recovery_error="")
    return True


def _recovery_start(desk) -> str:
    """Where the recovery starts: the restored pull cursor when it was this device's. That cursor
    had moved past every change of the commune the server held when it was written, the desk's own
    among them, and each of those was on the desk before it was sent, so it is in the backup.
    Otherwise (enrolled since, another server) from the start: what the desk has is skipped."""
    settings = outbox.sync_settings(desk)
    record = load_token(desk.data_dir) or {}
    cursor = settings.get("cursor") or ""
    same = record.get("device_id") is not None and settings.get("device_id") == record.get("device_id")
    return cursor if same else ""


# ---- enrolment -------------------------------------------------------------------------------

def enroll(desk, server: str, code: str, ca_file: str | None = None, label: str | None = None) -> dict:
    desk.require("settings")              # which server gets the office's data is an administrator's choice
    cfg = desk.require_config()
    server = (server or "").strip().rstrip("/")
    if not server.startswith(("https://", "http://")):
        raise SyncError("Địa chỉ máy chủ phải bắt đầu bằng https:// (hoặc http:// trong mạng nội bộ).", "server")
    if ca_file:
        from pathlib import Path
        if not Path(ca_file).is_file():
            raise SyncError(f"Không tìm thấy tệp chứng chỉ CA «{ca_file}».", "ca_file")
    transport = Transport(server, ca_file=ca_file, retry=RetryPolicy(attempts=3, base_s=0.5), clock=desk.now)
    body = p.dumps({"protocol": p.PROTOCOL, "code": code, "agency_code": cfg.agency_code, "desk": cfg.desk,
                    "label": label or f"{socket.gethostname()} — quầy {cfg.desk}"})

    def attempt():
        reply = transport.once("POST", p.ENROLL_PATH, data=body, headers={"Content-Type": p.JSON_TYPE})
        err = p.parse_error_reply(reply.content_type, reply.body)
        if reply.status == 200:
            try:
                doc = p._json_body(reply.content_type, reply.body)
            except p.MalformedReply as exc:
                raise Transient(str(exc)) from None
            if isinstance(doc, dict) and doc.get("protocol") == p.PROTOCOL and isinstance(doc.get("token"), str):
                return doc
            raise Transient("câu trả lời không phải của máy chủ cấp trên")
        if err is None:
            raise Transient(f"mã {reply.status} không kèm thông tin của máy chủ")
        raise SyncError(f"Máy chủ từ chối đăng ký: {err['message']}", "code")

    try:
        doc = transport.with_retries(attempt)
    finally:
        transport.close()
    save_token(desk.data_dir, {"token": doc["token"], "device_id": doc.get("device_id"), "server": server})
    commune = doc.get("commune") or {}
    recovery = outbox.recovery_state(desk)
    recovery.pop("cursor", None)          # a recovery due starts again as the new device
    outbox.update_sync_settings(desk, server=server, ca_file=ca_file, cursor="", device_id=doc.get("device_id"),
                                commune_name=commune.get("name", ""), online=True, last_error="",
                                **({"recovery": recovery} if recovery else {}))
    return {"server": server, "device_id": doc.get("device_id"), "agency_code": commune.get("agency_code"),
            "commune_name": commune.get("name")}


def clock_short(offset_s: float | None) -> str | None:
    """«Đồng hồ máy nhanh 3 ngày — hạn trả có thể sai» (status bar, intake), or None if close enough."""
    said = clock.skew(offset_s)
    return None if said is None else f"{said} — hạn trả có thể sai"


def clock_warning(offset_s: float | None) -> str | None:
    short = clock_short(offset_s)
    if short is None:
        return None
    return (f"{short}: so với máy chủ cấp trên. Hãy chỉnh lại giờ máy tính để thời điểm tiếp nhận và hẹn trả "
            "được ghi đúng.")


def when(value) -> datetime | None:
    if not value:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
