"""Generated dossiers for the report tests: snapshots around a period, edge instants included
(the period's bounds, the judging instant, a due instant finished to the second)."""

import uuid
from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from commune_desk.rules.office_calendar import TZ

PERIOD = (date(2026, 3, 1), date(2026, 3, 31))
NOW = datetime(2026, 3, 20, 10, 0, tzinfo=TZ)          # the period is still running: judged now
BASE = datetime(2026, 2, 20, 0, 0, tzinfo=TZ)
EDGES = [datetime(2026, 3, 1, tzinfo=TZ), datetime(2026, 4, 1, tzinfo=TZ), NOW,
         datetime(2026, 3, 10, 17, 0, tzinfo=TZ)]
AGENCY = "000.30.36.H26"
FIELDS = {"HT-KS": "Hộ tịch", "HT-XNHN": "Hộ tịch", "CT-CK": "Chứng thực"}


def instants():
    hours = st.integers(0, 24 * 55).map(lambda h: BASE + timedelta(hours=h))
    return st.one_of(hours, st.sampled_from(EDGES))


@st.composite
def snapshot(draw, n: int = 0):
    received = draw(instants())
    outcome = draw(st.sampled_from(["accepted"] * 6 + ["supplement", "refused"]))
    coded = outcome == "accepted"
    due = draw(st.one_of(st.none(), instants(), st.just(received + timedelta(days=3)))) if coded else None
    resolved = draw(st.one_of(st.none(), instants(), st.just(due))) if coded else None
    returned = draw(st.one_of(st.none(), instants())) if coded else None
    status = (draw(st.sampled_from([2, 4, 5, 6, 7, 8, 9, 10])) if coded
              else (5 if outcome == "supplement" else 3))
    stopped = draw(st.one_of(st.none(), instants())) if status == 5 else None
    procedure = draw(st.sampled_from(sorted(FIELDS)))

    def iso(t):
        return t.isoformat(timespec="seconds") if t else None
    return {
        "uuid": str(uuid.UUID(int=draw(st.integers(0, 2 ** 64)) * 65536 + n)),
        "code": f"{AGENCY}-{received:%y%m%d}-{n + 1:04d}" if coded else None,
        "outcome": outcome, "status": status, "procedure_id": procedure, "procedure_name": procedure,
        "field": FIELDS[procedure], "clerk": draw(st.sampled_from(["Trần Thị Lan", "Lê Văn Hải", ""])),
        "channel": draw(st.sampled_from([1, 2, 3])), "return_by": draw(st.sampled_from(["counter", "post"])),
        "extended": draw(st.booleans()), "rating": draw(st.sampled_from(["", "rat-hai-long", "hai-long",
                                                                           "khong-hai-long"])),
        "received_at": iso(received), "due_at": iso(due), "resolved_at": iso(resolved),
        "returned_at": iso(returned), "clock_stopped_at": iso(stopped),
        "applicant_name": "Nguyễn Văn An", "agency_code": AGENCY,
    }


@st.composite
def snapshots(draw, max_size: int = 40):
    size = draw(st.integers(0, max_size))
    return [draw(snapshot(i)) for i in range(size)]


DESK_COLUMNS = ("uuid", "code", "outcome", "status", "procedure_id", "procedure_name", "field", "clerk", "channel",
                "return_by", "extended", "rating", "received_at", "due_at", "resolved_at", "returned_at",
                "clock_stopped_at", "applicant_name", "agency_code")


def fill_desk(desk, snaps) -> None:
    """Replace the desk file's dossiers by these snapshots (columns as the desk stores them)."""
    from commune_desk.store.models import Dossier
    with desk.using(), desk.db.atomic():
        Dossier.delete().execute()
        for s in snaps:
            Dossier.insert(**{k: s[k] for k in DESK_COLUMNS}, procedure_days=3, desk=1, name_folded="nguyen van an",
                           created_at=s["received_at"], updated_at=s["received_at"]).execute()
