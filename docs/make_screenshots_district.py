"""Regenerate docs/screens/district-*.png: the district server's pages in headless Chromium
(sign-in with a failed attempt, the administration page, the dashboard with each commune's
digitised share and a commune's page with a desk whose audit trail was rewritten and one whose
clock runs 3 days fast, as the administrator sees it with the review form, as a summary reader sees
it, and once the flag was reviewed; the public lookup), against a real server process on a
throw-away SQLite file. The pages that changed with the flag review and the digitised share are
taken at 1366×768 and at 1024×768 (the -1024 files).

    .venv/bin/python docs/make_screenshots_district.py
Needs the Debian packages chromium and chromium-driver.
"""

import os
import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sync"))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import harness  # noqa: E402

OUT = ROOT / "docs" / "screens"
PASSWORD = "mật-khẩu-đủ-dài"


def browser(profile: str, width: int = 1366):
    os.environ.setdefault("SE_OFFLINE", "true")
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                "--hide-scrollbars", f"--user-data-dir={profile}", "--lang=vi", f"--window-size={width},768"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    driver.implicitly_wait(5)
    return driver


def desks_worth_a_flag(server, work: Path) -> None:
    """Phúc Lợi's desk 1 is honest, desk 2 rewrites its audit trail, desk 3's clock runs 3 days fast."""
    from commune_desk.rules.office_calendar import TZ
    from commune_desk.sync import run_pass
    code = server.admin("commune", "code", "000.30.36.H26").strip().splitlines()[-1]
    made = [harness.make_desk(work / f"desk{n}", n, agency="000.30.36.H26",
                              clock=lambda n=n: datetime.now(TZ) + timedelta(days=3 if n == 3 else 0))
            for n in (1, 2, 3)]
    try:
        for i, desk in enumerate(made):
            harness.enroll(desk, server, code if i == 0 else None)
            done = harness.intake(desk, 2)
            if i < 2:                # desks 1 and 2 scan their dossiers whole: 4 of 7 digitised
                for d in done:
                    desk.attach(d.code, [scan(work / f"scan-{d.code}.pdf")])
            run_pass(desk, harness.sync_options(server.url))
        with made[1].using():
            harness.rewrite_chain_from(made[1], 3)
        harness.intake(made[1], 1)
        run_pass(made[1], harness.sync_options(server.url))
    finally:
        for desk in made:
            desk.close()


def scan(path: Path) -> Path:
    import pikepdf
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Scan = pikepdf.Stream(pdf, path.name.encode() * 200)
    pdf.save(path)
    return path


def shot(driver, name: str) -> None:
    path = OUT / name
    driver.save_screenshot(str(path))
    print(path)


def sign_in(driver, server, username: str, lands: str) -> None:
    driver.delete_all_cookies()
    driver.get(server.url + "/dang-nhap")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "dang-nhap").click()
    WebDriverWait(driver, 10).until(lambda d: lands in d.current_url)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="cd-district-shots-"))
    os.environ["COMMUNE_DESK_DATA_DIR"] = str(work / "default")
    server = harness.make_server("sqlite", work / "server")
    driver = browser(str(work / "profile"))
    try:
        server.add_commune("000.30.36.H26", "UBND xã Phúc Lợi")
        server.add_commune("000.31.36.H26", "UBND phường Việt Hưng")
        desks_worth_a_flag(server, work)
        server.admin("staff", "add", "--username", "quantri", "--name", "Trần Quản Trị", "--role", "quan-tri",
                     "--password-stdin", stdin=PASSWORD + "\n")
        server.admin("staff", "add", "--username", "tonghop", "--name", "Lê Văn Tổng", "--password-stdin",
                     stdin=PASSWORD + "\n")
        driver.get(server.url + "/dang-nhap")
        driver.find_element(By.ID, "username").send_keys("quantri")
        driver.find_element(By.ID, "password").send_keys("sai-mật-khẩu")
        driver.find_element(By.ID, "dang-nhap").click()
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "loi"))
        driver.find_element(By.ID, "username").clear()
        driver.find_element(By.ID, "username").send_keys("quantri")
        shot(driver, "district-sign-in.png")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "dang-nhap").click()
        WebDriverWait(driver, 10).until(lambda d: "/quan-tri" in d.current_url)
        shot(driver, "district-admin.png")
        commune = server.url + "/quan-ly/xa/000.30.36.H26"
        narrow = browser(str(work / "profile-1024"), 1024)
        try:
            for d, suffix in ((driver, ""), (narrow, "-1024")):
                if d is narrow:
                    sign_in(d, server, "quantri", "/quan-tri")
                    shot(d, "district-admin-1024.png")
                d.get(server.url + "/quan-ly")
                shot(d, f"district-dashboard{suffix}.png")
                d.get(commune)
                shot(d, f"district-commune{suffix}.png")
            # a summary reader: the flags without the form
            for d, suffix in ((driver, ""), (narrow, "-1024")):
                sign_in(d, server, "tonghop", "/quan-ly")
                d.get(commune)
                shot(d, f"district-commune-reader{suffix}.png")
            # the administrator marks desk 2's flag reviewed
            sign_in(driver, server, "quantri", "/quan-tri")
            driver.get(commune)
            driver.find_element(By.ID, "ghi-chu-2").send_keys("Đã kiểm tra tại xã: quầy 2 khôi phục bản sao lưu "
                                                              "sau khi thay ổ cứng, có biên bản.")
            driver.find_element(By.ID, "xem-xet-2").click()
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "thong-bao"))
            for d, suffix in ((driver, ""), (narrow, "-1024")):
                if d is narrow:
                    sign_in(d, server, "quantri", "/quan-tri")
                d.get(commune)
                shot(d, f"district-commune-reviewed{suffix}.png")
                d.get(server.url + "/quan-ly")
                shot(d, f"district-dashboard-reviewed{suffix}.png")
            # the review in the server's log of staff actions, at the foot of /quan-tri
            driver.get(server.url + "/quan-tri")
            driver.execute_script("document.getElementById('nhat-ky').scrollIntoView()")
            shot(driver, "district-admin-log.png")
        finally:
            narrow.quit()
        driver.delete_all_cookies()
        driver.get(server.url + "/tra-cuu?ma=000.30.36.H26-261123-0001")
        shot(driver, "district-lookup.png")
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
