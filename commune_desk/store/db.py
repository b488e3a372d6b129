"""Opening the desk's SQLite file: durable pragmas, schema migrations, refusal of newer files, and
the check at every start (a damaged file or a read-only folder opens for reading only)."""

import logging
from pathlib import Path

from peewee import DatabaseError, OperationalError, SqliteDatabase
from playhouse.migrations import Runner

from commune_desk.errors import StoreError
from commune_desk.store import audit, health, models

log = logging.getLogger("commune_desk.store")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_S = health.LOCK_WAIT_S

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,          # FULL: a commit that returned is on disk, WAL included
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "cache_size": -16000,
}
READ_ONLY_PRAGMAS = {"busy_timeout": BUSY_TIMEOUT_S * 1000, "query_only": 1, "cache_size": -16000}


class DeskDatabase(SqliteDatabase):
    """SQLite with every failure said in Vietnamese (full disk, lock, read-only, damage) and a
    rollback that tolerates SQLite having rolled back already (a full disk aborts the transaction)."""

    def __init__(self, path, *args, read_only: StoreError | None = None, **kwargs):
        super().__init__(path, *args, **kwargs)
        self.file = Path(str(path).split("?", 1)[0].removeprefix("file:"))
        self.read_only = read_only          # why this file is open for reading only, or None
        self.retired = False                # a restore replaced the file: no reconnecting to it

    def retire(self) -> None:
        """Close for good: a thread that asks later gets a message instead of a new empty file."""
        self.retired = True
        self.close()

    def connect(self, reuse_if_open=False):
        if self.retired:
            raise StoreError("Dữ liệu vừa được khôi phục từ bản sao lưu; hãy làm lại thao tác.")
        return super().connect(reuse_if_open)

    def _said(self, exc):
        if self.read_only is not None:
            return type(self.read_only)(self.read_only.message)
        return health.explain(exc, self.file)

    def execute_sql(self, sql, params=None):
        if self.read_only is not None and not sql.lstrip().upper().startswith(("SELECT", "PRAGMA", "WITH")):
            raise type(self.read_only)(self.read_only.message)
        try:
            return super().execute_sql(sql, params)
        except (DatabaseError, OperationalError) as exc:
            raise (self._said(exc) or exc) from exc

    def begin(self, lock_type=None):
        try:
            super().begin(None if self.read_only else lock_type)
        except (DatabaseError, OperationalError) as exc:
            raise (self._said(exc) or exc) from exc

    def commit(self):
        try:
            super().commit()
        except (DatabaseError, OperationalError) as exc:
            raise (self._said(exc) or exc) from exc

    def rollback(self):
        try:
            super().rollback()
        except (DatabaseError, OperationalError) as exc:
            if "no transaction is active" not in str(exc):
                raise (self._said(exc) or exc) from exc


def connect(path: Path) -> SqliteDatabase:
    # BEGIN IMMEDIATE: a writer takes the write lock at once, so two desks' processes that
    # allocate codes on one file queue up instead of failing on upgrade.
    return DeskDatabase(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S,
                        lock_type="IMMEDIATE", check_same_thread=False)


def connect_read_only(path: Path, reason: StoreError) -> DeskDatabase:
    """mode=ro reads a WAL file whose -shm can be written; immutable=1 one in a read-only folder."""
    last = None
    for flags in ("mode=ro", "immutable=1"):
        db = DeskDatabase(f"file:{path}?{flags}", pragmas=READ_ONLY_PRAGMAS, timeout=BUSY_TIMEOUT_S,
                          check_same_thread=False, uri=True, read_only=reason)
        db.audit = audit.install(db)
        try:
            db.connect()
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except (DatabaseError, OperationalError, StoreError) as exc:
            last = exc
            db.close()
    if isinstance(reason, health.Damaged):
        raise reason
    raise StoreError(f"Không đọc được tệp dữ liệu {path}: {last}.")


def open_database(path: Path, check: bool = True) -> SqliteDatabase:
    """Open (and migrate) the desk file. A file that fails PRAGMA quick_check, or that cannot be
    written, is opened read-only; `db.read_only` then says why and the way forward."""
    path = Path(path)
    existed = path.exists()
    db = connect(path)
    db.audit = audit.install(db)         # before any write: the audit triggers call these functions
    try:
        db.connect(reuse_if_open=True)
        if existed and check:
            problems = health.run_check(db.connection())
            if problems:
                log.error("quick_check of %s: %s", path, "; ".join(problems[:5]))
                raise health.Damaged(health.damaged_message(path, health.problems_text(problems)))
        runner = Runner(db, str(MIGRATIONS_DIR))
        status = runner.status()
        unknown = [m.name for m in status if m.path is None]
        if unknown:
            db.close()
            raise StoreError(
                f"Tệp dữ liệu {path} được tạo bởi phiên bản Commune Desk mới hơn "
                f"(có bản nâng cấp {', '.join(unknown)} mà phiên bản này không biết). "
                "Hãy cài phiên bản mới nhất; dữ liệu không bị thay đổi.")
        pending = [m.name for m in status if not m.applied]
        if existed and pending and any(m.applied for m in status):
            from commune_desk.store.backup import make_backup
            make_backup(path, reason="migration")       # the file as it was, before it is upgraded
        if pending:
            runner.up()
        audit.ensure_triggers(db)
    except (DatabaseError, OperationalError, StoreError) as exc:
        db.close()
        said = health.explain(exc, path)
        if existed and isinstance(said, health.Damaged):
            reason = said if isinstance(exc, health.Damaged) else \
                health.Damaged(health.damaged_message(path, "kiểm tra phát hiện lỗi khi đọc"))
        elif existed and isinstance(said, (health.ReadOnly, health.DiskFull)):
            # a read-only folder, or a disk too full to migrate: lookups keep working
            reason = said if isinstance(said, health.DiskFull) else health.ReadOnly(health.read_only_message(path))
        elif isinstance(exc, StoreError):
            raise
        else:
            raise (said or StoreError(f"Không mở được tệp dữ liệu {path}: {exc}. "
                                      "Dữ liệu không bị thay đổi.")) from exc
        log.warning("opening %s read-only: %s", path, reason.message)
        db = connect_read_only(path, reason)
    for name in (path, path.parent / (path.name + "-wal"), path.parent / (path.name + "-shm")):
        if name.exists():
            health.make_private(name)
    models.database.initialize(db)
    return db


def schema_version(db: SqliteDatabase) -> list[str]:
    return [m.name for m in Runner(db, str(MIGRATIONS_DIR)).status() if m.applied]
