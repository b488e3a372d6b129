"""Taking in a pushed batch: validate each change, insert idempotently, acknowledge each one.

Idempotence rests on the unique uuid of a change; the check and the insert run in one
transaction under the commune's writer lock, so two retries of one batch cannot race.
A change carrying a dossier snapshot also moves the dossier row forward — ordered by the
dossier's version and the server's receipt order, never by the desk's clock: a change made on
the version the server holds is applied and makes the next version; one made on an older
version is a conflict, kept (stale_base) but not applied (docs/sync-protocol.md). A change that
names the change it builds on (data.base) is applied only when that is the change the server
applied last to the dossier (dossier.last_change), so a desk's chain built on its own refused
change is refused with it, whatever its version number says. A change
whose time lies beyond CLOCK_TOLERANCE_S of the server's clock is accepted and flagged.
"""

import hashlib
import logging
import re
from datetime import datetime
from functools import lru_cache

from peewee import IntegrityError

from commune_desk.district import db as district_db, digitised
from commune_desk.district.figures import REPORT_COLUMNS, report_values
from commune_desk.district.models import Commune, Device, database
from commune_desk.errors import DeskError
from commune_desk.rules import clock
from commune_desk.rules.codes import parse_code
from commune_desk.rules.office_calendar import TZ
from commune_desk.sync import protocol as p
from commune_desk.sync.jsontext import canonical

log = logging.getLogger("commune_desk.district.ingest")

MAX_CHANGE_BYTES = 256 * 1024
CLOCK_TOLERANCE_S = clock.TOLERANCE_S   # a desk time further ahead of the server's is flagged
OUTCOMES = ("accepted", "supplement", "refused")


def now() -> datetime:
    return datetime.now(TZ)


def change_digest(change: dict, data_json: str | None = None) -> str:
    """What makes two changes with one uuid the same change."""
    data_json = canonical(change.get("data")) if data_json is None else data_json
    head = canonical([change.get("uuid"), change.get("kind"), change.get("at"), change.get("actor", "")])
    return hashlib.sha256((head + data_json).encode("utf-8")).hexdigest()


_OFFICE_SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def _iso(value) -> str | None:
    """An instant as the server stores it: office zone, microseconds (so text order is time order)."""
    if value is None:
        return None
    if isinstance(value, str):
        if _OFFICE_SECONDS.match(value):
            # what desks send: already in the office zone, only the fraction is missing
            return f"{value[:19]}.000000+07:00"
        value = datetime.fromisoformat(value)
    return value.astimezone(TZ).isoformat(timespec="microseconds")


def _bulk_insert(table: str, columns: tuple, rows: list) -> None:
    """executemany without building a peewee expression per row (the hot path of a push).
    On PostgreSQL the rows go in one COPY: psycopg2 quotes every parameter of a multi-row INSERT
    in Python-held code (a third of the server's time with 100 desks pushing), COPY's text format
    is escaped here with a few str.replace calls. A unique violation still raises IntegrityError
    and rolls the whole batch back, as an INSERT would."""
    if not rows:
        return
    db = database.obj
    cols = ", ".join(f'"{c}"' for c in columns)
    cursor = db.cursor()
    if district_db.is_postgres(db):
        import io

        import psycopg2
        text = "".join("\t".join(map(_copy_field, row)) + "\n" for row in rows)
        try:
            cursor.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', io.StringIO(text))
        except psycopg2.IntegrityError as exc:
            raise IntegrityError(*exc.args) from exc
    else:
        cursor.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})', rows)


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if type(value) is str:
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if "\n" in value or "\r" in value or "\t" in value:
            value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return value
    return str(int(value))


_UPDATED = ("code", "status", "received_at", "due_at", "snapshot", "snapshot_at", "updated_at") + REPORT_COLUMNS \
    + ("version", "last_change")
_PG_TYPES = {"status": "::integer", "channel": "::integer", "by_post": "::smallint", "extended": "::smallint",
             "rating_score": "::smallint", "received_s": "::bigint", "due_s": "::bigint", "finished_s": "::bigint",
             "stopped_s": "::bigint", "version": "::integer"}


def _bulk_update_dossiers(rows: list) -> None:
    if not rows:
        return
    db = database.obj
    if district_db.is_postgres(db):
        # one statement for the whole batch (psycopg2's executemany is a round trip per row)
        from psycopg2.extras import execute_values
        sets = ", ".join(f'"{c}" = v.{c}' for c in _UPDATED)
        template = "(" + ", ".join(f"%s{_PG_TYPES.get(c, '')}" for c in _UPDATED) + ", %s::integer)"
        execute_values(db.cursor(), f'UPDATE "dossier" AS d SET {sets} '
                       f'FROM (VALUES %s) AS v ({", ".join(_UPDATED)}, id) WHERE d."id" = v.id', rows,
                       template=template, page_size=500)
        return
    sets = ", ".join(f'"{c}" = ?' for c in _UPDATED)
    db.cursor().executemany(f'UPDATE "dossier" SET {sets} WHERE "id" = ?', rows)


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
        agency, reason = _code_agency(code) if isinstance(code, str) else (None, "Mã hồ sơ không hợp lệ.")
        if reason:
            return reason
        if agency != commune.agency_code:
            return f"Mã hồ sơ «{code}» không thuộc cơ quan «{commune.agency_code}»."
    elif snap.get("outcome") == "accepted":
        return "Hồ sơ đã tiếp nhận nhưng không có mã hồ sơ."
    return None


@lru_cache(maxsize=65536)
def _code_agency(code: str) -> tuple[str | None, str | None]:
    try:
        parsed = parse_code(code)
    except DeskError as exc:
        return None, exc.message
    if str(parsed) != code:
        return None, f"Mã hồ sơ «{code}» không ở dạng chuẩn."
    return parsed.agency_code, None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def check_change(change, commune: Commune, data_json: str = "") -> str | None:
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
    actor = change.get("actor", "")
    if not isinstance(actor, str) or len(actor) > 200 or "\x00" in actor or not _encodable(actor):
        return "Người thực hiện không hợp lệ."
    data = change.get("data")
    if not isinstance(data, dict):
        return "Dữ liệu của sự kiện không đúng định dạng."
    # JSON may carry lone surrogates (\ud800) that no database can store: a reason, not a 500
    # that the desk would retry for ever
    try:
        size = len(data_json.encode("utf-8"))
    except UnicodeEncodeError:
        return "Dữ liệu của sự kiện chứa ký tự không hợp lệ (không phải Unicode chuẩn)."
    if size > MAX_CHANGE_BYTES:
        return "Dữ liệu của sự kiện quá lớn."
    if "dossier" in data:
        reason = _check_snapshot(data["dossier"], commune)
        if reason:
            return reason
        if change.get("dossier_uuid") not in (None, data["dossier"]["uuid"]):
            return "Mã định danh hồ sơ của sự kiện không khớp bản ghi hồ sơ."
    elif change.get("dossier_uuid") is not None and not p.is_uuid(change.get("dossier_uuid")):
        return "Mã định danh hồ sơ của sự kiện không hợp lệ."
    if "base" in data and not p.is_uuid(data["base"]):
        return "Thay đổi mà sự kiện này dựa vào (base) không phải mã định danh hợp lệ."
    return None


def ingest(device: Device, commune: Commune, changes: list, desk_clock: datetime | None) -> dict:
    """Store a batch; returns {uuid: (result, reason)} for every change that had a uuid."""
    for attempt in range(3):
        try:
            with database.atomic():
                with district_db.commune_lock(database.obj, commune.id):
                    acks = _ingest(device, commune, changes)
                    fields = _device_news(device, now(), desk_clock)
                    if fields:
                        Device.update(fields).where(Device.id == device.id).execute()
            return acks
        except IntegrityError:
            # only a race with another commune's writer on a shared key gets here; the next
            # attempt sees its rows and answers duplicate/conflict instead
            log.warning("integrity race on batch from device %s, attempt %s", device.id, attempt + 1)
    raise RuntimeError("batch could not be stored after 3 attempts")


SEEN_EVERY_S = 60
CLOCK_MOVE_S = 1.0


def _device_news(device: Device, received: datetime, desk_clock: datetime | None) -> dict:
    """What the device row should learn from this push: nothing when it was seen less than a
    minute ago with the same clock (a desk pushing batch after batch would otherwise rewrite its
    row with every one; the dashboard shows minutes, not milliseconds)."""
    offset = round((desk_clock - received).total_seconds(), 3) if desk_clock is not None else None
    seen = device.last_seen_at
    if (seen is not None and 0 <= (received - seen).total_seconds() < SEEN_EVERY_S
            and (offset is None or (device.clock_offset_s is not None
                                    and abs(offset - device.clock_offset_s) < CLOCK_MOVE_S))):
        return {}
    fields = {Device.last_seen_at: received}
    if offset is not None:
        fields[Device.clock_offset_s] = offset
    return fields


def record_clock(device: Device, offset_s: float, at: datetime) -> None:
    with database.atomic():
        Device.update(clock_offset_s=offset_s, last_seen_at=at).where(Device.id == device.id).execute()


class _Row:
    """What a batch needs of a dossier row (read as plain columns, not as a model)."""
    __slots__ = ("id", "uuid", "code", "commune_id", "snapshot_at", "version", "last_change", "snap", "received")

    def __init__(self, id_, uuid, code, commune_id, snapshot_at, version=0, last_change=None):
        self.id, self.uuid, self.code, self.commune_id = id_, uuid, code, commune_id
        self.snapshot_at, self.version, self.last_change = snapshot_at, version or 0, last_change
        self.snap = None


def _select_in(sql: str, values: list) -> list:
    """Rows of `sql` (with one {} for the IN list) for every value, 500 parameters at a time."""
    db = database.obj
    out = []
    for i in range(0, len(values), 500):
        chunk = values[i:i + 500]
        out.extend(db.execute_sql(sql.format(", ".join([db.param] * len(chunk))), chunk).fetchall())
    return out


def _ingest(device: Device, commune: Commune, changes: list) -> dict:
    received = now()
    received_iso = _iso(received)
    acks: dict[str, tuple[str, str]] = {}
    valid = []
    data_json = {}
    for change in changes:
        uid = change.get("uuid") if isinstance(change, dict) else None
        if not p.is_uuid(uid):
            continue          # cannot be acknowledged; the desk keeps it and will resend
        text = canonical(change.get("data")) if isinstance(change.get("data"), dict) else ""
        reason = check_change(change, commune, text)
        if reason:
            acks[uid] = (p.REJECTED, reason)
        else:
            data_json[uid] = text
            valid.append(change)
    # what is already stored, read inside the writer's transaction (so a retry racing this one
    # either sees every row of it or waits for it)
    stored = _select_in('SELECT "uuid", "digest", "stale_base" FROM "change" WHERE "uuid" IN ({})',
                        [c["uuid"] for c in valid])
    known = {u: digest for u, digest, _ in stored}
    kept_conflicts = {u for u, _, stale in stored if stale is not None}
    snaps = [c["data"]["dossier"] for c in valid if "dossier" in c["data"]]
    # a change without a snapshot may still name a dossier (a hand-made `transition`): it must be one
    # of this commune's, like a snapshot's
    named = {c["dossier_uuid"] for c in valid if "dossier" not in c["data"] and c.get("dossier_uuid")}
    d_uuids = list({s["uuid"] for s in snaps} | named)
    d_codes = list({s["code"] for s in snaps if s.get("code")})
    cols = '"id", "uuid", "code", "commune_id", "snapshot_at", "version", "last_change"'
    by_uuid, by_code = {}, {}
    if len(d_uuids) <= 250 and len(d_codes) <= 250:
        # one round trip for both lookups
        ph = database.obj.param
        where = [f'"uuid" IN ({", ".join([ph] * len(d_uuids))})']
        if d_codes:
            where.append(f'"code" IN ({", ".join([ph] * len(d_codes))})')
        found = database.obj.execute_sql(f'SELECT {cols} FROM "dossier" WHERE {" OR ".join(where)}',
                                         d_uuids + d_codes).fetchall() if d_uuids else []
        wanted = set(d_uuids)
        for r in found:
            row = _Row(*r)
            if r[1] in wanted:
                by_uuid[r[1]] = row
            if r[2] is not None:
                by_code[r[2]] = row
    else:
        for r in _select_in(f'SELECT {cols} FROM "dossier" WHERE "uuid" IN ({{}})', d_uuids):
            by_uuid[r[1]] = _Row(*r)
        for r in _select_in(f'SELECT {cols} FROM "dossier" WHERE "code" IN ({{}})', d_codes):
            by_code[r[2]] = by_uuid.get(r[1]) or _Row(*r)
    # a dossier written before the server kept last changes is ordered by version until its first
    # change after the upgrade; a change built on one the server kept as a conflict is refused too
    refused = _stored_conflicts([c["data"]["base"] for c in valid if "dossier" in c["data"] and "base" in c["data"]
                                 and getattr(by_uuid.get(c["data"]["dossier"]["uuid"]), "last_change", 1) is None])
    refused.update(uid for uid, (result, _) in acks.items() if result == p.REJECTED)
    new_changes, new_dossiers, touched = [], {}, {}
    for change in sorted(valid, key=lambda c: c["seq"]):
        uid = change["uuid"]
        digest = change_digest(change, data_json[uid])
        if uid in known:
            if known[uid] != digest:
                acks[uid] = (p.CONFLICT, "Máy chủ đã có một thay đổi cùng mã định danh nhưng nội dung khác.")
            elif uid in kept_conflicts:
                # a resend of a change kept as a conflict (its reply was lost): the same answer
                # again, or the desk would mark it synced and the clerk never see it
                refused.add(uid)
                acks[uid] = (p.CONFLICT, KEPT_CONFLICT_REASON)
            else:
                acks[uid] = (p.DUPLICATE, "")
            continue
        refused.add(uid)              # until it is stored below without a conflict
        snap = change["data"].get("dossier")
        at_iso = _iso(change["at"])
        stale, skew = None, _skew(change["at"], received)
        if snap is None and change.get("dossier_uuid"):
            row = by_uuid.get(change["dossier_uuid"])
            if row is not None and row.commune_id != commune.id:
                acks[uid] = (p.REJECTED, "Hồ sơ này thuộc một cơ quan khác.")
                continue
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
            base = change["data"].get("base_version")
            after = change["data"].get("base", _NO_BASE)
            if row is None:
                row = _Row(None, snap["uuid"], code, commune.id, at_iso, _version_of(snap), uid)
                row.snap = snap
                by_uuid[snap["uuid"]] = row
                new_dossiers[snap["uuid"]] = row
                if code:
                    by_code[code] = row
            elif _moves(row, base, snap, at_iso, after, refused):
                row.code, row.snap, row.snapshot_at = code, snap, at_iso
                row.version = max(row.version, _version_of(snap))
                row.last_change = uid
                if code:
                    by_code[code] = row
                if snap["uuid"] not in new_dossiers:
                    touched[snap["uuid"]] = row
            elif base is not None or after is not _NO_BASE:
                # made on an older version, or on a change the server did not apply: kept for both
                # desks, not applied
                stale = base if isinstance(base, int) and not isinstance(base, bool) else row.version
        known[uid] = digest
        new_changes.append((
            uid, commune.id, device.id, device.desk, change["seq"], change["kind"], at_iso,
            change.get("actor", ""), (snap or {}).get("uuid") or change.get("dossier_uuid"),
            digest, data_json[uid], received_iso, stale, skew))
        if stale is not None:
            acks[uid] = (p.CONFLICT, _stale_reason(snap, by_uuid[snap["uuid"]].version, stale))
            continue                  # stays in `refused`: a change built on it is refused too
        refused.discard(uid)
        if skew is not None:
            acks[uid] = (p.ACCEPTED, f"Thời điểm của thay đổi nhanh hơn đồng hồ máy chủ {skew:.0f} giây.")
        else:
            acks[uid] = (p.ACCEPTED, "")
    _bulk_insert("change", CHANGE_COLUMNS, new_changes)
    _bulk_insert("dossier", DOSSIER_COLUMNS, [
        (r.uuid, r.code, commune.id, r.snap["status"], _iso(r.snap["received_at"]), _iso(r.snap.get("due_at")),
         canonical(r.snap), r.snapshot_at, received_iso, *report_values(r.snap), r.version, r.last_change)
        for r in new_dossiers.values()])
    _bulk_update_dossiers([
        (r.code, r.snap["status"], _iso(r.snap["received_at"]), _iso(r.snap.get("due_at")), canonical(r.snap),
         r.snapshot_at, received_iso, *report_values(r.snap), r.version, r.last_change, r.id)
        for r in touched.values()])
    if touched:                  # a new checklist of a dossier with scans: judged again (district.digitised)
        digitised.refresh(database.obj, digitised.with_scans(database.obj, [r.id for r in touched.values()]))
    return acks


def _version_of(snap: dict) -> int:
    v = snap.get("version")
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else 0


KEPT_CONFLICT_REASON = ("Máy chủ đã lưu thay đổi này là xung đột (nó dựa trên một bản cũ của hồ sơ) và không áp "
                        "dụng. Hãy xem lại hồ sơ sau khi đồng bộ.")

_NO_BASE = object()       # a change from a desk that does not name the change it builds on


def _stored_conflicts(uuids: list) -> set:
    """Which of these changes the server keeps as conflicts (made on an older version)."""
    if not uuids:
        return set()
    return {u for (u,) in _select_in('SELECT "uuid" FROM "change" WHERE "uuid" IN ({}) '
                                     'AND "stale_base" IS NOT NULL', list(set(uuids)))}


def _stale_reason(snap: dict, server_version: int, stale: int) -> str:
    code = snap.get("code") or ""
    if stale < server_version:
        text = (f"Hồ sơ {code} đã được thay đổi ở nơi khác (phiên bản {server_version} trên máy chủ) sau phiên "
                f"bản {stale} mà thay đổi này dựa vào; thay đổi được lưu để đối chiếu nhưng không áp dụng. "
                "Hãy xem lại hồ sơ sau khi đồng bộ.")
    else:
        text = (f"Hồ sơ {code}: thay đổi này nối tiếp một thay đổi trước đó không được máy chủ áp dụng "
                f"(phiên bản {server_version} trên máy chủ là thay đổi ở nơi khác); thay đổi được lưu để đối "
                "chiếu nhưng không áp dụng. Hãy xem lại hồ sơ sau khi đồng bộ.")
    return text.replace("Hồ sơ  ", "Hồ sơ ").replace("Hồ sơ :", "Hồ sơ:")


def _moves(row: _Row, base, snap: dict, at_iso: str, after=_NO_BASE, refused: set = frozenset()) -> bool:
    """Whether a change moves the dossier row. A change that names the change it builds on
    (`data.base`) does only when that is the change the server applied last to this dossier: one
    built on a change the server did not apply (a desk's chain on its own stale copy) does not,
    whatever its version says. A dossier whose last change the server does not know (written
    before it kept it) falls back on versions, and refuses a change built on one it kept as a
    conflict. A versioned change (it names `base_version`) moves the row when made on the version
    the server holds, or on a later one of its own desk's chain; a change made on an older version
    does not, whatever its time says. A change that changes no state (a print) never does. Only a
    desk from before versions (no version in its snapshot) is still ordered by its own time."""
    if after is not _NO_BASE and row.last_change is not None:
        return after == row.last_change
    if after is not _NO_BASE and after in refused:
        return False
    if isinstance(base, int) and not isinstance(base, bool):
        return base >= row.version
    if "version" in snap:
        return False
    return _later_or_same(at_iso, row.snapshot_at)


def _skew(at: str, received: datetime) -> float | None:
    """How far ahead of the server's clock a change's time lies, when beyond the tolerance."""
    ahead = (datetime.fromisoformat(at) - received).total_seconds()
    return round(ahead, 1) if ahead > CLOCK_TOLERANCE_S else None


def _later_or_same(a: str, b: str) -> bool:
    """a >= b for two stored instants (text in one zone and one format sorts as time does)."""
    if len(a) == len(b):
        return a >= b
    return datetime.fromisoformat(a) >= datetime.fromisoformat(b)


CHANGE_COLUMNS = ("uuid", "commune_id", "device_id", "desk", "local_seq", "kind", "at", "actor",
                  "dossier_uuid", "digest", "data", "received_at", "stale_base", "clock_skew_s")
DOSSIER_COLUMNS = ("uuid", "code", "commune_id", "status", "received_at", "due_at", "snapshot",
                   "snapshot_at", "updated_at") + REPORT_COLUMNS + ("version", "last_change")


# ---- the desk's audit chain ------------------------------------------------------------------

def _audit_claim(claim) -> dict | None:
    if not isinstance(claim, dict):
        return None
    seq, digest = claim.get("seq"), claim.get("hash")
    if not (isinstance(seq, int) and seq > 0 and isinstance(digest, str) and len(digest) == 64):
        return None
    base_seq, base_hash = claim.get("base_seq"), claim.get("base_hash")
    return {"seq": seq, "hash": digest, "base_seq": base_seq if isinstance(base_seq, int) else None,
            "base_hash": base_hash if isinstance(base_hash, str) else None}


def audit_continuity(device: Device, claim) -> dict | None:
    """Check that the desk's audit chain still holds the head this server saw last: the desk
    sends its head and its own hash of the entry at the server's head (base). {"seq", "status"}:
    ok (the head moved on), base_needed (tell the server's head first), broken (the desk's
    history behind the server's head differs: rewritten, truncated or restored from an old copy)."""
    from commune_desk.district.models import DeskAudit
    head = _audit_claim(claim)
    if head is None:
        return None
    at = now()
    with database.atomic():
        row = DeskAudit.get_or_none(DeskAudit.device == device.id)
        if row is None:
            DeskAudit.create(device=device.id, head_seq=head["seq"], head_hash=head["hash"], updated_at=at)
            return {"seq": head["seq"], "status": "ok"}
        if row.broken_at is not None:
            # what the desk holds now: the server follows on from it once staff review the flag
            if (row.claim_seq, row.claim_hash) != (head["seq"], head["hash"]):
                DeskAudit.update(claim_seq=head["seq"], claim_hash=head["hash"]).where(
                    DeskAudit.device == device.id).execute()
            return {"seq": row.head_seq, "status": "broken"}
        if head["base_seq"] != row.head_seq:
            return {"seq": row.head_seq, "status": "base_needed"}
        if head["base_hash"] != row.head_hash or head["seq"] < row.head_seq:
            note = (f"desk {device.id}: entry {row.head_seq} was {row.head_hash[:16]}…, now "
                    f"{(head['base_hash'] or 'missing')[:16]}…; desk head {head['seq']}")
            DeskAudit.update(broken_at=at, broken_note=note, claim_seq=head["seq"], claim_hash=head["hash"]).where(
                DeskAudit.device == device.id).execute()
            log.warning("audit chain broken: %s", note)
            return {"seq": row.head_seq, "status": "broken"}
        if head["seq"] != row.head_seq or head["hash"] != row.head_hash:
            DeskAudit.update(head_seq=head["seq"], head_hash=head["hash"], updated_at=at).where(
                DeskAudit.device == device.id).execute()
        return {"seq": head["seq"], "status": "ok"}
