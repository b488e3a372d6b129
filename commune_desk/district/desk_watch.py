"""What the server knows about a commune's desks that district staff should see: a desk whose
audit history was changed behind what the server had seen (desk_audit, ingest.audit_continuity)
and a desk whose clock is off (the offset measured at its last push). The dashboard shows a short
flag per commune; the commune's page says it per desk.

A clock flag goes by itself: the next push measures the clock again. An audit flag stays until a
district administrator has looked into it and marks it reviewed with a note (`acknowledge`): the
review is kept (flag_review) and logged (admin_log), and the server follows the desk's chain on
from the head the desk showed last, so a later rewrite flags again."""

from dataclasses import dataclass
from datetime import datetime

from commune_desk.district import admin
from commune_desk.district.models import Change, DeskAudit, Device, FlagReview, Staff, database
from commune_desk.errors import NotAllowed, NotFound
from commune_desk.rules import clock
from commune_desk.rules.office_calendar import local
from commune_desk.rules.text import clean

NOTE_MAX = 500


@dataclass
class DeskState:
    device: Device
    audit: DeskAudit | None
    fast: tuple[int, datetime | None] = (0, None)     # fast_changes(): filled for the commune's page
    reviews: tuple = ()                               # FlagReview rows, oldest first: the commune's page

    @property
    def active(self) -> bool:
        return self.device.revoked_at is None

    @property
    def clock(self) -> str | None:
        """«Đồng hồ máy nhanh 3 ngày», or None when its clock was right at its last push."""
        return clock.skew(self.device.clock_offset_s)

    @property
    def audit_broken_at(self) -> datetime | None:
        return self.audit.broken_at if self.audit is not None else None

    @property
    def audit_seq(self) -> int | None:
        """The entry the server had seen last: the desk's history up to it is no longer what it was."""
        return self.audit.head_seq if self.audit is not None else None

    def flags(self) -> list[str]:
        """The dashboard's short words for this desk (a revoked desk says nothing there)."""
        if not self.active:
            return []
        said = []
        if self.audit_broken_at is not None:
            said.append(f"Nhật ký bị sửa đến mục {self.audit_seq} (quầy {self.device.desk})")
        if self.clock:
            said.append(f"{self.clock} (quầy {self.device.desk})")
        return said


def desks(commune_id: int | None = None) -> list[DeskState]:
    """Every desk (of one commune), in the order they enrolled."""
    query = Device.select().order_by(Device.commune, Device.desk, Device.id)
    if commune_id is not None:
        query = query.where(Device.commune == commune_id)
    devices = list(query)
    audits = {a.device_id: a for a in DeskAudit.select().where(DeskAudit.device.in_([d.id for d in devices]))} \
        if devices else {}
    return [DeskState(d, audits.get(d.id)) for d in devices]


def flags_by_commune() -> dict[int, list[str]]:
    """{commune_id: [«Nhật ký bị sửa đến mục 42 (quầy 1)», «Đồng hồ máy nhanh 3 ngày (quầy 2)»]},
    only communes with something to say."""
    found: dict[int, list[str]] = {}
    for state in desks():
        said = state.flags()
        if said:
            found.setdefault(state.device.commune_id, []).extend(said)
    return found


def with_reviews(states: list[DeskState]) -> list[DeskState]:
    """The states with each desk's reviewed flags (oldest first)."""
    found: dict[int, list] = {}
    ids = [s.device.id for s in states]
    if ids:
        for r in FlagReview.select().where(FlagReview.device.in_(ids)).order_by(FlagReview.id):
            found.setdefault(r.device_id, []).append(r)
    for state in states:
        state.reviews = tuple(found.get(state.device.id, ()))
    return states


def acknowledge(device_id, staff: Staff, note: str, commune_id: int | None = None,
                at: datetime | None = None) -> FlagReview:
    """Mark a desk's audit flag reviewed: the dashboard no longer shows it, the review stays on the
    commune's page and in the server's log. From then on the server follows the desk's chain from
    the head the desk showed at its last push (or, if it showed none since the flag, from its next
    push), so a rewrite after this flags again."""
    note = clean(note, label="Ghi chú xem xét", max_len=NOTE_MAX, required=True, field="note")
    text = str(device_id)
    device = Device.get_or_none(Device.id == int(text)) if text.isascii() and text.isdigit() and len(text) < 19 \
        else None
    if device is None or (commune_id is not None and device.commune_id != commune_id):
        raise NotFound("Không có quầy này ở xã/phường này trên máy chủ.")
    at = at or admin.now()
    with database.atomic():
        row = DeskAudit.get_or_none(DeskAudit.device == device.id)
        if row is None or row.broken_at is None:
            raise NotAllowed(f"Quầy {device.desk} không có cờ nhật ký nào chờ xem xét (có thể người khác vừa "
                             "đánh dấu đã xem xét).")
        review = FlagReview.create(device=device.id, kind="audit", flagged_at=row.broken_at, head_seq=row.head_seq,
                                   note=note, reviewed_at=at, staff=staff.id, staff_name=staff.name or staff.username)
        same = (DeskAudit.device == device.id) & (DeskAudit.broken_at == row.broken_at)
        if row.claim_seq is not None and row.claim_hash:
            DeskAudit.update(head_seq=row.claim_seq, head_hash=row.claim_hash, updated_at=at, broken_at=None,
                             broken_note="", claim_seq=None, claim_hash=None).where(same).execute()
        else:
            DeskAudit.delete().where(same).execute()      # its next push sets the head afresh
        admin.log_action(staff, "xem-xet-co-nhat-ky", f"{device.commune.agency_code} quầy {device.desk}",
                         f"nhật ký bị sửa đến mục {row.head_seq}, phát hiện lúc {local(row.broken_at):%H:%M ngày %d/%m/%Y}: "
                         f"{note}", at)
    return review


def fast_changes(device: Device) -> tuple[int, datetime | None]:
    """How many of the desk's changes the server received with a time ahead of its own clock
    (beyond the tolerance), and when the latest of them arrived."""
    query = Change.select().where(Change.device == device.id, Change.clock_skew_s.is_null(False))
    latest = query.order_by(Change.id.desc()).first()
    return query.count(), latest.received_at if latest is not None else None
