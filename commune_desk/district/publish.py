"""What the upstream publishes for desks to pull: catalog and fee updates, calendar overrides,
status changes made upstream. Each is one Publication row, pulled in id order."""

import uuid
from datetime import date

from commune_desk.catalog import parse_catalog
from commune_desk.district import db as district_db, digitised
from commune_desk.district.admin import get_commune, now
from commune_desk.district.figures import REPORT_COLUMNS, report_values
from commune_desk.district.models import Dossier, Publication, database
from commune_desk.errors import InvalidInput, NotFound
from commune_desk.rules import dates
from commune_desk.rules.codes import parse_code
from commune_desk.rules.statuses import Status, check_transition, parse_status
from commune_desk.rules.text import clean


def _publish(kind: str, data: dict, agency_code: str | None) -> Publication:
    commune = get_commune(agency_code) if agency_code else None
    with database.atomic():
        district_db.publication_lock(database.obj)
        return Publication.create(uuid=str(uuid.uuid4()), commune=commune, kind=kind, data=data, at=now())


def publish_catalog(raw: dict, agency_code: str | None = None) -> Publication:
    catalog = parse_catalog(raw)        # refuse a bad catalog here, not on every desk
    for entry in catalog["procedures"]:
        entry.pop("name_folded", None)
    return _publish("catalog", catalog, agency_code)


def publish_fee(procedure_id: str, fee: int, fee_note: str = "", agency_code: str | None = None) -> Publication:
    pid = clean(procedure_id, label="Mã thủ tục", max_len=40, required=True, field="procedure").upper()
    if fee < 0:
        raise InvalidInput("Lệ phí phải là số tiền (đồng) không âm.", "fee")
    return _publish("fee", {"procedure_id": pid, "fee": fee,
                            "fee_note": clean(fee_note, label="Ghi chú lệ phí", max_len=1000)}, agency_code)


def publish_calendar(day: date, working: bool | None, note: str = "", agency_code: str | None = None) -> Publication:
    """working None clears an upstream override of that day."""
    return _publish("calendar", {"day": day.isoformat(), "working": working,
                                 "note": clean(note, label="Ghi chú ngày", max_len=200)}, agency_code)


def publish_status(code: str, status: int, note: str = "") -> Publication:
    parsed = parse_code(code)
    target = parse_status(status)
    note = clean(note, label="Ghi chú", max_len=1000)
    at = now()
    with database.atomic():
        district_db.publication_lock(database.obj)
        found = Dossier.get_or_none(Dossier.code == str(parsed))
        if found is None:
            raise NotFound(f"Máy chủ chưa có hồ sơ {parsed}.")
        # one writer of the commune's dossiers at a time, as ingest (its report_day rows change with
        # the row, by trigger), and the row as it stands once the lock is held
        with district_db.commune_lock(database.obj, found.commune_id):
            return _move(Dossier.get_by_id(found.id), target, note, at)


def _move(row: Dossier, target: Status, note: str, at) -> Publication:
    check_transition(Status(row.status), target)
    snap = dict(row.snapshot)
    snap["status"] = int(target)
    snap["version"] = (row.version or 0) + 1        # an upstream change is a version too
    iso = at.isoformat(timespec="seconds")
    if target == Status.RESOLVED and not snap.get("resolved_at"):
        snap["resolved_at"] = iso
    if target == Status.RETURNED:
        snap["returned_at"] = iso
        snap["resolved_at"] = snap.get("resolved_at") or iso
    published = str(uuid.uuid4())                   # the change the dossier was last moved by
    Dossier.update(status=int(target), snapshot=snap, snapshot_at=at, updated_at=at, version=snap["version"],
                   last_change=published,
                   **dict(zip(REPORT_COLUMNS, report_values(snap)))).where(Dossier.id == row.id).execute()
    digitised.refresh(database.obj, [row.id])
    return Publication.create(uuid=published, commune=row.commune_id, kind="status",
                              data={"dossier": snap, "status": int(target), "note": note}, at=at)


def parse_day(text: str) -> date:
    return dates.parse_day(text, "day", f"Ngày «{text}» không hợp lệ (dạng 2026-09-01 hoặc 01/09/2026).")
