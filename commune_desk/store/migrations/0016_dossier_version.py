"""The dossier's own version (docs/sync-protocol.md): each change of state on any desk or upstream
makes the next version; a change names the version it was made on, so the server orders changes
to one dossier by version and receipt, never by a desk's clock. Plain ALTER TABLE: the migrator's
NOT NULL step would rebuild the table and drop its search and audit triggers."""


def up(migrator, db):
    db.execute_sql('ALTER TABLE "dossier" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0')
