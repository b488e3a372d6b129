"""One log file per desk in its data folder; tracebacks go there, never to a clerk."""

import logging
import logging.handlers
from pathlib import Path

_configured: set[Path] = set()


def setup_logging(data_dir: Path) -> Path:
    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "commune-desk.log"
    if path not in _configured:
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        _configured.add(path)
    return path
