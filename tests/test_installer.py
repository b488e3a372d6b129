"""The packages' recipes: the NSIS script compiles (Debian's makensis, as on a Windows runner), the
desktop entry and the PyInstaller spec name what the desk needs. The .deb itself is built,
installed and self-tested by `make check-deb` (CI)."""
import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"


def test_windows_setup_script_compiles_with_makensis(tmp_path):
    makensis = shutil.which("makensis")
    if not makensis:
        pytest.fail("Kiểm thử bộ cài Windows cần lệnh `makensis`: apt-get install nsis", pytrace=False)
    dist = tmp_path / "CommuneDesk"
    (dist / "_internal").mkdir(parents=True)
    (dist / "CommuneDesk.exe").write_bytes(b"MZ")
    (dist / "_internal" / "base_library.zip").write_bytes(b"PK")
    setup = tmp_path / "CommuneDesk-Setup-0.1.0.exe"
    done = subprocess.run([makensis, "-V2", "-WX", f"-DDIST={dist}", f"-DOUTFILE={setup}",
                           str(INSTALLER / "commune-desk.nsi")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert setup.read_bytes()[:2] == b"MZ"


def test_windows_uninstaller_keeps_the_users_data():
    script = (INSTALLER / "commune-desk.nsi").read_text(encoding="utf-8")
    uninstall = script[script.index('Section "Uninstall"'):]
    assert 'RMDir /r "$INSTDIR"' not in uninstall           # only what setup put there
    assert "${DATA}" not in re.sub(r";.*", "", uninstall)   # the data folder is never named
    assert 'MUI_LANGUAGE "Vietnamese"' in script
    assert "$SMPROGRAMS" in script and "$DESKTOP" in script


def test_desktop_entry_starts_the_desk_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(INSTALLER / "commune-desk.desktop", encoding="utf-8")
    desk = entry["Desktop Entry"]
    assert desk["Exec"] == "commune-desk" and desk["Icon"] == "commune-desk"
    assert desk["StartupWMClass"] == "CommuneDesk"      # the Tk class name: the dock groups the window
    assert (ROOT / "resources" / "commune-desk.png").is_file()
    assert "Một cửa" in desk["Name[vi]"]
