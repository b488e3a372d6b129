"""A desk that makes two changes in a row to a dossier while its copy is stale, against the real
server on SQLite and PostgreSQL (docs/sync-protocol.md, "Ordering changes to one dossier").

Desk 2 changes the shared dossier and syncs; desk 1, without pulling, changes it twice. The first
of desk 1's changes was made on an older version: a conflict. The second was made on desk 1's own
rejected change — its version number may equal the server's, but the server never had the state it
builds on — so it is a conflict too, and the server's copy stays desk 2's. Once desk 1 has pulled
the server's copy, its next change is accepted."""

from commune_desk.rules.statuses import Status
from commune_desk.store import outbox
from commune_desk.store.models import Dossier, Event
from commune_desk.sync import run_pass
from harness import enroll, intake, sync_options


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
