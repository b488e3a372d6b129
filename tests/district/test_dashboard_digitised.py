"""The dashboard says each commune's digitised share for the period («Số hoá: 50,00 %»), by the rule
(rules.digitise) over what the desks sent: the dossiers and the scans that arrived whole. Real
server on SQLite and PostgreSQL (the counts themselves: tests/reports/test_district_digitised.py)."""

import re
from datetime import datetime

from commune_desk.rules.office_calendar import TZ
from commune_desk.sync import run_pass
from harness import enroll, intake, make_desk, sync_options
from test_attachments_sync import big_pdf
from test_district_pages import PASSWORD, sign_in


def test_dashboard_says_the_digitised_share_of_what_the_desk_sent(server, tmp_path):
    """Two dossiers pushed, one scanned whole by the desk and sent: «Số hoá: 50,00 %»."""
    def clock():
        return datetime(2026, 11, 20, 9, 0, tzinfo=TZ)
    desk = make_desk(tmp_path / "desk", 1, clock=clock, agency=server.agency)
    try:
        enroll(desk, server, server.add_commune(server.agency, "UBND xã Phúc Lợi"))
        first, _ = intake(desk, 2)
        desk.attach(first.code, [big_pdf(tmp_path / "scan.pdf", 20_000)])       # one scan of the whole dossier
        result = run_pass(desk, sync_options(server.url))
        assert result.error is None and result.attachments_sent == 1
        server.admin("staff", "add", "--username", "sohoa", "--password-stdin", stdin=PASSWORD + "\n")
        s, _ = sign_in(server, "sohoa")
        html = s.get(server.url + "/quan-ly?tu=2026-11-01&den=2026-11-30", timeout=10).text
        row = re.search(rf'<tr data-agency="{re.escape(server.agency)}">(.*?)</tr>', html, re.S).group(1)
        assert re.search(r'<div class="digitised"[^>]*>Số hoá: 50,00 %</div>', row), row
    finally:
        desk.close()
