"""The server behind one trusted reverse proxy (`serve --trusted-proxies 1`): the client's
address comes from X-Forwarded-For, so the lookup's rate limit counts per real client; the
session cookie is Secure when the proxy says the request came over TLS; a dossier code cannot
be walked digit by digit from many addresses."""

import pytest
import requests

from commune_desk.rules.intake import IntakeForm
from commune_desk.sync import run_pass
from harness import Server, enroll, sync_options
from test_district_pages import post_form


@pytest.fixture
def proxied(tmp_path, agency):
    srv = Server(f"sqlite:///{tmp_path / 'district.sqlite3'}", tmp_path / "server", lookup_per_minute=5,
                 extra_args=["--trusted-proxies", "1"]).start()
    srv.agency = agency
    yield srv
    srv.stop()


def client(address: str, **headers) -> tuple[requests.Session, dict]:
    return requests.Session(), {"X-Forwarded-For": address, **headers}


def look(server, address, code, digits):
    s, headers = client(address)
    return post_form(s, server, "/tra-cuu", "/tra-cuu", {"ma": code, "so": digits}, headers=headers)


def test_rate_limit_counts_per_real_client_and_a_code_locks_after_wrong_digits(proxied, desk1):
    enroll(desk1, proxied, proxied.add_commune())
    d = desk1.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn An", phone="0912345678"))
    run_pass(desk1, sync_options(proxied.url))
    # one client (as the proxy reports it) reaches its 5 lookups a minute; another still gets answers
    answers = [look(proxied, "203.0.113.7", d.code, f"{n:04d}").status_code for n in range(6)]
    assert answers == [404] * 5 + [429]
    assert look(proxied, "203.0.113.8", d.code, "5678").status_code == 200
    # wrong digits from many addresses: after 10 the code is locked for everyone, right digits too
    for n in range(5):
        assert look(proxied, f"198.51.100.{n}", d.code, f"{n + 10:04d}").status_code == 404
    r = look(proxied, "192.0.2.1", d.code, "5678")
    assert r.status_code == 429 and "tạm thời không tra cứu được" in r.text
    assert "Nguyễn Văn An" not in r.text and "0912345678" not in r.text


def test_session_cookie_is_secure_when_the_proxy_says_tls(proxied):
    r = requests.get(proxied.url + "/dang-nhap", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    assert "Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    r = requests.get(proxied.url + "/dang-nhap", timeout=10)
    assert "Secure" not in r.headers["Set-Cookie"] and "Strict-Transport-Security" not in r.headers


def test_a_login_form_posted_over_tls_works_with_its_token(proxied):
    """As a browser behind the TLS proxy: the Secure cookie goes back (requests would not send it
    over this test's plain HTTP by itself), with the page's token and a same-origin Referer."""
    from test_district_pages import token_of
    proxied.admin("staff", "add", "--username", "tonghop", "--password-stdin", stdin="mật-khẩu-đủ-dài\n")
    host = proxied.url.split("//", 1)[1]
    tls = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    page = requests.get(proxied.url + "/dang-nhap", headers=tls, timeout=10)
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    form = {"csrf_token": token_of(page.text), "username": "tonghop", "password": "mật-khẩu-đủ-dài"}
    r = requests.post(proxied.url + "/dang-nhap", data=form, allow_redirects=False, timeout=10,
                      headers={**tls, "Cookie": cookie, "Referer": f"https://{host}/dang-nhap"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/quan-ly")
    assert "Secure" in r.headers["Set-Cookie"]
    # from another site the same post is refused (Flask-WTF checks the Referer over TLS)
    r = requests.post(proxied.url + "/dang-nhap", data=form, allow_redirects=False, timeout=10,
                      headers={**tls, "Cookie": cookie, "Referer": "https://evil.example/"})
    assert r.status_code == 400


def test_wrong_enrolment_codes_lock_that_address_only(proxied, desk1):
    """Ten wrong codes from one client lock enrolment from it for an hour (counted in the
    database); the right code from that client waits, from another client it enrols."""
    from commune_desk.sync import protocol as p

    def enrol(address, code):
        body = p.dumps({"protocol": p.PROTOCOL, "code": code, "agency_code": proxied.agency, "desk": 1,
                        "label": "Quầy 1"})
        return requests.post(proxied.url + "/api/v1/enroll", data=body, timeout=10,
                             headers={"Content-Type": p.JSON_TYPE, "X-Forwarded-For": address})
    code = proxied.add_commune()
    answers = [enrol("203.0.113.50", f"SAIMA-{n:05d}-AAAAA-BBBBB") for n in range(10)]
    assert [r.status_code for r in answers] == [403] * 10
    r = enrol("203.0.113.50", code)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert proxied.query("SELECT count(*) FROM device") == [(0,)]
    r = enrol("203.0.113.51", code)
    assert r.status_code == 200 and r.json()["commune"]["agency_code"] == proxied.agency
