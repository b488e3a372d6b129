"""The shipped procedure catalog (resources/catalog/procedures.json) is data a clerk relies on:
these checks keep it loadable, unambiguous and correctly written Vietnamese."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[1] / "resources" / "catalog" / "procedures.json"


@pytest.fixture(scope="module")
def catalog():
    return json.loads(CATALOG.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def procedures(catalog):
    return catalog["procedures"]


def by_id(procedures, pid):
    return next(p for p in procedures if p["id"] == pid)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)


def test_catalog_has_a_version_and_enough_procedures(catalog, procedures):
    assert catalog["catalog_version"]
    assert len(procedures) >= 25


def test_ids_and_names_are_unique(procedures):
    ids = [p["id"] for p in procedures]
    names = [p["name"] for p in procedures]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))


def test_ids_can_be_typed_on_the_command_line(procedures):
    for p in procedures:
        assert re.fullmatch(r"[A-Z0-9][A-Z0-9-]{1,39}", p["id"]), p["id"]


def test_national_codes_look_like_the_national_database_or_are_null(procedures):
    for p in procedures:
        assert p["national_code"] is None or re.fullmatch(r"\d\.\d{6}", p["national_code"]), p["id"]


def test_every_text_is_nfc(catalog):
    for text in strings(catalog):
        assert unicodedata.is_normalized("NFC", text), text


def test_deadlines_and_fees_are_whole_non_negative_numbers(procedures):
    for p in procedures:
        for key in ("days", "fee"):
            assert isinstance(p[key], int) and not isinstance(p[key], bool), (p["id"], key)
            assert p[key] >= 0, (p["id"], key)


def test_every_procedure_lists_the_documents_to_hand_in(procedures):
    for p in procedures:
        assert p["documents"], p["id"]
        for doc in p["documents"]:
            assert doc["name"].strip()
            for key in ("originals", "certified_copies", "photocopies"):
                assert isinstance(doc[key], int) and doc[key] >= 0, (p["id"], doc["name"])


def test_every_procedure_has_a_field_and_a_legal_basis(procedures):
    for p in procedures:
        assert p["field"].strip(), p["id"]
        assert p["legal_basis"], p["id"]


def test_birth_registration_is_decided_the_same_day(procedures):
    ks = by_id(procedures, "HT-KS")
    assert ks["name"] == "Đăng ký khai sinh"
    assert ks["days"] == 0


def test_marital_status_certificate_takes_three_working_days(procedures):
    xn = by_id(procedures, "HT-XNHN")
    assert "xác nhận tình trạng hôn nhân" in xn["name"].lower()
    assert xn["days"] == 3


def test_liaison_procedures_are_flagged(procedures):
    liaison = {p["id"] for p in procedures if p["liaison"]}
    assert {"LT-KS", "LT-KT"} <= liaison
