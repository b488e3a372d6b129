"""Where the desk keeps its data: the per-user data folder, or --data-dir / COMMUNE_DESK_DATA_DIR."""

import os
import sys
from pathlib import Path

import platformdirs

ENV_VAR = "COMMUNE_DESK_DATA_DIR"
DB_NAME = "desk.sqlite3"
TOKEN_FILE = "sync-token.json"      # the device token (sync/token.py); a restore looks for it


def data_dir(override: str | os.PathLike | None = None, create: bool = True) -> Path:
    chosen = override or os.environ.get(ENV_VAR)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir("CommuneDesk", appauthor=False))
    if create and not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)   # citizens' data: the user's eyes only
    return path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
