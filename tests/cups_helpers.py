"""A private cupsd on its own socket for tests that print for real, with printers that misbehave:
besides CUPS's own backends (cups-pdf, socket) it knows `hetgiay:/`, a printer that reports it is
out of paper and waits for paper, as a USB or network printer's backend does, until the test
loads paper (`load_paper`), and `hong:/`, whose backend fails and stops the queue.

The daemon's ServerBin is a private folder of links to the system's filters and backends plus
that one script, so nothing is installed on the machine."""

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd")
SERVER_BIN = Path("/usr/lib/cups")

OUT_OF_PAPER = """#!/bin/sh
# a printer out of paper: says so the way CUPS backends do, then waits for paper
if [ $# -eq 0 ]; then echo 'direct hetgiay "Unknown" "Out of paper"'; exit 0; fi
echo "STATE: +media-empty-error" >&2
echo "INFO: Media tray empty" >&2
while [ ! -e {paper} ]; do sleep 0.2; done
echo "STATE: -media-empty-error" >&2
exit 0
"""
BROKEN = """#!/bin/sh
# a printer whose connection fails for good: the backend asks CUPS to stop the queue (CUPS_BACKEND_STOP)
if [ $# -eq 0 ]; then echo 'direct hong "Unknown" "Broken"'; exit 0; fi
echo "ERROR: Unable to send data to printer." >&2
exit 4
"""


def skip_without_cups() -> None:
    if not (shutil.which("cupsd") and shutil.which("lp") and (SERVER_BIN / "backend" / "cups-pdf").exists()
            and CUPS_PDF_PPD.exists()):
        pytest.skip("cups, cups-bsd and printer-driver-cups-pdf are not installed (.ci/run installs them)")
    if os.geteuid() != 0:
        pytest.skip("cupsd runs the cups-pdf backend as root only")


def _server_bin(root: Path) -> Path:
    bin_dir = root / "bin"
    (bin_dir / "backend").mkdir(parents=True)
    for entry in SERVER_BIN.iterdir():
        if entry.name != "backend":
            (bin_dir / entry.name).symlink_to(entry)
    for entry in (SERVER_BIN / "backend").iterdir():
        (bin_dir / "backend" / entry.name).symlink_to(entry)
    for name, text in (("hetgiay", OUT_OF_PAPER.format(paper=root / "paper-loaded")), ("hong", BROKEN)):
        script = bin_dir / "backend" / name
        script.write_text(text)
        script.chmod(0o700)              # root-only: cupsd runs it as root, like cups-pdf
    for d in (bin_dir, bin_dir / "backend"):
        d.chmod(0o755)
    return bin_dir


@contextmanager
def private_cupsd(monkeypatch):
    """Yields the server's folder; CUPS_SERVER points every lp/lpstat of the test at it."""
    skip_without_cups()
    root = Path(tempfile.mkdtemp(prefix="cd-cups-"))      # short: a unix socket path has ~100 bytes
    for d in ("spool", "tmp", "cache", "state", "log", "ppd"):
        (root / d).mkdir()
    (root / "tmp").chmod(0o1777)                           # filters run as user lp
    socket = root / "cups.sock"
    (root / "cupsd.conf").write_text(
        f"Listen {socket}\nLogLevel warn\nWebInterface No\nBrowsing No\n"
        "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
        "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")
    (root / "cups-files.conf").write_text(
        f"ServerRoot {root}\nServerBin {_server_bin(root)}\nRequestRoot {root}/spool\nTempDir {root}/tmp\n"
        f"CacheDir {root}/cache\nStateDir {root}/state\nAccessLog {root}/log/access_log\n"
        f"ErrorLog {root}/log/error_log\nPageLog {root}/log/page_log\nSystemGroup root\n")
    daemon = subprocess.Popen(["cupsd", "-f", "-c", str(root / "cupsd.conf"), "-s", str(root / "cups-files.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    monkeypatch.setenv("CUPS_SERVER", str(socket))
    try:
        end = time.monotonic() + 20
        while not socket.exists() and time.monotonic() < end:
            time.sleep(0.05)
        yield root
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def add_queue(name: str, device: str) -> None:
    """A queue on `device` ("cups-pdf:/", "hetgiay:/", "socket://127.0.0.1:9"), enabled."""
    subprocess.run(["lpadmin", "-p", name, "-E", "-v", device, "-P", str(CUPS_PDF_PPD)],
                   check=True, capture_output=True, timeout=30)


def stop_queue(name: str) -> None:
    subprocess.run(["cupsdisable", name], check=True, capture_output=True, timeout=30)


def load_paper(root: Path) -> None:
    """Paper goes into every `hetgiay:/` printer: the jobs waiting there print."""
    (root / "paper-loaded").touch()
