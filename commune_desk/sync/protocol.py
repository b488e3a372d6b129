"""Sync protocol version 1: the wire shapes both sides agree on (docs/sync-protocol.md).

Pure: encoding, decoding and validation only. The desk marks a change synced only when
`parse_push_reply` accepts the reply as a well-formed acknowledgement of *this* batch.
"""

import gzip
import re
from dataclasses import dataclass
from datetime import datetime

from commune_desk.sync.jsontext import compact, loads

PROTOCOL = 1
PUSH_PATH = "/api/v1/push"
PULL_PATH = "/api/v1/pull"
RECOVER_PATH = "/api/v1/recover"      # the device's own changes back (a desk restored from a backup)
ENROLL_PATH = "/api/v1/enroll"
HEALTH_PATH = "/api/v1/health"
JSON_TYPE = "application/json"

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
CONFLICT = "conflict"
REJECTED = "rejected"
RESULTS = frozenset({ACCEPTED, DUPLICATE, CONFLICT, REJECTED})
SYNCED_RESULTS = frozenset({ACCEPTED, DUPLICATE})

PULL_KINDS = frozenset({"catalog", "fee", "calendar", "status", "change"})
KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_BODY = 8 * 1024 * 1024          # a decompressed push body; larger is refused (413)


class MalformedReply(Exception):
    """The reply is not a protocol document for this request (captive portal, proxy, cut)."""


_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_uuid(value) -> bool:
    """A UUID in its canonical lower-case text form (what uuid4() gives)."""
    return isinstance(value, str) and _UUID_RE.match(value) is not None


def is_instant(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def dumps(obj) -> bytes:
    return compact(obj).encode("utf-8")


class RawJSON(str):
    """A change's data as the JSON text the desk stored it as: spliced into the body as it is."""


def _change_text(change: dict) -> str:
    data = change.get("data")
    if type(data) is not RawJSON:
        return compact(change)
    head = compact({k: v for k, v in change.items() if k != "data"})
    sep = "," if len(head) > 2 else ""
    return f'{head[:-1]}{sep}"data":{data}}}'


def encode_push(batch_id: str, desk_clock: datetime, changes: list[dict], audit: dict | None = None) -> bytes:
    """audit: the desk's audit-chain head {"seq", "hash"} and its hash of the entry at the head the
    server saw last {"base_seq", "base_hash"} (additive: servers that do not know it ignore it)."""
    head = compact({"protocol": PROTOCOL, "batch": batch_id,
                   "desk_clock": desk_clock.isoformat(timespec="milliseconds"),
                   **({"audit": audit} if audit else {})})
    text = f'{head[:-1]},"changes":[{",".join(map(_change_text, changes))}]}}'
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode_gzip_json(raw: bytes, limit: int = MAX_BODY):
    """Decompress with a ceiling (no gzip bombs) and parse; ValueError on anything wrong."""
    import zlib
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(raw, limit + 1)
    if len(data) > limit or inflater.unconsumed_tail:
        raise OverflowError("body too large")
    if not inflater.eof:
        raise ValueError("truncated gzip stream")
    return loads(data)


@dataclass(frozen=True)
class Ack:
    uuid: str
    result: str
    reason: str = ""


@dataclass(frozen=True)
class PushReply:
    acks: dict            # uuid -> Ack
    server_clock: str
    clock_offset_s: float | None
    audit: dict | None = None      # {"seq": the server's head of our audit chain, "status": ok | base_needed | broken}


def _json_body(response_headers_type: str | None, body: bytes):
    if not response_headers_type or not response_headers_type.split(";")[0].strip().lower() == JSON_TYPE:
        raise MalformedReply(f"content type {response_headers_type!r}")
    try:
        return loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedReply(f"not JSON: {exc}") from None


def parse_push_reply(content_type: str | None, body: bytes, batch_id: str, sent: set[str]) -> PushReply:
    doc = _json_body(content_type, body)
    if not isinstance(doc, dict) or doc.get("protocol") != PROTOCOL or doc.get("batch") != batch_id:
        raise MalformedReply("not an acknowledgement of this batch")
    acks_raw = doc.get("acks")
    if not isinstance(acks_raw, list):
        raise MalformedReply("acks missing")
    acks = {}
    for item in acks_raw:
        if not isinstance(item, dict):
            raise MalformedReply("ack is not an object")
        uid, result, reason = item.get("uuid"), item.get("result"), item.get("reason", "")
        if uid not in sent or result not in RESULTS or not isinstance(reason, str):
            raise MalformedReply(f"bad ack {item!r}")
        if uid in acks:
            raise MalformedReply(f"two acks for {uid}")
        acks[uid] = Ack(uid, result, reason)
    offset = doc.get("clock_offset_s")
    if offset is not None and not isinstance(offset, (int, float)):
        raise MalformedReply("clock_offset_s")
    audit = doc.get("audit")
    if not (isinstance(audit, dict) and isinstance(audit.get("seq"), int)
            and audit.get("status") in ("ok", "base_needed", "broken")):
        audit = None
    return PushReply(acks=acks, server_clock=str(doc.get("server_clock", "")),
                     clock_offset_s=float(offset) if offset is not None else None, audit=audit)


def parse_error_reply(content_type: str | None, body: bytes) -> dict | None:
    """A protocol error document {"protocol": 1, "error": {"code", "message"}}, or None."""
    try:
        doc = _json_body(content_type, body)
    except MalformedReply:
        return None
    if isinstance(doc, dict) and doc.get("protocol") == PROTOCOL and isinstance(doc.get("error"), dict):
        err = doc["error"]
        if isinstance(err.get("code"), str) and isinstance(err.get("message"), str):
            return err
    return None


def parse_pull_reply(content_type: str | None, body: bytes) -> dict:
    doc = _json_body(content_type, body)
    if not isinstance(doc, dict) or doc.get("protocol") != PROTOCOL:
        raise MalformedReply("not a pull reply")
    if not isinstance(doc.get("cursor"), str) or not isinstance(doc.get("items"), list) \
            or not isinstance(doc.get("more"), bool):
        raise MalformedReply("pull reply fields")
    for item in doc["items"]:
        if not isinstance(item, dict) or item.get("type") not in PULL_KINDS or not is_uuid(item.get("uuid")):
            raise MalformedReply(f"bad pull item {str(item)[:200]}")
    return doc


def parse_recover_reply(content_type: str | None, body: bytes) -> dict:
    """A page of the device's own changes: a pull reply whose items are all `change`s marked own."""
    doc = parse_pull_reply(content_type, body)
    for item in doc["items"]:
        if item["type"] != "change" or item.get("own") is not True or not isinstance(item.get("data"), dict) \
                or not is_instant(item.get("at")):
            raise MalformedReply(f"bad recovered item {str(item)[:200]}")
    return doc
