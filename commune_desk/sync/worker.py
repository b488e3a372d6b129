"""The background sync worker: a thread that runs passes on a timer and on demand, and reports
through a queue.Queue of small messages the UI polls with after(). It never touches widgets."""

import logging
import queue
import random
import threading
from dataclasses import dataclass
from datetime import datetime

from commune_desk.sync.engine import Options, clock_warning, run_pass
from commune_desk.sync.errors import Cancelled, NotEnrolled, SyncError
from commune_desk.sync.status import sync_status

log = logging.getLogger("commune_desk.sync")


@dataclass(frozen=True)
class SyncStarted:
    """A pass began."""
    at: datetime


@dataclass(frozen=True)
class SyncProgress:
    """phase 'recover', 'push' or 'pull'; done of total changes (recover: dossiers got back so far)."""
    phase: str
    done: int
    total: int


@dataclass(frozen=True)
class SyncFinished:
    """A pass ended; result holds the counts, status what the status bar shows, error (if
    any) the Vietnamese sentence to show."""
    result: dict
    status: dict
    error: str | None = None
    retry_in_s: float | None = None     # when the worker tries again after an error


@dataclass(frozen=True)
class ClockWarning:
    """The desk's clock is off the server's by more than 5 minutes."""
    offset_s: float
    message: str


class SyncWorker:
    def __init__(self, desk, messages: queue.Queue | None = None, *, interval_s: float = 120.0,
                 max_interval_s: float = 600.0, options: Options | None = None):
        self.desk = desk
        self.messages = messages if messages is not None else queue.Queue()
        self.interval_s, self.max_interval_s = interval_s, max_interval_s
        self.options = options or Options()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="commune-desk-sync", daemon=True)
        self._failures = 0
        self._planned_wait = interval_s

    def start(self) -> "SyncWorker":
        self._thread.start()
        return self

    def pause_attachments(self, paused: bool = True) -> None:
        """Stop sending scans between two chunks (changes still go); False resumes, from the
        server's offset, at the next pass."""
        self.attachments_paused = paused
        if not paused:
            self._wake.set()

    def sync_now(self) -> None:
        """«Đồng bộ ngay»: run a pass as soon as the current one (if any) ends."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _next_wait(self) -> float:
        if not self._failures:
            return self.interval_s
        backoff = min(self.max_interval_s, self.interval_s * (2 ** min(self._failures, 10)))
        return backoff / 2 + random.random() * backoff / 2

    def _run(self) -> None:
        try:
            with self.desk.using():
                self._wake.set()              # a first pass at start-up
                while not self._stop.is_set():
                    self._wake.wait(self._planned_wait)
                    if self._stop.is_set():
                        break
                    self._wake.clear()
                    self._one_pass()
        finally:
            self.desk.db.close()              # this thread's connection only

    def _one_pass(self) -> None:
        opts = Options(**{**self.options.__dict__,
                          "sleep": self._stop.wait, "cancelled": self._stop.is_set,
                          "attachments_paused": lambda: getattr(self, "attachments_paused", False),
                          "progress": lambda phase, done, total: self.messages.put(
                              SyncProgress(phase, done, total))})
        self.messages.put(SyncStarted(self.desk.now()))
        error = None
        result = {}
        try:
            res = run_pass(self.desk, opts)
            result, error = res.to_dict(), res.error
        except Cancelled:
            return
        except NotEnrolled as exc:
            error = exc.message
        except SyncError as exc:
            error = exc.message
        except Exception as exc:  # noqa: BLE001 - the worker must survive anything; the log has it
            log.exception("sync pass failed")
            error = f"Lỗi không mong đợi khi đồng bộ: {exc.__class__.__name__}. Chi tiết trong nhật ký."
        self._failures = self._failures + 1 if error else 0
        self._planned_wait = self._next_wait()
        status = sync_status(self.desk)
        self.messages.put(SyncFinished(result, status, error, self._planned_wait if error else None))
        warning = clock_warning(status.get("clock_offset_s"))
        if warning:
            self.messages.put(ClockWarning(status["clock_offset_s"], warning))
