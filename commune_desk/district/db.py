"""Opening the district database from a URL: SQLite by default, PostgreSQL for a province."""

from contextlib import contextmanager
from pathlib import Path

from peewee import DatabaseError, PostgresqlDatabase
from playhouse import db_url
from playhouse.migrations import Runner

from commune_desk.district import models
from commune_desk.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_URL = "sqlite:///district.sqlite3"
SQLITE_PRAGMAS = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                  "busy_timeout": 15000, "cache_size": -32000}


class DatabaseUnavailable(StoreError):
    """The database cannot be opened; the message is Vietnamese."""


def is_postgres(db) -> bool:
    return isinstance(db, PostgresqlDatabase)


def connect(url: str, pool_size: int = 24):
    url = url or DEFAULT_URL
    scheme = url.split(":", 1)[0]
    try:
        if scheme in ("postgresql", "postgres", "postgresql+pool", "postgres+pool"):
            if "+pool" not in scheme:
                url = url.replace(scheme, scheme + "+pool", 1)
            db = db_url.connect(url, max_connections=pool_size, stale_timeout=300, timeout=30)
        elif scheme == "sqlite":
            # BEGIN IMMEDIATE: a pushing transaction takes the write lock up front, so two
            # writers queue on busy_timeout instead of failing on a lock upgrade.
            db = db_url.connect(url, pragmas=SQLITE_PRAGMAS, timeout=15, lock_type="IMMEDIATE",
                                check_same_thread=False)
        else:
            raise DatabaseUnavailable(
                f"Địa chỉ cơ sở dữ liệu «{url}» không được hỗ trợ (dùng sqlite:///… hoặc postgresql://…).")
    except (ValueError, TypeError) as exc:
        raise DatabaseUnavailable(f"Địa chỉ cơ sở dữ liệu «{url}» không hợp lệ: {exc}") from None
    return db


def open_database(url: str, pool_size: int = 24):
    db = connect(url, pool_size)
    try:
        db.connect(reuse_if_open=True)
        runner = Runner(db, str(MIGRATIONS_DIR))
        unknown = [m.name for m in runner.status() if m.path is None]
        if unknown:
            raise DatabaseUnavailable(
                f"Cơ sở dữ liệu được tạo bởi phiên bản máy chủ mới hơn (có bản nâng cấp "
                f"{', '.join(unknown)}). Hãy cài phiên bản mới nhất.")
        runner.up()
        db.close()
    except DatabaseError as exc:
        if not db.is_closed():
            db.close()
        raise DatabaseUnavailable(f"Không mở được cơ sở dữ liệu: {exc}".strip()) from None
    models.database.initialize(db)
    return db


@contextmanager
def session(url: str):
    """For one command-line action: open, use, and close every connection (pools included)."""
    db = open_database(url, pool_size=2)
    try:
        with db.connection_context():
            yield db
    finally:
        if hasattr(db, "close_all"):
            db.close_all()


@contextmanager
def commune_lock(db, commune_id: int):
    """Inside a transaction: serialise writers of one commune's feed (see feed.py: a pull must
    never see a later id committed before an earlier one). SQLite writers are serial already."""
    if is_postgres(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (7301, commune_id))
    yield


def publication_lock(db):
    if is_postgres(db):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (7302, 0))
