"""A desk file written by the first released schema (tests/first_schema/first_schema_desk.sqlite3, made
by tests/first_schema/make_first_schema_desk.py with the code of that release) opened by today's app:
every record is there, the audit trail verifies, and what had not been pushed still syncs."""
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from commune_desk.rules.intake import IntakeForm
from commune_desk.rules.office_calendar import TZ
from commune_desk.rules.statuses import Status
from commune_desk.store.desk import Desk
from commune_desk.sync import run_pass, sync_status
from harness import Clock, enroll, sync_options

FIXTURE = Path(__file__).resolve().parents[1] / "first_schema" / "first_schema_desk.sqlite3"
AGENCY = "000.30.36.H26"


def old_desk(tmp_path) -> Desk:
    folder = tmp_path / "desk"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "desk.sqlite3")
    return Desk(folder, clock=Clock("2026-11-24 08:30"))


def test_the_first_schemas_file_opens_with_every_record(tmp_path):
    before = sqlite3.connect(FIXTURE)
    old_events = before.execute("select count(*) from event").fetchone()[0]
    before.close()
    desk = old_desk(tmp_path)
    try:
        cfg = desk.config()
        assert (cfg.office_name, cfg.agency_code, cfg.desk, cfg.clerk_name) == (
            "UBND xã Phúc Lợi", AGENCY, 1, "Trần Văn Bình")
        first = desk.dossier("000.30.36.H26-261123-0001")
        assert first.applicant_name == "Nguyễn Thị Hồng Nhung" and first.id_number == "001186012345"
        assert Status(first.status) == Status.ACCEPTED
        assert first.due_at == datetime(2026, 11, 23, 17, 0, tzinfo=TZ)
        second = desk.dossier("000.30.36.H26-261123-0002")
        assert second.return_by == "post" and second.post_address == "Số 5 phố Huế, Hà Nội"
        assert [d.code for d in desk.find("dat")] == [second.code]      # old rows are in the search index
        assert len(desk.events_of(first)) >= 1
        assert desk.draft()["name"] == "Vũ Minh Khôi"
        with desk.using():
            from commune_desk.store.models import Event
            assert Event.select().count() >= old_events
        assert desk.verify_audit().ok
        # and it keeps working: the next code follows the old ones
        made = desk.intake(IntakeForm(procedure_id="HT-KS", name="Vũ Minh Khôi"))
        assert made.code == "000.30.36.H26-261124-0001"
    finally:
        desk.close()


def test_changes_the_old_desk_had_not_pushed_still_sync(tmp_path, sqlite_server):
    desk = old_desk(tmp_path)
    try:
        assert sync_status(desk)["waiting"] == 3       # the second visit, the supplement, the refusal
        enroll(desk, sqlite_server, sqlite_server.add_commune(agency=AGENCY))
        result = run_pass(desk, sync_options(sqlite_server.url))
        assert result.error is None and result.quarantined == 0 and result.waiting == 0
        assert result.accepted >= 3
        with desk.using():
            from commune_desk.store.models import Dossier
            unpushed = {d.uuid: (d.code, int(d.status)) for d in Dossier.select()
                        if d.applicant_name in ("Lê Văn Đạt", "Phạm Thu Hà", "Đỗ Văn Quang")}
        rows = {r["uuid"]: (r["code"], r["status"]) for r in sqlite_server.dossiers(AGENCY)}
        assert len(unpushed) == 3 and {u: rows.get(u) for u in unpushed} == unpushed
        assert sync_status(desk)["waiting"] == 0
    finally:
        desk.close()


def test_an_old_dossiers_first_change_names_its_version_and_the_next_names_that_change(tmp_path, sqlite_server):
    """Rows from before the desk kept a dossier's last change (0018) have none: the first change
    after the upgrade names only its version (the server orders it by version), the next one names
    the first as its base, and both are applied."""
    desk = old_desk(tmp_path)
    try:
        enroll(desk, sqlite_server, sqlite_server.add_commune(agency=AGENCY))
        assert run_pass(desk, sync_options(sqlite_server.url)).error is None
        code = "000.30.36.H26-261123-0001"
        assert desk.dossier(code).last_change is None
        desk.handoff(code, "Công chức Tư pháp - Hộ tịch")
        desk.advance(code, Status.RESOLVED, note="Đã giải quyết")
        with desk.using():
            first, second = [e for e in desk.events_of(desk.dossier(code)) if e.kind in ("handoff", "transition")]
            assert "base" not in first.data and second.data["base"] == first.uuid
            assert desk.dossier(code).last_change == second.uuid
        result = run_pass(desk, sync_options(sqlite_server.url))
        assert (result.accepted, result.conflicts, result.error) == (2, 0, None)
        assert sqlite_server.query("SELECT last_change, status FROM dossier WHERE code = %s", (code,)) == [
            (second.uuid, int(Status.RESOLVED))]
    finally:
        desk.close()
