"""The digitised share on the dashboard (commune_desk.district.digitised): each dossier's verdict
by rules.digitise (dossier.digitised, judged here for the dossiers that have a scan), and
digitised_day, the digitised coded dossiers per commune and office day of receipt, kept by
triggers. Same statements on SQLite and PostgreSQL but the triggers."""


def up(migrator, db):
    from commune_desk.district import digitised
    db.execute_sql('ALTER TABLE "dossier" ADD COLUMN "digitised" SMALLINT NOT NULL DEFAULT 0')
    db.execute_sql("CREATE TABLE digitised_day (commune_id INTEGER NOT NULL, day INTEGER NOT NULL, "
                   "n BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (commune_id, day))")
    digitised.refresh_all(db)
    digitised.install_day_counts(db)
