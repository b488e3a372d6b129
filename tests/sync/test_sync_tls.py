"""TLS with a private CA: a throw-away CA and server certificate (openssl CLI), a TLS-terminating
proxy of our own on loopback in front of the real server, and the desk's command line.

Without the CA file the desk refuses the server (clear Vietnamese message, nothing stored or
marked); with --ca-file it enrols and syncs; a later pass, given no CA file, still verifies the
server against the stored one (a certificate from another CA is refused again)."""

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from commune_desk.store.desk import Desk
from commune_desk.sync.token import TOKEN_FILE
from harness import DESK_NOW, Clock, LoopbackListener, assert_converged, intake, make_desk

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI not installed")


def _openssl(*args, cwd):
    subprocess.run(["openssl", *map(str, args)], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(folder: Path, name: str) -> tuple[Path, Path]:
    key, cert = folder / f"{name}.key", folder / f"{name}.pem"
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
             "-subj", f"/O=Commune Desk tests/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-addext", "subjectKeyIdentifier=hash",
             cwd=folder)
    return key, cert


def make_server_cert(folder: Path, name: str, ca_key: Path, ca_cert: Path) -> tuple[Path, Path]:
    key, csr, cert, ext = (folder / f"{name}.key", folder / f"{name}.csr", folder / f"{name}.pem",
                           folder / f"{name}.ext")
    ext.write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                   "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                   "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1",
             cwd=folder)
    _openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
             "-days", "2", "-extfile", ext, cwd=folder)
    return key, cert


class TlsProxy(LoopbackListener):
    """Terminates TLS on a loopback port and relays plain HTTP to the server, like the reverse
    proxy of a production install. `use(cert, key)` changes the certificate for new connections."""

    scheme = "https"

    def __init__(self, upstream_port: int, cert: Path, key: Path):
        self.upstream_port = upstream_port
        self.use(cert, key)
        self.handshakes_failed = 0
        super().__init__()

    def use(self, cert: Path, key: Path) -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert, key)
        self.ctx = ctx

    def serve(self, client):
        try:
            client.settimeout(10)
            tls = self.ctx.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshakes_failed += 1
            client.close()
            return
        tls.settimeout(None)
        try:
            up = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            tls.close()
            return

        def pump(src, dst):
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            for s in (src, dst):
                try:
                    s.close()
                except OSError:
                    pass

        threading.Thread(target=pump, args=(up, tls), daemon=True).start()
        pump(tls, up)


@pytest.fixture
def pki(tmp_path):
    folder = tmp_path / "pki"
    folder.mkdir()
    ca_key, ca_cert = make_ca(folder, "ca-huyen")
    key, cert = make_server_cert(folder, "server", ca_key, ca_cert)
    other_ca_key, other_ca_cert = make_ca(folder, "ca-la")
    other_key, other_cert = make_server_cert(folder, "impostor", other_ca_key, other_ca_cert)
    return {"ca": ca_cert, "cert": cert, "key": key, "other_cert": other_cert, "other_key": other_key}


def desk_cli(data_dir, *args):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "commune_desk.cli", *args, "--data-dir", str(data_dir)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_private_ca_enrol_sync_and_later_passes_verify_with_the_stored_ca(tmp_path, sqlite_server, pki):
    server = sqlite_server
    proxy = TlsProxy(server.port, pki["cert"], pki["key"])
    desk = make_desk(tmp_path / "desk", 1, agency=server.agency)
    intake(desk, 3)
    desk.close()
    data_dir = tmp_path / "desk"
    code = server.add_commune()
    try:
        # 1. no CA file: the system's CAs do not know ours, so the server is refused
        r = desk_cli(data_dir, "enroll", "--server", proxy.url, "--code", code)
        assert r.returncode != 0
        assert "Lỗi: Không kết nối được máy chủ cấp trên" in r.stderr
        assert "chứng chỉ TLS của máy chủ không hợp lệ" in r.stderr and "--ca-file" in r.stderr, r.stderr
        assert proxy.handshakes_failed >= 1
        assert not (data_dir / TOKEN_FILE).exists()                        # no token kept
        r = desk_cli(data_dir, "sync", "status", "--json")
        status = json.loads(r.stdout)
        assert status["server"] in (None, "") and status["waiting"] == 3, status
        assert server.query("SELECT count(*) FROM device")[0][0] == 0       # the code is still unused

        # 2. with --ca-file it enrols and syncs
        r = desk_cli(data_dir, "enroll", "--server", proxy.url, "--code", code, "--ca-file", str(pki["ca"]))
        assert r.returncode == 0, r.stderr
        assert "Đã đăng ký quầy" in r.stdout
        r = desk_cli(data_dir, "sync", "--json")
        assert r.returncode == 0, r.stderr
        counts = json.loads(r.stdout)
        assert counts["accepted"] == 3 and counts["waiting"] == 0, counts

        # 3. a later pass, no --ca-file given: verified with the stored CA ...
        desk = Desk(data_dir, clock=Clock(DESK_NOW))
        intake(desk, 2)
        desk.close()
        r = desk_cli(data_dir, "sync", "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["accepted"] == 2

        # ... and still verified: a certificate from another CA, for the same address, is refused
        proxy.use(pki["other_cert"], pki["other_key"])
        desk = Desk(data_dir, clock=Clock(DESK_NOW))
        intake(desk, 1)
        desk.close()
        failed_before = proxy.handshakes_failed
        r = desk_cli(data_dir, "sync", "--json")
        assert r.returncode != 0 and "chứng chỉ TLS của máy chủ không hợp lệ" in r.stderr, r.stderr
        assert proxy.handshakes_failed > failed_before
        r = desk_cli(data_dir, "sync", "status", "--json")
        assert json.loads(r.stdout)["waiting"] == 1                       # nothing marked

        # the right certificate again: the waiting changes go, and both sides agree
        proxy.use(pki["cert"], pki["key"])
        r = desk_cli(data_dir, "sync", "--json")
        assert r.returncode == 0, r.stderr
        desk = Desk(data_dir, clock=Clock(DESK_NOW))
        try:
            assert_converged(server, [desk])
        finally:
            desk.close()
    finally:
        proxy.close()
