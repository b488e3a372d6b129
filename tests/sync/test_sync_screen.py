"""What the Đồng bộ screen tells the clerk: plain Vietnamese when the link is down (never what the
HTTP library said), when it tries again, and a progress bar that follows the real pass."""

import queue
import re

from commune_desk.sync import SyncStarted, SyncWorker, run_pass
from harness import FaultProxy, enroll, intake, sync_options
from test_sync_worker import _drain_until_finished as drain

LIBRARY_WORDS = re.compile(r"Connection|Errno|HTTP|Max retries|requests|urllib3|Timeout|reset by peer", re.I)


def test_a_dead_link_is_one_plain_sentence_with_the_next_try(server, desk1):
    from commune_desk.gui.sync_view import finished_text
    enroll(desk1, server, server.add_commune())
    intake(desk1, 2)
    proxy = FaultProxy(server.port)
    try:
        proxy.faults = ["reset"] * 10
        result = run_pass(desk1, sync_options(proxy.url, attempts=2))
        assert result.error.startswith("Không kết nối được máy chủ cấp trên")
        assert not LIBRARY_WORDS.search(result.error), result.error

        messages = queue.Queue()
        worker = SyncWorker(desk1, messages, interval_s=120, options=sync_options(proxy.url, attempts=2)).start()
        try:
            finished = drain(messages)[-1]
        finally:
            worker.stop()
    finally:
        proxy.close()
    assert finished.error and 120 <= finished.retry_in_s <= 240
    text = finished_text(finished, desk1.now())
    assert re.fullmatch(r"Không kết nối được máy chủ cấp trên\. Dữ liệu vẫn an toàn trên máy và sẽ được gửi lại "
                        r"ở lần đồng bộ sau — sẽ thử lại sau [234] phút\.", text), text


def test_the_progress_bar_fills_and_empties_with_the_pass(server, desk1):
    from commune_desk.gui.app import DeskApp
    enroll(desk1, server, server.add_commune())
    intake(desk1, 3)
    messages = queue.Queue()
    worker = SyncWorker(desk1, messages, interval_s=3600, options=sync_options(server.url, batch_size=2)).start()
    try:
        got = drain(messages)
    finally:
        worker.stop()
    app = DeskApp(desk1)
    try:
        app.show("sync")
        view = app.screens["sync"]
        seen = []
        for msg in got:
            view.on_sync_message(msg)
            seen.append((float(view.progress.cget("value")), float(view.progress.cget("maximum"))))
        assert isinstance(got[0], SyncStarted)
        assert seen[:3] == [(0, 1), (2, 3), (3, 3)]               # two batches acknowledged of three changes
        assert seen[-1][0] == 0                                   # empty again once the pass is over
        assert view.progress_text.cget("text").startswith("Đồng bộ xong lúc")
    finally:
        app.destroy()
