"""report_day: per commune and office day, the dossiers received and finished that day by the
traits the report's buckets depend on, kept by triggers on every write of a dossier row and
filled here from the rows there are (commune_desk.district.figures says how a period's figures
are summed from it). Two indexes find the rows open at a period's end (its overdue dossiers):
those not finished, and those finished after it. Same statements on SQLite and PostgreSQL but the
triggers (statement triggers with transition tables on PostgreSQL, row triggers on SQLite).
To change what a day counts, add a migration that calls install_day_counts again."""


def up(migrator, db):
    from commune_desk.district.db import is_postgres
    from commune_desk.district.figures import DAY_COUNTS, install_day_counts
    cols = ", ".join(f"{c} BIGINT NOT NULL DEFAULT 0" for c in DAY_COUNTS)
    db.execute_sql(f"CREATE TABLE report_day (commune_id INTEGER NOT NULL, day INTEGER NOT NULL, {cols}, "
                   f"PRIMARY KEY (commune_id, day))")
    if is_postgres(db):
        db.execute_sql('CREATE INDEX "dossier_open" ON "dossier" ("due_s") INCLUDE ("id", "commune_id", "received_s", '
                       '"stopped_s", "status", "outcome", "code") WHERE "finished_s" IS NULL AND "status" NOT IN (7, 8)')
    else:
        db.execute_sql('CREATE INDEX "dossier_open" ON "dossier" ("due_s", "id", "commune_id", "received_s", "stopped_s", '
                       '"status", "outcome", "code") WHERE "finished_s" IS NULL AND "status" NOT IN (7, 8)')
    db.execute_sql('CREATE INDEX "dossier_finished" ON "dossier" ("finished_s", "received_s", "due_s")')
    install_day_counts(db)
