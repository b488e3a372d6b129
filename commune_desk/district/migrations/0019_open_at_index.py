"""PostgreSQL: the dossiers open at a period's end that have finished since are found on a GiST
index of the interval (received, finish] (commune_desk.district.figures.OPEN_AT), as many as
were open then however long the history after it; it replaces 0018's B-tree of finishes, which
had to read every finish after the period. SQLite keeps that B-tree."""


def up(migrator, db):
    from commune_desk.district.db import is_postgres
    from commune_desk.district.figures import OPEN_AT
    if is_postgres(db):
        db.execute_sql(f'CREATE INDEX "dossier_open_at" ON "dossier" USING gist ({OPEN_AT}) '
                       f'WHERE "finished_s" IS NOT NULL')
        db.execute_sql('DROP INDEX IF EXISTS "dossier_finished"')
