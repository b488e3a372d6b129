"""The device token, kept in the desk's data folder, readable only by the desk's user."""

import json
import os
from pathlib import Path

from commune_desk.paths import TOKEN_FILE  # noqa: F401 - also the restore's sign of an enrolled desk


def token_path(data_dir: Path) -> Path:
    return Path(data_dir) / TOKEN_FILE


def save_token(data_dir: Path, record: dict) -> Path:
    path = token_path(data_dir)
    tmp = path.with_name(path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(record, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return path


def load_token(data_dir: Path) -> dict | None:
    try:
        record = json.loads(token_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("token") else None
