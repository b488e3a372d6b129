"""A desk restored from an older backup gets back from the server what it made and sent after that
backup (GET /api/v1/recover): the dossiers with their stories, searchable, stored as synced (never
sent again), and its code counter moves past every code the server holds. On SQLite and PostgreSQL,
through cuts and a killed desk; the server still reports the restore as a broken audit chain."""

import json
import subprocess
import sys

import pytest

from commune_desk.errors import NotAllowed
from commune_desk.rules.intake import IntakeForm
from commune_desk.rules.statuses import Status
from commune_desk.store import backup, outbox
from commune_desk.store.desk import Desk
from commune_desk.sync import run_pass, sync_status
from harness import (ROOT, Clock, FaultProxy, assert_converged, enroll, intake, make_desk, sync_options,
                     wait_until)


def restore(desk, saved, lose_current: bool = False):
    """Close the desk, put the backup back (as `commune-desk restore` does), open it again.
    lose_current: the desk file is gone first (a dead disk, another PC): nothing to carry over."""
    data_dir, clock = desk.data_dir, desk.clock
    desk.close()
    if lose_current:
        for name in ("desk.sqlite3", "desk.sqlite3-wal", "desk.sqlite3-shm"):
            (data_dir / name).unlink(missing_ok=True)
    result = backup.restore(saved, data_dir / "desk.sqlite3")
    return Desk(data_dir, clock=clock), result


def story(desk, code):
    return [e.kind for e in desk.events_of(desk.dossier(code))]


@pytest.fixture
def restored(server, tmp_path):
    """A desk with A synced, a backup, then B and C made, moved on and synced: restored from the
    backup it lacks B and C, which the server holds."""
    desk = make_desk(tmp_path / "desk", 1, agency=server.agency, clock=Clock("2026-11-23 09:32"))
    enroll(desk, server, server.add_commune())
    a = intake(desk, 1)[0]
    run_pass(desk, sync_options(server.url))
    saved = backup.make_backup(desk.path, out=tmp_path / "before.sqlite3")
    b, c = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Phạm Thị Bích")), \
        desk.intake(IntakeForm(procedure_id="CT-CK", name="Đỗ Văn Cảnh"))
    desk.advance(b.code, Status.PROCESSING, note="Chuyển cán bộ tư pháp")
    desk.log_print(c.code, "01", "a5")
    made = run_pass(desk, sync_options(server.url))
    assert made.accepted == 4 and made.waiting == 0
    sent = sorted(server.change_uuids())
    state = {"desk": desk, "saved": saved, "a": a.code, "b": b.code, "c": c.code, "sent": sent}
    yield state
    state["desk"].close()


def test_a_restored_desk_gets_back_what_it_made_after_the_backup(server, restored):
    desk, result = restore(restored["desk"], restored["saved"])
    restored["desk"] = desk
    b, c = restored["b"], restored["c"]
    assert result["recovery_due"] is True
    assert [d.code for d in desk.find("Phạm Thị Bích")] == []            # gone from the desk
    assert sync_status(desk)["recovery_due"]
    assert "Đang lấy lại hồ sơ" in sync_status(desk)["recovery_notice"]

    first = run_pass(desk, sync_options(server.url))
    assert first.error is None
    assert (first.recovered_dossiers, first.recovered) == (2, 4)         # B and C, with their four changes
    assert first.pushed == 0                                             # nothing sent back
    assert sorted(server.change_uuids()) == restored["sent"]             # no change doubled on the server

    # back with their stories, found by name and by code, as the server has them
    assert story(desk, b) == ["intake", "transition"]
    assert story(desk, c) == ["intake", "print"]
    assert int(desk.dossier(b).status) == int(Status.PROCESSING)
    assert [d.code for d in desk.find("pham thi bich")] == [b]
    assert [d.code for d in desk.find(c)] == [c]
    assert {e.sync_state for d in (b, c) for e in desk.events_of(desk.dossier(d))} == {"synced"}
    status = sync_status(desk)
    assert not status["recovery_due"] and status["waiting"] == 0
    assert "đã lấy lại từ máy chủ 2 hồ sơ (4 thay đổi)" in status["recovery_notice"]

    # a second pass brings nothing again; the next intake gets a fresh code the server accepts
    again = run_pass(desk, sync_options(server.url))
    assert (again.recovered, again.pushed) == (0, 0)
    d = intake(desk, 1)[0]
    assert d.code not in (restored["a"], b, c) and d.code > c
    after = run_pass(desk, sync_options(server.url))
    assert (after.accepted, after.conflicts, after.quarantined) == (1, 0, 0)
    assert_converged(server, [desk])
    # the restore is still reported upstream as a break of the audit chain, by design: the first
    # push after it names the head it had (the server asks for its own), the next one shows it
    intake(desk, 1)
    run_pass(desk, sync_options(server.url))
    assert sync_status(desk)["audit_broken"]
    broken = server.query("SELECT broken_at FROM desk_audit")
    assert broken and broken[0][0] is not None


def test_without_the_replaced_file_codes_wait_for_the_recovery(server, restored, tmp_path):
    """The desk file was lost (dead disk, another PC): nothing says which codes were issued after
    the backup, so an accepted intake is refused with the way forward until the recovery has run;
    an incomplete visit (no code) is still recorded."""
    desk, result = restore(restored["desk"], restored["saved"], lose_current=True)
    restored["desk"] = desk
    assert result["kept_aside"] is None and result["recovery_due"] is True
    assert sync_status(desk)["codes_on_hold"]
    with pytest.raises(NotAllowed, match="Đồng bộ ngay"):
        desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên"))
    incomplete = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên", outcome="supplement",
                                        missing=[{"name": "Tờ khai", "reason": "Chưa ký"}]))
    assert incomplete.code is None

    res = run_pass(desk, sync_options(server.url))
    assert res.recovered_dossiers == 2 and res.accepted == 1               # the incomplete visit went up
    assert not sync_status(desk)["codes_on_hold"]
    fresh = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên"))
    assert fresh.code > restored["c"]
    assert run_pass(desk, sync_options(server.url)).accepted == 1
    assert_converged(server, [desk])


def test_with_the_replaced_file_intake_goes_on_before_the_recovery(server, restored):
    """Restored over its own readable file, the desk carries the counters: the clerk keeps taking in
    dossiers before the next pass, and their codes never meet B's or C's."""
    desk, result = restore(restored["desk"], restored["saved"])
    restored["desk"] = desk
    assert not sync_status(desk)["codes_on_hold"]
    early = intake(desk, 2)
    assert not {d.code for d in early} & {restored["b"], restored["c"]}
    res = run_pass(desk, sync_options(server.url))
    assert (res.recovered_dossiers, res.accepted, res.conflicts) == (2, 2, 0)
    assert_converged(server, [desk])


def test_a_cut_in_the_middle_of_the_recovery_resumes_with_nothing_lost_or_doubled(server, restored):
    desk, _ = restore(restored["desk"], restored["saved"])
    restored["desk"] = desk
    proxy = FaultProxy(server.port, only="/api/v1/recover")
    try:
        opts = sync_options(proxy.url, attempts=1)
        opts.recover_page = 1
        # page 1 arrives; page 2's reply is cut, then the link answers HTML (a captive portal)
        proxy.faults = ["pass", "truncate"]
        cut = run_pass(desk, opts)
        assert cut.error and (cut.recovered, cut.pushed) == (1, 0)
        assert sync_status(desk)["recovery_due"]
        proxy.faults = ["pass", "captive"]
        cut = run_pass(desk, opts)
        assert cut.error and cut.recovered == 1
        done = run_pass(desk, opts)
        assert done.error is None and done.recovered == 2
    finally:
        proxy.close()
    assert sorted(server.change_uuids()) == restored["sent"]
    assert story(desk, restored["b"]) == ["intake", "transition"]
    assert story(desk, restored["c"]) == ["intake", "print"]
    assert_converged(server, [desk])


KILLED_PASS = """
import sys
from commune_desk.store.desk import Desk
from commune_desk.sync import Options, RetryPolicy, run_pass
from harness import Clock
desk = Desk(sys.argv[1], clock=Clock("2026-11-23 10:00"))
run_pass(desk, Options(server=sys.argv[2], recover_page=1, retry=RetryPolicy(attempts=1), timeout=(5.0, 120.0)))
"""


def test_a_desk_killed_in_the_middle_of_the_recovery_resumes(server, restored):
    """A real desk process is killed while the server's reply to its third recovery page is held:
    the pages it stored stay, the next pass resumes after them, nothing doubles."""
    desk, _ = restore(restored["desk"], restored["saved"])
    restored["desk"] = desk
    proxy = FaultProxy(server.port, only="/api/v1/recover")
    proxy.faults = ["pass", "pass", "hold"]
    proc = subprocess.Popen([sys.executable, "-c", KILLED_PASS, str(desk.data_dir), proxy.url],
                            cwd=ROOT / "tests" / "sync", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until(proxy.replied.is_set, what="the held recovery page")
        proc.kill()
        proc.wait(30)
    finally:
        proxy.close()
    state = outbox.recovery_state(desk)
    assert state["due"] and state["changes"] == 2                          # two pages stored, then killed
    res = run_pass(desk, sync_options(server.url))
    assert res.error is None and res.recovered == 2 and res.pushed == 0
    assert sorted(server.change_uuids()) == restored["sent"]
    with desk.using():
        from commune_desk.store.models import Event
        uuids = [e.uuid for e in Event.select(Event.uuid)]
    assert len(uuids) == len(set(uuids))
    assert story(desk, restored["b"]) == ["intake", "transition"]
    assert_converged(server, [desk])


def test_the_recover_endpoint_returns_only_the_devices_own_changes(server, restored, tmp_path):
    """Another desk of the commune does not get desk 1's changes as its own; paging by cursor."""
    import requests
    other = make_desk(tmp_path / "other", 2, agency=server.agency)
    try:
        enroll(other, server)
        intake(other, 1)
        run_pass(other, sync_options(server.url))
        token = json.loads((restored["desk"].data_dir / "sync-token.json").read_text())["token"]
        head = {"Authorization": f"Bearer {token}", "X-Sync-Protocol": "1"}
        seen, cursor = [], ""
        while True:
            page = requests.get(server.url + "/api/v1/recover", params={"cursor": cursor, "limit": 2},
                                headers=head, timeout=10).json()
            seen += page["items"]
            cursor = page["cursor"]
            if not page["more"]:
                break
        assert len(seen) == 5 and {i["own"] for i in seen} == {True} and {i["desk"] for i in seen} == {1}
        assert [i["seq"] for i in seen] == sorted(i["seq"] for i in seen)
        for cursor in ("x", "v1:99999999999999999999999:0", "v1:-1:0"):
            bad = requests.get(server.url + "/api/v1/recover", params={"cursor": cursor}, headers=head, timeout=10)
            assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_cursor"
        stranger = requests.get(server.url + "/api/v1/recover", headers={"Authorization": "Bearer nope"}, timeout=10)
        assert stranger.status_code == 401 and stranger.json()["error"]["code"] == "unauthorized"
    finally:
        other.close()


def cli(data, *args, ok=True):
    import os
    out = subprocess.run([sys.executable, "-m", "commune_desk", "--data-dir", str(data), *args],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "COMMUNE_DESK_NOW": "2026-11-23T10:15:00+07:00"})
    assert "Traceback" not in out.stderr and "không mong đợi" not in out.stderr, out.stderr
    assert out.returncode == (0 if ok else 2), (out.returncode, out.stdout, out.stderr)
    return json.loads(out.stdout) if ok and "--json" in args else out.stdout + out.stderr


def test_the_commands_restore_recover_and_say_so(server, restored):
    """`commune-desk restore FILE` over a lost file, `intake` refused with the way forward,
    `sync status` says why, `sync --json` recovers and counts it (`recovered`), then intake works."""
    desk = restored["desk"]
    data = desk.data_dir
    desk.close()
    (data / "desk.sqlite3").unlink()
    said = cli(data, "restore", str(restored["saved"]), "--json")
    assert said["recovery_due"] is True and said["codes_on_hold"] is True
    told = cli(data, "restore", str(restored["saved"]))
    assert "Lần đồng bộ tới sẽ lấy lại từ máy chủ các hồ sơ đã tạo sau bản sao lưu; chưa cấp mã" in told
    refused = cli(data, "intake", "--procedure", "HT-XNHN", "--name", "Vũ Thị Duyên", ok=False)
    assert "khôi phục từ bản sao lưu" in refused and "commune-desk sync" in refused
    status = cli(data, "sync", "status", "--json")
    assert status["recovery_due"] and status["codes_on_hold"]
    assert "Đang lấy lại hồ sơ" in cli(data, "sync", "status")
    result = cli(data, "sync", "--no-attachments", "--json")
    assert (result["recovered"], result["recovered_dossiers"], result["pushed"]) == (4, 2, 0)
    shown = cli(data, "show", restored["b"], "--json")
    assert shown["code"] == restored["b"]
    fresh = cli(data, "intake", "--procedure", "HT-XNHN", "--name", "Vũ Thị Duyên", "--json")
    assert fresh["code"] > restored["c"]
    assert cli(data, "sync", "--json")["accepted"] == 1
    now_held = server.change_uuids()
    assert set(restored["sent"]) < set(now_held) and len(now_held) == len(restored["sent"]) + 1
    restored["desk"] = Desk(data, clock=Clock("2026-11-23 10:20"))
    assert_converged(server, [restored["desk"]])


def test_restored_on_a_new_pc_and_enrolled_anew(server, restored, tmp_path):
    """The PC died: its backup is restored on a new one, which has no device token. Codes wait
    (the backup was made while enrolled); once the new PC is enrolled anew, its first pass brings
    the old enrolment's dossiers back (as the other desks' are) and the next code is past them."""
    old = restored["desk"]
    new_dir = tmp_path / "new-pc"
    new_dir.mkdir()
    result = backup.restore(restored["saved"], new_dir / "desk.sqlite3")
    assert result["kept_aside"] is None and result["recovery_due"] is True
    desk = Desk(new_dir, clock=Clock("2026-11-23 11:00"))
    try:
        status = sync_status(desk)
        assert status["codes_on_hold"] and not status["enrolled"]
        assert "hãy đăng ký lại" in status["recovery_notice"]
        with pytest.raises(NotAllowed, match="đăng ký lại"):
            desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên"))
        enroll(desk, server)
        res = run_pass(desk, sync_options(server.url))
        assert res.error is None and res.pushed == 0
        assert story(desk, restored["b"]) == ["intake", "transition"]
        assert [d.code for d in desk.find("pham thi bich")] == [restored["b"]]
        assert not sync_status(desk)["codes_on_hold"]
        fresh = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên"))
        assert fresh.code > restored["c"]
        after = run_pass(desk, sync_options(server.url))
        assert (after.accepted, after.conflicts) == (1, 0)
        held = server.change_uuids()
        assert len(held) == len(set(held)) == len(restored["sent"]) + 1
        codes = [r["code"] for r in server.dossiers() if r["code"]]
        assert len(codes) == len(set(codes)) == 4
    finally:
        desk.close()
    assert old is restored["desk"]


def test_a_server_from_before_recovery_lets_push_and_pull_go_on(server, restored):
    """An older server answers 404 to /recover: the pass pushes and pulls as always, says the server
    needs updating, keeps the recovery due (and the codes on hold); an updated server recovers."""
    desk, _ = restore(restored["desk"], restored["saved"], lose_current=True)
    restored["desk"] = desk
    desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên", outcome="supplement",
                           missing=[{"name": "Tờ khai", "reason": "Chưa ký"}]))
    proxy = FaultProxy(server.port, only="/api/v1/recover")
    try:
        proxy.faults = ["api404"]
        old = run_pass(desk, sync_options(proxy.url))
        assert old.error is None and old.accepted == 1 and old.recovered == 0
        assert "chưa hỗ trợ lấy lại hồ sơ" in old.recovery_error
        status = sync_status(desk)
        assert status["recovery_due"] and status["codes_on_hold"]
        assert "cập nhật phần mềm máy chủ" in status["recovery_notice"]
        new = run_pass(desk, sync_options(proxy.url))
        assert new.recovered_dossiers == 2 and new.recovery_error is None
    finally:
        proxy.close()
    assert not sync_status(desk)["codes_on_hold"]
    assert_converged(server, [desk])


def test_a_change_the_server_kept_as_a_conflict_comes_back_quarantined(server, tmp_path):
    """Desk 1's change to A lost to desk 2's (made on an older version): after desk 1 restores a
    backup from before it, the change comes back quarantined with its reason, as it was, and A
    shows desk 2's change."""
    desk1 = make_desk(tmp_path / "d1", 1, agency=server.agency)
    desk2 = make_desk(tmp_path / "d2", 2, agency=server.agency)
    try:
        server.add_commune()
        enroll(desk1, server)
        enroll(desk2, server)
        a = intake(desk1, 1)[0]
        run_pass(desk1, sync_options(server.url))
        run_pass(desk2, sync_options(server.url))
        saved = backup.make_backup(desk1.path, out=tmp_path / "before.sqlite3")
        desk2.advance(a.code, Status.PROCESSING, note="Quầy 2 chuyển xử lý")
        run_pass(desk2, sync_options(server.url))
        desk1.advance(a.code, Status.PROCESSING, note="Quầy 1 chuyển xử lý")
        lost = run_pass(desk1, sync_options(server.url))
        assert (lost.conflicts, lost.quarantined) == (1, 1)
        desk1, _ = restore(desk1, saved)
        res = run_pass(desk1, sync_options(server.url))
        assert res.recovered == 1 and res.pushed == 0
        [kept] = outbox.listing(desk1, "quarantined")
        assert kept["code"] == a.code and "Xung đột" in kept["reason"]
        assert sorted(e.data.get("note") for e in desk1.events_of(desk1.dossier(a.code)) if e.kind == "transition") \
            == ["Quầy 1 chuyển xử lý", "Quầy 2 chuyển xử lý"]
        assert int(desk1.dossier(a.code).status) == int(Status.PROCESSING)
        assert server.dossiers()[0]["status"] == int(Status.PROCESSING)
        assert len(server.change_uuids()) == 3
    finally:
        desk1.close()
        desk2.close()


def test_restored_twice_before_the_recovery_codes_still_wait(server, restored):
    """Restored without the file, then restored again over the file the first restore made (its
    codes were waiting): the carried counters cannot tell either, so codes still wait."""
    desk, _ = restore(restored["desk"], restored["saved"], lose_current=True)
    desk, result = restore(desk, restored["saved"])
    restored["desk"] = desk
    assert result["kept_aside"] and sync_status(desk)["codes_on_hold"]
    with pytest.raises(NotAllowed):
        desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên"))
    assert run_pass(desk, sync_options(server.url)).recovered_dossiers == 2
    assert desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Vũ Thị Duyên")).code > restored["c"]
