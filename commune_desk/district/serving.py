"""Serving the WSGI app with waitress, in one process or in several that share one listening
socket (POSIX only). One waitress process runs Python one request at a time (the GIL); a province
server with many cores serves more desks at once with one process per core."""

import logging
import os
import signal
import socket
import sys
import threading
import time

log = logging.getLogger("commune_desk.district.serving")

WAITRESS_OPTIONS = dict(ident="commune-district", channel_timeout=120, clear_untrusted_proxy_headers=True)


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def serve(make_app, host: str, port: int, threads: int, workers: int = 1) -> None:
    """make_app() builds the WSGI app; with workers > 1 each worker builds its own after the fork
    (database connections are never shared between processes)."""
    import waitress
    options = dict(WAITRESS_OPTIONS, threads=threads, connection_limit=max(100, threads * 16))
    if workers <= 1 or not can_fork():
        waitress.serve(make_app(), host=host, port=port, **options)
        return
    listener = socket.create_server((host, port), backlog=1024)
    listener.setblocking(False)
    _Supervisor(listener, lambda: waitress.serve(make_app(), sockets=[listener], **options), workers).run()


class _Supervisor:
    """Forks the workers, starts a new one when one dies, and on SIGTERM/SIGINT stops them all."""

    def __init__(self, listener: socket.socket, work, workers: int):
        self.listener, self.work, self.workers = listener, work, workers
        self.children: set[int] = set()
        self.stopping = False

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.workers):
            self._spawn()
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            self.children.discard(pid)
            if not self.stopping:
                log.error("worker %s ended (status %s); starting another", pid, status)
                time.sleep(0.5)           # a worker that dies at start must not spin the CPU
                self._spawn()
        self.listener.close()

    def _stop(self, signum, frame) -> None:
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def _spawn(self) -> None:
        pid = os.fork()
        if pid:
            self.children.add(pid)
            return
        code = 1
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _die_with(os.getppid())
            self.work()
            code = 0
        except BaseException:            # noqa: BLE001 - logged; the supervisor starts another
            log.exception("worker failed")
        finally:
            logging.shutdown()
            os._exit(code)


def _die_with(parent: int) -> None:
    """A worker must not outlive its supervisor (killed with SIGKILL, it cannot tell us): it would
    keep answering on the shared socket with nobody to stop it."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGTERM) == 0 and os.getppid() == parent:   # PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError):
        pass

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
