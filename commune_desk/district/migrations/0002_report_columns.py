"""Columns the report counts from (commune_desk.district.figures), filled from each snapshot;
the same statements on SQLite and PostgreSQL."""
import json

COLUMNS = [
    ('"outcome"', "VARCHAR(20) NOT NULL DEFAULT ''"), ('"channel"', "INTEGER NOT NULL DEFAULT 1"),
    ('"field"', "TEXT NOT NULL DEFAULT ''"), ('"procedure_id"', "VARCHAR(40) NOT NULL DEFAULT ''"),
    ('"clerk"', "TEXT NOT NULL DEFAULT ''"), ('"by_post"', "SMALLINT NOT NULL DEFAULT 0"),
    ('"extended"', "SMALLINT NOT NULL DEFAULT 0"), ('"rating_score"', "SMALLINT NOT NULL DEFAULT 0"),
    ('"received_s"', "BIGINT"), ('"due_s"', "BIGINT"), ('"finished_s"', "BIGINT"), ('"stopped_s"', "BIGINT"),
]


def up(migrator, db):
    from commune_desk.district.figures import REPORT_COLUMNS, report_values
    for name, kind in COLUMNS:
        db.execute_sql(f'ALTER TABLE "dossier" ADD COLUMN {name} {kind}')
    sets = ", ".join(f'"{c}" = {db.param}' for c in REPORT_COLUMNS)
    last = 0
    while True:
        rows = db.execute_sql(f'SELECT "id", "snapshot" FROM "dossier" WHERE "id" > {db.param} '
                              f'ORDER BY "id" LIMIT 2000', (last,)).fetchall()
        if not rows:
            break
        values = [(*report_values(json.loads(snap)), id_) for id_, snap in rows]
        db.cursor().executemany(f'UPDATE "dossier" SET {sets} WHERE "id" = {db.param}', values)
        last = rows[-1][0]
    db.execute_sql('CREATE INDEX "dossier_commune_received_s" ON "dossier" ("commune_id", "received_s")')
