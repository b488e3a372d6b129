"""A desk whose clock runs 3 days fast, against the real server on SQLite and PostgreSQL.

Each round: both desks take in a dossier; the fast desk, offline, changes a shared dossier on the
version it knew; the desk with the right clock makes the real update and syncs first; then the
fast desk syncs, then the right one. The fast desk's later-looking change must not win: it is a
conflict (kept on the server, shown on both desks), and the real update ends up on the server and
on every desk. The fast desk is warned as soon as the offset is known. The test prints the figures:
rounds, faults (stale changes), lost, doubled, wrong."""

import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from fixtures import agency, server, server_options, shared_server  # noqa: E402,F401
from harness import enroll, intake, make_desk, sync_options  # noqa: E402

from commune_desk.rules.office_calendar import TZ  # noqa: E402
from commune_desk.rules.statuses import Status  # noqa: E402
from commune_desk.store import outbox  # noqa: E402
from commune_desk.store.models import Event  # noqa: E402
from commune_desk.sync import run_pass, sync_status  # noqa: E402

ROUNDS = 4
FAST = timedelta(days=3)


def real_clock():                       # this test is about the clock: the desks live on the real one
    return datetime.now(TZ)


def fast_clock():
    return datetime.now(TZ) + FAST


def test_a_fast_desk_cannot_overwrite_a_real_update(server, tmp_path):
    code = server.add_commune()
    right = make_desk(tmp_path / "right", 1, clock=real_clock, agency=server.agency)
    fast = make_desk(tmp_path / "fast", 2, clock=fast_clock, agency=server.agency)
    try:
        enroll(right, server, code)
        enroll(fast, server, server.admin("commune", "code", server.agency).strip().splitlines()[-1])
        opts = sync_options(server.url)
        made, expected, faults = [], {}, 0
        for rnd in range(ROUNDS):
            a, = intake(right, 1)
            f, = intake(fast, 1)
            made += [a, f]
            for desk in (right, fast, right):
                assert run_pass(desk, opts).error is None
            # the fast desk learns its offset from the server and says so
            if rnd == 0:
                notice = sync_status(fast)["clock_notice"]
                assert notice == "Đồng hồ máy nhanh 3 ngày — hạn trả có thể sai"
                assert sync_status(right)["clock_notice"] is None
                flagged = server.query("SELECT clock_skew_s FROM change WHERE uuid = %s",
                                       (_intake_event(fast, f.uuid),))
                assert flagged and flagged[0][0] > 2.9 * 86400
            # the dossier taken in by the fast desk: the fast desk processes it offline on the
            # version it knows; the right desk makes the real update and syncs first
            fast.advance(f.code, Status.PROCESSING, note="Quầy đồng hồ nhanh")
            right.advance(f.code, Status.PROCESSING, note="Cán bộ chuyên môn nhận")
            right.advance(f.code, Status.RESOLVED, note="Đã giải quyết")
            expected[f.uuid] = Status.RESOLVED
            expected[a.uuid] = Status.ACCEPTED
            assert run_pass(right, opts).error is None
            result = run_pass(fast, opts)
            assert result.conflicts == 1 and result.error is None
            faults += 1
            assert run_pass(right, opts).error is None
            # both desks see the conflict: quarantined on the fast one, in the story on the right one
            quarantined = outbox.listing(fast, outbox.QUARANTINED)
            assert any("Xung đột" in q["reason"] and q["code"] == f.code for q in quarantined)
            with right.using():
                assert Event.select().where(Event.kind == "sync_conflict",
                                            Event.dossier == right.dossier(f.code)).exists()

        rows = {r["uuid"]: r for r in server.dossiers()}
        lost = sum(1 for d in made if d.uuid not in rows)
        doubled = len(server.dossiers()) - len(rows) + (len(made) - len({d.code for d in made}))
        wrong = sum(1 for uuid, status in expected.items() if rows.get(uuid, {}).get("status") != status)
        for desk in (right, fast):
            for uuid, status in expected.items():
                with desk.using():
                    from commune_desk.store.models import Dossier
                    local = Dossier.get(Dossier.uuid == uuid)
                wrong += local.status != status
        print(f"\nfast clock on {server.kind}: rounds {ROUNDS}, faults {faults}, lost {lost}, "
              f"doubled {doubled}, wrong {wrong}")
        assert (lost, doubled, wrong) == (0, 0, 0)
    finally:
        right.close()
        fast.close()


def _intake_event(desk, dossier_uuid):
    with desk.using():
        return Event.get(Event.kind == "intake", Event.dossier == desk.dossier(dossier_uuid)).uuid
