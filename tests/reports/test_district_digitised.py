"""The dashboard's digitised share is the rule's (rules.digitise) on SQLite and PostgreSQL: the
verdict kept per dossier and the day counts kept by triggers follow every write that changes
what the rule reads (a new checklist pushed, a status set upstream, a scan linked, a file that
arrives whole), and nothing is counted twice or lost (tests/district/test_dashboard_digitised.py:
the dashboard of a real server says it)."""

import json
import uuid
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commune_desk.rules.digitise import Share, is_digitised
from commune_desk.rules.report import period_bounds

from .generated import AGENCY, NOW, snapshot
from .test_district_figures import PERIODS, district  # noqa: F401  (the fixture: both databases)

CHECKLIST = [{"name": "Tờ khai đăng ký khai sinh"}, {"name": "Giấy chứng sinh"},
             {"name": "Văn bản uỷ quyền (nếu nộp thay)"}, {"name": "Bản sao CCCD; nếu không có thì giấy tờ khác"}]
FILES = [f"{i:02x}" * 32 for i in range(1, 6)]          # five files, some shared by several dossiers


@st.composite
def with_checklist(draw, n):
    snap = draw(snapshot(n))
    docs = draw(st.lists(st.sampled_from(CHECKLIST), max_size=4, unique_by=lambda d: d["name"]))
    missing = draw(st.lists(st.sampled_from(docs), unique_by=lambda d: d["name"])) if docs else []
    return dict(snap, documents=docs, missing=missing)


@st.composite
def histories(draw):
    first = [draw(with_checklist(i)) for i in range(draw(st.integers(0, 8)))]
    ops = draw(st.lists(st.one_of(
        st.tuples(st.just("attach"), st.integers(0, 99), st.sampled_from([None, 1, 2, 3, 4]), st.integers(0, 4),
                  st.booleans()),
        st.tuples(st.just("complete"), st.integers(0, 4)),
        st.tuples(st.just("edit"), st.integers(0, 99), with_checklist(99)),
        st.tuples(st.just("status"), st.integers(0, 99), st.sampled_from([4, 6, 7, 8, 9]))), min_size=1, max_size=25))
    return first, ops


def _change(snap, seq, base):
    return {"uuid": str(uuid.uuid4()), "seq": seq, "kind": "dossier", "at": "2026-03-20T10:00:00+07:00",
            "actor": "Trần Thị Lan", "dossier_uuid": snap["uuid"], "data": {"dossier": snap, "base_version": base}}


def by_the_rule(commune_id, period) -> Share:
    """The rule over the dossiers as stored and the files that arrived whole."""
    from commune_desk.district.models import Attachment, Dossier, Upload
    start, end = period_bounds(*period)
    attached: dict[int, set] = {}
    for a in Attachment.select().join(Upload, on=(Upload.sha256 == Attachment.sha256)).where(Upload.complete == True):  # noqa: E712
        attached.setdefault(a.dossier_id, set()).add(a.document)
    share = Share()
    for row in Dossier.select().where(Dossier.commune == commune_id):
        snap = json.loads(row.snapshot) if isinstance(row.snapshot, str) else row.snapshot
        received = datetime.fromisoformat(snap["received_at"])
        if snap.get("code") and snap.get("outcome") == "accepted" and start <= received < end:
            share.add(snap.get("field", ""), is_digitised(snap.get("documents") or [], snap.get("missing") or [],
                                                          attached.get(row.id, set())))
    return share


def agrees(db, commune_id):
    from commune_desk.district import digitised
    from commune_desk.district.figures import all_communes
    from commune_desk.district.uploads import digitised_share
    assert digitised.drift(db) == []
    for period in PERIODS:
        expected = by_the_rule(commune_id, period)
        assert digitised.period_digitised(db, *period).get(commune_id, 0) == expected.digitised, period
        reports, _ = all_communes(db, *period, NOW)
        assert (reports[commune_id].new if commune_id in reports else 0) == expected.received, period
        assert digitised_share(commune_id, *period)["digitised"] == expected.digitised, period


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_the_kept_digitised_counts_follow_every_write_as_the_rule_says(district, history, monkeypatch):  # noqa: F811
    from commune_desk.district import ingest, publish, uploads
    from commune_desk.district.admin import enroll as enroll_device, issue_code
    from commune_desk.district.models import Attachment, Change, Commune, Device, Dossier, Upload
    from commune_desk.errors import DeskError
    db, commune_id, _ = district
    with db.atomic():
        for model in (Attachment, Upload, Change, Dossier):
            model.delete().execute()
    commune = Commune.get_by_id(commune_id)
    device = Device.get_or_none(Device.commune == commune_id) or enroll_device(issue_code(AGENCY), AGENCY, 1, "Q1")[0]
    monkeypatch.setattr(publish, "now", lambda: NOW)
    first, ops = history
    seq = iter(range(1, 10 ** 6))
    ingest.ingest(device, commune, [_change(dict(s, version=1), next(seq), 0) for s in first], None)
    for n, op in enumerate(ops):
        if not first:
            break
        what = op[0]
        if what == "complete":
            upload = Upload.get_or_none(Upload.sha256 == FILES[op[1]])
            if upload is not None and not upload.complete:
                with db.atomic():
                    uploads.completed(upload.id, upload.sha256)
            continue
        row = Dossier.get(Dossier.uuid == first[op[1] % len(first)]["uuid"])
        if what == "attach":
            _, _, document, f, whole = op          # whole: the file had arrived before (sent for another dossier)
            with db.atomic():
                if Upload.get_or_none(Upload.sha256 == FILES[f]) is None:
                    Upload.create(sha256=FILES[f], length=10, commune=commune_id, created_at=NOW, complete=whole)
                uploads.link_file(row, FILES[f], document, "scan.pdf", device.id)
        elif what == "edit":
            target = first[op[1] % len(first)]
            snap = dict(op[2], uuid=target["uuid"], code=target["code"], outcome=target["outcome"],
                        version=row.version + 1)
            ingest.ingest(device, commune, [_change(snap, next(seq), row.version)], None)
        elif what == "status" and row.code:
            try:
                publish.publish_status(row.code, op[2])
            except DeskError:
                pass
        if n % 8 == 0:
            assert __import__("commune_desk.district.digitised", fromlist=["drift"]).drift(db) == []
    agrees(db, commune_id)


def test_the_upgrade_judges_the_dossiers_and_scans_already_there(tmp_path):
    """A database from before 0021 with dossiers and scans: the upgrade judges them by the rule."""
    from playhouse.migrations import Runner

    from commune_desk.district import db as district_db
    from commune_desk.district import digitised
    from commune_desk.district.admin import add_commune
    from commune_desk.district.figures import report_values
    from commune_desk.district.models import Dossier, database
    from commune_desk.sync.jsontext import canonical
    from .test_district_figures import SAMPLE
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = district_db.connect(url)
    old.connect()
    Runner(old, str(district_db.MIGRATIONS_DIR)).up(target="0020_flag_reviews")
    database.initialize(old)
    commune, _, _ = add_commune(AGENCY, "UBND xã Phúc Lợi")
    two = CHECKLIST[:2]
    # (documents, scans as (document, arrived whole)): whole dossier; one of two; not arrived; none
    cases = [(two, [(None, True)]), (two, [(1, True)]), (two, [(1, True), (2, False)]), (two, [])]
    for i, (docs, scans) in enumerate(cases):
        snap = dict(SAMPLE, uuid=str(uuid.UUID(int=i + 1)), code=f"{AGENCY}-260305-{i + 1:04d}", documents=docs,
                    missing=[])
        old.execute_sql('INSERT INTO "dossier" (uuid, code, commune_id, status, received_at, snapshot, snapshot_at, '
                        'updated_at, outcome, received_s) VALUES (?, ?, ?, 10, ?, ?, ?, ?, ?, ?)',
                        (snap["uuid"], snap["code"], commune.id, snap["received_at"], canonical(snap),
                         snap["received_at"], snap["received_at"], "accepted", report_values(snap)[8]))
        dossier_id = old.execute_sql("SELECT max(id) FROM dossier").fetchone()[0]
        for j, (document, whole) in enumerate(scans):
            sha = f"{i}{j}" * 32
            old.execute_sql("INSERT INTO upload (sha256, length, commune_id, complete, created_at) VALUES (?, 9, ?, ?, ?)",
                            (sha, commune.id, int(whole), snap["received_at"]))
            old.execute_sql("INSERT INTO attachment (commune_id, dossier_id, sha256, document, name, created_at) "
                            "VALUES (?, ?, ?, ?, 'a.pdf', ?)", (commune.id, dossier_id, sha, document, snap["received_at"]))
    old.close()
    db = district_db.open_database(url, pool_size=2)
    with db.connection_context():
        assert [d.digitised for d in Dossier.select().order_by(Dossier.id)] == [1, 0, 0, 0]
        assert digitised.drift(db) == []
        assert digitised.period_digitised(db, date(2026, 3, 1), date(2026, 3, 31)) == {commune.id: 1}
