"""The first schema of the desk file (frozen: never edit; add a new numbered migration)."""
from peewee import *
from commune_desk.store.fields import DayField
from commune_desk.store.fields import InstantField
from commune_desk.store.fields import JSONField


def up(migrator, db):
    class CalendarOverride(Model):
        day = DayField(primary_key=True)
        working = BooleanField()
        note = TextField(default='')
        source = CharField(default='office')
        class Meta:
            database = db
            table_name = 'calendar_override'
    db.create_tables([CalendarOverride])

    class CodeCounter(Model):
        day = DayField(primary_key=True)
        last_seq = IntegerField()
        class Meta:
            database = db
            table_name = 'code_counter'
    db.create_tables([CodeCounter])

    class Procedure(Model):
        id = CharField(primary_key=True)
        national_code = CharField(null=True)
        name = TextField()
        name_folded = TextField()
        field = TextField()
        days = IntegerField()
        days_note = TextField(default='')
        fee = IntegerField(default=0)
        fee_note = TextField(default='')
        liaison = BooleanField(default=False)
        documents = JSONField()
        legal_basis = JSONField()
        catalog_version = CharField()
        active = BooleanField(default=True)
        edited = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'procedure'
    db.create_tables([Procedure])

    class Dossier(Model):
        uuid = CharField(unique=True)
        code = CharField(unique=True, null=True)
        outcome = CharField()
        procedure = ForeignKeyField(Procedure)
        procedure_name = TextField()
        procedure_days = IntegerField()
        agency_code = CharField()
        desk = IntegerField()
        clerk = TextField(default='')
        applicant_name = TextField()
        name_folded = TextField(index=True)
        id_number = CharField(index=True, default='')
        birth_date = DayField(null=True)
        phone = CharField(index=True, default='')
        email = TextField(default='')
        address = TextField(default='')
        owner_name = TextField(default='')
        owner_id_number = CharField(default='')
        owner_address = TextField(default='')
        channel = IntegerField(default=1)
        return_by = CharField(default='counter')
        post_address = TextField(default='')
        notes = TextField(default='')
        reason = TextField(default='')
        missing = JSONField(default=list)
        documents = JSONField(default=list)
        fee = IntegerField(default=0)
        status = IntegerField(index=True)
        received_at = InstantField(index=True)
        starts_at = InstantField(null=True)
        due_at = InstantField(index=True, null=True)
        original_due_at = InstantField(null=True)
        extended = BooleanField(default=False)
        resolved_at = InstantField(null=True)
        returned_at = InstantField(null=True)
        imported = BooleanField(default=False)
        created_at = InstantField()
        updated_at = InstantField()
        class Meta:
            database = db
            table_name = 'dossier'
    db.create_tables([Dossier])

    class Draft(Model):
        name = CharField(primary_key=True)
        data = JSONField()
        saved_at = InstantField()
        class Meta:
            database = db
            table_name = 'draft'
    db.create_tables([Draft])

    class Event(Model):
        seq = AutoField()
        uuid = CharField(unique=True)
        dossier = ForeignKeyField(Dossier, null=True)
        kind = CharField()
        at = InstantField()
        actor = TextField(default='')
        data = JSONField(default=dict)
        sync_state = CharField(index=True, default='pending')
        sync_note = TextField(default='')
        synced_at = InstantField(null=True)
        class Meta:
            database = db
            table_name = 'event'
    db.create_tables([Event])

    class Setting(Model):
        key = CharField(primary_key=True)
        value = JSONField()
        class Meta:
            database = db
            table_name = 'setting'
    db.create_tables([Setting])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('setting'))
    migrator.migrate(migrator.drop_table('event'))
    migrator.migrate(migrator.drop_table('draft'))
    migrator.migrate(migrator.drop_table('dossier'))
    migrator.migrate(migrator.drop_table('procedure'))
    migrator.migrate(migrator.drop_table('code_counter'))
    migrator.migrate(migrator.drop_table('calendar_override'))

