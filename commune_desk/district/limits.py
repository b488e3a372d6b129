"""Limits on what one client may try.

Request rates come from Flask-Limiter (`limiter`), counted in each worker's memory: they bound
load, and a province server puts the reverse proxy's `limit_req` in front (docs/sync-protocol.md).
What guards a secret is counted in the database, so it holds across workers and restarts:
failed sign-ins per account and per address, failed enrolment codes per address, wrong digits
per dossier code on the public lookup (`Rule`, `failed`, `locked_until`, `cleared`).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from peewee import IntegrityError

from commune_desk.district import db as district_db
from commune_desk.district.models import Attempt, database

# the client address as ProxyFix (app.py) gives it: the real client behind trusted proxies
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", strategy="moving-window")


@dataclass(frozen=True)
class Rule:
    scope: str
    failures: int           # this many failures within `window` ...
    window: timedelta
    lock: timedelta         # ... lock the key for this long


LOGIN_ACCOUNT = Rule("login-account", 5, timedelta(minutes=15), timedelta(minutes=15))
LOGIN_ADDRESS = Rule("login-address", 30, timedelta(hours=1), timedelta(hours=1))     # slower, wider
ENROL_ADDRESS = Rule("enrol-address", 10, timedelta(hours=1), timedelta(hours=1))
LOOKUP_CODE = Rule("lookup-code", 10, timedelta(hours=1), timedelta(hours=1))


def _key(key: str) -> str:
    return (key or "?")[:200]


def locked_until(rule: Rule, key: str, at: datetime) -> datetime | None:
    """The end of the key's lock, or None when it may try now."""
    until = (Attempt.select(Attempt.locked_until)
             .where(Attempt.scope == rule.scope, Attempt.key == _key(key)).scalar())
    return until if until is not None and until > at else None


def failed(rule: Rule, key: str, at: datetime) -> datetime | None:
    """Count one failure; returns the end of the lock it causes (or None)."""
    with database.atomic():
        row = _row(rule, _key(key), at)
        if row.locked_until is not None and row.locked_until > at:
            return row.locked_until
        if row.first_at <= at - rule.window or row.locked_until is not None:
            row.failures, row.first_at, row.locked_until = 0, at, None      # a new window
        row.failures += 1
        if row.failures >= rule.failures:
            row.failures, row.first_at, row.locked_until = 0, at, at + rule.lock
        row.save()
    if random.random() < PURGE_CHANCE:
        purge(at)
    return row.locked_until


PURGE_CHANCE = 0.01


def purge(at: datetime) -> int:
    """Forget counts whose window and lock ended a day ago (keys an attacker made up included)."""
    old = at - timedelta(days=1)
    return Attempt.delete().where(Attempt.first_at < old, Attempt.locked_until.is_null()
                                  | (Attempt.locked_until < old)).execute()


def cleared(rule: Rule, key: str) -> None:
    """A success forgets the key's failures (not its lock: a locked key does not get this far)."""
    Attempt.delete().where(Attempt.scope == rule.scope, Attempt.key == _key(key)).execute()


def _row(rule: Rule, key: str, at: datetime) -> Attempt:
    """The key's row, locked until commit (PostgreSQL; SQLite writers are serial already)."""
    query = Attempt.select().where(Attempt.scope == rule.scope, Attempt.key == key)
    if district_db.is_postgres(database.obj):
        query = query.for_update()
    row = query.first()
    if row is None:
        try:
            with database.atomic():
                row = Attempt.create(scope=rule.scope, key=key, failures=0, first_at=at)
        except IntegrityError:          # another worker created it first
            row = query.first()
    return row


def minutes_left(until: datetime, at: datetime) -> int:
    return max(1, -(-int((until - at).total_seconds()) // 60))
