"""A covering index for the report (commune_desk.district.figures): a province's year is a
million rows whose snapshots make the table ~1.5 KB a row, while the figures need ~100 bytes of
it. PostgreSQL answers from the index alone (INCLUDE, index-only scan); SQLite from a plain
composite index. It replaces 0002's (commune_id, received_s)."""

COLUMNS = ("due_s", "finished_s", "stopped_s", "status", "outcome", "code", "channel", "by_post", "extended",
           "rating_score")


def up(migrator, db):
    from commune_desk.district.db import is_postgres
    db.execute_sql('DROP INDEX IF EXISTS "dossier_commune_received_s"')
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    if is_postgres(db):
        db.execute_sql(f'CREATE INDEX "dossier_report" ON "dossier" ("commune_id", "received_s") INCLUDE ({cols})')
    else:
        db.execute_sql(f'CREATE INDEX "dossier_report" ON "dossier" ("commune_id", "received_s", {cols})')
