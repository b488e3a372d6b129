"""The audit trail: every change is an entry, and an edit made behind the desk's back shows."""

import sqlite3

import pytest

from commune_desk.rules.intake import IntakeForm
from commune_desk.store.desk import Desk


@pytest.fixture
def worked(desk):
    d = desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn Đạt", id_number="001090012345"))
    desk.handoff(d.code, "Công chức Tư pháp - Hộ tịch")
    desk.advance(d.code, 9, note="Đã ký")
    desk.edit_procedure("HT-XNHN", fee=3000)
    desk.log_print(d.code, "01", "a5")
    desk.log_print(d.code, "01", "a5")
    desk.code = d.code
    return desk


def entries(desk, n=500):
    with desk.using():
        return list(reversed(desk.audit_entries(n)))


def tamper(desk, *sql):
    """What someone with an SQLite tool would do: remove the guard, then edit."""
    con = sqlite3.connect(desk.path)
    con.execute("DROP TRIGGER IF EXISTS audit_append_only_update")
    con.execute("DROP TRIGGER IF EXISTS audit_append_only_delete")
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()


def test_each_change_is_an_entry_with_who_when_before_after(worked):
    log = entries(worked)
    actions = [e.action for e in log]
    for action in ("setup", "intake", "handoff", "advance", "transition", "edit_procedure", "print", "reprint"):
        assert action in actions, action
    moved = [e for e in log if e.action == "advance" and e.target == worked.code][0]
    assert moved.detail["before"]["status"] == 4 and moved.detail["after"]["status"] == 9
    assert moved.at == "2026-11-23T09:32:00+07:00" and moved.desk == 1
    fee = [e for e in log if e.action == "edit_procedure" and "fee" in (e.detail["after"] or {})][0]
    assert (fee.detail["before"]["fee"], fee.detail["after"]["fee"]) == (5000, 3000)
    assert worked.verify_audit().ok


def test_the_trail_cannot_be_changed_through_sqlite_with_the_guard_in_place(worked):
    con = sqlite3.connect(worked.path)
    with pytest.raises(sqlite3.DatabaseError, match="chỉ được ghi thêm"):
        con.execute("UPDATE audit SET actor = 'x' WHERE seq = 3")
    with pytest.raises(sqlite3.DatabaseError):    # the audited tables need the desk's own functions
        con.execute("UPDATE dossier SET status = 10")
    con.close()


def test_an_edited_entry_is_named(worked):
    target = [e for e in entries(worked) if e.action == "advance"][0].seq
    tamper(worked, f"UPDATE audit SET detail = replace(detail, '\"status\":9', '\"status\":10') WHERE seq = {target}")
    verdict = worked.verify_audit()
    assert not verdict.ok and verdict.broken_seq == target and "sửa" in verdict.reason
    assert any("bị gỡ" in w for w in verdict.warnings)


def test_a_deleted_entry_is_named(worked):
    tamper(worked, "DELETE FROM audit WHERE seq = 5")
    verdict = worked.verify_audit()
    assert verdict.broken_seq == 6 and "thiếu mục 5" in verdict.reason


def test_the_last_entries_deleted_are_noticed(worked):
    last = entries(worked)[-1].seq
    tamper(worked, f"DELETE FROM audit WHERE seq >= {last - 1}")
    verdict = worked.verify_audit()
    assert verdict.broken_seq == last - 1 and "đã bị xóa" in verdict.reason


def test_reordered_entries_are_named(worked):
    tamper(worked,
           "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (7, 8)",
           "UPDATE audit SET action = (SELECT action FROM t WHERE seq = 8), detail = (SELECT detail FROM t WHERE seq = 8),"
           " target = (SELECT target FROM t WHERE seq = 8), hash = (SELECT hash FROM t WHERE seq = 8) WHERE seq = 7",
           "UPDATE audit SET action = (SELECT action FROM t WHERE seq = 7), detail = (SELECT detail FROM t WHERE seq = 7),"
           " target = (SELECT target FROM t WHERE seq = 7), hash = (SELECT hash FROM t WHERE seq = 7) WHERE seq = 8")
    verdict = worked.verify_audit()
    assert verdict.broken_seq == 7


def test_an_event_edited_with_the_triggers_removed_is_noticed_and_the_removal_recorded(worked, clock):
    tamper(worked, "DROP TRIGGER audit_event_update",
           "UPDATE event SET at = '2026-11-20T09:00:00+07:00' WHERE kind = 'transition'")
    verdict = worked.verify_audit()
    assert not verdict.ok and "sự kiện" in verdict.reason and "đã bị sửa" in verdict.reason
    worked.close()
    again = Desk(worked.data_dir, clock=clock)          # opening restores the triggers, and says so
    log = entries(again, 3)
    assert log[-1].action == "audit_triggers_restored"
    assert "audit_event_update" in log[-1].detail["after"]["missing"]
    assert not again.verify_audit().ok
    again.close()


def test_imported_records_are_marked_in_the_trail(desk):
    from commune_desk.rules.office_calendar import TZ
    from datetime import datetime
    desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Phạm Thị Hoa"),
                received_at=datetime(2026, 11, 2, 9, 0, tzinfo=TZ))
    created = [e for e in entries(desk) if e.action == "intake" and e.detail.get("after")][0]
    assert created.detail["after"]["imported"] == 1
    assert created.at == "2026-11-23T09:32:00+07:00"       # written now, whatever the paper said
