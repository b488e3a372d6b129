"""The rules of a dossier's life that the store enforces and the screens offer: who may do what in
which status, the supplement clock, the urgency buckets, and dates as clerks type them."""

from datetime import date

import pytest

from commune_desk.errors import InvalidInput, NotAllowed
from commune_desk.rules import lifecycle
from commune_desk.rules.dates import parse_day, parse_office_instant, read_day
from commune_desk.rules.office_calendar import OfficeCalendar
from commune_desk.rules.standing import standing
from commune_desk.rules.statuses import Status
from commune_desk.rules.timeliness import Timeliness
from tests.conftest import at

CAL = OfficeCalendar()


def test_hand_off_and_extend_only_while_open_and_not_waiting_for_papers():
    for status in Status:
        allowed = status in (Status.ACCEPTED, Status.PROCESSING, Status.FINANCIAL)
        assert (status in lifecycle.HANDOFF_FROM) == allowed == (status in lifecycle.EXTEND_FROM)
    with pytest.raises(NotAllowed, match="Yêu cầu bổ sung"):
        lifecycle.check_handoff(Status.SUPPLEMENT)


def test_handover_only_of_a_resolved_dossier_and_only_once():
    lifecycle.check_handover(Status.RESOLVED, "X-1", None)
    with pytest.raises(NotAllowed, match="đã trả kết quả lúc 10 giờ 15 phút, ngày 24/11/2026"):
        lifecycle.check_handover(Status.RETURNED, "X-1", at("2026-11-24 10:15"))
    with pytest.raises(NotAllowed, match="chưa xử lý xong"):
        lifecycle.check_handover(Status.PROCESSING, "X-1", None)


def test_extension_once_and_before_due():
    due = at("2026-11-27 09:32")
    assert lifecycle.can_extend(Status.PROCESSING, False, due, at("2026-11-26 10:00"))
    assert not lifecycle.can_extend(Status.PROCESSING, True, due, at("2026-11-26 10:00"))
    assert not lifecycle.can_extend(Status.PROCESSING, False, due, at("2026-11-27 09:33"))


def test_supplement_stops_the_clock_and_the_full_time_restarts():
    stop = lifecycle.clock_on_move(Status.PROCESSING, Status.SUPPLEMENT, CAL, at("2026-11-25 10:00"), 3)
    assert stop == {"clock_stopped_at": at("2026-11-25 10:00")}
    back = lifecycle.clock_on_move(Status.SUPPLEMENT, Status.PROCESSING, CAL, at("2026-12-02 14:00"), 3)
    assert back["clock_stopped_at"] is None and back["due_at"] > at("2026-12-07 00:00")
    assert lifecycle.clock_on_move(Status.ACCEPTED, Status.PROCESSING, CAL, at("2026-11-25 10:00"), 3) == {}


def test_urgency_over_a_weekend():
    friday = at("2026-11-27 08:00")
    assert lifecycle.urgency(Status.PROCESSING, at("2026-11-27 07:59"), CAL, friday) == "overdue"
    assert lifecycle.urgency(Status.PROCESSING, at("2026-11-27 17:00"), CAL, friday) == "due_today"
    # the next working day after Friday is Monday: due on Saturday or Monday is "tomorrow"
    assert lifecycle.urgency(Status.PROCESSING, at("2026-11-30 17:00"), CAL, friday) == "due_tomorrow"
    assert lifecycle.urgency(Status.PROCESSING, at("2026-12-01 08:00"), CAL, friday) is None
    # waiting for the citizen's papers, or finished: never late
    assert lifecycle.urgency(Status.SUPPLEMENT, at("2026-11-20 08:00"), CAL, friday) is None
    assert lifecycle.urgency(Status.RESOLVED, at("2026-11-20 08:00"), CAL, friday) is None


def test_days_as_clerks_type_them():
    for text in ("05/03/1990", "5/3/1990", "1990-03-05", "05-03-1990", "05.03.1990", " 05/03/1990 "):
        assert read_day(text) == date(1990, 3, 5), text
    assert read_day("31/02/2026") is None and read_day("") is None
    with pytest.raises(InvalidInput, match="ngày/tháng/năm") as err:
        parse_day("hôm qua", "day")
    assert err.value.field == "day"


def test_new_appointment_typed_with_or_without_a_time():
    assert parse_office_instant("03/12/2026 16:30", CAL) == at("2026-12-03 16:30")
    assert parse_office_instant("03/12/2026", CAL) == at("2026-12-03 17:00")
    with pytest.raises(InvalidInput, match="không tồn tại"):
        parse_office_instant("31/11/2026", CAL)


def test_promises_to_the_citizen_are_the_appointment_the_new_appointment_and_the_stop_notice():
    assert lifecycle.PROMISE_FORMS == ("01", "04", "05")


def test_what_the_clerk_is_told_about_extending():
    due = at("2026-11-27 09:32")                                  # a Friday
    assert lifecycle.extension_note(Status.PROCESSING, False, due, CAL, at("2026-11-25 10:00")) == ""
    assert "Còn dưới một ngày làm việc" in lifecycle.extension_note(
        Status.PROCESSING, False, due, CAL, at("2026-11-26 10:00"))
    assert lifecycle.extension_note(Status.PROCESSING, False, due, CAL, at("2026-11-27 09:33")).startswith(
        "Đã quá hạn trả kết quả: không còn được gia hạn")
    assert lifecycle.extension_note(Status.PROCESSING, True, due, CAL, at("2026-11-26 10:00")) == (
        "Hồ sơ đã được gia hạn một lần (hạn mới 09:32 27/11/2026); pháp luật không cho gia hạn lần nữa.")
    assert lifecycle.extension_note(Status.SUPPLEMENT, False, due, CAL, at("2026-11-26 10:00")) == ""
    # three working days on, over the weekend
    assert lifecycle.suggested_extension(CAL, due) == at("2026-12-02 09:32")


def test_which_notices_can_be_printed_again():
    assert lifecycle.reprintable_forms(Status.SUPPLEMENT, True, False) == ["02"]
    assert lifecycle.reprintable_forms(Status.PROCESSING, True, True) == ["04"]     # papers came back
    assert lifecycle.reprintable_forms(Status.STOPPED, False, True) == ["04", "05"]
    assert lifecycle.reprintable_forms(Status.PROCESSING, False, False) == []


def test_where_a_dossier_stands_as_the_tables_say():
    due = at("2026-11-27 09:32")
    assert standing(Status.PROCESSING, due, None, CAL, at("2026-11-27 08:00")) == "Hôm nay, hạn 09:32"
    assert standing(Status.PROCESSING, due, None, CAL, at("2026-11-26 09:32")) == "Còn 1 ngày"
    assert standing(Status.PROCESSING, due, None, CAL, at("2026-11-27 10:02")) == "Quá hạn 30 phút"
    assert standing(Status.SUPPLEMENT, due, None, CAL, at("2026-11-30 10:00")) == "Tạm dừng tính hạn (chờ bổ sung)"
    assert standing(Status.RETURNED, due, at("2026-11-30 08:00"), CAL, at("2026-12-01 08:00")) == \
        Timeliness.LATE.label
    assert standing(Status.WITHDRAWN, due, None, CAL, at("2026-12-01 08:00")) == Status.WITHDRAWN.label
