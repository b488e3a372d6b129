"""The change each dossier was last moved by (docs/sync-protocol.md, "Ordering changes to one
dossier"): a change names the change it builds on (`data.base`), and one that does not build on
this one is a conflict, so a desk's chain built on its own refused change is refused too. A row
written before this migration has none: its changes are ordered by version alone until the first
change applied after the upgrade names one. Same statement on SQLite and PostgreSQL (frozen: never
edit; add a new numbered migration)."""


def up(migrator, db):
    db.execute_sql('ALTER TABLE "dossier" ADD COLUMN "last_change" VARCHAR(36)')
