"""The district's pages in headless Chromium and over plain HTTP against the real server: the
public lookup, staff sign-in (CSRF, lockout), the dashboard and administration by role."""

import re

import requests
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

from commune_desk.rules.intake import IntakeForm
from commune_desk.rules.statuses import Status
from commune_desk.sync import run_pass, sync_status
from harness import Clock, enroll, intake, make_desk, sync_options, unique_agency

PASSWORD = "mật-khẩu-đủ-dài"


def _lookup(browser, server, code, digits):
    browser.get(server.url + "/tra-cuu?ma=" + code)          # what the slip's QR code opens
    assert browser.find_element(By.ID, "ma").get_attribute("value") == code
    browser.find_element(By.ID, "so").send_keys(digits)
    button = browser.find_element(By.ID, "tra-cuu")
    button.click()
    WebDriverWait(browser, 60).until(lambda b: _gone(button))  # the answer has replaced the form
    return browser


def _gone(element) -> bool:
    """The element left the page. Asked mid-navigation, Chrome may answer "Node with given id does
    not belong to the document" instead of a stale reference: that too means gone."""
    try:
        element.is_enabled()
        return False
    except (StaleElementReferenceException, WebDriverException):
        return True


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def error_of(response) -> str:
    """The page's error line (#loi)."""
    found = re.search(r'id="loi">([^<]*)<', response.text)
    return found.group(1) if found else ""


def post_form(session, server, page, path, data, **kw):
    """What a browser does: open the page, post its form back with the page's CSRF token."""
    token = token_of(session.get(server.url + page, timeout=10, headers=kw.get("headers")).text)
    return session.post(server.url + path, data={"csrf_token": token, **data}, timeout=10,
                        allow_redirects=False, **kw)


def sign_in(server, username, password=PASSWORD, **kw):
    s = requests.Session()
    return s, post_form(s, server, "/dang-nhap", "/dang-nhap", {"username": username, "password": password}, **kw)


def browser_sign_in(browser, server, username, password=PASSWORD, lands="/quan-ly"):
    """Sign in through the real form; done once the answer has arrived (going on earlier would
    abandon the form's submission)."""
    browser.delete_all_cookies()
    browser.get(server.url + "/dang-nhap")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "dang-nhap").click()
    WebDriverWait(browser, 60).until(lambda b: lands in b.current_url)


def test_citizen_looks_up_a_code_with_the_last_digits_and_sees_status_and_due_date_masked(server, desk1, browser):
    enroll(desk1, server, server.add_commune())
    d = desk1.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn An", phone="0912345678"))
    run_pass(desk1, sync_options(server.url))
    page = _lookup(browser, server, d.code, "1234")             # not the applicant's digits
    assert "Không tìm thấy hồ sơ" in page.find_element(By.ID, "loi").text
    waits = page.timeouts.implicit_wait
    page.implicitly_wait(0)                                     # the answer is there: no waiting for what is absent
    try:
        assert not page.find_elements(By.ID, "ket-qua")
    finally:
        page.implicitly_wait(waits)
    page = _lookup(browser, server, d.code.lower(), "5678")
    assert page.find_element(By.ID, "ma-ho-so").text == d.code
    assert page.find_element(By.ID, "tinh-trang").text == "Được tiếp nhận"
    assert page.find_element(By.ID, "hen-tra").text == f"{d.due_at:%H giờ %M phút, ngày %d/%m/%Y}"
    assert page.find_element(By.ID, "nguoi-nop").text == "N***** V** A*"
    source = page.page_source
    assert "Nguyễn Văn An" not in source and "0912345678" not in source and "5678" not in source
    # a status changed upstream shows at once
    server.admin("status", "--code", d.code, "--status", "4")
    assert _lookup(browser, server, d.code, "5678").find_element(By.ID, "tinh-trang").text == "Đang xử lý"


def test_unknown_code_and_rate_limit(server, browser):
    page = _lookup(browser, server, "000.30.36.H26-261122-0999", "1234")
    assert "Không tìm thấy hồ sơ" in page.find_element(By.ID, "loi").text
    page = _lookup(browser, server, "không phải mã", "1234")
    assert "không phải là mã hồ sơ" in page.find_element(By.ID, "loi").text
    # the server allows 8 lookups a minute per address (it was started so); keep asking
    for _ in range(10):
        _lookup(browser, server, "000.30.36.H26-261122-0998", "1234")
    assert "quá nhiều lần" in browser.find_element(By.ID, "thong-bao").text


def test_every_page_carries_the_security_headers(server):
    for path in ("/tra-cuu", "/dang-nhap", "/quan-ly", "/quan-tri", "/khong-co-trang-nay", "/kieu.css",
                 "/api/v1/health"):
        r = requests.get(server.url + path, timeout=10, allow_redirects=False)
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"], path
        assert "script-src" not in r.headers["Content-Security-Policy"]          # default-src 'none': no script
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Referrer-Policy"] == "same-origin", path
    # served over plain HTTP: the session cookie is not marked Secure (it is behind TLS: test below)
    r = requests.get(server.url + "/dang-nhap", timeout=10)
    assert "session=" in r.headers["Set-Cookie"] and "Secure" not in r.headers["Set-Cookie"]


def test_a_login_post_without_csrf_token_is_refused(server, browser):
    server.admin("staff", "add", "--username", "csrf", "--password-stdin", stdin=PASSWORD + "\n")
    # no token and no cookie (what used to log in)
    s = requests.Session()
    r = s.post(server.url + "/dang-nhap", data={"username": "csrf", "password": PASSWORD}, timeout=10,
               allow_redirects=False)
    assert r.status_code == 400 and "tải lại trang" in r.text
    assert s.get(server.url + "/quan-ly", timeout=10, allow_redirects=False).status_code == 302
    # a cookie but no token, and a token that is not the session's
    s.get(server.url + "/dang-nhap", timeout=10)
    for token in ("", "gia-mao"):
        r = s.post(server.url + "/dang-nhap", data={"csrf_token": token, "username": "csrf", "password": PASSWORD},
                   timeout=10, allow_redirects=False)
        assert r.status_code == 400
    assert s.get(server.url + "/quan-ly", timeout=10, allow_redirects=False).status_code == 302
    # the real form in the browser, its token taken out before it is sent
    browser.delete_all_cookies()
    browser.get(server.url + "/dang-nhap")
    browser.execute_script("document.querySelector('input[name=csrf_token]').remove()")
    browser.find_element(By.ID, "username").send_keys("csrf")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "dang-nhap").click()
    assert "tải lại trang" in browser.find_element(By.ID, "loi").text
    browser.get(server.url + "/quan-ly")
    assert browser.current_url.endswith("/dang-nhap")
    # the same form with its token logs in
    browser.find_element(By.ID, "username").send_keys("csrf")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "dang-nhap").click()
    WebDriverWait(browser, 60).until(lambda b: "/quan-ly" in b.current_url)


def test_lockout_locks_that_account_only_and_ends_after_its_period(server):
    from commune_desk.district import admin
    from commune_desk.district.db import session as district_session
    for name in ("khoa1", "khoa2"):
        server.admin("staff", "add", "--username", name, "--password-stdin", stdin=PASSWORD + "\n")
    answers = [sign_in(server, "khoa1", "sai-mật-khẩu")[1] for _ in range(5)]
    assert [r.status_code for r in answers] == [401] * 5
    assert error_of(answers[0]) == "Sai tên đăng nhập hoặc mật khẩu."
    assert "tạm bị khoá đăng nhập 15 phút" in error_of(answers[4])
    # the right password does not open a locked account
    s, r = sign_in(server, "khoa1")
    assert r.status_code == 401 and "tạm bị khoá" in error_of(r)
    assert s.get(server.url + "/quan-ly", timeout=10, allow_redirects=False).status_code == 302
    # another account from the same address signs in
    s, r = sign_in(server, "khoa2")
    assert r.status_code == 302 and r.headers["Location"].endswith("/quan-ly")
    assert s.get(server.url + "/quan-ly", timeout=10).status_code == 200
    # once the period is over (the server's rows, read 16 minutes later) the right password works
    with district_session(server.db_url):
        later = admin.now() + __import__("datetime").timedelta(minutes=16)
        assert admin.sign_in("khoa1", PASSWORD, "127.0.0.1", at=later).username == "khoa1"
    # and a disabled account cannot sign in at all
    server.admin("staff", "disable", "--username", "khoa2")
    assert sign_in(server, "khoa2")[1].status_code == 401


def test_roles_summary_staff_reads_administration_is_for_administrators(server, browser):
    server.admin("staff", "add", "--username", "xem", "--name", "Lê Văn Xem", "--password-stdin", stdin=PASSWORD + "\n")
    server.admin("staff", "add", "--username", "quantri", "--name", "Trần Quản Trị", "--role", "quan-tri",
                 "--password-stdin", stdin=PASSWORD + "\n")
    s, r = sign_in(server, "xem")
    assert r.headers["Location"].endswith("/quan-ly")
    assert s.get(server.url + "/quan-tri", timeout=10).status_code == 403
    r = post_form(s, server, "/quan-ly", "/quan-tri/xa-them", {"agency_code": server.agency, "name": "UBND xã Cấm"})
    assert r.status_code == 403
    assert server.agency not in server.admin("commune", "list")
    # the administrator adds a commune in the browser and reads its one-time code
    browser_sign_in(browser, server, "quantri", lands="/quan-tri")
    browser.find_element(By.ID, "xa-ma").send_keys(server.agency)
    browser.find_element(By.ID, "xa-ten").send_keys("UBND xã Phúc Lợi")
    button = browser.find_element(By.ID, "xa-them")
    button.click()
    WebDriverWait(browser, 60).until(lambda b: _gone(button))
    notice = browser.find_element(By.ID, "thong-bao").text
    assert f"Đã thêm UBND xã Phúc Lợi ({server.agency})" in notice
    code = notice.rsplit(" ", 1)[-1]
    assert len(code.replace("-", "")) == 20
    assert browser.find_element(By.CSS_SELECTOR, f"tr[data-agency='{server.agency}']")
    # the code enrols a desk like one from the command line
    import json
    listed = {c["agency_code"]: c for c in json.loads(server.admin("commune", "list", "--json"))}
    assert listed[server.agency]["active"]
    staff = {p["username"]: p["role"] for p in json.loads(server.admin("staff", "list", "--json"))}
    assert staff["xem"] == "tong-hop" and staff["quantri"] == "quan-tri"
    # the administrator locks the summary account: its open session stops at the next page
    assert s.get(server.url + "/quan-ly", timeout=10, allow_redirects=False).status_code == 200
    row = browser.find_element(By.CSS_SELECTOR, "tr[data-username='xem']")
    button = row.find_element(By.TAG_NAME, "button")
    button.click()
    WebDriverWait(browser, 60).until(lambda b: _gone(button))
    assert browser.find_element(By.ID, "thong-bao").text == "Đã khoá tài khoản «xem»."
    assert s.get(server.url + "/quan-ly", timeout=10, allow_redirects=False).status_code == 302
    assert sign_in(server, "xem")[1].status_code == 401


def test_bounds_a_huge_cursor_and_a_period_of_ten_thousand_years_answer_400(server, desk1):
    from commune_desk.sync.token import load_token
    enroll(desk1, server, server.add_commune())
    token = load_token(desk1.data_dir)["token"]
    r = requests.get(server.url + "/api/v1/pull", params={"cursor": "v1:99999999999999999999999:0"},
                     headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_cursor"
    server.admin("staff", "add", "--username", "ky", "--password-stdin", stdin=PASSWORD + "\n")
    s, _ = sign_in(server, "ky")
    r = s.get(server.url + "/quan-ly", params={"tu": "0001-01-01", "den": "9999-12-31"}, timeout=10)
    assert r.status_code == 400 and "Kỳ báo cáo không hợp lệ" in r.text


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
                     stdin=PASSWORD + "\n")

        browser.delete_all_cookies()
        browser.get(server.url + "/quan-ly")
        assert browser.current_url.endswith("/dang-nhap")
        browser.find_element(By.ID, "username").send_keys("tonghop")
        browser.find_element(By.ID, "password").send_keys("sai-mật-khẩu")
        browser.find_element(By.ID, "dang-nhap").click()
        assert browser.find_element(By.ID, "loi").text == "Sai tên đăng nhập hoặc mật khẩu."
        browser.find_element(By.ID, "username").clear()
        browser.find_element(By.ID, "username").send_keys("tonghop")
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        browser.find_element(By.ID, "dang-nhap").click()
        WebDriverWait(browser, 60).until(lambda b: "/quan-ly" in b.current_url)
        browser.get(server.url + "/quan-ly?tu=2026-11-01&den=2026-11-30")

        def cells(agency):
            row = browser.find_element(By.CSS_SELECTOR, f"tr[data-agency='{agency}']")
            return {c: row.find_element(By.CLASS_NAME, c).text
                    for c in ("received", "new", "online", "resolved", "open", "open-overdue", "rate")}

        assert cells(a1) == {"received": "3", "new": "3", "online": "0", "resolved": "1", "open": "2",
                             "open-overdue": "2", "rate": "100,00%"}
        assert cells(a2)["received"] == "2" and cells(a2)["online"] == "2" and cells(a2)["open-overdue"] == "0"
        row1 = browser.find_element(By.CSS_SELECTOR, f"tr[data-agency='{a1}']").text
        assert "Đồng hồ máy chậm" in row1 and "(quầy 1)" in row1   # the desk's clock is off
        overdue = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#qua-han td.code")}
        assert {late[1].code, late[2].code} <= overdue and late[0].code not in overdue
        browser.find_element(By.ID, "dang-xuat").click()
        WebDriverWait(browser, 60).until(lambda b: "/dang-nhap" in b.current_url)
        browser.get(server.url + "/quan-ly")
        assert browser.current_url.endswith("/dang-nhap")
    finally:
        d1.close()
        d2.close()
