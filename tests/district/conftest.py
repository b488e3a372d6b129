import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from harness import make_desk, make_server, unique_agency  # noqa: E402


@pytest.fixture
def agency():
    return unique_agency()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_server(request, tmp_path_factory):
    srv = make_server(request.param, tmp_path_factory.mktemp("server"), lookup_per_minute=8)
    srv.kind = request.param
    yield srv
    srv.stop()


@pytest.fixture
def server(shared_server, agency):
    if not shared_server.alive:
        shared_server.start()
    shared_server.agency = agency
    yield shared_server


@pytest.fixture
def desk1(tmp_path, agency):
    d = make_desk(tmp_path / "desk1", 1, agency=agency)
    yield d
    d.close()


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
    driver.set_page_load_timeout(20)
    driver.implicitly_wait(5)          # a click that submits a form returns before the next page
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)
