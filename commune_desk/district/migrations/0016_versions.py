"""Dossier versions (docs/sync-protocol.md, "Ordering changes to one dossier"): the server's count of
the changes applied to each dossier; a change made on an older version is kept with the version
it was made on (stale_base) and does not move the dossier; a change whose time lies beyond the
tolerance of the server's clock keeps how far (clock_skew_s). Same statements on SQLite and PostgreSQL."""


def up(migrator, db):
    db.execute_sql('ALTER TABLE "dossier" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0')
    db.execute_sql('ALTER TABLE "change" ADD COLUMN "stale_base" INTEGER')
    db.execute_sql('ALTER TABLE "change" ADD COLUMN "clock_skew_s" REAL')
