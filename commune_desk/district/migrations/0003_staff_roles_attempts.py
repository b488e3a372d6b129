"""Staff roles (tong-hop, quan-tri) and failed attempts counted in the database (frozen: never
edit; add a new numbered migration). The same file runs on SQLite and PostgreSQL."""
from peewee import *
from commune_desk.district.fields import InstantField


def up(migrator, db):
    migrator.migrate(migrator.add_column('staff', 'role', CharField(default='tong-hop')))

    class Attempt(Model):
        scope = CharField()
        key = CharField()
        failures = IntegerField(default=0)
        first_at = InstantField()
        locked_until = InstantField(null=True)
        class Meta:
            database = db
            table_name = 'attempt'
            indexes = ((('scope', 'key'), True),)

    db.create_tables([Attempt])
