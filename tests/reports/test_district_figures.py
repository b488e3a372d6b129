"""The district counts the same figures as the rule, on SQLite and PostgreSQL, and says them in
`commune-district report` for what desks pushed."""

import json
import uuid
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commune_desk.district.figures import day_counts_drift
from commune_desk.rules.report import build_report, from_counts, judged_at
from commune_desk.rules.statuses import Status
from commune_desk.sync import run_pass
from harness import Clock, enroll, intake, make_desk, pg_cluster, sync_options

from .generated import AGENCY, NOW, PERIOD, snapshot, snapshots


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


# the running period (judged now), periods that ended (judged at their end), a single day, the
# day of `now`, a whole year
PERIODS = [PERIOD, (date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 10), date(2026, 3, 10)),
           (NOW.date(), NOW.date()), (date(2026, 1, 1), date(2026, 12, 31))]


def agrees_with_the_rule(db, commune_id, snaps, periods=PERIODS):
    """Every figure of the commune and of the dashboard, and the overdue lists, as the rule says."""
    from commune_desk.district.figures import all_communes, commune_report, day_counts_drift
    assert day_counts_drift(db) == []
    for period in periods:
        expected = build_report(snaps, *period, NOW)
        got = commune_report(db, commune_id, *period, NOW)
        assert _figures(got) == _figures(expected), period
        assert [o.code for o in got.overdue] == [o.code for o in expected.overdue], period
        everyone, overdue = all_communes(db, *period, NOW)
        assert _figures(everyone.get(commune_id) or from_counts({}, *period, judged_at(period[1], NOW))) == \
            _figures(expected), period
        assert [o.code for _, o in overdue] == [o.code for o in expected.overdue], period


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(snaps=snapshots())
def test_the_district_sql_agrees_with_the_rule(district, snaps):
    from commune_desk.district.figures import commune_report
    db, commune_id, other_id = district
    fill(db, commune_id, other_id, snaps)
    agrees_with_the_rule(db, commune_id, snaps)
    for by, key_of in (("field", lambda s: s["field"]), ("procedure", lambda s: s["procedure_id"]),
                       ("clerk", lambda s: s["clerk"]), ("channel", lambda s: str(s["channel"]))):
        for key, label, group in commune_report(db, commune_id, *PERIOD, NOW, by=by):
            assert _figures(group) == _figures(build_report([s for s in snaps if key_of(s) == key], *PERIOD, NOW))


# ---- through ingest: dossiers that change after they were counted --------------------------------

EDITS = ["apply", "apply", "stale", "resend", "status", "crash"]


@st.composite
def histories(draw):
    """Dossiers pushed by a desk, then changes to them: applied on the version the server holds,
    made on an older one (a conflict, kept but not applied), a batch sent again, a status set
    upstream, a push whose transaction fails after its writes (and is sent again)."""
    first = draw(snapshots(max_size=20))
    edits = draw(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 10 ** 6), snapshot(99),
                                    st.sampled_from([2, 4, 5, 6, 7, 8, 9, 10])), max_size=12))
    return first, edits


class _Crash(Exception):
    pass


def _change(snap, seq, base=None):
    data = {"dossier": snap}
    if base is not None:
        data["base_version"] = base
    return {"uuid": str(uuid.uuid4()), "seq": seq, "kind": "dossier", "at": "2026-03-20T10:00:00+07:00",
            "actor": "Trần Thị Lan", "dossier_uuid": snap["uuid"], "data": data}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_figures_follow_every_change_ingest_and_upstream_make(district, history, monkeypatch):
    from commune_desk.district import ingest, publish
    from commune_desk.district.admin import enroll, issue_code
    from commune_desk.district.models import Change, Commune, Device, Dossier
    from commune_desk.errors import DeskError
    db, commune_id, other_id = district
    fill(db, commune_id, other_id, [])
    commune = Commune.get_by_id(commune_id)
    with db.atomic():
        Change.delete().execute()
    device = Device.get_or_none(Device.commune == commune_id) or enroll(issue_code(AGENCY), AGENCY, 1, "Quầy 1")[0]
    monkeypatch.setattr(publish, "now", lambda: NOW)
    first, edits = history
    seq = iter(range(1, 10 ** 6))
    batch = [_change(dict(s, version=1), next(seq), base=0) for s in first]
    assert all(r == "accepted" for r, _ in ingest.ingest(device, commune, batch, None).values())
    sent = [batch]
    for what, pick, drawn, status in edits:
        if not first:
            break
        target = first[pick % len(first)]
        row = Dossier.get(Dossier.uuid == target["uuid"])
        if what == "resend":
            ingest.ingest(device, commune, sent[pick % len(sent)], None)
            continue
        if what == "status":
            if row.code:
                try:
                    publish.publish_status(row.code, status)
                except DeskError:
                    pass            # not a transition the status allows
            continue
        snap = dict(drawn, uuid=target["uuid"], code=target["code"], version=row.version + 1)
        if target["code"] is None:
            snap["outcome"] = target["outcome"]
        change = _change(snap, next(seq), base=row.version - 1 if what == "stale" else row.version)
        if what == "crash":
            def fail(*args):
                raise _Crash()
            with monkeypatch.context() as m:
                m.setattr(ingest, "_device_news", fail)
                with pytest.raises(_Crash):
                    ingest.ingest(device, commune, [change], None)
            # nothing of it stayed, the figures included
            assert Dossier.get(Dossier.uuid == target["uuid"]).version == row.version
            assert day_counts_drift(db) == []
        ingest.ingest(device, commune, [change], None)
        sent.append([change])
    stored = [json.loads(r.snapshot) if isinstance(r.snapshot, str) else r.snapshot
              for r in Dossier.select().where(Dossier.commune == commune_id)]
    agrees_with_the_rule(db, commune_id, stored)


def test_the_upgrade_counts_the_dossiers_already_there(tmp_path):
    """A database from before 0018 with dossiers: the upgrade fills report_day from them."""
    from playhouse.migrations import Runner

    from commune_desk.district import db as district_db
    from commune_desk.district.admin import add_commune
    from commune_desk.district.figures import commune_report, day_counts_drift
    from commune_desk.district.models import database
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = district_db.connect(url)
    old.connect()
    Runner(old, str(district_db.MIGRATIONS_DIR)).up(target="0017_report_index")
    database.initialize(old)
    commune, _, _ = add_commune(AGENCY, "UBND xã Phúc Lợi")
    snaps = [{**s, "uuid": str(uuid.UUID(int=i + 1))} for i, s in enumerate(
        [dict(SAMPLE, code=f"{AGENCY}-260305-{i + 1:04d}") for i in range(3)])]
    fill(old, commune.id, commune.id, snaps)
    old.close()
    db = district_db.open_database(url, pool_size=2)
    with db.connection_context():
        assert day_counts_drift(db) == []
        got = commune_report(db, commune.id, *PERIOD, NOW)
        assert _figures(got) == _figures(build_report(snaps, *PERIOD, NOW))
        assert got.new == 3


SAMPLE = {"outcome": "accepted", "status": 10, "procedure_id": "HT-KS", "procedure_name": "Đăng ký khai sinh",
          "field": "Hộ tịch", "clerk": "Trần Thị Lan", "channel": 2, "return_by": "post", "extended": False,
          "rating": "hai-long", "received_at": "2026-03-05T08:00:00+07:00", "due_at": "2026-03-10T17:00:00+07:00",
          "resolved_at": "2026-03-09T10:00:00+07:00", "returned_at": "2026-03-09T15:00:00+07:00",
          "clock_stopped_at": None, "applicant_name": "Nguyễn Văn An", "agency_code": AGENCY}


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
        # counted once already: later changes move the figures, a pull and another pass add nothing
        clock.set("2026-11-20 10:00")
        desk.advance(dossiers[1].code, Status.RESOLVED, note="Đã ký")
        desk.advance(dossiers[2].code, Status.WITHDRAWN, note="Công dân rút")
        run_pass(desk, sync_options(server.url))
        server.admin("status", "--code", dossiers[3].code, "--status", "9")       # resolved upstream
        run_pass(desk, sync_options(server.url))
        run_pass(desk, sync_options(server.url))
        got = json.loads(server.admin(*args, "--json"))
        mine = desk.report(datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date(),
                           now=datetime.fromisoformat("2026-12-01T08:00:00+07:00")).to_dict()
        for key in ("received", "resolved", "resolved_late", "open", "open_in_time", "open_overdue", "withdrawn",
                    "ratings"):
            assert got[key] == mine[key], key
        # (the upstream change is stamped with the server's clock: in the period or after it)
        assert (got["received"], got["resolved"] + got["open"], got["withdrawn"]) == (4, 3, 1)
        assert "khớp" in server.admin("recount", "--check")
    finally:
        desk.close()


def test_recount_puts_back_day_counts_written_around_the_triggers(tmp_path, capsys):
    """Rows written with the triggers off (a data-only restore, a hand-made fix): `recount --check`
    says so (exit 1) and `recount` counts the days again; the report is right again."""
    from commune_desk.district import db as district_db
    from commune_desk.district.admin import add_commune
    from commune_desk.district.cli import main
    from commune_desk.district.figures import commune_report
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    db = district_db.open_database(url, pool_size=2)
    with db.connection_context():
        commune, _, _ = add_commune(AGENCY, "UBND xã Phúc Lợi")
        snaps = [{**SAMPLE, "uuid": str(uuid.UUID(int=i + 1)), "code": f"{AGENCY}-260305-{i + 1:04d}"}
                 for i in range(2)]
        fill(db, commune.id, commune.id, snaps)
        db.execute_sql("UPDATE report_day SET r_coded = r_coded + 5 WHERE r_coded > 0")
        assert commune_report(db, commune.id, *PERIOD, NOW).new == 7
    capsys.readouterr()
    assert main(["--db", url, "recount", "--check", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"days_differing": 1, "recounted": False}
    assert main(["--db", url, "recount"]) == 0
    assert "1 ngày đã lệch" in capsys.readouterr().out
    assert main(["--db", url, "recount", "--check"]) == 0
    assert "khớp" in capsys.readouterr().out
    db = district_db.open_database(url, pool_size=2)
    with db.connection_context():
        got = commune_report(db, commune.id, *PERIOD, NOW)
        assert _figures(got) == _figures(build_report(snaps, *PERIOD, NOW)) and got.new == 2
