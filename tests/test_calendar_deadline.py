"""Working days and due instants, as a clerk reads them on the slip."""

from datetime import date, time, timedelta

import pytest

from commune_desk.errors import InvalidInput, NotAllowed
from commune_desk.rules.deadline import check_extension, compute_due, due_soon, restart_after_supplement
from commune_desk.rules.office_calendar import OfficeCalendar, parse_instant, parse_session
from tests.conftest import at

CAL = OfficeCalendar()


def due(received: str, days: int, cal=CAL) -> str:
    return compute_due(cal, at(received), days).due_at.strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize("received, days, expected", [
    ("2026-11-16 08:00", 1, "Mon 2026-11-16 17:00"),     # the first example
    ("2026-11-16 13:00", 1, "Tue 2026-11-17 12:00"),     # second example
    ("2026-11-13 09:32", 5, "Fri 2026-11-20 09:32"),     # Fri 09:32 + 5 → next Fri 09:32
    ("2026-11-16 12:30", 1, "Tue 2026-11-17 12:00"),     # lunch: starts at 13:00
    ("2026-11-16 07:10", 1, "Mon 2026-11-16 17:00"),     # before opening: starts at 08:00
    ("2026-11-16 17:30", 1, "Tue 2026-11-17 17:00"),     # after hours: next working day
    ("2026-11-16 17:00", 1, "Tue 2026-11-17 17:00"),     # at closing is after the last session
    ("2026-11-14 10:00", 3, "Wed 2026-11-18 17:00"),     # Saturday: starts Monday 08:00
    ("2026-11-16 12:00", 1, "Tue 2026-11-17 12:00"),     # exactly at lunch start
    ("2026-11-16 11:00", 1, "Tue 2026-11-17 11:00"),
])
def test_due_in_working_hours(received, days, expected):
    assert due(received, days) == expected


def test_vietnam_cultural_day_2026_is_a_day_off():
    # 24/11/2026 is a public holiday in the VN calendar: a Monday-afternoon dossier skips it
    assert not CAL.is_working_day(date(2026, 11, 24))
    assert due("2026-11-23 13:00", 1) == "Wed 2026-11-25 12:00"


def test_tet_2026_is_skipped():
    # Tết Bính Ngọ: 16–20/2/2026 off; a 3-day dossier from Friday 13/2 afternoon lands after Tết
    for d in range(16, 21):
        assert not CAL.is_working_day(date(2026, 2, d))
    assert due("2026-02-13 14:00", 3) == "Wed 2026-02-25 14:00"


def test_tet_2027_is_skipped():
    # Tết Đinh Mùi: 4–10/2/2027 off (Thursday to Wednesday)
    off = [date(2027, 2, d) for d in (4, 5, 8, 9, 10)]
    assert not any(CAL.is_working_day(d) for d in off)
    assert CAL.is_working_day(date(2027, 2, 3)) and CAL.is_working_day(date(2027, 2, 11))
    assert due("2027-02-03 16:00", 1) == "Thu 2027-02-11 16:00"


def test_swapped_saturday_22_8_2026_is_a_working_day_and_31_8_is_off():
    assert CAL.is_working_day(date(2026, 8, 22))          # Saturday worked
    assert not CAL.is_working_day(date(2026, 8, 31))      # compensatory day off
    assert not CAL.is_working_day(date(2026, 9, 1)) and not CAL.is_working_day(date(2026, 9, 2))
    # Friday 21/8 15:00 + 1 day → Saturday 22/8 15:00
    assert due("2026-08-21 15:00", 1) == "Sat 2026-08-22 15:00"
    # Friday 28/8 09:00 + 2 days: 7 h on Friday; 31/8, 1/9, 2/9 off; 8 h Thu 3/9; 1 h Fri 4/9
    assert due("2026-08-28 09:00", 2) == "Fri 2026-09-04 09:00"


def test_compensatory_day_for_gio_to_2026():
    # Giỗ Tổ 10/3 âm lịch falls on Sunday 26/4/2026; Monday 27/4 is the compensatory day off
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert due("2026-04-24 16:00", 1) == "Tue 2026-04-28 16:00"


def test_same_day_procedure_and_15h_cutoff():
    assert due("2026-11-16 14:59", 0) == "Mon 2026-11-16 17:00"
    assert due("2026-11-16 15:00", 0) == "Mon 2026-11-16 17:00"     # at the cut-off: same day
    assert due("2026-11-16 15:01", 0) == "Tue 2026-11-17 17:00"     # after: next working day
    assert due("2026-11-16 12:30", 0) == "Mon 2026-11-16 17:00"     # lunch
    assert due("2026-11-20 16:00", 0) == "Mon 2026-11-23 17:00"     # Friday after cut-off
    assert due("2026-11-23 15:30", 0) == "Wed 2026-11-25 17:00"     # skips 24/11 holiday
    assert due("2026-11-21 09:00", 0) == "Mon 2026-11-23 17:00"     # Saturday


def test_office_overrides_beat_the_builtin_calendar():
    cal = OfficeCalendar(overrides={date(2026, 11, 24): True, date(2026, 11, 25): False})
    assert cal.is_working_day(date(2026, 11, 24))
    assert not cal.is_working_day(date(2026, 11, 25))
    assert due("2026-11-23 13:00", 2, cal) == "Thu 2026-11-26 12:00"


def test_configurable_sessions():
    cal = OfficeCalendar(sessions=(parse_session("07:30-11:30"), parse_session("13:30-17:00")),
                         cutoff=time(15))
    assert cal.day_length == timedelta(hours=7, minutes=30)
    assert due("2026-11-16 07:30", 1, cal) == "Mon 2026-11-16 17:00"
    assert due("2026-11-16 11:45", 1, cal) == "Tue 2026-11-17 11:30"   # lunch → 13:30 start


def test_bad_sessions_are_refused_in_vietnamese():
    with pytest.raises(InvalidInput, match="giờ bắt đầu phải trước"):
        OfficeCalendar(sessions=((time(12), time(8)),))
    with pytest.raises(InvalidInput, match="chồng lên nhau"):
        OfficeCalendar(sessions=((time(8), time(12)), (time(11), time(17))))
    with pytest.raises(InvalidInput, match="08:00-12:00"):
        parse_session("sáng")


def test_supplement_stops_the_clock_and_restarts_the_full_time():
    first = compute_due(CAL, at("2026-11-16 09:00"), 3)
    assert first.due_at == at("2026-11-19 09:00")
    # papers missing on Tue; the complete dossier returns Thu 26/11 14:00 → full 3 days again
    restarted = restart_after_supplement(CAL, at("2026-11-26 14:00"), 3)
    assert restarted.due_at == at("2026-12-01 14:00")


def test_extension_is_allowed_once_and_only_before_due():
    due_at, new = at("2026-11-20 17:00"), at("2026-11-27 17:00")
    check_extension(now=at("2026-11-19 10:00"), due_at=due_at, new_due_at=new, already_extended=False)
    with pytest.raises(NotAllowed, match="một lần"):
        check_extension(now=at("2026-11-19 10:00"), due_at=due_at, new_due_at=new, already_extended=True)
    with pytest.raises(NotAllowed, match="trước hạn"):
        check_extension(now=at("2026-11-20 17:01"), due_at=due_at, new_due_at=new, already_extended=False)
    with pytest.raises(InvalidInput, match="sau thời hạn"):
        check_extension(now=at("2026-11-19 10:00"), due_at=due_at, new_due_at=at("2026-11-20 09:00"),
                        already_extended=False)


def test_due_soon_warns_from_one_working_day_before():
    due_at = at("2026-11-27 17:00")   # Friday
    assert not due_soon(CAL, at("2026-11-26 16:00"), due_at)   # 9 h of work left
    assert due_soon(CAL, at("2026-11-26 17:00"), due_at)       # exactly one working day
    assert due_soon(CAL, at("2026-11-27 09:00"), due_at)
    assert not due_soon(CAL, at("2026-11-27 17:01"), due_at)   # overdue is not "soon"


def test_received_at_parsing():
    assert parse_instant("2026-11-23T09:32:00+07:00") == at("2026-11-23 09:32")
    assert parse_instant("2026-11-23T02:32:00Z") == at("2026-11-23 09:32")
    assert parse_instant("2026-11-23 09:32") == at("2026-11-23 09:32")    # wall time in Vietnam
    with pytest.raises(InvalidInput, match="ISO 8601"):
        parse_instant("23/11/2026")


def test_negative_days_refused():
    with pytest.raises(InvalidInput):
        compute_due(CAL, at("2026-11-23 09:00"), -1)
