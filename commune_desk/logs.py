"""One log file per desk in its data folder; tracebacks go there, never to a clerk."""

import logging
import logging.handlers
from pathlib import Path

_configured: set[Path] = set()


def setup_logging(data_dir: Path) -> Path:
    folder = data_dir / "logs"
    path = folder / "commune-desk.log"
    # a full disk or a read-only folder must not stop lookups: logging then stays quiet
    logging.raiseExceptions = False
    if path not in _configured:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                           encoding="utf-8")
        except OSError:
            return path
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        _configured.add(path)
    return path
