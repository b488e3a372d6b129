"""The change each dossier was last moved by, on this desk: its own or one pulled or recovered
(docs/sync-protocol.md, "Ordering changes to one dossier"). The desk's next change of state names
it (`data.base`), so the server can refuse a change built on a change it did not apply. A row from
before this migration has none; its first change names only its version, as before. Plain ALTER
TABLE: the migrator's steps would rebuild the table and drop its search and audit triggers."""


def up(migrator, db):
    db.execute_sql('ALTER TABLE "dossier" ADD COLUMN "last_change" VARCHAR(36)')
