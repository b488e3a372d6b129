"""A hypothesis state machine over a desk's life — intake, transition, a good sync, a sync cut by
the link, the desk crashing and reopening its file, the server restarting, a backup and a restore
(over the desk's file or with the file lost), and a second desk of the commune changing a
dossier the first then changes twice on its stale copy — on the real server over SQLite and
PostgreSQL. After every step nothing marked synced is missing from the server and nothing is stored
twice; after a good sync, and at the end: server set == desk set, every code on the server once,
and every dossier on the server is the state of its last applied change, each applied change built
on the one applied before it (never on a change the server refused)."""

import json
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


def _enroll_another(desk, server, agency) -> None:
    """A second desk of the same commune, enrolled on the server's database directly."""
    from commune_desk.district import admin
    from commune_desk.district.db import session
    from commune_desk.store import outbox
    from commune_desk.sync.token import save_token
    code = server.admin("commune", "code", agency).strip().splitlines()[-1]
    with session(server.db_url):
        device, token = admin.enroll(code, agency, desk.config().desk, "hypothesis")
    save_token(desk.data_dir, {"token": token, "device_id": device.id, "server": server.url})
    outbox.update_sync_settings(desk, server=server.url, cursor="", device_id=device.id, online=True)


VERSIONED = {"intake", "transition", "extension", "handoff", "handover"}


def pull_only(desk, url) -> None:
    """The pull of a pass whose push ran before the desk's latest changes (the clerk works while the
    worker syncs)."""
    from commune_desk.sync import engine
    from commune_desk.sync.transport import Transport
    opts = sync_options(url)
    _, record, _ = engine._server_and_token(desk, opts)
    transport = Transport(url, record["token"], retry=opts.retry, timeout=opts.timeout, clock=desk.now)
    try:
        engine._pull_all(desk, transport, opts, engine.PassResult())
    finally:
        transport.close()


def assert_applied_in_chain(server, agency) -> dict:
    """Every dossier on the server is the state of the last change applied to it, and each applied
    change (with a base) was built on the change applied before it. {dossier uuid: applied changes}."""
    rows = server.query('SELECT c.uuid, c.dossier_uuid, c.kind, c.data, c.stale_base FROM "change" c '
                        'JOIN commune m ON m.id = c.commune_id WHERE m.agency_code = %s ORDER BY c.id', (agency,))
    applied = {}
    for uid, d_uuid, kind, data, stale in rows:
        data = json.loads(data) if isinstance(data, str) else data
        if stale is not None or kind not in VERSIONED or "dossier" not in data:
            continue
        chain = applied.setdefault(d_uuid, [])
        if "base" in data:
            assert chain and data["base"] == chain[-1][0], f"change {uid} applied on a change the server refused"
        chain.append((uid, data["dossier"]))
    stored = server.query('SELECT d.uuid, d.status, d.version, d.last_change FROM dossier d JOIN commune m '
                          'ON m.id = d.commune_id WHERE m.agency_code = %s', (agency,))
    for d_uuid, status, version, last in stored:
        last_uuid, snap = applied[d_uuid][-1]
        assert (status, version, last) == (snap["status"], snap["version"], last_uuid), "not the last applied state"
    return applied


def assert_desks_agree(server, agency, desks) -> None:
    """After a good sync of every desk: no change lost or stored twice, and every desk shows every
    dossier as the server has it (conflicts allowed: kept on the server, quarantined on their desk)."""
    stored = server.change_uuids(agency)
    assert len(stored) == len(set(stored)), "a change is stored twice on the server"
    rows = {r["uuid"]: (r["code"], r["status"]) for r in server.dossiers(agency)}
    codes = [c for c, _ in rows.values() if c]
    assert len(codes) == len(set(codes)), "a dossier code is stored twice on the server"
    sent = set()
    for desk in desks:
        state = desk_state(desk)
        assert "pending" not in state["events"].values(), "a change still waits after a good sync"
        synced = {u for u, s in state["events"].items() if s == "synced"}
        assert synced <= set(stored), "a change marked synced is not on the server"
        sent |= {u for u, s in state["events"].items() if s in ("synced", "quarantined")}
        assert set(rows) <= set(state["dossiers"]), "a desk lacks a dossier the server has"
        assert rows == {u: v for u, v in state["dossiers"].items() if u in rows}, "a desk differs from the server"
    assert set(stored) <= sent, "the server holds a change no desk sent"
    assert_applied_in_chain(server, agency)


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
            self.other = None          # desk 2 of the commune, once it has changed a dossier
            self.stale_chains = 0

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

        @rule(pick=st.integers(0, 10 ** 6), second=st.booleans(), pulled_after=st.booleans())
        def changed_elsewhere_then_twice_here(self, pick, second, pulled_after):
            """Desk 2 changes a dossier desk 1 has sent, and syncs; desk 1, without pulling, changes
            it twice (or once): each of its changes conflicts, the server keeps desk 2's state. With
            pulled_after, desk 1 pulls desk 2's change after making its own (which keep it from
            replacing the row): the conflicts must bring the server's copy back all the same."""
            from commune_desk.sync import run_pass
            from commune_desk.rules.statuses import Status
            if not self.codes:
                self.take_in(1)
            if not self.codes:
                return
            sent = [c for c in self.codes if self._on_server(c)]
            if not sent:
                self.proxy.faults = []
                assert run_pass(self.desk, sync_options(self.proxy.url)).error is None
                sent = [c for c in self.codes if self._on_server(c)]
                if not sent:
                    return        # restored without its file: its codes wait for the recovery
            code = sent[pick % len(sent)]
            if self.other is None:
                self.other = make_desk(self.path.parent / f"{self.path.name}-other", 2, agency=self.agency)
                _enroll_another(self.other, server, self.agency)
            assert run_pass(self.other, sync_options(server.url)).error is None
            try:
                self.other.handoff(code, "Công chức Địa chính - Xây dựng")
            except DeskError:
                return            # not a step this dossier can take now
            assert run_pass(self.other, sync_options(server.url)).error is None
            made = 0
            steps = [lambda: self.desk.handoff(code, "Công chức Tư pháp - Hộ tịch", note="Quầy 1 trên bản cũ"),
                     lambda: self.desk.advance(code, Status.RESOLVED, note="Quầy 1 trên bản cũ")]
            for step in steps[:2 if second else 1]:
                try:
                    step()
                    made += 1
                except DeskError:
                    pass
            self.stale_chains += made > 1
            if pulled_after:
                pull_only(self.desk, server.url)

        def _on_server(self, code) -> bool:
            return bool(server.query("SELECT 1 FROM dossier WHERE code = %s", (code,)))

        @rule(batch=st.sampled_from([1, 3, 200]))
        def sync_ok(self, batch):
            from commune_desk.sync import run_pass
            self.proxy.faults = []
            result = run_pass(self.desk, sync_options(self.proxy.url, batch_size=batch))
            assert result.error is None and result.waiting == 0, result
            assert self.restored or self.other is not None or result.quarantined == 0, result
            if self.other is not None:
                assert run_pass(self.other, sync_options(server.url)).error is None
                assert_desks_agree(server, self.agency, [self.desk, self.other])
            else:
                assert_converged(server, [self.desk], quarantined_ok=self.restored)
                assert_applied_in_chain(server, self.agency)
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
            assert self.restored or self.other is not None or result.quarantined == 0, result

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
                if self.other is not None:
                    self.other.close()
                    totals["stale_chains"] += self.stale_chains

    totals = {"stale_chains": 0}
    run_state_machine_as_test(DeskLife, settings=settings(
        phases=[Phase.explicit, Phase.generate] if os.environ.get("SYNC_STATEFUL_NOSHRINK") else list(Phase),
        max_examples=int(os.environ.get("SYNC_STATEFUL_EXAMPLES", "6")), stateful_step_count=8, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    print(f"\nsync state machine on {server.kind}: {totals['stale_chains']} stale chains of two changes")
