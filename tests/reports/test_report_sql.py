"""The report counted in SQL says exactly what the pure rule says, dossier by dossier."""

import pytest
from hypothesis import HealthCheck, given, settings

from commune_desk.rules.report import build_report
from commune_desk.store.desk import Desk

from .generated import NOW, PERIOD, fill_desk, snapshots


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    d = Desk(tmp_path_factory.mktemp("desk"), clock=lambda: NOW)
    d.setup(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1)
    yield d
    d.close()


def _figures(report):
    out = report.to_dict()
    out.pop("overdue")
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snaps=snapshots())
def test_the_desk_sql_agrees_with_the_rule(desk, snaps):
    fill_desk(desk, snaps)
    expected = build_report(snaps, *PERIOD, NOW)
    got = desk.report(*PERIOD, now=NOW)
    assert _figures(got) == _figures(expected)
    assert [o.code for o in got.overdue] == [o.code for o in expected.overdue]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snaps=snapshots())
def test_each_group_of_a_split_agrees_with_the_rule_on_its_own_dossiers(desk, snaps):
    fill_desk(desk, snaps)
    for by, key_of in (("field", lambda s: s["field"]), ("procedure", lambda s: s["procedure_id"]),
                       ("clerk", lambda s: s["clerk"]), ("channel", lambda s: str(s["channel"]))):
        groups = desk.report(*PERIOD, now=NOW, by=by)
        seen = set()
        for key, label, report in groups:
            mine = [s for s in snaps if key_of(s) == key]
            assert _figures(report) == _figures(build_report(mine, *PERIOD, NOW)), (by, key)
            seen.add(key)
        rows_in_period = {key_of(s) for s in snaps if build_report([s], *PERIOD, NOW).to_dict() !=
                          build_report([], *PERIOD, NOW).to_dict()}
        assert rows_in_period <= seen
