"""Taking in a pushed batch: validate each change, insert idempotently, acknowledge each one.

Idempotence rests on the unique uuid of a change; the check and the insert run in one
transaction under the commune's writer lock, so two retries of one batch cannot race.
A change carrying a dossier snapshot also moves the dossier row forward when it is newer.
"""

import hashlib
import json
import logging
from datetime import datetime

from peewee import IntegrityError

from commune_desk.district import db as district_db
from commune_desk.district.models import Change, Commune, Device, Dossier, database
from commune_desk.errors import DeskError
from commune_desk.rules.codes import parse_code
from commune_desk.rules.office_calendar import TZ
from commune_desk.sync import protocol as p

log = logging.getLogger("commune_desk.district.ingest")

MAX_CHANGE_BYTES = 256 * 1024
OUTCOMES = ("accepted", "supplement", "refused")


def now() -> datetime:
    return datetime.now(TZ)


def change_digest(change: dict) -> str:
    """What makes two changes with one uuid the same change."""
    core = {k: change.get(k) for k in ("uuid", "kind", "at", "actor", "data")}
    return hashlib.sha256(json.dumps(core, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def _check_snapshot(snap, commune: Commune) -> str | None:
    if not isinstance(snap, dict):
        return "Bản ghi hồ sơ không đúng định dạng."
    if not p.is_uuid(snap.get("uuid")):
        return "Bản ghi hồ sơ thiếu mã định danh (uuid)."
    if snap.get("agency_code") != commune.agency_code:
        return (f"Hồ sơ thuộc cơ quan «{snap.get('agency_code')}», không phải "
                f"«{commune.agency_code}» của quầy này.")
    if snap.get("outcome") not in OUTCOMES:
        return "Kết quả tiếp nhận của hồ sơ không hợp lệ."
    status = snap.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 1 <= status <= 10:
        return "Trạng thái hồ sơ phải từ 1 đến 10."
    if not p.is_instant(snap.get("received_at")):
        return "Thời điểm tiếp nhận của hồ sơ không hợp lệ."
    for key in ("due_at", "resolved_at", "returned_at"):
        if snap.get(key) is not None and not p.is_instant(snap[key]):
            return f"Trường thời gian «{key}» của hồ sơ không hợp lệ."
    code = snap.get("code")
    if code is not None:
        try:
            parsed = parse_code(code)
        except DeskError as exc:
            return exc.message
        if str(parsed) != code:
            return f"Mã hồ sơ «{code}» không ở dạng chuẩn."
        if parsed.agency_code != commune.agency_code:
            return f"Mã hồ sơ «{code}» không thuộc cơ quan «{commune.agency_code}»."
    elif snap.get("outcome") == "accepted":
        return "Hồ sơ đã tiếp nhận nhưng không có mã hồ sơ."
    return None


def check_change(change, commune: Commune) -> str | None:
    """None if the change may be stored; otherwise the Vietnamese reason it is rejected."""
    if not isinstance(change, dict):
        return "Thay đổi không đúng định dạng."
    seq = change.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        return "Số thứ tự cục bộ (seq) không hợp lệ."
    kind = change.get("kind")
    if not isinstance(kind, str) or not p.KIND_RE.match(kind):
        return f"Loại sự kiện «{str(kind)[:40]}» không hợp lệ."
    if not p.is_instant(change.get("at")):
        return "Thời điểm của sự kiện không hợp lệ."
    if not isinstance(change.get("actor", ""), str) or len(change.get("actor", "")) > 200:
        return "Người thực hiện không hợp lệ."
    data = change.get("data")
    if not isinstance(data, dict):
        return "Dữ liệu của sự kiện không đúng định dạng."
    if len(p.dumps(data)) > MAX_CHANGE_BYTES:
        return "Dữ liệu của sự kiện quá lớn."
    if "dossier" in data:
        reason = _check_snapshot(data["dossier"], commune)
        if reason:
            return reason
        if change.get("dossier_uuid") not in (None, data["dossier"]["uuid"]):
            return "Mã định danh hồ sơ của sự kiện không khớp bản ghi hồ sơ."
    elif change.get("dossier_uuid") is not None and not p.is_uuid(change.get("dossier_uuid")):
        return "Mã định danh hồ sơ của sự kiện không hợp lệ."
    return None


def ingest(device: Device, commune: Commune, changes: list, desk_clock: datetime | None) -> dict:
    """Store a batch; returns {uuid: (result, reason)} for every change that had a uuid."""
    for attempt in range(3):
        try:
            with database.atomic():
                with district_db.commune_lock(database.obj, commune.id):
                    acks = _ingest(device, commune, changes)
                    received = now()
                    fields = {Device.last_seen_at: received}
                    if desk_clock is not None:
                        fields[Device.clock_offset_s] = round((desk_clock - received).total_seconds(), 3)
                    Device.update(fields).where(Device.id == device.id).execute()
            return acks
        except IntegrityError:
            # only a race with another commune's writer on a shared key gets here; the next
            # attempt sees its rows and answers duplicate/conflict instead
            log.warning("integrity race on batch from device %s, attempt %s", device.id, attempt + 1)
    raise RuntimeError("batch could not be stored after 3 attempts")


def record_clock(device: Device, offset_s: float, at: datetime) -> None:
    with database.atomic():
        Device.update(clock_offset_s=offset_s, last_seen_at=at).where(Device.id == device.id).execute()


def _ingest(device: Device, commune: Commune, changes: list) -> dict:
    received = now()
    acks: dict[str, tuple[str, str]] = {}
    valid = []
    for change in changes:
        uid = change.get("uuid") if isinstance(change, dict) else None
        if not p.is_uuid(uid):
            continue          # cannot be acknowledged; the desk keeps it and will resend
        reason = check_change(change, commune)
        if reason:
            acks[uid] = (p.REJECTED, reason)
        else:
            valid.append(change)
    uuids = [c["uuid"] for c in valid]
    known = {}
    for i in range(0, len(uuids), 500):
        known.update({c.uuid: c.digest for c in
                      Change.select(Change.uuid, Change.digest).where(Change.uuid.in_(uuids[i:i + 500]))})
    snaps = [c["data"]["dossier"] for c in valid if "dossier" in c["data"]]
    d_uuids = list({s["uuid"] for s in snaps})
    d_codes = list({s["code"] for s in snaps if s.get("code")})
    by_uuid, by_code = {}, {}
    for i in range(0, len(d_uuids), 500):
        for d in Dossier.select().where(Dossier.uuid.in_(d_uuids[i:i + 500])):
            by_uuid[d.uuid] = d
    for i in range(0, len(d_codes), 500):
        for d in Dossier.select().where(Dossier.code.in_(d_codes[i:i + 500])):
            by_code[d.code] = d
    new_changes, new_dossiers, touched = [], {}, {}
    for change in sorted(valid, key=lambda c: c["seq"]):
        uid = change["uuid"]
        digest = change_digest(change)
        if uid in known:
            acks[uid] = ((p.DUPLICATE, "") if known[uid] == digest else
                         (p.CONFLICT, "Máy chủ đã có một thay đổi cùng mã định danh nhưng nội dung khác."))
            continue
        snap = change["data"].get("dossier")
        at = datetime.fromisoformat(change["at"])
        if snap is not None:
            row = by_uuid.get(snap["uuid"])
            if row is not None and row.commune_id != commune.id:
                acks[uid] = (p.REJECTED, "Hồ sơ này thuộc một cơ quan khác.")
                continue
            code = snap.get("code")
            holder = by_code.get(code) if code else None
            if holder is not None and holder.uuid != snap["uuid"]:
                acks[uid] = (p.CONFLICT, f"Mã hồ sơ {code} đã được một quầy khác cấp cho hồ sơ khác "
                                         "(hai quầy dùng cùng số hiệu quầy?).")
                continue
            if row is not None and row.code and code != row.code:
                acks[uid] = (p.CONFLICT, f"Hồ sơ đã có mã {row.code} trên máy chủ, khác mã {code}.")
                continue
            if row is None:
                row = Dossier(uuid=snap["uuid"], commune=commune.id)
                by_uuid[snap["uuid"]] = row
                new_dossiers[snap["uuid"]] = row
                _apply_snapshot(row, snap, at, received)
                if code:
                    by_code[code] = row
            elif at >= row.snapshot_at:
                _apply_snapshot(row, snap, at, received)
                if code:
                    by_code[code] = row
                if snap["uuid"] not in new_dossiers:
                    touched[snap["uuid"]] = row
        known[uid] = digest
        new_changes.append({
            "uuid": uid, "commune": commune.id, "device": device.id, "desk": device.desk,
            "local_seq": change["seq"], "kind": change["kind"], "at": at,
            "actor": change.get("actor", ""), "dossier_uuid": (snap or {}).get("uuid") or change.get("dossier_uuid"),
            "digest": digest, "data": change["data"], "received_at": received})
        acks[uid] = (p.ACCEPTED, "")
    for i in range(0, len(new_changes), 200):
        Change.insert_many(new_changes[i:i + 200]).execute()
    rows = [_dossier_fields(r) for r in new_dossiers.values()]
    for i in range(0, len(rows), 200):
        Dossier.insert_many(rows[i:i + 200]).execute()
    for row in touched.values():
        Dossier.update(_dossier_fields(row)).where(Dossier.id == row.id).execute()
    return acks


def _apply_snapshot(row: Dossier, snap: dict, at: datetime, received: datetime) -> None:
    row.code = snap.get("code")
    row.status = snap["status"]
    row.received_at = snap["received_at"]
    row.due_at = snap.get("due_at")
    row.snapshot = snap
    row.snapshot_at = at
    row.updated_at = received


def _dossier_fields(row: Dossier) -> dict:
    return {"uuid": row.uuid, "code": row.code, "commune": row.commune_id, "status": row.status,
            "received_at": row.received_at, "due_at": row.due_at, "snapshot": row.snapshot,
            "snapshot_at": row.snapshot_at, "updated_at": row.updated_at}
