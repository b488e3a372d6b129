import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from fixtures import agency, desk1, server, server_options, shared_server, sqlite_server  # noqa: E402,F401
