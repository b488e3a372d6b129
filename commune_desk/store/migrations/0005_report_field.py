"""The procedure's field (lĩnh vực) kept on the dossier as it stood when received, so the report
groups by it in SQL, and the district learns it from the snapshot. Plain ALTER TABLE: peewee's
migrator would rebuild the table for NOT NULL, and with it drop the search triggers of 0002."""


def up(migrator, db):
    db.execute_sql("ALTER TABLE dossier ADD COLUMN field TEXT NOT NULL DEFAULT ''")
    db.execute_sql("UPDATE dossier SET field = COALESCE((SELECT p.field FROM procedure p "
                   "WHERE p.id = dossier.procedure_id), '')")
