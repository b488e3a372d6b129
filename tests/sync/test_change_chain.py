"""A desk that makes two changes in a row to a dossier while its copy is stale, against the real
server on SQLite and PostgreSQL (docs/sync-protocol.md, "Ordering changes to one dossier").

Desk 2 changes the shared dossier and syncs; desk 1, without pulling, changes it twice. The first
of desk 1's changes was made on an older version: a conflict. The second was made on desk 1's own
rejected change — its version number may equal the server's, but the server never had the state it
builds on — so it is a conflict too, and the server's copy stays desk 2's. Once desk 1 has pulled
the server's copy, its next change is accepted."""

import uuid

from commune_desk.rules.statuses import Status
from commune_desk.store import outbox
from commune_desk.store.models import Dossier, Event
from commune_desk.sync import run_pass
from harness import FaultProxy, enroll, intake, sync_options


def _server_row(server, dossier_uuid):
    rows = server.query('SELECT status, version, snapshot FROM dossier WHERE uuid = %s', (dossier_uuid,))
    assert len(rows) == 1
    return rows[0]


def test_a_chain_built_on_a_rejected_change_is_not_applied(server, desk1, desk2):
    enroll(desk1, server, server.add_commune())
    enroll(desk2, server)
    opts = sync_options(server.url)
    [d] = intake(desk1, 1)
    assert run_pass(desk1, opts).accepted == 1
    assert run_pass(desk2, opts).error is None            # desk 2 has the dossier now

    desk2.handoff(d.code, "Công chức Tư pháp - Hộ tịch", note="Quầy 2 chuyển xử lý")
    assert run_pass(desk2, opts).accepted == 1
    theirs = _server_row(server, d.uuid)

    # desk 1 has not pulled: two changes in a row on its stale copy
    desk1.advance(d.code, Status.PROCESSING, note="Quầy 1 xử lý")
    desk1.advance(d.code, Status.RESOLVED, note="Quầy 1 giải quyết")
    result = run_pass(desk1, opts)
    assert result.error is None
    assert (result.accepted, result.conflicts, result.quarantined) == (0, 2, 2)
    quarantined = [q for q in outbox.listing(desk1, outbox.QUARANTINED) if q["code"] == d.code]
    assert len(quarantined) == 2
    assert all(q["reason"].startswith("Xung đột:") and "hồ sơ" in q["reason"] for q in quarantined)
    # the server's copy is still desk 2's, and desk 1 now shows it
    assert _server_row(server, d.uuid) == theirs
    with desk1.using():
        mine = Dossier.get(Dossier.uuid == d.uuid)
        assert (mine.status, mine.assignee, mine.version) == (theirs[0], "Công chức Tư pháp - Hộ tịch", theirs[1])

    # on the server's copy, desk 1's next change is accepted, and desk 2 gets it
    desk1.advance(d.code, Status.RESOLVED, note="Quầy 1 giải quyết trên bản mới")
    result = run_pass(desk1, opts)
    assert (result.accepted, result.conflicts, result.error) == (1, 0, None)
    status, version, _ = _server_row(server, d.uuid)
    assert (status, version) == (int(Status.RESOLVED), theirs[1] + 1)
    assert run_pass(desk2, opts).error is None
    with desk2.using():
        assert Dossier.get(Dossier.uuid == d.uuid).status == int(Status.RESOLVED)
        # desk 2 sees both of desk 1's refused changes in the dossier's story
        assert Event.select().where(Event.kind == "sync_conflict",
                                    Event.dossier == desk2.dossier(d.code)).count() == 2


AGENCY = "000.30.36.H26"
SNAP = {"outcome": "accepted", "status": 2, "procedure_id": "HT-KS", "procedure_name": "Đăng ký khai sinh",
        "field": "Hộ tịch", "clerk": "Trần Thị Lan", "channel": 1, "return_by": "counter", "extended": False,
        "received_at": "2026-03-05T08:00:00+07:00", "due_at": "2026-03-10T17:00:00+07:00",
        "applicant_name": "Nguyễn Văn An", "agency_code": AGENCY, "code": f"{AGENCY}-260305-0001",
        "uuid": "5d0c1b9e-2f4a-4c55-9d3e-000000000001"}


def _change(seq, version, base=None, **data):
    """A change of the dossier made on `version` (base: the change it builds on, when it names one)."""
    data = {"dossier": dict(SNAP, version=version + 1), "base_version": version, **data}
    if base is not None:
        data["base"] = base
    return {"uuid": str(uuid.uuid4()), "seq": seq, "kind": "transition", "at": "2026-03-20T10:00:00+07:00",
            "actor": "Trần Thị Lan", "dossier_uuid": SNAP["uuid"], "data": data}


def test_a_dossier_stored_before_the_upgrade_is_ordered_by_version_until_its_next_change(tmp_path):
    """A server database from before 0022 holds the dossier at version 2 with no last change. After
    the upgrade a change built on an older version conflicts, and so does the desk's next change built
    on it (the server kept it as a conflict), in the same batch or a later one; a change of a desk
    that names no base (a desk from before) on the server's version is applied and becomes the last
    change; from then on a change is applied only on it, whatever its version says."""
    from playhouse.migrations import Runner

    from commune_desk.district import db as district_db
    from commune_desk.district import ingest
    from commune_desk.district.admin import add_commune, enroll, issue_code
    from commune_desk.district.figures import REPORT_COLUMNS, report_values
    from commune_desk.district.models import Commune, Dossier, database

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = district_db.connect(url)
    old.connect()
    Runner(old, str(district_db.MIGRATIONS_DIR)).up(target="0020_flag_reviews")
    database.initialize(old)
    commune, _, _ = add_commune(AGENCY, "UBND xã Phúc Lợi")
    snap = dict(SNAP, version=2)
    Dossier.insert(uuid=SNAP["uuid"], code=SNAP["code"], commune=commune.id, status=2, received_at=SNAP["received_at"],
                   due_at=SNAP["due_at"], snapshot=snap, snapshot_at=SNAP["received_at"],
                   updated_at=SNAP["received_at"], version=2, **dict(zip(REPORT_COLUMNS, report_values(snap)))).execute()
    old.close()

    db = district_db.open_database(url, pool_size=2)       # runs 0021 and 0022
    with db.connection_context():
        device = enroll(issue_code(AGENCY), AGENCY, 1, "Quầy 1")[0]
        commune = Commune.get_by_id(commune.id)

        def push(*changes):
            acks = ingest.ingest(device, commune, list(changes), None)
            return [acks[c["uuid"]][0] for c in changes]

        def row():
            return Dossier.select(Dossier.version, Dossier.last_change).where(Dossier.uuid == SNAP["uuid"]).tuples()[0]

        assert row() == (2, None)
        # a stale chain in one batch, then one in two batches
        a1 = _change(1, 1, base=str(uuid.uuid4()))
        a2 = _change(2, 2, base=a1["uuid"])
        assert push(a1, a2) == ["conflict", "conflict"]
        b1 = _change(3, 1, base=str(uuid.uuid4()))
        assert push(b1) == ["conflict"]
        b2 = _change(4, 2, base=b1["uuid"])
        assert push(b2) == ["conflict"]
        # resends (their replies lost) of changes kept as conflicts are told so again
        assert push(b2) == ["conflict"] and push(a1, a2) == ["conflict", "conflict"]
        assert row() == (2, None)
        # a desk from before names no base: versions decide, and its change becomes the last one
        c = _change(5, 2)
        assert push(c) == ["accepted"] and row() == (3, c["uuid"])
        # from now on only the last change is a base, whatever the version
        late = _change(6, 3, base=str(uuid.uuid4()))
        assert push(late) == ["conflict"]
        on_it = _change(7, 3, base=c["uuid"])
        assert push(on_it) == ["accepted"] and row() == (4, on_it["uuid"])
        assert push(_change(8, 4, base="not a uuid")) == ["rejected"]
    db.close()


def test_a_restored_desk_builds_on_the_changes_it_gets_back(server, desk1, tmp_path):
    """Restored from a backup older than its last change of a dossier (and a print of it), the desk
    gets that change back from the server as the one its next change builds on: accepted."""
    from commune_desk.store import backup
    from commune_desk.store.desk import Desk
    enroll(desk1, server, server.add_commune())
    opts = sync_options(server.url)
    [d] = intake(desk1, 1)
    assert run_pass(desk1, opts).accepted == 1
    saved = backup.make_backup(desk1.path, out=tmp_path / "before.sqlite3")
    desk1.handoff(d.code, "Công chức Tư pháp - Hộ tịch")
    desk1.log_print(d.code, "01", "a5")                  # moves nothing: not a base
    assert run_pass(desk1, opts).accepted == 2
    with desk1.using():
        handoff = [e.uuid for e in desk1.events_of(desk1.dossier(d.code)) if e.kind == "handoff"]
    data_dir, clock = desk1.data_dir, desk1.clock
    desk1.close()
    backup.restore(saved, data_dir / "desk.sqlite3")
    desk = Desk(data_dir, clock=clock)
    try:
        assert desk.dossier(d.code).last_change != handoff[0]
        result = run_pass(desk, opts)
        assert result.error is None and result.recovered == 2
        assert desk.dossier(d.code).last_change == handoff[0]
        desk.advance(d.code, Status.RESOLVED, note="Đã giải quyết")
        result = run_pass(desk, opts)
        assert (result.accepted, result.conflicts, result.error) == (1, 0, None)
        assert _server_row(server, d.uuid)[:2] == (int(Status.RESOLVED), 3)
    finally:
        desk.close()


def test_a_desk_that_pulled_past_the_servers_copy_takes_it_back_on_a_conflict(server, desk1, desk2):
    """Desk 1 makes two changes while its sync is between push and pull (the clerk works while the
    worker syncs): the pull brings desk 2's change, older than desk 1's copy, so it does not replace
    the row. The next push conflicts; the server's copy is not pulled again (the cursor is past it),
    so the desk takes it from what it pulled, and its next change is accepted."""
    from commune_desk.sync import engine
    from commune_desk.sync.transport import Transport
    enroll(desk1, server, server.add_commune())
    enroll(desk2, server)
    opts = sync_options(server.url)
    [d] = intake(desk1, 1)
    assert run_pass(desk1, opts).accepted == 1
    assert run_pass(desk2, opts).error is None
    desk2.handoff(d.code, "Công chức Tư pháp - Hộ tịch", note="Quầy 2 chuyển xử lý")
    assert run_pass(desk2, opts).accepted == 1
    theirs = _server_row(server, d.uuid)
    desk1.advance(d.code, Status.PROCESSING, note="Quầy 1 xử lý")
    desk1.advance(d.code, Status.RESOLVED, note="Quầy 1 giải quyết")
    # the pull of a pass whose push ran before these changes were made
    _, record, _ = engine._server_and_token(desk1, opts)
    transport = Transport(server.url, record["token"], retry=opts.retry, timeout=opts.timeout, clock=desk1.now)
    try:
        engine._pull_all(desk1, transport, opts, engine.PassResult())
    finally:
        transport.close()
    assert desk1.dossier(d.code).status == int(Status.RESOLVED)       # its own copy is ahead
    result = run_pass(desk1, opts)
    assert (result.accepted, result.conflicts) == (0, 2)
    with desk1.using():
        mine = Dossier.get(Dossier.uuid == d.uuid)
        assert (mine.status, mine.assignee, mine.version) == (theirs[0], "Công chức Tư pháp - Hộ tịch", theirs[1])
    desk1.advance(d.code, Status.RESOLVED, note="Quầy 1 giải quyết trên bản mới")
    result = run_pass(desk1, opts)
    assert (result.accepted, result.conflicts, result.error) == (1, 0, None)
    assert _server_row(server, d.uuid)[:2] == (int(Status.RESOLVED), theirs[1] + 1)


def test_a_conflict_whose_reply_was_lost_is_still_a_conflict_on_the_resend(server, desk1, desk2):
    """The server kept desk 1's late change as a conflict, but the reply never came back: the resend
    must be told `conflict` again (not `duplicate`), so the clerk sees it quarantined."""
    enroll(desk1, server, server.add_commune())
    enroll(desk2, server)
    opts = sync_options(server.url)
    [d] = intake(desk1, 1)
    assert run_pass(desk1, opts).accepted == 1
    assert run_pass(desk2, opts).error is None
    desk2.handoff(d.code, "Công chức Tư pháp - Hộ tịch", note="Quầy 2 chuyển xử lý")
    assert run_pass(desk2, opts).accepted == 1
    theirs = _server_row(server, d.uuid)

    desk1.advance(d.code, Status.PROCESSING, note="Quầy 1 xử lý")
    proxy = FaultProxy(server.port)
    try:
        proxy.faults = ["drop_after"]                  # the server commits, the reply is lost
        result = run_pass(desk1, sync_options(proxy.url, attempts=3))
    finally:
        proxy.close()
    assert [mode for _path, mode, _status in proxy.seen][:2] == ["drop_after", "pass"]
    assert result.error is None
    assert (result.accepted, result.duplicates, result.conflicts, result.quarantined) == (0, 0, 1, 1)
    [q] = [q for q in outbox.listing(desk1, outbox.QUARANTINED) if q["code"] == d.code]
    assert q["reason"].startswith("Xung đột:") and "xung đột" in q["reason"]
    assert _server_row(server, d.uuid) == theirs
    stored = server.query('SELECT count(*) FROM change WHERE dossier_uuid = %s AND stale_base IS NOT NULL',
                          (d.uuid,))
    assert stored == [(1,)]
