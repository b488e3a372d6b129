"""The desk's audit-chain head travels with every push; the server notices when history it has
seen is rewritten on the desk (a rewrite with every hash recomputed, as a careful forger would)."""

from commune_desk.store import outbox
from commune_desk.sync import run_pass, sync_status
from harness import enroll, intake, rewrite_chain_from, sync_options


def test_the_server_keeps_the_head_and_notices_a_rewrite(server, desk1):
    enroll(desk1, server, server.add_commune())
    intake(desk1, 2)
    run_pass(desk1, sync_options(server.url))
    seen = outbox.sync_settings(desk1)["audit_server_seq"]
    with desk1.using():
        mine = desk1.db.execute_sql("SELECT hash FROM audit WHERE seq = ?", (seen,)).fetchone()[0]
    assert server.query("SELECT head_seq, head_hash, broken_at FROM desk_audit") == [(seen, mine, None)]

    intake(desk1, 1)                                   # the history grows: the head moves on
    run_pass(desk1, sync_options(server.url))
    assert server.query("SELECT head_seq FROM desk_audit")[0][0] > seen
    assert not sync_status(desk1)["audit_broken"]

    with desk1.using():
        rewrite_chain_from(desk1, 5)
        assert desk1.verify_audit().ok                 # the desk alone cannot tell
    intake(desk1, 1)
    run_pass(desk1, sync_options(server.url))
    broken_at, note = server.query("SELECT broken_at, broken_note FROM desk_audit")[0]
    assert broken_at is not None and "now" in note
    assert sync_status(desk1)["audit_broken"]
