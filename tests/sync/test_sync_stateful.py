"""A hypothesis state machine over a desk's life — intake, transition, a good sync, a sync cut by
the link, the desk crashing and reopening its file, the server restarting, a backup and a restore
(over the desk's file or with the file lost) — on the real server over SQLite and PostgreSQL.
After every step nothing marked synced is missing from the server and nothing is stored twice;
after a good sync, and at the end: server set == desk set, every code on the server once."""

import os
import uuid

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from commune_desk.errors import DeskError, NotAllowed
from commune_desk.store import backup
from commune_desk.store.desk import Desk
from harness import FaultProxy, assert_converged, desk_state, intake, make_desk, sync_options, unique_agency

CUTS = ["drop_after", "truncate", "reset", "http500", "captive", "http409"]


def _enroll_in_process(desk, server) -> None:
    """Enrolment over HTTP is rate-limited per address (20 a minute) and has tests of its own;
    each example here needs a fresh desk, so it is enrolled on the server's database directly."""
    from commune_desk.district import admin
    from commune_desk.district.db import session
    from commune_desk.store import outbox
    from commune_desk.sync.token import save_token
    code = server.add_commune()
    with session(server.db_url):
        device, token = admin.enroll(code, desk.config().agency_code, desk.config().desk, "hypothesis")
    save_token(desk.data_dir, {"token": token, "device_id": device.id, "server": server.url})
    outbox.update_sync_settings(desk, server=server.url, cursor="", device_id=device.id, online=True)


def test_any_sequence_of_intake_steps_syncs_cuts_and_crashes_converges(shared_server, tmp_path):
    server = shared_server
    if not server.alive:
        server.start()

    class DeskLife(RuleBasedStateMachine):
        @initialize()
        def setup(self):
            self.agency = server.agency = unique_agency()
            self.path = tmp_path / f"desk-{uuid.uuid4().hex[:8]}"
            self.desk = make_desk(self.path, 1, agency=self.agency)
            self.proxy = FaultProxy(server.port)
            _enroll_in_process(self.desk, server)
            self.codes = []
            self.backups = []
            self.back_up()             # the day's first backup: a restore always has one to put back
            self.restored = False      # a change made on a version older than the lost ones conflicts

        @rule(n=st.integers(1, 3))
        def take_in(self, n):
            try:
                self.codes += [d.code for d in intake(self.desk, n)]
            except NotAllowed:
                # restored without its file: a code waits for the recovery (test_restore_recovery)
                assert self.desk.db.execute_sql("SELECT 1").fetchone()

        @rule(pick=st.integers(0, 10 ** 6), to=st.sampled_from(["Công chức Tư pháp - Hộ tịch",
                                                                  "Công chức Văn hóa - Xã hội"]))
        def transition(self, pick, to):
            if not self.codes:
                return
            try:
                self.desk.handoff(self.codes[pick % len(self.codes)], to)
            except DeskError:
                pass              # not a step this dossier can take now: nothing happens

        @rule(batch=st.sampled_from([1, 3, 200]))
        def sync_ok(self, batch):
            from commune_desk.sync import run_pass
            self.proxy.faults = []
            result = run_pass(self.desk, sync_options(self.proxy.url, batch_size=batch))
            assert result.error is None and result.waiting == 0, result
            assert self.restored or result.quarantined == 0, result
            assert_converged(server, [self.desk], quarantined_ok=self.restored)
            from commune_desk.sync import sync_status
            assert not sync_status(self.desk)["codes_on_hold"]

        @rule(cut=st.sampled_from(CUTS), after=st.integers(0, 3), batch=st.sampled_from([1, 2, 200]))
        def sync_cut(self, cut, after, batch):
            """The link fails on the push after `after` good ones (one batch may be in flight
            while the desk records the previous one's acknowledgements)."""
            from commune_desk.sync import run_pass
            self.proxy.faults = ["pass"] * after + [cut]
            result = run_pass(self.desk, sync_options(self.proxy.url, attempts=1, timeout=(2.0, 2.0),
                                                      batch_size=batch))
            self.proxy.faults = []
            assert self.restored or result.quarantined == 0, result

        @rule()
        def back_up(self):
            self.backups.append(backup.make_backup(
                self.desk.path, out=self.path.parent / f"{self.path.name}-{len(self.backups)}.sqlite3"))

        @rule(pick=st.integers(0, 10 ** 6), lose=st.booleans())
        def restore(self, pick, lose):
            """A backup is put back, over the desk's file or with the file lost (a dead disk)."""
            if not self.backups:
                return
            self.desk.close()
            if lose:
                for name in ("desk.sqlite3", "desk.sqlite3-wal", "desk.sqlite3-shm"):
                    (self.path / name).unlink(missing_ok=True)
            backup.restore(self.backups[pick % len(self.backups)], self.path / "desk.sqlite3")
            self.desk = Desk(self.path, clock=self.desk.clock)
            self.restored = True

        @rule()
        def desk_crash_and_reopen(self):
            # the desk process dies between two statements: what it committed is all there is
            self.desk.db.close()
            self.desk = Desk(self.path, clock=self.desk.clock)

        @rule()
        def server_restart(self):
            server.restart()

        @invariant()
        def synced_means_stored_once(self):
            if not hasattr(self, "desk"):
                return
            stored = server.change_uuids(self.agency)
            assert len(stored) == len(set(stored)), "a change is stored twice"
            synced = {u for u, s in desk_state(self.desk)["events"].items() if s == "synced"}
            assert synced <= set(stored), "a change marked synced is not on the server"

        def teardown(self):
            if not hasattr(self, "proxy"):
                return
            try:
                self.sync_ok(200)
            finally:
                self.proxy.close()
                self.desk.close()

    run_state_machine_as_test(DeskLife, settings=settings(
        phases=[Phase.explicit, Phase.generate] if os.environ.get("SYNC_STATEFUL_NOSHRINK") else list(Phase),
        max_examples=int(os.environ.get("SYNC_STATEFUL_EXAMPLES", "6")), stateful_step_count=8, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
