"""Finding things at the counter the way clerks type them: a procedure by a few words, a dossier
by a phone or ID typed with spaces or dots."""

import json
from datetime import timedelta

from commune_desk.rules.intake import IntakeForm
from commune_desk.rules.procedure_search import EXACT, OPENS, PHRASE, WORDS, match_tier
from tests.test_cli import run


def visit(desk, proc, days_ago=0, **kw):
    received = desk.now() - timedelta(days=days_ago) if days_ago else None
    return desk.intake(IntakeForm(procedure_id=proc, name=kw.pop("name", "Lê Văn Hùng"), **kw),
                       received_at=received)


def test_khai_sinh_means_the_birth_registration(desk):
    found = [p.id for p in desk.find_procedures("khai sinh")]
    assert found[0] == "HT-KS"
    assert found.index("HT-BSTL") > found.index("HT-KSLD")        # «Cấp bản sao … Giấy khai sinh» later
    assert desk.find_procedures("Đăng ký khai sinh")[0].id == "HT-KS"
    assert desk.find_procedures("ket hon")[0].id == "HT-KH"
    assert desk.find_procedures("chung thuc chu ky")[0].id == "CT-CK"
    assert desk.find_procedures("HT-XNHN")[0].id == "HT-XNHN"
    assert desk.find_procedures("khong co thu tuc nay") == []


def test_match_tiers():
    assert match_tier("khai sinh", "dang ky khai sinh") == EXACT
    assert match_tier("khai sinh", "dang ky khai sinh luu dong") == OPENS
    assert match_tier("khai sinh", "cap ban sao trich luc ho tich, ban sao giay khai sinh") == PHRASE
    assert match_tier("sinh khai", "dang ky khai sinh") == WORDS
    assert match_tier("ket hon", "dang ky khai sinh") is None


def test_this_offices_recent_use_breaks_ties(desk, clock):
    before = [p.id for p in desk.find_procedures("khai sinh")]
    assert before.index("HT-KSBG") > 2
    for _ in range(3):
        visit(desk, "HT-KSBG")
    for _ in range(5):
        visit(desk, "HT-KSHS", days_ago=120)          # long ago: does not count
    found = [p.id for p in desk.find_procedures("khai sinh")]
    assert found[:2] == ["HT-KS", "HT-KSBG"]          # the whole name still wins over use
    assert found[2:] == [p for p in before if p not in ("HT-KS", "HT-KSBG")]   # old visits moved nothing
    clock.now += timedelta(days=91)
    assert [p.id for p in desk.find_procedures("khai sinh")] == before


def test_phone_and_id_typed_with_spaces_or_dots(desk):
    d = visit(desk, "HT-XNHN", name="Nguyễn Văn Đạt", phone="0912345678", id_number="001090012345")
    visit(desk, "HT-XNHN", name="Trần Thị Bình", phone="0987654321", id_number="001190012345")
    for typed in ("0912 345 678", "0912.345.678", "+84 912 345 678", "0912345678", "001 090 012 345",
                  "001.090.012.345"):
        assert [x.code for x in desk.find(typed)] == [d.code], typed
    assert [x.code for x in desk.find(d.code[-11:])] == [d.code]       # a code fragment keeps its dash


def test_contract_catalog_find_show(tmp_path):
    data = tmp_path / "d"
    run("setup", "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26", data_dir=data)
    catalog = json.loads(run("catalog", "khai sinh", "--json", data_dir=data).stdout)
    assert isinstance(catalog, list) and catalog[0]["id"] == "HT-KS" and all("id" in p for p in catalog)
    none = run("catalog", "khong co thu tuc nay", data_dir=data)
    assert none.stdout.strip() == "Không tìm thấy thủ tục «khong co thu tuc nay»."
    code = json.loads(run("intake", "--procedure", "HT-XNHN", "--name", "Nguyễn Văn Đạt", "--phone", "0912345678",
                          "--json", data_dir=data).stdout)["code"]
    found = json.loads(run("find", "0912 345 678", "--json", data_dir=data).stdout)
    assert [x["code"] for x in found] == [code]
    run("print", code, "--form", "01", "--out", str(tmp_path / "slip.pdf"), data_dir=data)
    shown = json.loads(run("show", code, "--json", data_dir=data).stdout)
    assert [e["kind"] for e in shown["events"]] == ["intake", "export"]
    assert shown["events"][1]["form"] == "01"
