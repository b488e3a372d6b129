"""What can go wrong in a sync, by what the desk does about it.

    DeskError (commune_desk.errors)
     +-- SyncError            -- a pass could not finish; .message is Vietnamese for the clerk
          +-- NotEnrolled     -- no server or no device token: enroll first
          +-- Unauthorized    -- the server refused the token (revoked): stop, tell the clerk
          +-- ProtocolMismatch-- the server speaks another protocol version: update the software
          +-- Unreachable     -- network errors, 5xx or replies that are not ours, after retries:
                                 nothing is lost, the next pass resends the same changes
          +-- Cancelled       -- the worker was asked to stop mid-pass

    Transient                 -- internal: one attempt failed in a way worth retrying
                                 (connection, timeout, 5xx, captive-portal HTML, cut reply)
A single change the server refuses (a 4xx for it, or a conflict) is not an error of the pass:
it is quarantined with its reason and the pass goes on.
"""

from commune_desk.errors import DeskError


class SyncError(DeskError):
    pass


class NotEnrolled(SyncError):
    pass


class Unauthorized(SyncError):
    pass


class ProtocolMismatch(SyncError):
    pass


class Unreachable(SyncError):
    pass


class Cancelled(SyncError):
    pass


class Transient(Exception):
    """One attempt failed; retry the same payload after a backoff. str() is a Vietnamese phrase
    (may be empty); .detail what the library said, for the log only."""

    def __init__(self, message: str = "", detail: str = ""):
        super().__init__(message)
        self.detail = detail
