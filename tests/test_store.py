"""The desk file: durable, migrated forward, refused when newer, one code per dossier for ever."""

import json
import sqlite3
import subprocess
import sys
import textwrap
import unicodedata

import pytest
from playhouse.migrations import Runner

from commune_desk.errors import InvalidInput, NotFound, StoreError
from commune_desk.rules.intake import FormErrors, IntakeForm
from commune_desk.store.db import MIGRATIONS_DIR, connect
from commune_desk.store.desk import Desk
from commune_desk.store.models import Dossier, Event
from tests.conftest import at

PROC = "HT-XNHN"   # Xác nhận tình trạng hôn nhân: 3 working days


def form(**kw):
    values = dict(procedure_id=PROC, name="Nguyễn Văn An", id_number="001090012345", phone="0912345678",
                  address="Thôn Đông, xã Phúc Lợi")
    values.update(kw)
    return IntakeForm(**values)


def test_file_is_wal_with_full_sync_and_foreign_keys(desk):
    pragma = lambda name: desk.db.execute_sql(f"pragma {name}").fetchone()[0]
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") >= 3000      # a short wait for a lock held elsewhere, then a message


def test_intake_issues_code_due_and_event(desk):
    d = desk.intake(form())
    assert d.code == "000.30.36.H26-261123-0001"
    assert d.status == 2 and d.received_at == at("2026-11-23 09:32")
    assert d.due_at == at("2026-11-27 09:32")        # 3 working days, 24/11 is a holiday
    events = desk.events_of(d)
    assert [e.kind for e in events] == ["intake"]
    assert events[0].data["dossier"]["code"] == d.code and events[0].sync_state == "pending"
    assert desk.intake(form()).code.endswith("-0002")


def test_intake_makes_the_first_version_in_one_audited_write(desk):
    d = desk.intake(form())
    with desk.using():
        assert Dossier.get_by_id(d.id).version == 1
    event = desk.events_of(d)[0]
    assert event.data["base_version"] == 0 and event.data["dossier"]["version"] == 1
    trail = [e for e in desk.audit_entries() if e.target == d.code]
    assert len(trail) == 2          # the row as inserted, and its intake event
    assert trail[-1].detail["after"]["version"] == 1 and desk.verify_audit().ok    # newest first
    desk.handoff(d.code, "Công chức Tư pháp - Hộ tịch")
    assert desk.events_of(d)[-1].data["base_version"] == 1 and desk.dossier(d.code).version == 2


def test_nfd_input_is_stored_nfc(desk):
    name = "Phạm Thị Hồng Nhung"
    d = desk.intake(form(name=unicodedata.normalize("NFD", name),
                         address=unicodedata.normalize("NFD", "Xóm Đình, phường Bắc Từ Liêm")))
    row = Dossier.get_by_id(d.id)
    assert row.applicant_name == name and row.address == "Xóm Đình, phường Bắc Từ Liêm"
    assert row.name_folded == "pham thi hong nhung"


def test_bad_input_changes_nothing(desk):
    before = (Dossier.select().count(), Event.select().count())
    with pytest.raises(FormErrors) as exc:
        desk.intake(form(id_number="003090012345", phone="123"))
    assert "mã tỉnh" in exc.value.errors["id_number"]
    with pytest.raises(NotFound, match="Không có thủ tục"):
        desk.intake(form(procedure_id="KHONG-CO"))
    assert (Dossier.select().count(), Event.select().count()) == before
    assert desk.intake(form()).code.endswith("-0001")     # no number was burnt


def test_supplement_and_refusal_are_logged_without_code(desk):
    s = desk.intake(form(outcome="supplement", missing=[{"name": "Tờ khai", "reason": "Chưa ký"}]))
    r = desk.intake(form(outcome="refused", reason="Không thuộc thẩm quyền của UBND xã"))
    assert s.code is None and s.status == 5 and s.missing == [{"name": "Tờ khai", "reason": "Chưa ký"}]
    assert r.code is None and r.status == 3 and r.reason.startswith("Không thuộc")
    assert desk.intake(form()).code.endswith("-0001")


def test_same_day_procedure_after_cutoff(desk, clock):
    clock.set("2026-11-23 15:20")
    d = desk.intake(form(procedure_id="HT-KS"))
    assert d.due_at == at("2026-11-25 17:00")     # next working day (24/11 is a holiday)


def test_imported_paper_record_keeps_its_date(desk):
    d = desk.intake(form(), received_at=at("2026-10-05 10:00"))
    assert d.imported and d.code == "000.30.36.H26-261005-0001"
    with pytest.raises(InvalidInput, match="tương lai"):
        desk.intake(form(), received_at=at("2026-12-01 10:00"))


def test_codes_restart_daily_and_are_never_reused(desk, clock):
    assert desk.intake(form()).code.endswith("261123-0001")
    clock.set("2026-11-25 08:10")
    assert desk.intake(form()).code.endswith("261125-0001")
    # even if the counter row vanished, existing codes keep the sequence moving forward
    desk.db.execute_sql("delete from code_counter")
    assert desk.intake(form()).code.endswith("261125-0002")


def test_second_desk_issues_from_its_own_block(tmp_path, clock):
    one, two = Desk(tmp_path / "d1", clock=clock), Desk(tmp_path / "d2", clock=clock)
    one.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
    two.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=2)
    # each desk works offline on its own file, same day
    codes_one = {one.intake(form()).code for _ in range(5)}
    codes_two = {two.intake(form()).code for _ in range(5)}
    assert not codes_one & codes_two
    assert sorted(codes_two)[0].endswith("-1000")
    assert sorted(codes_one) == [f"000.30.36.H26-261123-{n:04d}" for n in range(1, 6)]


WORKER = textwrap.dedent("""
    import sys, json
    from datetime import datetime
    from commune_desk.store.desk import Desk
    from commune_desk.rules.intake import IntakeForm
    from commune_desk.rules.office_calendar import TZ
    desk = Desk(sys.argv[1], clock=lambda: datetime(2026, 11, 23, 9, 32, tzinfo=TZ))
    codes = [desk.intake(IntakeForm(procedure_id="HT-XNHN", name="Lê Văn B")).code for _ in range(int(sys.argv[2]))]
    print(json.dumps(codes))
""")


def test_two_processes_issuing_at_once_never_share_a_code(tmp_path, clock):
    data = tmp_path / "shared"
    d = Desk(data, clock=clock)
    d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
    d.close()
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(data), "25"], stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    codes = [c for p in procs for c in json.loads(p.communicate(timeout=120)[0])]
    assert all(p.returncode == 0 for p in procs)
    assert len(codes) == 50 and len(set(codes)) == 50
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, 51))


def test_saved_row_survives_the_process_being_killed(tmp_path, clock):
    data = tmp_path / "killed"
    d = Desk(data, clock=clock)
    d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
    d.close()
    script = WORKER.replace("print(json.dumps(codes))",
                            "print(json.dumps(codes), flush=True); import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    out = subprocess.run([sys.executable, "-c", script, str(data), "3"], capture_output=True, text=True, timeout=60)
    assert out.returncode == -9
    codes = json.loads(out.stdout)
    again = Desk(data, clock=clock)
    assert [again.dossier(c).code for c in codes] == codes


def test_older_file_is_upgraded_keeping_its_data(tmp_path, clock):
    path = tmp_path / "old.sqlite3"
    db = connect(path)
    runner = Runner(db, str(MIGRATIONS_DIR))
    first = runner.migrations()[0].name
    runner.up(target=first)
    db.execute_sql("insert into setting(key, value) values ('office', ?)",
                   (json.dumps({"office_name": "UBND xã Cũ", "agency_code": "000.30.36.H26", "desk": 1}),))
    db.close()
    (tmp_path / "desk.sqlite3").unlink(missing_ok=True)
    path.rename(tmp_path / "desk.sqlite3")
    desk = Desk(tmp_path, clock=clock)
    assert desk.config().office_name == "UBND xã Cũ"
    applied = [r[0] for r in desk.db.execute_sql("select name from schema_migration order by name")]
    assert applied == [m.name for m in Runner(desk.db, str(MIGRATIONS_DIR)).migrations()]


def test_newer_file_is_refused_and_left_untouched(tmp_path, clock):
    desk = Desk(tmp_path, clock=clock)
    desk.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26")
    desk.db.execute_sql("insert into schema_migration(name, applied) values ('9999_from_the_future', '2030-01-01')")
    desk.close()
    before = sqlite3.connect(tmp_path / "desk.sqlite3").execute("select count(*) from schema_migration").fetchone()
    with pytest.raises(StoreError, match="phiên bản Commune Desk mới hơn"):
        Desk(tmp_path, clock=clock)
    after = sqlite3.connect(tmp_path / "desk.sqlite3").execute("select count(*) from schema_migration").fetchone()
    assert before == after


def test_catalog_loaded_at_setup_and_editable_by_admin(desk):
    procs = desk.procedures()
    assert len(procs) >= 25
    edited = desk.edit_procedure(PROC, fee=5000)
    assert edited.fee == 5000 and edited.edited
    # a later catalog version updates the text but keeps the office's own fee
    from commune_desk.catalog import read_catalog
    catalog = read_catalog()
    catalog["catalog_version"] = "2099.1"
    summary = desk.load_catalog(catalog, source="upstream")
    assert summary["kept_edits"] == 1
    assert desk.procedure(PROC).fee == 5000 and desk.procedure(PROC).catalog_version == "2099.1"


def test_accent_insensitive_procedure_search(desk):
    names = lambda q: [p.name for p in desk.find_procedures(q)]
    assert any("khai sinh" in n.lower() for n in names("khai sinh"))
    assert any("chứng thực" in n.lower() for n in names("chung thuc"))
    assert any("kết hôn" in n.lower() for n in names("dang ky ket hon"))
    assert "xác nhận tình trạng hôn nhân" in names("HT-XNHN")[0]
    assert "xác nhận tình trạng hôn nhân" in names("xac nhan tinh trang hon nhan")[0]


def test_office_day_override_changes_due(desk, clock):
    from datetime import date
    desk.set_calendar_day(date(2026, 11, 24), working=True, note="Làm bù")
    assert desk.intake(form()).due_at == at("2026-11-26 09:32")
