"""The last audit-chain head each desk showed the server (frozen: never edit; add a new numbered
migration). The same file runs on SQLite and PostgreSQL."""
from peewee import *
from commune_desk.district.fields import InstantField


def up(migrator, db):
    class Device(Model):
        class Meta:
            database = db
            table_name = 'device'

    class DeskAudit(Model):
        device = ForeignKeyField(Device, primary_key=True)
        head_seq = BigIntegerField()
        head_hash = CharField(max_length=64)
        updated_at = InstantField()
        broken_at = InstantField(null=True)
        broken_note = TextField(default='')
        class Meta:
            database = db
            table_name = 'desk_audit'

    db.create_tables([DeskAudit])
