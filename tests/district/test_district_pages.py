"""The district's pages in headless Chromium: the public lookup and the staff dashboard."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from commune_desk.rules.intake import IntakeForm
from commune_desk.rules.statuses import Status
from commune_desk.sync import run_pass, sync_status
from harness import Clock, enroll, intake, make_desk, sync_options, unique_agency


def _lookup(browser, server, code):
    browser.get(server.url + "/tra-cuu")
    box = browser.find_element(By.ID, "ma")
    box.clear()
    box.send_keys(code)
    browser.find_element(By.ID, "tra-cuu").click()
    return browser


def test_citizen_looks_up_a_code_and_sees_status_and_due_date_with_a_masked_name(server, desk1, browser):
    enroll(desk1, server, server.add_commune())
    d = desk1.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn An", phone="0912345678"))
    run_pass(desk1, sync_options(server.url))
    page = _lookup(browser, server, d.code.lower())
    assert page.find_element(By.ID, "ma-ho-so").text == d.code
    assert page.find_element(By.ID, "tinh-trang").text == "Được tiếp nhận"
    assert page.find_element(By.ID, "hen-tra").text == f"{d.due_at:%H giờ %M phút, ngày %d/%m/%Y}"
    assert page.find_element(By.ID, "nguoi-nop").text == "N***** V** A*"
    source = page.page_source
    assert "Nguyễn Văn An" not in source and "0912345678" not in source
    # a status changed upstream shows at once
    server.admin("status", "--code", d.code, "--status", "4")
    assert _lookup(browser, server, d.code).find_element(By.ID, "tinh-trang").text == "Đang xử lý"


def test_unknown_code_and_rate_limit(server, browser):
    page = _lookup(browser, server, "000.30.36.H26-261122-0999")
    assert "Không tìm thấy hồ sơ" in page.find_element(By.ID, "loi").text
    page = _lookup(browser, server, "không phải mã")
    assert "không phải là mã hồ sơ" in page.find_element(By.ID, "loi").text
    # the server allows 8 lookups a minute per address (it was started so); keep asking
    for _ in range(10):
        browser.get(server.url + "/tra-cuu?ma=000.30.36.H26-261122-0998")
    assert "quá nhiều lần" in browser.find_element(By.ID, "thong-bao").text


def test_staff_dashboard_shows_every_communes_figures_and_the_overdue_list(server, tmp_path, browser):
    a1, a2 = server.agency, unique_agency()
    early = Clock("2026-11-02 09:00")                      # a desk whose clock is three weeks behind
    d1 = make_desk(tmp_path / "a1", 1, clock=early, agency=a1)
    d2 = make_desk(tmp_path / "a2", 1, clock=Clock("2026-11-27 09:00"), agency=a2)   # due 2/12: in time at 30/11
    try:
        enroll(d1, server, server.add_commune(a1, "UBND xã Phúc Lợi"))
        enroll(d2, server, server.add_commune(a2, "UBND phường Việt Hưng"))
        late = intake(d1, 3)
        early.set("2026-11-03 10:00")
        d1.advance(late[0].code, Status.RESOLVED, note="Đã ký")
        for ch in (2, 2):
            d2.intake(IntakeForm(procedure_id="HT-XNHN", name="Phạm Thị Dung", channel=ch))
        run_pass(d1, sync_options(server.url))
        run_pass(d2, sync_options(server.url))
        assert "chậm" in sync_status(d1)["clock_warning"]
        server.admin("staff", "add", "--username", "tonghop", "--name", "Lê Văn Tổng", "--password-stdin",
                     stdin="mật-khẩu-đủ-dài\n")

        browser.delete_all_cookies()
        browser.get(server.url + "/quan-ly")
        assert browser.current_url.endswith("/dang-nhap")
        browser.find_element(By.ID, "username").send_keys("tonghop")
        browser.find_element(By.ID, "password").send_keys("sai-mật-khẩu")
        browser.find_element(By.ID, "dang-nhap").click()
        assert browser.find_element(By.ID, "loi").text == "Sai tên đăng nhập hoặc mật khẩu."
        browser.find_element(By.ID, "username").clear()
        browser.find_element(By.ID, "username").send_keys("tonghop")
        browser.find_element(By.ID, "password").send_keys("mật-khẩu-đủ-dài")
        browser.find_element(By.ID, "dang-nhap").click()
        WebDriverWait(browser, 10).until(lambda b: "/quan-ly" in b.current_url)
        browser.get(server.url + "/quan-ly?tu=2026-11-01&den=2026-11-30")

        def cells(agency):
            row = browser.find_element(By.CSS_SELECTOR, f"tr[data-agency='{agency}']")
            return {c: row.find_element(By.CLASS_NAME, c).text
                    for c in ("received", "new", "online", "resolved", "open", "open-overdue", "rate")}

        assert cells(a1) == {"received": "3", "new": "3", "online": "0", "resolved": "1", "open": "2",
                             "open-overdue": "2", "rate": "100,00%"}
        assert cells(a2)["received"] == "2" and cells(a2)["online"] == "2" and cells(a2)["open-overdue"] == "0"
        row1 = browser.find_element(By.CSS_SELECTOR, f"tr[data-agency='{a1}']").text
        assert "lệch" in row1                                   # the desk's clock is off
        overdue = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#qua-han td.code")}
        assert {late[1].code, late[2].code} <= overdue and late[0].code not in overdue
        browser.find_element(By.ID, "dang-xuat").click()
        WebDriverWait(browser, 10).until(lambda b: "/dang-nhap" in b.current_url)
        browser.get(server.url + "/quan-ly")
        assert browser.current_url.endswith("/dang-nhap")
    finally:
        d1.close()
        d2.close()
