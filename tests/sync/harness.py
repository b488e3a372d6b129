"""Test support for sync and the district server: a throw-away PostgreSQL cluster, the real
server process, a fault-injecting TCP proxy, desks, and the "nothing lost, nothing doubled"
comparison. Imported by tests/sync, tests/district and bench/."""

import atexit
import contextlib
import glob
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

AGENCY = "000.30.36.H26"
OFFICE = "UBND xã Phúc Lợi"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 60.0, what: str = "the condition"):
    """Poll `predicate` until it returns something true and return that; fail after `timeout`
    seconds. Tests wait on what they can observe, never for a fixed time: a loaded machine may
    take long, the deadline is only there so a real hang fails instead of blocking forever."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.05)


# ---- PostgreSQL ------------------------------------------------------------------------------

def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        which = shutil.which("initdb")
        if not which:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        return Path(os.path.realpath(which)).parent
    return Path(found[-1]).parent


class PgCluster:
    """initdb + pg_ctl in a temporary folder, listening on loopback only. As root, postgres runs
    as the unprivileged 'postgres' (or 'nobody') user."""

    def __init__(self, max_connections: int = 200, durable: bool = False):
        self.durable = durable          # fsync on commit (benchmarks); tests run without it
        self.bin = pg_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="cd-pg-"))
        self.data = self.dir / "data"
        self.max_connections = max_connections
        self.user = None
        if os.geteuid() == 0:
            import pwd
            for name in ("postgres", "nobody"):
                try:
                    pwd.getpwnam(name)
                    self.user = name
                    break
                except KeyError:
                    continue
            shutil.chown(self.dir, self.user)
        self.started = False
        self._dbs = 0

    def _run(self, *cmd):
        cmd = [str(c) for c in cmd]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--"] + cmd
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self.dir)

    def start(self) -> "PgCluster":
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--locale=C")
        speed = "" if self.durable else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 {speed}"
                f"-c max_connections={self.max_connections} -c shared_buffers=64MB")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", opts, "-l", self.dir / "log", "-w", "-t", "60", "start")
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(subprocess.CalledProcessError):
                self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def processes(self) -> list[int]:
        """The postmaster and its children (backends, writer, WAL writer …)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        return [postmaster] + _children(postmaster)

    def new_database(self) -> str:
        import psycopg2
        self._dbs += 1
        name = f"district_{os.getpid()}_{self._dbs}"
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name}")
        conn.close()
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


_cluster: PgCluster | None = None


def pg_cluster() -> PgCluster:
    """One cluster per test process, stopped at exit."""
    global _cluster
    if _cluster is None:
        _cluster = PgCluster().start()
        atexit.register(_cluster.stop)
    return _cluster


# ---- the district server ---------------------------------------------------------------------

class Server:
    """`commune-district serve` as a real process on a free loopback port."""

    def __init__(self, db_url: str, workdir: Path, lookup_per_minute: int = 30, threads: int = 8,
                 extra_args=(), command=None):
        self.db_url = db_url
        # what runs the district's command line (bench/bench_sync.py's floor server runs its own)
        self.command = command or [sys.executable, "-m", "commune_desk.district.cli"]
        self.extra_args = [str(a) for a in extra_args]
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.lookup_per_minute = lookup_per_minute
        self.threads = threads
        self.proc = None
        self.url = f"http://127.0.0.1:{self.port}"
        self.agency = AGENCY      # the commune the current test works with

    def start(self, timeout: float = 60.0) -> "Server":
        log = open(self.workdir / "server.log", "ab")
        self.proc = subprocess.Popen(
            [*self.command, "--db", self.db_url, "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--threads", str(self.threads),
             "--lookup-per-minute", str(self.lookup_per_minute), *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log())
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log())

    def log(self) -> str:
        return (self.workdir / "server.log").read_text(errors="replace")

    def processes(self) -> list[int]:
        """The server process and its workers (serve --workers)."""
        return [self.proc.pid] + _children(self.proc.pid)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def restart(self) -> None:
        self.kill()
        self.start()

    # administration through the real command line entry point (in-process: it is quick)
    def admin(self, *args, stdin: str | None = None) -> str:
        from commune_desk.district.cli import main
        out, err = io.StringIO(), io.StringIO()
        saved = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = main(["--db", self.db_url, *args])
        finally:
            sys.stdin = saved
        if rc != 0:
            raise AdminError(rc, err.getvalue().strip())
        return out.getvalue()

    def add_commune(self, agency=None, name=OFFICE) -> str:
        return self.admin("commune", "add", "--agency-code", agency or self.agency,
                          "--name", name).strip().splitlines()[-1]

    def dossiers(self, agency=None) -> list[dict]:
        return json.loads(self.admin("dossiers", "--agency-code", agency or self.agency, "--json"))

    def query(self, sql: str, params=()) -> list[tuple]:
        if self.db_url.startswith("sqlite"):
            conn = sqlite3.connect(self.db_url.split("sqlite:///", 1)[1])
            try:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
            finally:
                conn.close()
        import psycopg2
        conn = psycopg2.connect(self.db_url)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def change_uuids(self, agency=None) -> list[str]:
        return [r[0] for r in self.query(
            "SELECT c.uuid FROM change c JOIN commune m ON c.commune_id = m.id WHERE m.agency_code = %s",
            (agency or self.agency,))]

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class AdminError(Exception):
    def __init__(self, rc, message):
        super().__init__(f"exit {rc}: {message}")
        self.rc, self.message = rc, message


_agencies = iter(range(1, 10 ** 6))


def unique_agency() -> str:
    return f"T{os.getpid() % 1000:03d}.{next(_agencies):04d}.36.H26"


def make_server(kind: str, workdir: Path, **kw) -> Server:
    if kind == "postgresql":
        url = pg_cluster().new_database()
    else:
        url = f"sqlite:///{Path(workdir) / 'district.sqlite3'}"
    return Server(url, workdir, **kw).start()


# ---- a fault-injecting proxy -----------------------------------------------------------------

CAPTIVE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n"
           b"Content-Length: %d\r\n\r\n")
CAPTIVE_BODY = "<html><body><h1>Đăng nhập Wi-Fi miễn phí</h1></body></html>".encode()


class LoopbackListener:
    """A TCP listener on a free loopback port for the tests' own proxies and sinks: each
    connection is handed to `serve(client)` on a thread of its own until `close()`. A subclass
    sets what `serve` needs before calling this __init__."""

    scheme = "http"

    def __init__(self, backlog: int = 16):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        self.port = self.sock.getsockname()[1]
        self.url = f"{self.scheme}://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(client,), daemon=True).start()

    def serve(self, client: socket.socket) -> None:
        raise NotImplementedError


class FaultProxy(LoopbackListener):
    """HTTP-aware TCP proxy on loopback. `faults` is a list consumed one per request whose path
    starts with `only` (other requests pass). Modes:
      pass          forward and relay the reply
      drop_after    forward, let the server commit, close without a reply
      truncate      forward, relay half of the reply, close
      hang          forward, then say nothing until the client gives up
      hold          forward, keep the reply until `released` (or hold_s), set `replied`
      hold_drop     like hold, then close without a reply
      http500       reply 500 without forwarding
      captive       reply 200 with an HTML page without forwarding
      http409       reply 409 (plain text) without forwarding
      api404        reply 404 with the server's protocol error document (an older server's
                    answer to an endpoint it does not have) without forwarding
      reset         close at once without forwarding
      cut_body      send the server the head and half the body, then close both sides
    """

    def __init__(self, upstream_port: int, only: str = "/api/v1/push"):
        self.upstream_port = upstream_port
        self.only = only
        self.faults: list[str] = []
        self.seen: list[tuple[str, str, int | None]] = []
        self.replied = threading.Event()
        self.released = threading.Event()
        self.hold_s = 30.0
        self._lock = threading.Lock()
        self._closing = False                 # ends a hanging reply
        super().__init__(backlog=64)

    def close(self) -> None:
        self._closing = True
        self.released.set()
        super().close()

    def _next_mode(self, path: str) -> str:
        with self._lock:
            if path.startswith(self.only) and self.faults:
                return self.faults.pop(0)
            return "pass"

    def serve(self, client: socket.socket):
        client.settimeout(120)
        try:
            while True:
                request = _read_http(client, is_request=True)
                if request is None:
                    return
                head, body = request
                path = head.split(b" ", 2)[1].decode()
                mode = self._next_mode(path)
                if mode == "reset":
                    self.seen.append((path, mode, None))
                    return
                if mode in ("http500", "captive", "http409"):
                    self.seen.append((path, mode, None))
                    if mode == "captive":
                        client.sendall(CAPTIVE % len(CAPTIVE_BODY) + CAPTIVE_BODY)
                    else:
                        text = b"Internal Server Error" if mode == "http500" else b"Conflict"
                        status = b"500 Internal Server Error" if mode == "http500" else b"409 Conflict"
                        client.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain\r\n"
                                       b"Content-Length: %d\r\n\r\n" % len(text) + text)
                    continue
                if mode == "api404":
                    self.seen.append((path, mode, None))
                    doc = '{"protocol": 1, "error": {"code": "http", "message": "Lỗi HTTP 404."}}'.encode()
                    client.sendall(b"HTTP/1.1 404 NOT FOUND\r\nContent-Type: application/json; charset=utf-8\r\n"
                                   b"Content-Length: %d\r\n\r\n" % len(doc) + doc)
                    continue
                if mode == "cut_body":
                    self.seen.append((path, mode, None))
                    with contextlib.suppress(OSError), socket.create_connection(
                            ("127.0.0.1", self.upstream_port), timeout=10) as up:
                        up.sendall(head + body[: len(body) // 2])
                        time.sleep(0.2)
                    return
                reply = self._forward(head, body)
                status = int(reply[0].split(b" ", 2)[1]) if reply else None
                self.seen.append((path, mode, status))
                if reply is None:
                    return
                rhead, rbody = reply
                if mode == "drop_after":
                    return
                if mode == "truncate":
                    client.sendall(rhead + rbody[: max(1, len(rbody) // 2)])
                    return
                if mode == "hang":
                    client.settimeout(0.2)
                    while not self._closing:
                        try:
                            if not client.recv(1):
                                return
                        except socket.timeout:
                            continue
                        except OSError:
                            return
                    return
                if mode in ("hold", "hold_drop"):
                    self.replied.set()
                    self.released.wait(self.hold_s)
                    if mode == "hold_drop":
                        return
                client.sendall(rhead + rbody)
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                client.close()

    def _forward(self, head: bytes, body: bytes):
        try:
            with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=60) as up:
                up.sendall(head + body)
                return _read_http(up, is_request=False)
        except OSError:
            return None


def _read_http(sock: socket.socket, is_request: bool):
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, OSError):
            return None
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    head += b"\r\n\r\n"
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head, rest[:length]


class SlowLink(LoopbackListener):
    """User-space stand-in for tc netem when the kernel has no sch_netem: a loopback TCP proxy
    that delays every segment by half the RTT, paces each direction at the link rate and stalls
    a lost segment for a retransmission timeout. `cut()` drops every connection and refuses new
    ones for a while. All connections share one line per direction, as on a real link: a push
    made while a scan uploads queues behind the bytes already on the wire."""

    SEGMENT = 1460

    def __init__(self, upstream_port: int, rtt_s=0.3, rate_bps=64_000, loss=0.02, rto_s=1.0, seed=3):
        import random
        self.upstream_port, self.half_rtt, self.rate, self.loss, self.rto = upstream_port, rtt_s / 2, rate_bps, loss, rto_s
        self.rng = random.Random(seed)
        self.down_until = 0.0
        self.conns = []
        self.line_free = {"up": 0.0, "down": 0.0}
        self.bytes = {"up": 0, "down": 0}
        self._line = threading.Lock()
        super().__init__()

    def cut(self, seconds: float) -> None:
        self.down_until = time.monotonic() + seconds
        for c in list(self.conns):
            with contextlib.suppress(OSError):
                c.close()

    def close(self) -> None:
        self.cut(3600)
        super().close()

    def serve(self, client):
        if time.monotonic() < self.down_until:
            client.close()
            return
        try:
            up = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        self.conns += [client, up]
        threading.Thread(target=self._pump, args=(up, client, "down"), daemon=True).start()
        self._pump(client, up, "up")

    def _pump(self, src, dst, way):
        import queue as q
        pending = q.Queue()

        def sender():
            while True:
                due, data = pending.get()
                if data is None:
                    break
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                try:
                    dst.sendall(data)
                except OSError:
                    break
            with contextlib.suppress(OSError):
                dst.shutdown(2)
        threading.Thread(target=sender, daemon=True).start()
        while True:
            try:
                data = src.recv(self.SEGMENT)
            except OSError:
                data = b""
            if not data or time.monotonic() < self.down_until:
                pending.put((0, None))
                return
            with self._line:
                now = time.monotonic()
                self.line_free[way] = max(self.line_free[way], now) + len(data) * 8 / self.rate
                self.bytes[way] += len(data)
                due = self.line_free[way] + self.half_rtt
                if self.rng.random() < self.loss:
                    due += self.rto
            pending.put((due, data))


class Clock:
    """A desk clock the test moves: Clock("2026-11-02 09:00")."""

    def __init__(self, start: str):
        self.set(start)

    def __call__(self):
        return self.now

    def set(self, text: str):
        from datetime import datetime
        from commune_desk.rules.office_calendar import TZ
        self.now = datetime.fromisoformat(text).replace(tzinfo=TZ)


# ---- desks -----------------------------------------------------------------------------------

TINY_CATALOG = {
    "catalog_version": "test-1",
    "procedures": [
        {"id": "HT-KS", "name": "Đăng ký khai sinh", "field": "Hộ tịch", "days": 0},
        {"id": "HT-XNHN", "name": "Xác nhận tình trạng hôn nhân", "field": "Hộ tịch", "days": 3, "fee": 3000},
        {"id": "CT-CK", "name": "Chứng thực chữ ký", "field": "Chứng thực", "days": 0, "fee": 10000},
    ],
}


DESK_NOW = "2026-11-23 09:32"      # a Monday: every desk of a test lives here unless it is given a clock


def make_desk(path: Path, desk_no: int = 1, clock=None, agency=AGENCY):
    from commune_desk.store.desk import Desk
    d = Desk(path, clock=clock or Clock(DESK_NOW))
    d.setup(office_name=OFFICE, agency_code=agency, desk=desk_no, clerk_name=f"Cán bộ quầy {desk_no}")
    from commune_desk.catalog import parse_catalog
    d.load_catalog(parse_catalog(TINY_CATALOG), source="test")
    return d


def intake(desk, n: int = 1, procedure: str = "HT-XNHN", names=("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường")):
    from commune_desk.rules.intake import IntakeForm
    out = []
    for i in range(n):
        out.append(desk.intake(IntakeForm(procedure_id=procedure, name=names[i % len(names)])))
    return out


def rewrite_chain_from(desk, seq: int) -> None:
    """Change one entry and recompute every hash after it: `audit verify` on the desk alone is fooled."""
    from commune_desk.store import audit
    db = desk.db
    db.execute_sql("DROP TRIGGER audit_append_only_update")
    rows = db.execute_sql("SELECT seq, at, desk, actor, action, target, detail, prev_hash FROM audit "
                          "WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
    prev = db.execute_sql("SELECT hash FROM audit WHERE seq = ?", (seq - 1,)).fetchone()[0]
    for i, (s, at, dk, actor, action, target, detail, _) in enumerate(rows):
        if i == 0:
            actor = "ai đó khác"
        digest = audit.entry_hash(s, at, dk, actor, action, target, detail, prev)
        db.execute_sql("UPDATE audit SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?", (actor, prev, digest, s))
        prev = digest
    audit.ensure_triggers(db)


def sync_options(server_url: str, attempts: int = 3, timeout=(2.0, 3.0), batch_size: int = 200):
    from commune_desk.sync import Options, RetryPolicy
    return Options(server=server_url, retry=RetryPolicy(attempts=attempts, base_s=0.05, cap_s=0.2),
                   timeout=timeout, batch_size=batch_size)


def enroll(desk, server: Server, code: str | None = None):
    from commune_desk.sync import enroll as do_enroll
    if code is None:
        code = server.admin("commune", "code", desk.config().agency_code).strip().splitlines()[-1]
    return do_enroll(desk, server.url, code)


def desk_state(desk) -> dict:
    """uuid -> sync_state of every event that is meant to travel, and dossier uuid -> status."""
    from commune_desk.store.models import Dossier, Event
    with desk.using():
        events = {e.uuid: e.sync_state for e in Event.select().where(Event.sync_state.in_(
            ["pending", "synced", "quarantined"]))}
        dossiers = {d.uuid: (d.code, int(d.status)) for d in Dossier.select()}
    return {"events": events, "dossiers": dossiers}


def assert_converged(server: Server, desks, quarantined_ok: bool = False):
    """server set == desk set, no duplicates, nothing lost."""
    agency = desks[0].config().agency_code
    rows = server.dossiers(agency)
    uuids = [r["uuid"] for r in rows]
    codes = [r["code"] for r in rows if r["code"]]
    assert len(uuids) == len(set(uuids)), "a dossier is stored twice on the server"
    assert len(codes) == len(set(codes)), "a dossier code is stored twice on the server"
    changes = server.change_uuids(agency)
    assert len(changes) == len(set(changes)), "a change is stored twice on the server"
    desk_events, desk_dossiers = set(), {}
    for d in desks:
        st = desk_state(d)
        waiting = [u for u, s in st["events"].items() if s == "pending"]
        assert not waiting, f"{len(waiting)} changes still waiting on desk {d.config().desk}"
        if not quarantined_ok:
            assert "quarantined" not in st["events"].values()
        desk_events |= {u for u, s in st["events"].items() if s == "synced"}
        desk_dossiers.update(st["dossiers"])
    assert desk_events == set(changes), (f"server has {len(changes)} changes, desks synced "
                                         f"{len(desk_events)}")
    server_dossiers = {r["uuid"]: (r["code"], r["status"]) for r in rows}
    assert server_dossiers == {u: v for u, v in desk_dossiers.items() if u in server_dossiers}
    if quarantined_ok:
        assert set(server_dossiers) <= set(desk_dossiers)
    else:
        assert set(server_dossiers) == set(desk_dossiers), "dossiers differ between desks and server"
    return rows
