"""A desk enrols, pushes its day, pulls what the district publishes; over SQLite and PostgreSQL."""

import json
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from commune_desk.store import outbox
from commune_desk.sync import NotEnrolled, Unauthorized, run_pass, sync_status
from harness import assert_converged, enroll, intake, sync_options, unique_agency


def test_enrolled_desk_pushes_every_dossier_once(server, desk1):
    code = server.add_commune()
    info = enroll(desk1, server, code)
    assert info["commune_name"] == "UBND xã Phúc Lợi"
    token_file = desk1.data_dir / "sync-token.json"
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    token = json.loads(token_file.read_text())["token"]
    # the server keeps only a hash of the token
    assert not server.query("SELECT id FROM device WHERE token_hash = %s", (token,))

    made = intake(desk1, 5)
    result = run_pass(desk1, sync_options(server.url))
    assert (result.accepted, result.duplicates, result.quarantined, result.waiting) == (5, 0, 0, 0)
    rows = assert_converged(server, [desk1])
    assert sorted(r["code"] for r in rows) == sorted(d.code for d in made)

    from datetime import datetime
    from commune_desk.rules.office_calendar import TZ
    before = datetime.now(TZ)
    again = run_pass(desk1, sync_options(server.url))
    after = datetime.now(TZ)
    assert again.pushed == 0 and again.error is None
    status = sync_status(desk1)
    assert status["online"] is True and status["waiting"] == 0 and status["quarantined"] == 0
    assert status["last_success_at"] is not None
    # the desk's fixed clock minus the server's real one, as the server measured it during the pass
    # (however long the pass took on a loaded machine); 0.01 s for the millisecond rounding
    slowest, quickest = ((desk1.now() - t).total_seconds() for t in (after, before))
    assert slowest - 0.01 <= status["clock_offset_s"] <= quickest + 0.01


def test_one_time_code_cannot_enrol_twice(server, desk1, desk2):
    code = server.add_commune()
    enroll(desk1, server, code)
    from commune_desk.sync import SyncError
    with pytest.raises(SyncError, match="đã dùng"):
        enroll(desk2, server, code)


def test_unenrolled_desk_is_told_to_enrol(desk1):
    with pytest.raises(NotEnrolled, match="enroll"):
        run_pass(desk1, sync_options("http://127.0.0.1:9"))


def test_revoked_commune_is_refused_and_nothing_is_marked(server, desk1):
    enroll(desk1, server, server.add_commune())
    intake(desk1, 2)
    server.admin("commune", "revoke", server.agency)
    with pytest.raises(Unauthorized, match="từ chối"):
        run_pass(desk1, sync_options(server.url))
    assert sync_status(desk1)["waiting"] == 2
    assert server.dossiers() == []


def test_desk_cannot_write_another_agencys_dossier(server, tmp_path):
    from harness import make_desk
    neighbour = unique_agency()
    other = make_desk(tmp_path / "other", 1, agency=neighbour)
    try:
        server.add_commune()
        code = server.add_commune(neighbour, "UBND xã Bên Cạnh")
        enroll(other, server, code)
        intake(other, 1)
        # the desk is re-configured to pretend it is the first commune: its later dossier is refused
        from commune_desk.store.models import Setting
        with other.using():
            row = Setting.get(Setting.key == "office")
            row.value = {**row.value, "agency_code": server.agency}
            row.save()
        other._config = None          # the desk re-reads its settings, as after a restart
        intake(other, 1)
        result = run_pass(other, sync_options(server.url))
        assert result.accepted == 1 and result.rejected == 1 and result.quarantined == 1
        bad = outbox.listing(other, outbox.QUARANTINED)
        assert "không phải" in bad[0]["reason"] or "không thuộc" in bad[0]["reason"]
        assert server.dossiers() == []
        assert len(server.dossiers(neighbour)) == 1
    finally:
        other.close()


def test_pull_brings_catalog_fees_holidays_and_upstream_status(server, desk1, tmp_path):
    enroll(desk1, server, server.add_commune())
    [d] = intake(desk1, 1)
    run_pass(desk1, sync_options(server.url))
    catalog = {"catalog_version": "district-2", "procedures": [
        {"id": "HT-KS", "name": "Đăng ký khai sinh", "field": "Hộ tịch", "days": 0},
        {"id": "HT-XNHN", "name": "Xác nhận tình trạng hôn nhân", "field": "Hộ tịch", "days": 3, "fee": 3000},
        {"id": "HT-KT", "name": "Đăng ký khai tử", "field": "Hộ tịch", "days": 0}]}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    mine = ("--agency-code", server.agency)     # other tests share this server
    server.admin("catalog", "publish", str(path), *mine)
    server.admin("fee", "--procedure", "HT-XNHN", "--fee", "5000", "--note", "Theo nghị quyết HĐND", *mine)
    server.admin("holiday", "off", "--day", "2026-12-31", "--note", "Nghỉ bù", *mine)
    server.admin("status", "--code", d.code, "--status", "4", "--note", "Chuyển cấp huyện")
    result = run_pass(desk1, sync_options(server.url))
    assert result.error is None
    assert result.applied["catalog"] == 1 and result.applied["fee"] == 1
    assert result.applied["calendar"] == 1 and result.applied["status"] == 1
    assert desk1.procedure("HT-KT").name == "Đăng ký khai tử"
    assert desk1.procedure("HT-XNHN").fee == 5000
    assert not desk1.calendar().is_working_day(date(2026, 12, 31))
    assert int(desk1.dossier(d.code).status) == 4
    # nothing pulled goes back up
    assert sync_status(desk1)["waiting"] == 0
    # applying again changes nothing: a second pass pulls nothing new
    again = run_pass(desk1, sync_options(server.url))
    assert again.pulled == 0 and again.pushed == 0
    assert_converged(server, [desk1])


def test_the_benchmark_floor_routes_exist_only_in_the_benchmarks_own_server(tmp_path, sqlite_server):
    import gzip
    import sys

    import requests

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.bench_sync import SINK_PATH, STORE_PATH, floor_server
    for path in (SINK_PATH, STORE_PATH):
        assert requests.post(sqlite_server.url + path, data=b"x" * 1000, timeout=10).status_code == 404
    bench = floor_server(sqlite_server.db_url, tmp_path / "bench-server")
    try:
        r = requests.post(bench.url + SINK_PATH, data=b"x" * 1000, timeout=10)
        assert r.status_code == 200 and r.json() == {"received": 1000}
        r = requests.post(bench.url + STORE_PATH, data=gzip.compress('{"changes": ["Đạt"]}'.encode()), timeout=10)
        assert r.status_code == 200 and r.json() == {"stored": len("{\"changes\":[\"Đạt\"]}")}
        assert bench.query("SELECT body FROM bench_floor") == [('{"changes":["Đạt"]}',)]
        assert requests.get(bench.url + "/api/v1/health", timeout=10).json()["status"] == "ok"
    finally:
        bench.stop()


def test_later_steps_move_the_servers_dossier_rows_forward(server, desk1):
    """Steps pushed in a later batch update the stored dossiers (the bulk update path), and an
    intake with its step in one batch is stored at its latest state."""
    enroll(desk1, server, server.add_commune())
    first = intake(desk1, 3)
    assert run_pass(desk1, sync_options(server.url)).accepted == 3
    for d in first[:2]:
        desk1.handoff(d.code, "Công chức Tư pháp - Hộ tịch")
    [late] = intake(desk1, 1)
    desk1.handoff(late.code, "Công chức Văn hóa - Xã hội")
    result = run_pass(desk1, sync_options(server.url, batch_size=2))
    assert (result.accepted, result.quarantined, result.waiting) == (4, 0, 0)
    rows = {r["code"]: r["status"] for r in assert_converged(server, [desk1])}
    assert rows[first[2].code] != rows[first[0].code] == rows[first[1].code] == rows[late.code]


def test_awkward_text_is_stored_exactly(server, desk1):
    """Backslashes, tabs, newlines and quotes in an actor and in data survive the bulk insert
    (COPY on PostgreSQL) byte for byte; a NUL in the actor is refused, not a server error."""
    import uuid as uuid_mod

    import requests

    from commune_desk.sync import protocol as p
    from commune_desk.sync.token import load_token
    enroll(desk1, server, server.add_commune())
    token = load_token(desk1.data_dir)["token"]
    actor = 'Trần "Bé"\tNguyễn \\ Ngọc\r\nQuầy 1 \\N'
    ok, bad = str(uuid_mod.uuid4()), str(uuid_mod.uuid4())
    at = desk1.now().isoformat(timespec="seconds")
    changes = [{"uuid": ok, "seq": 1, "kind": "note", "at": at, "actor": actor,
                "data": {"text": "a\tb\\nc\nd \\N é"}},
               {"uuid": bad, "seq": 2, "kind": "note", "at": at, "actor": "x\x00y", "data": {}}]
    batch = str(uuid_mod.uuid4())
    r = requests.post(server.url + p.PUSH_PATH, data=p.encode_push(batch, desk1.now(), changes), timeout=20,
                      headers={"Authorization": f"Bearer {token}", "Content-Type": p.JSON_TYPE,
                               "Content-Encoding": "gzip"})
    assert r.status_code == 200, r.text
    acks = {a["uuid"]: a["result"] for a in r.json()["acks"]}
    assert acks == {ok: "accepted", bad: "rejected"}
    [(stored_actor, stored_data)] = server.query("SELECT actor, data FROM change WHERE uuid = %s", (ok,))
    assert stored_actor == actor
    assert json.loads(stored_data) == {"text": "a\tb\\nc\nd \\N é"}
