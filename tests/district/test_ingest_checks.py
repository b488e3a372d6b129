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


def test_a_transition_naming_another_communes_dossier_is_rejected(server, tmp_path):
    """A hand-made change without a snapshot, naming a dossier of another commune, is rejected
    like a snapshot of another commune's dossier is; naming one's own is accepted."""
    from datetime import datetime

    import requests

    from commune_desk.rules.office_calendar import TZ
    from commune_desk.sync import protocol as p
    from commune_desk.sync import run_pass
    from commune_desk.sync.token import load_token
    from harness import enroll, intake, make_desk, sync_options, unique_agency
    victim, attacker = make_desk(tmp_path / "victim", 1, agency=server.agency), make_desk(
        tmp_path / "attacker", 1, agency=unique_agency())
    try:
        enroll(victim, server, server.add_commune())
        enroll(attacker, server, server.add_commune(attacker.config().agency_code, "UBND xã Khác"))
        [theirs] = intake(victim, 1)
        [mine] = intake(attacker, 1)
        run_pass(victim, sync_options(server.url))
        run_pass(attacker, sync_options(server.url))
        token = load_token(attacker.data_dir)["token"]

        def push(dossier_uuid):
            ch = {"uuid": str(uuid.uuid4()), "seq": 9000, "kind": "transition", "at": "2026-11-23T10:00:00+07:00",
                  "actor": "Kẻ gian", "dossier_uuid": dossier_uuid, "data": {"from_status": 2, "to_status": 9}}
            batch = str(uuid.uuid4())
            r = requests.post(server.url + p.PUSH_PATH, data=p.encode_push(batch, datetime.now(TZ), [ch]),
                              headers={"Authorization": f"Bearer {token}", "Content-Type": p.JSON_TYPE,
                                       "Content-Encoding": "gzip"}, timeout=10)
            assert r.status_code == 200
            return r.json()["acks"][0]

        ack = push(theirs.uuid)
        assert ack["result"] == "rejected" and ack["reason"] == "Hồ sơ này thuộc một cơ quan khác."
        assert push(mine.uuid)["result"] == "accepted"
        assert server.query("SELECT count(*) FROM change WHERE dossier_uuid = %s AND kind = 'transition'",
                            (theirs.uuid,)) == [(0,)]
    finally:
        victim.close()
        attacker.close()

