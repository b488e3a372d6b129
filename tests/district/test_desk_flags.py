"""District staff see what the server noticed about a commune's desks: an audit history rewritten
behind what the server had seen, and a clock running fast. A short flag on the dashboard, the
whole story on the commune's page; real server on SQLite and PostgreSQL, real browser."""

from datetime import datetime, timedelta

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from commune_desk.rules.office_calendar import TZ
from commune_desk.store import outbox
from commune_desk.sync import run_pass
from harness import enroll, intake, make_desk, rewrite_chain_from, sync_options, unique_agency
from test_district_pages import PASSWORD, browser_sign_in, sign_in


def real_clock():                  # this test is about the clock: the desks live on the real one
    return datetime.now(TZ)


def fast_clock():
    return datetime.now(TZ) + timedelta(days=3)


def test_dashboard_and_commune_page_flag_a_rewritten_audit_trail_and_a_fast_clock(server, tmp_path, browser):
    agency, quiet = server.agency, unique_agency()
    honest = make_desk(tmp_path / "honest", 1, clock=real_clock, agency=agency)
    forger = make_desk(tmp_path / "forger", 2, clock=real_clock, agency=agency)
    fast = make_desk(tmp_path / "fast", 3, clock=fast_clock, agency=agency)
    calm = make_desk(tmp_path / "calm", 1, clock=real_clock, agency=quiet)
    try:
        enroll(honest, server, server.add_commune(agency, "UBND xã Phúc Lợi"))
        for desk in (forger, fast):
            enroll(desk, server)
        enroll(calm, server, server.add_commune(quiet, "UBND phường Việt Hưng"))
        opts = sync_options(server.url)
        for desk in (honest, forger, fast, calm):
            intake(desk, 2)
            assert run_pass(desk, opts).error is None
        seen = outbox.sync_settings(forger)["audit_server_seq"]
        with forger.using():
            rewrite_chain_from(forger, 3)              # every hash recomputed: the desk alone cannot tell
        intake(forger, 1)
        run_pass(forger, opts)
        server.admin("staff", "add", "--username", "canhbao", "--name", "Lê Văn Tổng", "--password-stdin",
                     stdin=PASSWORD + "\n")

        # a short flag per commune on the dashboard
        browser_sign_in(browser, server, "canhbao")
        row = browser.find_element(By.CSS_SELECTOR, f"tr[data-agency='{agency}']")
        flags = [e.text for e in row.find_elements(By.CLASS_NAME, "flag")]
        assert flags == [f"Nhật ký bị sửa đến mục {seen} (quầy 2)", "Đồng hồ máy nhanh 3 ngày (quầy 3)"]
        calm_row = browser.find_element(By.CSS_SELECTOR, f"tr[data-agency='{quiet}']")
        waits = browser.timeouts.implicit_wait
        browser.implicitly_wait(0)                     # the page is there: no waiting for what is absent
        try:
            assert calm_row.find_elements(By.CLASS_NAME, "flag") == []
        finally:
            browser.implicitly_wait(waits)

        # the commune's name opens its page: each desk's clock and audit trail in words
        row.find_element(By.LINK_TEXT, "UBND xã Phúc Lợi").click()
        WebDriverWait(browser, 60).until(lambda b: "/quan-ly/xa/" in b.current_url)
        assert browser.find_element(By.TAG_NAME, "h1").text == f"UBND xã Phúc Lợi ({agency})"

        def desk(n):
            tr = browser.find_element(By.CSS_SELECTOR, f"#quay tr[data-desk='{n}']")
            return tr.find_element(By.CLASS_NAME, "clock").text, tr.find_element(By.CLASS_NAME, "audit").text

        clock1, audit1 = desk(1)
        assert clock1 == "đúng (lệch không quá 5 phút)"
        assert audit1.startswith("liền mạch đến mục ")
        clock2, audit2 = desk(2)
        assert audit2.startswith(f"Nhật ký bị sửa đến mục {seen}: lịch sử của quầy đến mục này không còn như "
                                 "máy chủ đã nhận") and "phát hiện lúc" in audit2
        clock3, audit3 = desk(3)
        assert clock3.startswith("Đồng hồ máy nhanh 3 ngày so với máy chủ")
        assert "Máy chủ đã nhận 2 thay đổi ghi giờ nhanh hơn đồng hồ máy chủ" in clock3
        assert audit3.startswith("liền mạch")

        # the page is for signed-in staff; an unknown commune is one sentence
        s, _ = sign_in(server, "canhbao")
        r = s.get(server.url + "/quan-ly/xa/000.99.99.H99", timeout=10)
        assert r.status_code == 404 and "Không có xã/phường mã «000.99.99.H99»" in r.text
        r = requests.get(server.url + f"/quan-ly/xa/{agency}", timeout=10, allow_redirects=False)
        assert r.status_code == 302 and r.headers["Location"].endswith("/dang-nhap")
    finally:
        for d in (honest, forger, fast, calm):
            d.close()
