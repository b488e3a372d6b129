"""The dossier's own version (docs/sync-protocol.md): each change of state on any desk or upstream
makes the next version; a change names the version it was made on, so the server orders changes
to one dossier by version and receipt, never by a desk's clock."""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(migrator.add_column("dossier", "version", IntegerField(default=0)))
