"""HTTP for sync, over requests: certificate checks (optionally a custom CA file), timeouts,
and retries of the *same* payload with exponential backoff and jitter."""

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime

import requests

from commune_desk.rules.office_calendar import TZ
from commune_desk.sync import protocol as p
from commune_desk.sync.errors import Cancelled, Transient, Unreachable

log = logging.getLogger("commune_desk.sync")
USER_AGENT = "commune-desk-sync/1"


@dataclass
class Reply:
    status: int
    content_type: str | None
    body: bytes
    headers: dict | None = None       # lower-cased names (tus reads Upload-Offset, Location)


@dataclass
class RetryPolicy:
    attempts: int = 5             # per request, within one pass
    base_s: float = 0.5
    cap_s: float = 30.0

    def delay(self, attempt: int, rng=random.random) -> float:
        # exponential, with "equal jitter": half fixed, half random, so desks don't retry in step
        d = min(self.cap_s, self.base_s * (2 ** attempt))
        return d / 2 + rng() * d / 2


class Transport:
    def __init__(self, server: str, token: str | None = None, *, ca_file: str | None = None,
                 timeout: tuple[float, float] = (10.0, 60.0), retry: RetryPolicy | None = None,
                 sleep=None, clock=None):
        self.server = server.rstrip("/")
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep = sleep or time.sleep
        self.clock = clock or (lambda: datetime.now(TZ))
        self.session = requests.Session()
        # passed with every request: a session-level `verify` loses to REQUESTS_CA_BUNDLE /
        # CURL_CA_BUNDLE in the environment (requests merges those over it), and then a private
        # CA given with --ca-file would silently not be used
        self.verify = ca_file if ca_file else True
        self.session.verify = self.verify
        self.session.headers.update({"User-Agent": USER_AGENT, "X-Sync-Protocol": str(p.PROTOCOL)})
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.attempts = 0         # requests actually sent, for counters and tests
        self.bytes_sent = 0       # HTTP bytes (request line, headers, body) both ways
        self.bytes_received = 0

    def close(self) -> None:
        self.session.close()

    def once(self, method: str, path: str, *, data: bytes | None = None, params=None,
             headers: dict | None = None) -> Reply:
        headers = dict(headers or {})
        headers["X-Desk-Clock"] = self.clock().isoformat(timespec="milliseconds")
        self.attempts += 1
        try:
            r = self.session.request(method, self.server + path, data=data, params=params,
                                     headers=headers, timeout=self.timeout, allow_redirects=False,
                                     verify=self.verify)
            body = r.content          # read it all here: a cut body raises now, not later
            self._count(r, body)
        except requests.exceptions.SSLError as exc:
            hint = ""
            if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate verify failed" in str(exc):
                hint = ("; không xác minh được chứng chỉ của máy chủ (CA không được tin cậy hoặc sai tên máy). "
                        "Nếu cấp trên dùng CA riêng, hãy chỉ tệp chứng chỉ CA bằng --ca-file")
            raise Transient(f"chứng chỉ TLS của máy chủ không hợp lệ{hint}", detail=_short(exc)) from None
        except requests.RequestException as exc:
            raise Transient("", detail=_short(exc)) from None
        if r.status_code >= 500 or 300 <= r.status_code < 400:
            raise Transient(f"máy chủ trả lời mã {r.status_code}")
        return Reply(r.status_code, r.headers.get("Content-Type"), body,
                     {k.lower(): v for k, v in r.headers.items()})

    def _count(self, r, body: bytes) -> None:
        req = r.request
        self.bytes_sent += (len(req.method) + len(req.path_url) + 11
                            + sum(len(k) + len(v) + 4 for k, v in req.headers.items()) + 2
                            + len(req.body or b""))
        self.bytes_received += (15 + len(r.reason or "") + sum(len(k) + len(v) + 4 for k, v in r.raw.headers.items())
                                + 2 + int(r.headers.get("Content-Length") or len(body)))

    def with_retries(self, attempt_fn, cancelled=None):
        """Call attempt_fn() until it returns; Transient failures back off and retry."""
        last = None
        for attempt in range(self.retry.attempts):
            if cancelled is not None and cancelled():
                raise Cancelled("Đã dừng đồng bộ theo yêu cầu.")
            try:
                return attempt_fn()
            except Transient as exc:
                last = exc
                log.info("sync attempt %s failed: %s %s", attempt + 1, exc, exc.detail)
                if attempt + 1 < self.retry.attempts:
                    self.sleep(self.retry.delay(attempt))
        # the clerk reads one plain sentence; what requests said stays in the log above
        why = f": {last}" if last is not None and str(last) else ""
        raise Unreachable(f"Không kết nối được máy chủ cấp trên{why}. "
                          "Dữ liệu vẫn an toàn trên máy và sẽ được gửi lại ở lần đồng bộ sau.")


def _short(exc: Exception) -> str:
    text = str(exc)
    return (exc.__class__.__name__ + (": " + text if text else ""))[:300]
