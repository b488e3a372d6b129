"""A district administrator who has looked into a desk's rewritten audit history marks the flag
reviewed with a note: the dashboard stops showing it, the commune's page keeps the review, the
server's own log records it, and a rewrite after the review flags again. A summary reader sees the
flag but cannot mark it. A clock flag goes by itself once the desk pushes with a right clock.
Real server on SQLite and PostgreSQL, real browser for the form."""

import re
import unicodedata
from datetime import datetime, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from commune_desk.rules.office_calendar import TZ
from commune_desk.store import outbox
from commune_desk.sync import run_pass
from harness import enroll, intake, make_desk, rewrite_chain_from, sync_options
from test_district_pages import PASSWORD, _gone, browser_sign_in, post_form, sign_in

NOTE = "Đã kiểm tra tại xã: khôi phục bản sao lưu ngày 28/11 sau khi hỏng ổ cứng"


class Skewable:                     # this test is about the clock: the desks live on the real one
    def __init__(self, ahead=timedelta(0)):
        self.ahead = ahead

    def __call__(self):
        return datetime.now(TZ) + self.ahead


def flags_on_dashboard(session, server) -> list[str]:
    html = session.get(server.url + "/quan-ly", timeout=10).text
    row = re.search(rf'<tr data-agency="{re.escape(server.agency)}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r'<div class="flag">([^<]*)</div>', row)


def test_administrator_marks_an_audit_flag_reviewed_and_a_later_rewrite_flags_again(server, tmp_path, browser):
    agency = server.agency
    forger = make_desk(tmp_path / "forger", 2, clock=Skewable(), agency=agency)
    clock3 = Skewable(timedelta(days=3))
    fast = make_desk(tmp_path / "fast", 3, clock=clock3, agency=agency)
    try:
        enroll(forger, server, server.add_commune(agency, "UBND xã Phúc Lợi"))
        enroll(fast, server)
        opts = sync_options(server.url)
        for desk in (forger, fast):
            intake(desk, 2)
            assert run_pass(desk, opts).error is None
        seen = outbox.sync_settings(forger)["audit_server_seq"]
        with forger.using():
            rewrite_chain_from(forger, 3)
        intake(forger, 1)
        run_pass(forger, opts)
        for username, name, role in (("docao", "Lê Văn Tổng", "tong-hop"), ("quantri", "Trần Quản Trị", "quan-tri")):
            server.admin("staff", "add", "--username", username, "--name", name, "--role", role, "--password-stdin",
                         stdin=PASSWORD + "\n")
        flag = f"Nhật ký bị sửa đến mục {seen} (quầy 2)"
        page = f"/quan-ly/xa/{agency}"

        # a summary reader sees the flag, no button, and may not post the review
        reader, _ = sign_in(server, "docao")
        assert flags_on_dashboard(reader, server) == [flag, "Đồng hồ máy nhanh 3 ngày (quầy 3)"]
        html = reader.get(server.url + page, timeout=10).text
        assert "Nhật ký bị sửa đến mục" in html and 'id="xem-xet-2"' not in html
        assert "Cán bộ quản trị xem xét và đánh dấu cờ này." in html
        admin_s, _ = sign_in(server, "quantri")
        device = re.search(r'name="device" value="(\d+)"', admin_s.get(server.url + page, timeout=10).text).group(1)
        r = post_form(reader, server, page, page + "/xem-xet", {"device": device, "ghi_chu": NOTE})
        assert r.status_code == 403 and "Tài khoản của bạn không có quyền dùng trang này." in r.text
        # a post without the CSRF token is refused and changes nothing
        r = admin_s.post(server.url + page + "/xem-xet", data={"device": device, "ghi_chu": NOTE}, timeout=10)
        assert r.status_code == 400 and "Biểu mẫu không hợp lệ" in r.text
        assert flags_on_dashboard(reader, server)[0] == flag

        # the administrator, in the browser: an empty note is one sentence; a note marks it reviewed
        browser_sign_in(browser, server, "quantri", lands="/quan-tri")
        browser.get(server.url + page)
        button = browser.find_element(By.ID, "xem-xet-2")
        browser.find_element(By.ID, "ghi-chu-2").send_keys("   ")
        button.click()
        WebDriverWait(browser, 60).until(lambda b: _gone(button))
        assert browser.find_element(By.ID, "loi").text == "Vui lòng nhập ghi chú xem xét."
        assert flags_on_dashboard(reader, server)[0] == flag
        button = browser.find_element(By.ID, "xem-xet-2")
        browser.find_element(By.ID, "ghi-chu-2").send_keys(unicodedata.normalize("NFD", NOTE))
        button.click()
        WebDriverWait(browser, 60).until(lambda b: _gone(button))
        assert browser.find_element(By.ID, "thong-bao").text == "Đã đánh dấu đã xem xét cờ nhật ký của quầy 2."
        review = browser.find_element(By.CSS_SELECTOR, "#quay tr[data-desk='2'] div.review").text
        assert review.startswith("Đã xem xét lúc ") and f" bởi Trần Quản Trị: {NOTE}" in review
        assert f"«Nhật ký bị sửa đến mục {seen}»" in review
        waits = browser.timeouts.implicit_wait
        browser.implicitly_wait(0)
        try:
            assert browser.find_elements(By.ID, "xem-xet-2") == []
        finally:
            browser.implicitly_wait(waits)
        # the flag left the dashboard (the clock flag stays); the review is in the server's log, as NFC
        assert flags_on_dashboard(reader, server) == ["Đồng hồ máy nhanh 3 ngày (quầy 3)"]
        log = admin_s.get(server.url + "/quan-tri", timeout=10).text
        assert "Xem xét cờ nhật ký quầy" in log and f"{agency} quầy 2" in log and NOTE in log
        # posting it again: nothing left to review
        r = post_form(admin_s, server, page, page + "/xem-xet", {"device": device, "ghi_chu": NOTE})
        assert r.status_code == 400 and "không có cờ nhật ký nào chờ xem xét" in r.text
        assert admin_s.get(server.url + page, timeout=10).text.count('class="review">Đã xem xét') == 1

        # the server follows the desk's chain from here: honest pushes stay clean ...
        for _ in range(2):
            intake(forger, 1)
            assert run_pass(forger, opts).error is None
        assert outbox.sync_settings(forger)["audit_status"] == "ok"
        assert flags_on_dashboard(reader, server) == ["Đồng hồ máy nhanh 3 ngày (quầy 3)"]
        again = outbox.sync_settings(forger)["audit_server_seq"]
        assert again > seen
        # ... and a new rewrite flags again, the earlier review kept below it
        with forger.using():
            rewrite_chain_from(forger, again - 1)
        intake(forger, 1)
        run_pass(forger, opts)
        assert flags_on_dashboard(reader, server)[0] == f"Nhật ký bị sửa đến mục {again} (quầy 2)"
        html = admin_s.get(server.url + page, timeout=10).text
        assert f"Nhật ký bị sửa đến mục {again}</strong>" in html and NOTE in html and 'id="xem-xet-2"' in html

        # the clock flag says it goes by itself, and does at the next push with a right clock
        assert "Cảnh báo này tự hết khi quầy đồng bộ lại với đồng hồ đúng." in html
        clock3.ahead = timedelta(0)
        intake(fast, 1)
        assert run_pass(fast, opts).error is None
        assert flags_on_dashboard(reader, server) == [f"Nhật ký bị sửa đến mục {again} (quầy 2)"]
        html = reader.get(server.url + page, timeout=10).text
        assert re.search(r'data-desk="3".*?class="text clock">đúng \(lệch không quá', html, re.S)
    finally:
        for d in (forger, fast):
            d.close()
