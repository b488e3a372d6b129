"""Hostile or absurd input to every page and API route of the real server: a Vietnamese answer
with a 4xx status (or the page itself), never a 500."""

import requests

from harness import enroll
from test_district_pages import PASSWORD, post_form, sign_in

CURSORS = ["v1:99999999999999999999999:0", "v1:0:99999999999999999999999", "v1:-1:0", "v1:１２:0", "v1:٣:0",
           "v2:0:0", "v1:0", "v1:0:0:0", "x" * 5000, "v1:9223372036854775807:9223372036854775807"]
PERIODS = [("0001-01-01", "9999-12-31"), ("2026-13-01", "2026-12-01"), ("2026-12-31", "2026-01-01"),
           ("1999-12-31", "2026-01-01"), ("2026-01-01", "2100-01-01"), ("x" * 3000, ""), ("２０２６-01-01", "")]


def test_no_input_makes_the_server_fail(server, desk1):
    from commune_desk.sync.token import load_token
    enroll(desk1, server, server.add_commune())
    bearer = {"Authorization": "Bearer " + load_token(desk1.data_dir)["token"]}
    for cursor in CURSORS:
        r = requests.get(server.url + "/api/v1/pull", params={"cursor": cursor}, headers=bearer, timeout=10)
        if cursor.startswith("v1:9223372036854775807"):
            assert r.status_code == 200 and r.json()["items"] == []
        else:
            assert r.status_code == 400 and r.json()["error"]["code"] == "bad_cursor", cursor
    for limit in ("99999999999999999999999", "-5", "x", "1e9"):
        assert requests.get(server.url + "/api/v1/pull", params={"limit": limit}, headers=bearer,
                            timeout=10).status_code == 200
    server.admin("staff", "add", "--username", "quantri", "--role", "quan-tri", "--password-stdin",
                 stdin=PASSWORD + "\n")
    s, _ = sign_in(server, "quantri")
    for start, end in PERIODS:
        r = s.get(server.url + "/quan-ly", params={"tu": start, "den": end}, timeout=10)
        assert r.status_code == 400 and "Kỳ báo cáo không hợp lệ" in r.text, (start, end)
    for action, form in [("quay-thu-hoi", {"device": "abc"}), ("quay-thu-hoi", {"device": "9" * 30}),
                         ("xa-them", {"agency_code": "\u202e" * 50, "name": ""}),
                         ("xa-cap-ma", {"agency_code": "000.99.99.H26"}),
                         ("can-bo-them", {"username": "a", "password": "ngắn", "role": "tong-hop"}),
                         ("can-bo-them", {"username": "b", "password": PASSWORD, "role": "vua"}),
                         ("can-bo-khoa", {"username": "quantri"}), ("khong-co", {})]:
        r = post_form(s, server, "/quan-tri", f"/quan-tri/{action}", form)
        assert r.status_code in (400, 404) and "Lỗi không mong đợi" not in r.text, action
    s.close()
    lookups = [{"ma": "\x00", "so": "1234"}, {"ma": "A" * 10000, "so": "1234"}, {"ma": "000.30.36.H26-261122-0001"},
               {"ma": "000.30.36.H26-261122-0001", "so": "１２３４"}, {}]
    for form in lookups:
        r = post_form(requests.Session(), server, "/tra-cuu", "/tra-cuu", form)
        assert r.status_code in (400, 404), form
    assert requests.get(server.url + "/tra-cuu/" + "x" * 5000, timeout=10).status_code == 200
