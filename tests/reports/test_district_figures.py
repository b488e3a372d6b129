"""The district counts the same figures as the rule, on SQLite and PostgreSQL, and says them in
`commune-district report` for what desks pushed."""

import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings

from commune_desk.rules.report import build_report
from commune_desk.rules.statuses import Status
from commune_desk.sync import run_pass
from harness import Clock, enroll, intake, make_desk, pg_cluster, sync_options

from .generated import AGENCY, NOW, PERIOD, snapshots


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def district(request, tmp_path_factory):
    from commune_desk.district import db as district_db
    from commune_desk.district.admin import add_commune
    url = (pg_cluster().new_database() if request.param == "postgresql"
           else f"sqlite:///{tmp_path_factory.mktemp('district') / 'd.sqlite3'}")
    db = district_db.open_database(url, pool_size=2)
    with db.connection_context():
        commune, _, _ = add_commune(AGENCY, "UBND xã Phúc Lợi")
        other, _, _ = add_commune("000.30.36.H27", "UBND xã An Bình")
        yield db, commune.id, other.id
    if hasattr(db, "close_all"):
        db.close_all()


def fill(db, commune_id, other_id, snaps):
    from commune_desk.district.figures import REPORT_COLUMNS, report_values
    from commune_desk.district.models import Dossier
    with db.atomic():
        Dossier.delete().execute()
        for s in snaps:
            Dossier.insert(uuid=s["uuid"], code=s["code"], commune=commune_id, status=s["status"],
                           received_at=s["received_at"], due_at=s["due_at"], snapshot=s, snapshot_at=s["received_at"],
                           updated_at=s["received_at"], **dict(zip(REPORT_COLUMNS, report_values(s)))).execute()
        # another commune's dossier must not count
        s = dict(snaps[0], uuid="0" * 8 + "-0000-4000-8000-" + "0" * 12, code=None) if snaps else None
        if s:
            Dossier.insert(uuid=s["uuid"], code=None, commune=other_id, status=s["status"],
                           received_at=s["received_at"], snapshot=s, snapshot_at=s["received_at"],
                           updated_at=s["received_at"], **dict(zip(REPORT_COLUMNS, report_values(s)))).execute()


def _figures(report):
    out = report.to_dict()
    out.pop("overdue")
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(snaps=snapshots())
def test_the_district_sql_agrees_with_the_rule(district, snaps):
    from commune_desk.district.figures import all_communes, commune_report
    db, commune_id, other_id = district
    fill(db, commune_id, other_id, snaps)
    expected = build_report(snaps, *PERIOD, NOW)
    got = commune_report(db, commune_id, *PERIOD, NOW)
    assert _figures(got) == _figures(expected)
    assert [o.code for o in got.overdue] == [o.code for o in expected.overdue]
    everyone, overdue = all_communes(db, *PERIOD, NOW)
    if commune_id in everyone:
        assert _figures(everyone[commune_id]) == _figures(expected)
    assert [o.code for _, o in overdue] == [o.code for o in expected.overdue]
    for key, label, group in commune_report(db, commune_id, *PERIOD, NOW, by="field"):
        assert _figures(group) == _figures(build_report([s for s in snaps if s["field"] == key], *PERIOD, NOW))


def test_commune_district_report_says_what_the_desk_pushed(server, tmp_path):
    clock = Clock("2026-11-02 09:00")
    desk = make_desk(tmp_path / "d", 1, clock=clock, agency=server.agency)
    try:
        enroll(desk, server, server.add_commune())
        dossiers = intake(desk, 3) + intake(desk, 1, procedure="CT-CK")
        clock.set("2026-11-03 10:00")
        desk.advance(dossiers[0].code, Status.RESOLVED, note="Đã ký")
        desk.handover(dossiers[0].code, rating="rat-hai-long")
        run_pass(desk, sync_options(server.url))
        args = ["report", "--agency-code", server.agency, "--from", "2026-11-01", "--to", "2026-11-30",
                "--now", "2026-12-01T08:00:00+07:00"]
        got = json.loads(server.admin(*args, "--json"))
        mine = desk.report(datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date(),
                           now=datetime.fromisoformat("2026-12-01T08:00:00+07:00")).to_dict()
        for key in ("received", "new", "resolved", "resolved_early", "resolved_on_time", "resolved_late",
                    "open_in_time", "open_overdue", "online", "by_post", "ratings", "rating_average", "on_time_rate"):
            assert got[key] == mine[key], key
        assert (got["received"], got["resolved"], got["open_overdue"], got["ratings"]) == (4, 1, 3, 1)
        split = json.loads(server.admin(*args, "--by", "field", "--json"))
        assert {g["label"]: g["received"] for g in split["groups"]} == {"Hộ tịch": 3, "Chứng thực": 1}
        text = server.admin(*args)
        assert "Tổng số tiếp nhận" in text and "100,00 %" in text
    finally:
        desk.close()
