import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from fixtures import agency, desk1, server, shared_server  # noqa: E402,F401


@pytest.fixture(scope="module")
def server_options():
    return {"lookup_per_minute": 8}          # the lookup page's rate limit is reached in a test


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium driven through chromedriver (Debian packages chromium, chromium-driver)."""
    import os
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    os.environ.setdefault("SE_OFFLINE", "true")
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    assert binary and driver_path, "install the Debian packages chromium and chromium-driver"
    profile = tempfile.mkdtemp(prefix="cd-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--lang=vi"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_page_load_timeout(60)
    # a click that submits a form returns before the next page: finding an element waits for it
    # (generously: Chromium and the server share a loaded machine). Absence is checked at 0.
    driver.implicitly_wait(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
