"""Sync benchmarks: push throughput over loopback, 100 desks at once on PostgreSQL, and a day's
work over an emulated 64 kbit/s, 300 ms RTT, 2 % loss link with a cut in the middle.

    python -m bench bench_sync            all three (the third needs root, iproute2 and tc netem)
"""

import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sync"))

import harness  # noqa: E402
from bench.common import table  # noqa: E402
from commune_desk.rules.office_calendar import TZ  # noqa: E402
from commune_desk.sync import protocol as p  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Long",
         "Mai", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]
STREETS = ["Thôn Đông", "Thôn Đoài", "Xóm Chùa", "Tổ 3", "Tổ 7", "Khu Tân Lập", "Ngõ 12 Phúc Lợi"]


def seed_desk(desk, n: int, events_per_dossier: int = 2, seed: int = 7) -> None:
    """n realistic dossiers with their events (intake + a hand-off), written straight into the
    desk file from one real intake used as a template (real intakes one by one would take
    minutes and measure intake, not sync)."""
    from commune_desk.rules.text import fold
    from commune_desk.store.desk import snapshot
    from commune_desk.store.models import Dossier, Event
    rng = random.Random(seed)
    [template] = harness.intake(desk, 1)
    cfg = desk.config()
    with desk.using():
        base = Dossier.select().where(Dossier.id == template.id).dicts().get()
        Event.delete().where(Event.dossier == template.id).execute()
        Dossier.delete().where(Dossier.id == template.id).execute()
        start = datetime(2026, 10, 1, 8, 0, tzinfo=TZ)
        dossiers, seq_in_day, day = [], 0, start
        for i in range(n):
            if seq_in_day == 999:
                day, seq_in_day = day + timedelta(days=1), 0
            seq_in_day += 1
            received = day + timedelta(minutes=seq_in_day % 480)
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            row = dict(base)
            row.pop("id")
            row.update(uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                       code=f"{cfg.agency_code}-{received:%y%m%d}-{seq_in_day:04d}",
                       applicant_name=name, name_folded=fold(name),
                       id_number=f"0{rng.randint(1, 96):02d}{rng.choice('0123')}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}",
                       phone=f"09{rng.randint(0, 99999999):08d}",
                       address=f"{rng.choice(STREETS)}, xã Phúc Lợi",
                       received_at=received, starts_at=received,
                       due_at=received + timedelta(days=3), original_due_at=received + timedelta(days=3),
                       created_at=received, updated_at=received)
            dossiers.append(row)
        with desk.db.atomic():
            for i in range(0, n, 500):
                Dossier.insert_many(dossiers[i:i + 500]).execute()
            events = []
            for d in Dossier.select().order_by(Dossier.id):
                snap = snapshot(d)
                events.append({"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "dossier": d.id,
                               "kind": "intake", "at": d.received_at, "actor": cfg.clerk_name,
                               "data": {"dossier": snap, "outcome": "accepted", "imported": False},
                               "sync_state": "pending"})
                for k in range(events_per_dossier - 1):
                    events.append({"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "dossier": d.id,
                                   "kind": "handoff", "at": d.received_at + timedelta(minutes=30 + k),
                                   "actor": cfg.clerk_name,
                                   "data": {"dossier": {**snap, "status": 4, "assignee": "Công chức Tư pháp - Hộ tịch"},
                                            "from_party": f"Bộ phận một cửa — {cfg.clerk_name}",
                                            "to_party": "Công chức Tư pháp - Hộ tịch", "note": "", "result": None},
                                   "sync_state": "pending"})
            events.sort(key=lambda e: e["at"])
            for i in range(0, len(events), 500):
                Event.insert_many(events[i:i + 500]).execute()


class Recorder:
    """Keeps every push body the desk sends (to replay the same bytes as raw POSTs)."""

    def __init__(self):
        from commune_desk.sync.transport import Transport
        self.bodies = []
        self._orig = Transport.once
        recorder = self

        self.http_s = 0.0

        def once(self_, method, path, *, data=None, params=None, headers=None):
            if path == p.PUSH_PATH and data:
                recorder.bodies.append(data)
            t0 = time.perf_counter()
            try:
                return recorder._orig(self_, method, path, data=data, params=params, headers=headers)
            finally:
                recorder.http_s += time.perf_counter() - t0
        Transport.once = once

    def close(self):
        from commune_desk.sync.transport import Transport
        Transport.once = self._orig


# ---- 1. throughput over loopback ---------------------------------------------------------------

def _replay(server, token: str, path: str, bodies: list) -> float:
    """POST the same gzip bodies one after another over one keep-alive connection to the same
    server process (same waitress, same loopback, same headers); seconds taken."""
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "User-Agent": "commune-desk-sync/1",
                            "X-Sync-Protocol": str(p.PROTOCOL)})
    t0 = time.perf_counter()
    for body in bodies:
        r = session.post(server.url + path, data=body,
                         headers={"Content-Type": p.JSON_TYPE, "Content-Encoding": "gzip",
                                  "X-Desk-Clock": datetime.now(TZ).isoformat(timespec="milliseconds")})
        assert r.status_code == 200, r.text[:200]
    elapsed = time.perf_counter() - t0
    session.close()
    return elapsed


# ---- the floor: the production app plus two routes that only this benchmark mounts ----------

SINK_PATH, STORE_PATH = "/bench/sink", "/bench/store"


def floor_app(db_url: str, **options):
    """The district app as `serve` builds it, plus POST /bench/sink (reads a body and throws it
    away: "a raw POST of the same bytes") and POST /bench/store (the least any push must cost:
    decompress, parse, store the body as one row in one durable transaction of the same database)."""
    from flask import Blueprint, Response, request

    from commune_desk.district.app import create_app
    from commune_desk.district.models import database
    from commune_desk.sync.jsontext import compact

    def sink():
        raw = request.get_data(cache=False)
        return Response(b'{"received":%d}' % len(raw), content_type="application/json")

    def store():
        text = compact(p.decode_gzip_json(request.get_data(cache=False)))
        db = database.obj
        with database.atomic():
            db.execute_sql("CREATE TABLE IF NOT EXISTS bench_floor (body TEXT NOT NULL)")
            db.execute_sql(f"INSERT INTO bench_floor (body) VALUES ({db.param})", (text,))
        return Response(b'{"stored":%d}' % len(text), content_type="application/json")

    app = create_app(db_url, **options)
    floor = Blueprint("bench_floor", __name__)
    floor.add_url_rule(SINK_PATH, "sink", sink, methods=["POST"])
    floor.add_url_rule(STORE_PATH, "store", store, methods=["POST"])
    app.extensions["csrf"].exempt(floor)
    app.register_blueprint(floor)
    return app


def serve_floor(argv=None) -> None:
    """`commune-district … serve …` with the floor routes (same options, same waitress)."""
    from commune_desk.district import serving
    from commune_desk.district.cli import build_parser
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    serving.serve(lambda: floor_app(args.db, lookup_per_minute=args.lookup_per_minute, threads=args.threads),
                  args.host, args.port, args.threads, 1)


FLOOR_COMMAND = [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); "
                 "from bench.bench_sync import serve_floor; serve_floor()", str(ROOT)]


def floor_server(db_url: str, workdir: Path, **kw) -> "harness.Server":
    return harness.Server(db_url, workdir, command=FLOOR_COMMAND, **kw).start()


def bench_throughput(workdir: Path, n: int = 10_000) -> list[tuple]:
    from commune_desk.store import outbox
    from commune_desk.sync import run_pass
    from commune_desk.sync.engine import BATCH_SIZE
    from commune_desk.sync.token import load_token
    server = floor_server(f"sqlite:///{workdir / 'server' / 'district.sqlite3'}", workdir / "server", threads=8)
    desk = harness.make_desk(workdir / "desk", 1)
    try:
        harness.enroll(desk, server, server.add_commune())
        seed_desk(desk, n)
        changes = outbox.counts(desk)["waiting"]
        rec = Recorder()
        t0 = time.perf_counter()
        result = run_pass(desk, harness.sync_options(server.url, timeout=(10, 120), batch_size=BATCH_SIZE))
        elapsed = time.perf_counter() - t0
        rec.close()
        assert result.error is None and result.accepted == changes, result
        token = load_token(desk.data_dir)["token"]
        # the floor of the issue: a route that reads each body and throws it away
        raw = _replay(server, token, SINK_PATH, rec.bodies)
        # and the least a push can cost: decompress, parse, one durable commit per body
        stored = _replay(server, token, STORE_PATH, rec.bodies)
        wire = result.bytes_sent + result.bytes_received
        return [
            ("dossiers / changes pushed", f"{n:,} / {changes:,}"),
            (f"batches ({BATCH_SIZE} changes, the desk's default)", f"{len(rec.bodies)}"),
            ("sync pass (push + pull)", f"{elapsed:.2f} s (HTTP requests {rec.http_s:.2f} s; the desk's work "
                                        f"overlaps them)"),
            ("throughput", f"{n / elapsed:,.0f} dossiers/s ({changes / elapsed:,.0f} changes/s) (goal ≥ 1,000)"),
            ("raw POST of the same bytes (sink route)", f"{raw:.2f} s ({n / raw:,.0f} dossiers/s)"),
            ("sync as % of raw POST", f"{100 * raw / elapsed:.0f} % (goal ≥ 50 %)"),
            ("same bytes parsed + 1 durable commit each", f"{stored:.2f} s — a server that only stores the bodies "
                                                          f"reaches {100 * raw / stored:.0f} % of raw POST"),
            ("sync as % of parse + durable commit", f"{100 * stored / elapsed:.0f} %"),
            ("bytes on the wire (HTTP, both ways)", f"{wire:,} B"),
            ("bytes per dossier", f"{wire / n:.0f} B (goal ≤ 600)"),
            ("gzip push bodies per dossier", f"{sum(map(len, rec.bodies)) / n:.0f} B"),
        ]
    finally:
        desk.close()
        server.stop()


# ---- 2. 100 desks at once on PostgreSQL --------------------------------------------------------

def _change(agency: str, desk_no: int, seq: int, rng: random.Random) -> dict:
    at = datetime(2026, 11, 23, 8, 0, tzinfo=TZ) + timedelta(minutes=seq)
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    snap = {"uuid": str(uuid.uuid4()), "code": f"{agency}-261123-{(desk_no - 1) * 1000 + seq:04d}",
            "outcome": "accepted", "procedure_id": "HT-XNHN", "procedure_name": "Xác nhận tình trạng hôn nhân",
            "procedure_days": 3, "agency_code": agency, "desk": desk_no, "applicant_name": name,
            "phone": f"09{rng.randint(0, 99999999):08d}", "status": 2, "channel": 1, "return_by": "counter",
            "received_at": at.isoformat(), "due_at": (at + timedelta(days=3)).isoformat()}
    return {"uuid": str(uuid.uuid4()), "seq": seq, "kind": "intake", "at": at.isoformat(timespec="seconds"),
            "actor": "Cán bộ", "dossier_uuid": snap["uuid"], "data": {"dossier": snap, "outcome": "accepted"}}


def bench_many_desks(workdir: Path, desks: int = 100, batches: int = 5, per_batch: int = 40) -> list[tuple]:
    workers = os.cpu_count() or 1
    # a cluster of its own that fsyncs every commit, as a province's would (the tests' does not)
    cluster = harness.PgCluster(durable=True).start()
    server = harness.Server(cluster.new_database(), workdir / "pg-server", threads=16,
                            extra_args=["--workers", workers]).start()
    try:
        from commune_desk.district import admin
        from commune_desk.district.db import session as district_session
        tokens = []
        with district_session(server.db_url):     # enrolment over HTTP is rate-limited per address
            for i in range(desks):
                agency = f"B{i:03d}.30.36.H26"
                _, code, _ = admin.add_commune(agency, f"UBND xã Thử {i}")
                tokens.append((agency, admin.enroll(code, agency, 1, "bench")[1]))
        # every body encoded before the clock starts; then the 100 desks push at once
        pushes = []
        for k, (agency, token) in enumerate(tokens):
            rng, seq, bodies = random.Random(k), 0, []
            for _ in range(batches):
                changes = []
                for _ in range(per_batch):
                    seq += 1
                    changes.append(_change(agency, 1, seq, rng))
                batch = str(uuid.uuid4())
                bodies.append((batch, {c["uuid"] for c in changes}, p.encode_push(batch, datetime.now(TZ), changes)))
            pushes.append((token, bodies))
        latencies, errors = [], []
        import asyncio
        import resource
        cpu0 = (harness.cpu_seconds(server.processes()), harness.cpu_seconds(cluster.processes()),
                resource.getrusage(resource.RUSAGE_SELF))
        t0 = time.perf_counter()

        async def all_desks():
            await asyncio.gather(*(_push_desk(server.port, token, bodies, latencies, errors)
                                   for token, bodies in pushes))
        asyncio.run(all_desks())
        wall = time.perf_counter() - t0
        me = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (harness.cpu_seconds(server.processes()) - cpu0[0], harness.cpu_seconds(cluster.processes()) - cpu0[1],
               me.ru_utime + me.ru_stime - cpu0[2].ru_utime - cpu0[2].ru_stime)
        per = [1000 * c / max(1, len(latencies)) for c in cpu]
        stored = server.query("SELECT count(*) FROM change")[0][0]
        lat = sorted(latencies)
        p99 = lat[min(len(lat) - 1, int(round(0.99 * len(lat))) - 1)]
        return [
            ("desks pushing at once", f"{desks} ({batches} batches × {per_batch} dossiers each)"),
            ("server", f"{workers} process(es) × 16 threads ({'gunicorn' if workers > 1 else 'waitress'}); "
                       f"PostgreSQL on this machine, fsync on"),
            ("requests / errors", f"{len(latencies)} / {len(errors)}" + (f"  e.g. {errors[0][:80]}" if errors else "")),
            ("changes stored (expected)", f"{stored:,} ({desks * batches * per_batch:,})"),
            ("latency p50 / p99 / max", f"{statistics.median(lat) * 1000:.0f} / {p99 * 1000:.0f} / "
                                        f"{lat[-1] * 1000:.0f} ms (goal p99 ≤ 500 ms)"),
            ("wall time", f"{wall:.1f} s"),
            ("CPU per request", f"server {per[0]:.1f} ms + PostgreSQL {per[1]:.1f} ms + the 100 desks {per[2]:.1f} ms "
                                f"= {sum(per):.1f} ms on {os.cpu_count()} cores ⇒ at most "
                                f"{1000 * (os.cpu_count() or 1) / sum(per):.0f} requests/s on this machine"),
            ("server throughput", f"{len(latencies) / wall:.0f} requests/s ({desks * batches * per_batch / wall:,.0f} "
                                  f"changes/s); with {desks} requests queued at once a request waits for "
                                  f"about {desks} services: ≈ {1000 * desks * wall / len(latencies):.0f} ms"),
        ]
    finally:
        server.stop()
        cluster.stop()


async def _push_desk(port: int, token: str, bodies: list, latencies: list, errors: list) -> None:
    """One desk's pushes over one keep-alive connection. HTTP/1.1 by hand on asyncio streams: the
    100 desks share this machine's cores with the server, and a load generator of 100 threads
    spent more CPU than the server itself; this one spends a fraction of it."""
    import asyncio
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (f"POST {p.PUSH_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: {p.JSON_TYPE}\r\nContent-Encoding: gzip\r\n").encode()
    try:
        for batch, sent, body in bodies:
            t0 = time.perf_counter()
            try:
                writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                await writer.drain()
                status = int((await reader.readline()).split()[1])
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    key, _, value = line.decode("latin-1").partition(":")
                    headers[key.strip().lower()] = value.strip()
                content = await reader.readexactly(int(headers["content-length"]))
                reply = p.parse_push_reply(headers.get("content-type"), content, batch, sent)
                bad = [a for a in reply.acks.values() if a.result != p.ACCEPTED]
                if status != 200 or bad or len(reply.acks) != len(sent):
                    raise RuntimeError(f"{status} {bad[:1]}")
            except Exception as exc:  # noqa: BLE001 - counted, reported
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - t0)
    finally:
        writer.close()


# ---- 3. a day's work over a bad link, cut in the middle ----------------------------------------

NETNS = "cdbench"


def _ns(*cmd, check=True, **kw):
    return subprocess.run(["ip", "netns", "exec", NETNS, *map(str, cmd)], check=check, **kw)


def netem_client(data_dir: str, url: str, log_path: str) -> None:
    """Runs inside the namespace: one sync pass with a log of what was sent and acknowledged."""
    from commune_desk.store import outbox as ob
    from commune_desk.store.desk import Desk
    from commune_desk.sync import Options, RetryPolicy, run_pass
    from commune_desk.sync.transport import Transport
    log = open(log_path, "a", encoding="utf-8")
    orig_once, orig_mark = Transport.once, ob.mark_synced

    def once(self_, method, path, *, data=None, params=None, headers=None):
        if path == p.PUSH_PATH:
            sent = [c["uuid"] for c in json.loads(gzip.decompress(data))["changes"]]
            log.write(json.dumps({"t": time.time(), "sent": sent}) + "\n")
            log.flush()
        return orig_once(self_, method, path, data=data, params=params, headers=headers)

    def mark(desk, uuids, at):
        uuids = list(uuids)
        log.write(json.dumps({"t": time.time(), "acked": uuids}) + "\n")
        log.flush()
        return orig_mark(desk, uuids, at)

    Transport.once = once
    ob.mark_synced = mark
    import commune_desk.sync.engine as engine
    engine.outbox.mark_synced = mark
    desk = Desk(data_dir)
    opts = Options(server=url, batch_size=10, timeout=(5.0, 12.0),
                   retry=RetryPolicy(attempts=30, base_s=0.5, cap_s=4.0))
    t0 = time.perf_counter()
    result = run_pass(desk, opts)
    print(json.dumps({**result.to_dict(), "elapsed_s": time.perf_counter() - t0}))


SlowLink = harness.SlowLink        # the user-space link emulator, shared with the tests


def _netem_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("ip") or not shutil.which("tc"):
        return False
    subprocess.run(["ip", "netns", "del", NETNS], stderr=subprocess.DEVNULL)
    if subprocess.run(["ip", "netns", "add", NETNS]).returncode != 0:
        return False
    _ns("ip", "link", "set", "lo", "up")
    ok = _ns("tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "150ms", "rate", "64kbit", "loss", "2%",
             check=False, stderr=subprocess.DEVNULL).returncode == 0
    if ok:
        _ns("tc", "qdisc", "del", "dev", "lo", "root")
    else:
        subprocess.run(["ip", "netns", "del", NETNS], stderr=subprocess.DEVNULL)
    return ok


def bench_bad_link(workdir: Path, n: int = 60) -> list[tuple]:
    netem = _netem_available()
    server = None
    try:
        port = harness.free_port()
        db = workdir / "link-server" / "district.sqlite3"
        db.parent.mkdir(parents=True)
        desk = harness.make_desk(workdir / "link-desk", 1)
        seed_desk(desk, n)
        desk.close()
        admin = harness.Server(f"sqlite:///{db}", db.parent)
        code = admin.add_commune()
        prefix = ["ip", "netns", "exec", NETNS] if netem else []
        server = subprocess.Popen(prefix + [sys.executable, "-m", "commune_desk.district.cli",
                                            "--db", f"sqlite:///{db}", "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        direct = f"http://127.0.0.1:{port}"
        for _ in range(100):
            probe = subprocess.run(prefix + [sys.executable, "-c",
                                             f"import requests; requests.get('{direct}/api/v1/health', timeout=1)"],
                                   stderr=subprocess.DEVNULL)
            if probe.returncode == 0:
                break
            time.sleep(0.2)
        subprocess.run(prefix + [sys.executable, "-m", "commune_desk.cli", "enroll", "--data-dir",
                                 str(workdir / "link-desk"), "--server", direct, "--code", code],
                       check=True, stdout=subprocess.DEVNULL)
        if netem:
            # 300 ms RTT: 150 ms each way (both directions cross lo); 64 kbit/s; 2 % loss
            _ns("tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "150ms", "rate", "64kbit", "loss", "2%")
            url, link = direct, None
        else:
            link = SlowLink(port)
            url = f"http://127.0.0.1:{link.port}"
        log_path = workdir / "link-log.jsonl"
        t0 = time.perf_counter()
        client = subprocess.Popen(prefix + [sys.executable, "-c",
                                            "import sys; sys.path.insert(0, sys.argv[1]); "
                                            "from bench.bench_sync import netem_client; netem_client(*sys.argv[2:])",
                                            str(ROOT), str(workdir / "link-desk"), url, str(log_path)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        total = n * 2
        cut_at = None
        while client.poll() is None:
            done = admin.query("SELECT count(*) FROM change")[0][0]
            if cut_at is None and done >= total // 2:
                cut_at = time.perf_counter() - t0
                if netem:
                    _ns("tc", "qdisc", "change", "dev", "lo", "root", "netem", "delay", "150ms", "rate", "64kbit",
                        "loss", "100%")
                    time.sleep(8)
                    _ns("tc", "qdisc", "change", "dev", "lo", "root", "netem", "delay", "150ms", "rate", "64kbit",
                        "loss", "2%")
                else:
                    link.cut(8)
            time.sleep(0.1)
        out, err = client.communicate()
        elapsed = time.perf_counter() - t0
        result = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"error": err[-300:]}
        sent_counts, acked_at, resent_after_ack = {}, {}, 0
        for line in log_path.read_text().splitlines():
            rec = json.loads(line)
            for u in rec.get("acked", []):
                acked_at.setdefault(u, rec["t"])
            for u in rec.get("sent", []):
                sent_counts[u] = sent_counts.get(u, 0) + 1
                if u in acked_at:
                    resent_after_ack += 1
        stored = admin.query("SELECT count(*) FROM change")[0][0]
        distinct = admin.query("SELECT count(DISTINCT uuid) FROM change")[0][0]
        how = ("tc netem in a network namespace" if netem else
               "user-space link emulator (this kernel has no sch_netem)")
        return [
            ("link", f"64 kbit/s, 300 ms RTT, 2 % loss: {how}"),
            ("dossiers / changes / batch size", f"{n} / {total} / 10"),
            ("time to sync, with an 8 s cut", f"{elapsed:.1f} s (cut at {cut_at or 0:.1f} s)"),
            ("result", f"accepted {result.get('accepted')}, duplicates {result.get('duplicates')}, "
                       f"waiting {result.get('waiting')}, error {result.get('error')}"),
            ("requests / bytes on the wire", f"{result.get('requests')} / "
                                             f"{(result.get('bytes_sent') or 0) + (result.get('bytes_received') or 0):,} B"),
            ("changes sent more than once", f"{sum(1 for c in sent_counts.values() if c > 1)} (unacknowledged at the cut)"),
            ("acknowledged changes resent", f"{resent_after_ack}"),
            ("server rows / distinct", f"{stored} / {distinct}"),
        ]
    finally:
        if server is not None:
            server.kill()
            server.wait(10)
        if netem:
            subprocess.run(["ip", "netns", "del", NETNS], stderr=subprocess.DEVNULL)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    workdir = Path(tempfile.mkdtemp(prefix="cd-bench-sync-"))
    os.environ.setdefault("COMMUNE_DESK_DATA_DIR", str(workdir / "default"))
    try:
        parts = {"throughput", "desks", "link"}
        which = (set(argv) & parts) or parts
        if "throughput" in which:
            print("\n-- 10,000 dossiers pushed over loopback (server on SQLite) --")
            table(bench_throughput(workdir), ("measure", "value"))
        if "desks" in which:
            print("\n-- 100 desks pushing at once (server on PostgreSQL) --")
            table(bench_many_desks(workdir), ("measure", "value"))
        if "link" in which:
            print("\n-- a day's work over a bad link --")
            table(bench_bad_link(workdir), ("measure", "value"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
