"""Uploaded files (tus, keyed by SHA-256) and their links to dossiers (issue 15).
The same file runs on SQLite and PostgreSQL."""
from peewee import *
from commune_desk.district.fields import InstantField


def up(migrator, db):
    class Commune(Model):
        class Meta:
            database = db
            table_name = 'commune'

    class Device(Model):
        class Meta:
            database = db
            table_name = 'device'

    class Dossier(Model):
        class Meta:
            database = db
            table_name = 'dossier'

    class Upload(Model):
        sha256 = CharField(unique=True)
        length = BigIntegerField()
        commune = ForeignKeyField(Commune, index=True)
        complete = BooleanField(default=False)
        created_at = InstantField()
        completed_at = InstantField(null=True)
        class Meta:
            database = db
            table_name = 'upload'

    class Attachment(Model):
        commune = ForeignKeyField(Commune, index=True)
        dossier = ForeignKeyField(Dossier, index=True)
        sha256 = CharField(index=True)
        document = IntegerField(null=True)
        name = TextField(default='')
        device = ForeignKeyField(Device, null=True)
        created_at = InstantField()
        class Meta:
            database = db
            table_name = 'attachment'
            indexes = ((('dossier', 'sha256', 'document'), False),)

    db.create_tables([Upload, Attachment])
