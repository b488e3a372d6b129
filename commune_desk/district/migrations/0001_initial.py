"""The first schema of the district database (frozen: never edit; add a new numbered migration).
The same file runs on SQLite and PostgreSQL."""
from peewee import *
from commune_desk.district.fields import InstantField, JSONField


def up(migrator, db):
    class ServerSetting(Model):
        key = CharField(primary_key=True)
        value = TextField()
        class Meta:
            database = db
            table_name = 'server_setting'

    class Commune(Model):
        agency_code = CharField(unique=True)
        name = TextField()
        active = BooleanField(default=True)
        created_at = InstantField()
        revoked_at = InstantField(null=True)
        class Meta:
            database = db
            table_name = 'commune'

    class EnrolmentCode(Model):
        commune = ForeignKeyField(Commune)
        code_hash = CharField(unique=True)
        created_at = InstantField()
        expires_at = InstantField()
        used_at = InstantField(null=True)
        class Meta:
            database = db
            table_name = 'enrolment_code'

    class Device(Model):
        commune = ForeignKeyField(Commune)
        token_hash = CharField(unique=True)
        desk = IntegerField()
        label = TextField(default='')
        enrolled_at = InstantField()
        revoked_at = InstantField(null=True)
        last_seen_at = InstantField(null=True)
        clock_offset_s = FloatField(null=True)
        class Meta:
            database = db
            table_name = 'device'

    class Change(Model):
        uuid = CharField(unique=True)
        commune = ForeignKeyField(Commune, index=True)
        device = ForeignKeyField(Device)
        desk = IntegerField()
        local_seq = IntegerField()
        kind = CharField()
        at = InstantField()
        actor = TextField(default='')
        dossier_uuid = CharField(null=True, index=True)
        digest = CharField()
        data = JSONField()
        received_at = InstantField()
        class Meta:
            database = db
            table_name = 'change'

    class Dossier(Model):
        uuid = CharField(unique=True)
        code = CharField(unique=True, null=True)
        commune = ForeignKeyField(Commune, index=True)
        status = IntegerField()
        received_at = InstantField(index=True)
        due_at = InstantField(null=True)
        snapshot = JSONField()
        snapshot_at = InstantField()
        updated_at = InstantField()
        class Meta:
            database = db
            table_name = 'dossier'

    class Publication(Model):
        uuid = CharField(unique=True)
        commune = ForeignKeyField(Commune, null=True, index=True)
        kind = CharField()
        data = JSONField()
        at = InstantField()
        class Meta:
            database = db
            table_name = 'publication'

    class Staff(Model):
        username = CharField(unique=True)
        name = TextField(default='')
        password_hash = TextField()
        active = BooleanField(default=True)
        created_at = InstantField()
        class Meta:
            database = db
            table_name = 'staff'

    db.create_tables([ServerSetting, Commune, EnrolmentCode, Device, Change, Dossier,
                      Publication, Staff])


def down(migrator, db):
    for table in ('staff', 'publication', 'dossier', 'change', 'device', 'enrolment_code',
                  'commune', 'server_setting'):
        migrator.migrate(migrator.drop_table(table))
