"""Where the desk keeps its data: the per-user data folder, or --data-dir / COMMUNE_DESK_DATA_DIR."""

import os
import sys
from pathlib import Path

import platformdirs

ENV_VAR = "COMMUNE_DESK_DATA_DIR"
DB_NAME = "desk.sqlite3"


def data_dir(override: str | os.PathLike | None = None) -> Path:
    chosen = override or os.environ.get(ENV_VAR)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir("CommuneDesk", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
