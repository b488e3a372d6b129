"""The digitised-share rule, on the catalog's own checklists."""

from commune_desk.catalog import read_catalog
from commune_desk.rules.digitise import Share, is_digitised, submitted


def checklist(pid):
    return next(p["documents"] for p in read_catalog()["procedures"] if p["id"] == pid)


def test_bracketed_conditions_are_not_required_a_substitute_is():
    birth = checklist("HT-KS")        # 2: "Giấy chứng sinh; nếu không có thì …" stays required
    assert submitted(birth, []) == {1, 2, 3}
    assert submitted(birth, [{"name": birth[1]["name"], "reason": "bổ sung sau"}]) == {1, 3}


def test_every_submitted_document_scanned_or_one_scan_of_the_whole():
    birth = checklist("HT-KS")
    assert not is_digitised(birth, [], set())
    assert not is_digitised(birth, [], {1, 2})
    assert is_digitised(birth, [], {1, 2, 3})
    assert is_digitised(birth, [], {None})
    assert not is_digitised([], [], set()) and is_digitised([], [], {None})


def test_share_by_field():
    share = Share()
    for field_name, done in [("Hộ tịch", True), ("Hộ tịch", False), ("Chứng thực", True)]:
        share.add(field_name, done)
    got = share.to_dict()
    assert (got["received"], got["digitised"], got["share"]) == (3, 2, 66.67)
    assert [(g["field"], g["share"]) for g in got["by_field"]] == [("Chứng thực", 100.0), ("Hộ tịch", 50.0)]
