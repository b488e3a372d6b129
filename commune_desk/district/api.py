"""The desks' HTTP API, protocol version 1 (docs/sync-protocol.md)."""

import gzip
import logging
from datetime import datetime

from flask import Blueprint, Response, current_app, g, request

from commune_desk.district import admin, feed, ingest, limits
from commune_desk.errors import DeskError
from commune_desk.sync import protocol as p
from commune_desk.sync.jsontext import loads

log = logging.getLogger("commune_desk.district.api")
bp = Blueprint("api", __name__, url_prefix="/api/v1")


def reply(obj: dict, status: int = 200) -> Response:
    body = p.dumps({"protocol": p.PROTOCOL, **obj})
    headers = {"Cache-Control": "no-store"}
    if len(body) > 1024 and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, status=status, content_type="application/json; charset=utf-8", headers=headers)


def error(status: int, code: str, message: str) -> Response:
    return reply({"error": {"code": code, "message": message}}, status)


def _authenticate():
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    found = admin.device_for_token(token)
    if found is None:
        return error(401, "unauthorized", "Quầy chưa đăng ký hoặc đã bị thu hồi quyền đồng bộ.")
    g.device, g.commune = found
    return None


def _body_json():
    raw = request.get_data(cache=False)
    if request.headers.get("Content-Encoding", "").lower() == "gzip":
        return p.decode_gzip_json(raw)
    if len(raw) > p.MAX_BODY:
        raise OverflowError("body too large")
    return loads(raw)


@bp.get("/health")
def health():
    return reply({"status": "ok", "server_clock": ingest.now().isoformat(timespec="milliseconds")})


@bp.post("/enroll")
@limits.limiter.limit("20 per minute")
def enroll():
    address, at = request.remote_addr or "?", ingest.now()
    until = limits.locked_until(limits.ENROL_ADDRESS, address, at)
    if until is not None:
        return error(429, "rate_limited", "Quá nhiều lần nhập sai mã đăng ký từ địa chỉ này; hãy thử lại sau "
                                          f"{limits.minutes_left(until, at)} phút.")
    try:
        doc = _body_json()
    except (ValueError, OverflowError, UnicodeDecodeError):
        return error(400, "bad_request", "Yêu cầu đăng ký không đúng định dạng.")
    if not isinstance(doc, dict) or doc.get("protocol") != p.PROTOCOL:
        return error(400, "protocol", "Phiên bản giao thức không được hỗ trợ; hãy cập nhật phần mềm.")
    desk = doc.get("desk")
    if not isinstance(desk, int) or isinstance(desk, bool):
        return error(400, "bad_request", "Số hiệu quầy không hợp lệ.")
    try:
        device, token = admin.enroll(str(doc.get("code", "")), str(doc.get("agency_code", "")), desk,
                                     str(doc.get("label", "")))
    except DeskError as exc:
        limits.failed(limits.ENROL_ADDRESS, address, at)
        return error(403, "enrolment_refused", exc.message)
    return reply({"token": token, "device_id": device.id,
                  "commune": {"agency_code": device.commune.agency_code, "name": device.commune.name}})


@bp.post("/push")
def push():
    denied = _authenticate()
    if denied:
        return denied
    try:
        doc = _body_json()
    except OverflowError:
        return error(413, "too_large", "Lô dữ liệu quá lớn; hãy gửi lô nhỏ hơn.")
    except (ValueError, UnicodeDecodeError, EOFError, OSError):
        return error(400, "bad_request", "Lô dữ liệu bị hỏng hoặc không trọn vẹn.")
    if not isinstance(doc, dict) or doc.get("protocol") != p.PROTOCOL:
        return error(400, "protocol", "Phiên bản giao thức không được hỗ trợ; hãy cập nhật phần mềm.")
    batch, changes = doc.get("batch"), doc.get("changes")
    if not p.is_uuid(batch) or not isinstance(changes, list):
        return error(400, "bad_request", "Lô dữ liệu thiếu mã lô hoặc danh sách thay đổi.")
    if len(changes) > current_app.config["MAX_BATCH"]:
        return error(413, "too_large", "Lô dữ liệu có quá nhiều thay đổi; hãy gửi lô nhỏ hơn.")
    # the header is read at each attempt; the body's reading is as old as the first attempt
    desk_clock = _desk_clock() or (datetime.fromisoformat(doc["desk_clock"])
                                   if p.is_instant(doc.get("desk_clock")) else None)
    acks = ingest.ingest(g.device, g.commune, changes, desk_clock)
    audit = ingest.audit_continuity(g.device, doc.get("audit"))      # the desk's audit-chain head
    server_clock = ingest.now()
    offset = round((desk_clock - server_clock).total_seconds(), 3) if desk_clock else None
    return reply({"batch": batch, "server_clock": server_clock.isoformat(timespec="milliseconds"),
                  "clock_offset_s": offset, **({"audit": audit} if audit else {}),
                  "acks": [{"uuid": u, "result": r, **({"reason": why} if why else {})}
                           for u, (r, why) in acks.items()]})


@bp.get("/pull")
def pull():
    return _page(feed.pull)


@bp.get("/recover")
def recover():
    """The device's own changes (a desk restored from an old backup gets back what it sent since)."""
    return _page(feed.recover)


def _page(read):
    """A page of pull or recover: `read(device, cursor, limit)` after the cursor the desk gave."""
    denied = _authenticate()
    if denied:
        return denied
    cursor = feed.parse_cursor(request.args.get("cursor"))
    if cursor is None:
        return error(400, "bad_cursor", "Con trỏ đồng bộ không hợp lệ.")
    try:
        limit = int(request.args.get("limit", feed.PAGE))
    except ValueError:
        limit = feed.PAGE
    return reply({**read(g.device, cursor, limit), **_clock_fields()})


def _clock_fields() -> dict:
    """server_clock and the desk's offset from it (recorded per device), for pull and recover."""
    server_clock = ingest.now()
    desk_clock = _desk_clock()
    offset = None
    if desk_clock is not None:
        offset = round((desk_clock - server_clock).total_seconds(), 3)
        ingest.record_clock(g.device, offset, server_clock)
    return {"server_clock": server_clock.isoformat(timespec="milliseconds"), "clock_offset_s": offset}


def _desk_clock():
    value = request.headers.get("X-Desk-Clock", "")
    return datetime.fromisoformat(value) if p.is_instant(value) else None
