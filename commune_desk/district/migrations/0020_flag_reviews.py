"""District staff acknowledge a desk flag (a rewritten audit history) after looking into it:
each review kept (flag_review), every staff action in the server's own log (admin_log), and the
audit-chain head a flagged desk last claimed (desk_audit.claim_*), which the server follows from
once the flag is reviewed (frozen: never edit; add a new numbered migration). The same file runs
on SQLite and PostgreSQL."""
from peewee import *
from commune_desk.district.fields import InstantField


def up(migrator, db):
    class Device(Model):
        class Meta:
            database = db
            table_name = 'device'

    class Staff(Model):
        class Meta:
            database = db
            table_name = 'staff'

    class FlagReview(Model):
        device = ForeignKeyField(Device, index=True)
        kind = CharField()
        flagged_at = InstantField()
        head_seq = BigIntegerField(null=True)
        note = TextField()
        reviewed_at = InstantField()
        staff = ForeignKeyField(Staff, null=True)
        staff_name = TextField(default='')
        class Meta:
            database = db
            table_name = 'flag_review'

    class AdminLog(Model):
        at = InstantField(index=True)
        staff = ForeignKeyField(Staff, null=True)
        username = CharField(default='')
        action = CharField()
        target = TextField(default='')
        detail = TextField(default='')
        class Meta:
            database = db
            table_name = 'admin_log'

    db.create_tables([FlagReview, AdminLog])
    db.execute_sql('ALTER TABLE "desk_audit" ADD COLUMN "claim_seq" BIGINT')
    db.execute_sql('ALTER TABLE "desk_audit" ADD COLUMN "claim_hash" VARCHAR(64)')
