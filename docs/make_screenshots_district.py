"""Regenerate docs/screens/district-*.png: the district server's pages in headless Chromium
(sign-in with a failed attempt, the administration page, the public lookup), against a real
server process on a throw-away SQLite file.

    .venv/bin/python docs/make_screenshots_district.py
Needs the Debian packages chromium and chromium-driver.
"""

import os
import shutil
import sys
import tempfile
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


def browser(profile: str):
    os.environ.setdefault("SE_OFFLINE", "true")
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                "--hide-scrollbars", f"--user-data-dir={profile}", "--lang=vi", "--window-size=1366,768"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    driver.implicitly_wait(5)
    return driver


def shot(driver, name: str) -> None:
    path = OUT / name
    driver.save_screenshot(str(path))
    print(path)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="cd-district-shots-"))
    os.environ["COMMUNE_DESK_DATA_DIR"] = str(work / "default")
    server = harness.make_server("sqlite", work / "server")
    driver = browser(str(work / "profile"))
    try:
        server.add_commune("000.30.36.H26", "UBND xã Phúc Lợi")
        server.add_commune("000.31.36.H26", "UBND phường Việt Hưng")
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
        driver.delete_all_cookies()
        driver.get(server.url + "/tra-cuu?ma=000.30.36.H26-261123-0001")
        shot(driver, "district-lookup.png")
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
