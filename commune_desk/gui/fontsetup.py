"""Make the shipped fonts visible to Tk before the first window exists.

On Linux Tk draws through fontconfig: a small fonts.conf adds resources/fonts to the system's
fonts, so the UI has full Vietnamese coverage even on a bare machine. Windows has Segoe UI.
"""

import os
import sys
import tempfile
from pathlib import Path

from commune_desk.paths import resources_dir

UI_FAMILY_WINDOWS = "Segoe UI"
UI_FAMILY_SHIPPED = "Liberation Sans"


def prepare_fonts() -> str:
    """Return the UI font family to use; call before tkinter.Tk()."""
    if sys.platform.startswith("win"):
        return UI_FAMILY_WINDOWS
    if sys.platform != "darwin" and "FONTCONFIG_FILE" not in os.environ:
        folder = Path(tempfile.gettempdir()) / f"commune-desk-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}"
        folder.mkdir(parents=True, exist_ok=True)
        conf = folder / "fonts.conf"
        conf.write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
            f'  <dir>{resources_dir() / "fonts"}</dir>\n'
            f'  <cachedir>{folder / "cache"}</cachedir>\n</fontconfig>\n', encoding="utf-8")
        os.environ["FONTCONFIG_FILE"] = str(conf)
    return UI_FAMILY_SHIPPED
