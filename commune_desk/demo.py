"""`make run`: open the desk on its embedded defaults — the per-user data folder, a demo office set
up on first start (change it in Quản trị), and a demo district server on loopback with its own
SQLite file, to which the desk is enrolled so Đồng bộ works out of the box."""

import contextlib
import io
import logging
import socket
import subprocess
import sys
import time

import requests

from commune_desk import paths
from commune_desk.gui.app import run_app
from commune_desk.store.desk import Desk

log = logging.getLogger("commune_desk.demo")

DEMO = dict(office_name="UBND xã Phúc Lợi", agency_code="000.30.36.H26", desk=1,
            clerk_name="Cán bộ tiếp nhận", head_name="Chủ tịch UBND xã",
            lookup_url="http://127.0.0.1:8750/tra-cuu?ma={code}")
PORT = 8750


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _district(db: str, *args) -> str:
    from commune_desk.district.cli import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        rc = main(["--db", db, *args])
    return out.getvalue() if rc == 0 else ""


def start_demo_server(data_dir) -> subprocess.Popen | None:
    """A district server for the demo; None when the port is taken (one may already be running)."""
    url = f"http://127.0.0.1:{PORT}"
    if not _port_free(PORT):
        return None
    db = f"sqlite:///{data_dir / 'demo-district.sqlite3'}"
    logfile = open(data_dir / "logs" / "demo-district.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "commune_desk.district.cli", "--db", db, "serve",
                             "--host", "127.0.0.1", "--port", str(PORT)], stdout=logfile, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            if requests.get(f"{url}/api/v1/health", timeout=0.5).ok:
                break
        except requests.RequestException:
            time.sleep(0.1)
    desk = Desk(data_dir)
    try:
        from commune_desk.sync.engine import enroll
        from commune_desk.sync.token import load_token
        if load_token(desk.data_dir) is None:
            cfg = desk.config()
            out = (_district(db, "commune", "add", "--agency-code", cfg.agency_code, "--name", cfg.office_name)
                   or _district(db, "commune", "code", cfg.agency_code))
            if out.strip():
                enroll(desk, url, out.strip().splitlines()[-1])
    except Exception:  # noqa: BLE001 - the demo server is a convenience; the desk works without it
        log.exception("demo enrolment failed")
    finally:
        desk.close()
    return proc


def main(argv=None) -> int:
    data_dir = paths.data_dir((argv or sys.argv[1:] or [None])[0])
    (data_dir / "logs").mkdir(exist_ok=True)
    desk = Desk(data_dir)
    if desk.config() is None:
        desk.setup(**DEMO)
    desk.close()
    server = start_demo_server(data_dir)
    print(f"Commune Desk: dữ liệu tại {data_dir}"
          + (f"; máy chủ thử nghiệm http://127.0.0.1:{PORT}/tra-cuu" if server else ""))
    try:
        run_app(data_dir)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
