"""Opening the desk's SQLite file: durable pragmas, schema migrations, refusal of newer files."""

from pathlib import Path

from peewee import DatabaseError, OperationalError, SqliteDatabase
from playhouse.migrations import Runner

from commune_desk.errors import StoreError
from commune_desk.store import audit, models

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = 10

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,          # FULL: a commit that returned is on disk, WAL included
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -16000,
}


def connect(path: Path) -> SqliteDatabase:
    # BEGIN IMMEDIATE: a writer takes the write lock at once, so two desks' processes that
    # allocate codes on one file queue up instead of failing on upgrade.
    return SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S,
                          lock_type="IMMEDIATE", check_same_thread=False)


def open_database(path: Path) -> SqliteDatabase:
    db = connect(path)
    db.audit = audit.install(db)         # before any write: the audit triggers call these functions
    try:
        db.connect(reuse_if_open=True)
        runner = Runner(db, str(MIGRATIONS_DIR))
        unknown = [m.name for m in runner.status() if m.path is None]
        if unknown:
            db.close()
            raise StoreError(
                f"Tệp dữ liệu {path} được tạo bởi phiên bản Commune Desk mới hơn "
                f"(có bản nâng cấp {', '.join(unknown)} mà phiên bản này không biết). "
                "Hãy cài phiên bản mới nhất; dữ liệu không bị thay đổi.")
        runner.up()
        audit.ensure_triggers(db)
    except (DatabaseError, OperationalError) as exc:
        db.close()
        raise StoreError(f"Không mở được tệp dữ liệu {path}: {exc}. Dữ liệu không bị thay đổi.") from exc
    models.database.initialize(db)
    return db


def schema_version(db: SqliteDatabase) -> list[str]:
    return [m.name for m in Runner(db, str(MIGRATIONS_DIR)).status() if m.applied]
