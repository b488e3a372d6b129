"""The server refuses what no database can store with a reason (quarantine on the desk), never a
500 that the desk would retry for ever."""

import uuid

from commune_desk.district.ingest import canonical, check_change
from commune_desk.district.models import Commune


def change(data, actor="Trần Thị Lan"):
    return {"uuid": str(uuid.uuid4()), "seq": 1, "kind": "audit", "at": "2026-11-23T09:32:00+07:00",
            "actor": actor, "data": data}


def test_lone_surrogates_are_rejected_with_a_reason():
    commune = Commune(agency_code="000.30.36.H26", name="UBND xã Phúc Lợi")
    bad = change({"note": "Nguy\ud800ễn"})
    assert "không phải Unicode chuẩn" in check_change(bad, commune, canonical(bad["data"]))
    assert check_change(change({}, actor="L\udfffan"), commune, "{}") == "Người thực hiện không hợp lệ."
    good = change({"note": "Nguyễn Văn Đạt"})
    assert check_change(good, commune, canonical(good["data"])) is None
