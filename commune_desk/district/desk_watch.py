"""What the server knows about a commune's desks that district staff should see: a desk whose
audit history was changed behind what the server had seen (desk_audit, ingest.audit_continuity)
and a desk whose clock is off (the offset measured at its last push). The dashboard shows a short
flag per commune; the commune's page says it per desk."""

from dataclasses import dataclass
from datetime import datetime

from commune_desk.district.models import Change, DeskAudit, Device
from commune_desk.rules import clock


@dataclass
class DeskState:
    device: Device
    audit: DeskAudit | None
    fast: tuple[int, datetime | None] = (0, None)     # fast_changes(): filled for the commune's page

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


def fast_changes(device: Device) -> tuple[int, datetime | None]:
    """How many of the desk's changes the server received with a time ahead of its own clock
    (beyond the tolerance), and when the latest of them arrived."""
    query = Change.select().where(Change.device == device.id, Change.clock_skew_s.is_null(False))
    latest = query.order_by(Change.id.desc()).first()
    return query.count(), latest.received_at if latest is not None else None
