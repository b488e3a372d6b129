"""Every screen fits the counter PCs the communes have: at 1024×768 and 1366×768 the window opens
maximised within the screen and no field, button or the status bar lies outside it (a panel
scrolls instead), no button is cut short and every column header fits its column. Each size is its
own X server, driven by a child process (tests/gui/fit_check.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("width, height", [(1024, 768), (1366, 768)])
def test_every_screen_fits_the_counter_screen(width, height):
    from pyvirtualdisplay import Display
    display = Display(visible=False, size=(width, height), color_depth=24, manage_global_env=False)
    display.start()
    try:
        env = {**os.environ, "DISPLAY": display.new_display_var}
        done = subprocess.run([sys.executable, "-m", "tests.gui.fit_check"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    finally:
        display.stop()
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["window"] == [width, height] and report["origin"] == [0, 0]
    assert report["problems"] == {}
