"""Desk-side sync with the district server (protocol in docs/sync-protocol.md).

    run_pass(desk, Options(...)) -> PassResult      one push + pull pass
    enroll(desk, server, code, ca_file=None)        exchange a one-time code for a device token
    SyncWorker(desk, queue)                          background thread; messages in worker.py
    sync_status(desk) -> dict                        for the status bar
    outbox.requeue(desk, uuids)                      the clerk puts quarantined changes back
"""

from commune_desk.store.outbox import listing, requeue
from commune_desk.sync.engine import Options, PassResult, clock_warning, enroll, run_pass
from commune_desk.sync.errors import (Cancelled, NotEnrolled, ProtocolMismatch, SyncError, Unauthorized,
                                      Unreachable)
from commune_desk.sync.status import sync_status
from commune_desk.sync.transport import RetryPolicy
from commune_desk.sync.worker import ClockWarning, SyncFinished, SyncProgress, SyncStarted, SyncWorker

__all__ = ["Options", "PassResult", "RetryPolicy", "run_pass", "enroll", "sync_status", "SyncWorker",
           "SyncStarted", "SyncProgress", "SyncFinished", "ClockWarning", "SyncError", "NotEnrolled",
           "Unauthorized", "ProtocolMismatch", "Unreachable", "Cancelled", "requeue", "listing",
           "clock_warning"]
