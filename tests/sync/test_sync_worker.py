"""The background worker: passes run off the calling thread and report through a queue."""

import os
import queue
import time

import pytest

from commune_desk.sync import SyncFinished, SyncProgress, SyncStarted, SyncWorker, sync_status
from harness import FaultProxy, assert_converged, enroll, intake, sync_options, wait_until


def _drain_until_finished(messages, timeout=60):
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = messages.get(timeout=0.2)
        except queue.Empty:
            continue
        got.append(msg)
        if isinstance(msg, SyncFinished):
            return got
    raise AssertionError(f"no SyncFinished; got {got}")


def test_worker_syncs_in_the_background_and_on_demand(server, desk1):
    enroll(desk1, server, server.add_commune())
    intake(desk1, 3)
    messages = queue.Queue()
    opts = sync_options(server.url, batch_size=2)
    worker = SyncWorker(desk1, messages, interval_s=3600, options=opts).start()
    try:
        got = _drain_until_finished(messages)
        assert isinstance(got[0], SyncStarted)
        progress = [m for m in got if isinstance(m, SyncProgress) and m.phase == "push"]
        assert [(m.done, m.total) for m in progress] == [(2, 3), (3, 3)]
        finished = got[-1]
        assert finished.error is None and finished.result["accepted"] == 3
        assert finished.status["waiting"] == 0 and finished.status["online"] is True
        intake(desk1, 1)                       # a clerk keeps working meanwhile
        worker.sync_now()                      # «Đồng bộ ngay»
        finished = _drain_until_finished(messages)[-1]
        assert finished.result["accepted"] == 1
    finally:
        worker.stop()
    assert not worker.alive
    assert_converged(server, [desk1])


# libfaketime (make test-dates) cannot let a timed wait such as Thread.join(timeout) expire: the
# deadline is taken on the faked clock and waited for on the real one
@pytest.mark.skipif("faketime" in os.environ.get("LD_PRELOAD", ""),
                    reason="a timed wait never expires under libfaketime")
def test_stop_never_waits_for_a_hung_server(server, desk1):
    enroll(desk1, server, server.add_commune())
    intake(desk1, 2)
    proxy = FaultProxy(server.port)
    proxy.faults = ["hang"] * 10
    opts = sync_options(proxy.url, attempts=10, timeout=(2.0, 30.0))
    messages = queue.Queue()
    worker = SyncWorker(desk1, messages, interval_s=3600, options=opts).start()
    try:
        assert isinstance(messages.get(timeout=60), SyncStarted)
        # the push reached the server through the proxy and now hangs inside the worker
        wait_until(lambda: proxy.seen, what="the push reaching the proxy")
        assert [m for _, m, _ in proxy.seen] == ["hang"]
        # the UI thread is free the whole time: the status bar reads while the push still hangs
        assert sync_status(desk1)["waiting"] == 2
        assert worker.alive and len(proxy.seen) == 1
        # closing the window does not wait for the hung request: stop() returns while it hangs
        worker.stop(timeout=1)
        assert worker.alive and len(proxy.seen) == 1
    finally:
        proxy.close()
    # once the connection drops, the worker sees it was asked to stop and ends without retrying
    worker._thread.join(60)
    assert not worker.alive
    assert len(proxy.seen) == 1
    assert sync_status(desk1)["waiting"] == 2
