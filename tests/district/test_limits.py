"""Failed attempts counted in the database (district/limits.py)."""


def test_attempt_counts_lock_after_the_rules_failures_and_old_ones_are_forgotten(tmp_path):
    """The database counts behind sign-in, enrolment and lookup locks, on a clock of the test's own."""
    from datetime import datetime, timedelta

    from commune_desk.district import limits
    from commune_desk.district.db import session
    from commune_desk.district.models import Attempt
    from commune_desk.rules.office_calendar import TZ
    at = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    rule = limits.LOGIN_ACCOUNT
    with session(f"sqlite:///{tmp_path / 'd.sqlite3'}"):
        assert [limits.failed(rule, "an", at + timedelta(minutes=i)) for i in range(4)] == [None] * 4
        until = limits.failed(rule, "an", at + timedelta(minutes=4))
        assert until == at + timedelta(minutes=4) + rule.lock
        assert limits.locked_until(rule, "an", at + timedelta(minutes=5)) == until
        assert limits.locked_until(rule, "binh", at + timedelta(minutes=5)) is None        # another key
        assert limits.locked_until(rule, "an", until) is None                             # the lock ends
        # failures spread wider than the window never lock
        for i in range(10):
            assert limits.failed(rule, "cuong", at + i * rule.window) is None
        assert limits.purge(until + timedelta(days=1, minutes=1)) == 1     # an's lock ended a day ago
        assert [a.key for a in Attempt.select()] == ["cuong"]                # cuong's last window is recent
