"""Scans on the district's pages: signed-in staff see a dossier's attachments and open them; the
public lookup and anyone not signed in never do."""

import sys
from pathlib import Path

import requests
from selenium.webdriver.common.by import By

from commune_desk.rules.intake import IntakeForm
from commune_desk.sync import run_pass
from harness import enroll, sync_options
from test_district_pages import PASSWORD, _lookup, browser_sign_in, sign_in

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "attach"))
from pages import rasterise, text_page_pdf  # noqa: E402


def test_staff_open_a_dossiers_scans_and_the_public_never_sees_them(server, desk1, browser, tmp_path):
    enroll(desk1, server, server.add_commune())
    scan = rasterise(text_page_pdf(tmp_path / "page.pdf"), tmp_path / "scan.png")
    d = desk1.intake(IntakeForm(procedure_id="HT-XNHN", name="Nguyễn Văn An", phone="0912345678"),
                     attachments=[(None, [scan])])
    [row] = desk1.attachments_of(d)
    result = run_pass(desk1, sync_options(server.url))
    assert result.attachments_sent == 1
    page_url = f"{server.url}/quan-ly/ho-so/{d.code}"
    file_url = f"{page_url}/tep/{row.sha256}"

    # not signed in: the page and the file send to the sign-in page
    for url in (page_url, file_url):
        r = requests.get(url, timeout=10, allow_redirects=False)
        assert r.status_code == 302 and "/dang-nhap" in r.headers["Location"]
    # the citizen's lookup shows status and due date, and nothing of the scans
    page = _lookup(browser, server, d.code, "5678")
    assert page.find_element(By.ID, "ma-ho-so").text == d.code
    assert row.sha256 not in page.page_source and "/tep/" not in page.page_source

    server.admin("staff", "add", "--username", "xem", "--name", "Lê Văn Xem", "--password-stdin",
                 stdin=PASSWORD + "\n")
    s, _ = sign_in(server, "xem")
    r = s.get(file_url, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert r.content == desk1.attachment_file(row).read_bytes()

    browser_sign_in(browser, server, "xem")
    browser.get(page_url)
    table = browser.find_element(By.ID, "tep-dinh-kem")
    cells = [c.text for c in table.find_elements(By.TAG_NAME, "td")]
    assert cells[0] == "Cả hồ sơ" and cells[1] == "scan.png" and cells[2] == f"{round(row.size / 1024)} kB"
    assert "Nguyễn Văn An" in browser.page_source          # staff see the full name
    browser.save_screenshot(str(tmp_path / "dossier-page.png"))
    link = table.find_element(By.TAG_NAME, "a").get_attribute("href")
    assert link == file_url
