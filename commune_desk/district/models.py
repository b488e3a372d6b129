"""The district server's tables. Every write goes through ingest, publish or the CLI helpers."""

from peewee import (AutoField, BigIntegerField, BooleanField, SmallIntegerField, CharField, DatabaseProxy, FloatField, ForeignKeyField,
                    IntegerField, Model, TextField)

from commune_desk.district.fields import InstantField, JSONField

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class ServerSetting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


class Commune(BaseModel):
    id = AutoField()
    agency_code = CharField(unique=True)
    name = TextField()
    active = BooleanField(default=True)
    created_at = InstantField()
    revoked_at = InstantField(null=True)


class EnrolmentCode(BaseModel):
    id = AutoField()
    commune = ForeignKeyField(Commune, backref="enrolment_codes")
    code_hash = CharField(unique=True)          # sha256 of the one-time code
    created_at = InstantField()
    expires_at = InstantField()
    used_at = InstantField(null=True)


class Device(BaseModel):
    id = AutoField()
    commune = ForeignKeyField(Commune, backref="devices")
    token_hash = CharField(unique=True)         # sha256 of the device token
    desk = IntegerField()
    label = TextField(default="")
    enrolled_at = InstantField()
    revoked_at = InstantField(null=True)
    last_seen_at = InstantField(null=True)
    clock_offset_s = FloatField(null=True)      # desk clock minus server clock at the last push


class DeskAudit(BaseModel):
    """The head of a desk's audit chain as last seen here (0012): the desk cannot rewrite what is
    behind it without the next push showing it."""
    device = ForeignKeyField(Device, primary_key=True, backref="audit")
    head_seq = BigIntegerField()
    head_hash = CharField(max_length=64)
    updated_at = InstantField()
    broken_at = InstantField(null=True)
    broken_note = TextField(default="")
    claim_seq = BigIntegerField(null=True)       # 0020: while broken, the head the desk claims now
    claim_hash = CharField(max_length=64, null=True)


class Change(BaseModel):
    """One change pushed by a desk; id is the server's order, uuid the desk's identity."""
    id = AutoField()
    uuid = CharField(unique=True)
    commune = ForeignKeyField(Commune, backref="changes", index=True)
    device = ForeignKeyField(Device, backref="changes")
    desk = IntegerField()
    local_seq = IntegerField()
    kind = CharField()
    at = InstantField()
    actor = TextField(default="")
    dossier_uuid = CharField(null=True, index=True)
    digest = CharField()
    data = JSONField()
    received_at = InstantField()
    stale_base = IntegerField(null=True)         # 0016: made on this older version: a conflict, kept
    clock_skew_s = FloatField(null=True)         # 0016: its time was this far ahead of the server's


class Dossier(BaseModel):
    """The dossier as it stands, one row per dossier uuid: the latest snapshot received."""
    id = AutoField()
    uuid = CharField(unique=True)
    code = CharField(unique=True, null=True)
    commune = ForeignKeyField(Commune, backref="dossiers", index=True)
    status = IntegerField()
    received_at = InstantField(index=True)
    due_at = InstantField(null=True)
    snapshot = JSONField()
    snapshot_at = InstantField()
    updated_at = InstantField()
    # 0002_report_columns: what the report counts from (commune_desk.district.figures)
    outcome = CharField(default="")
    channel = IntegerField(default=1)
    field = TextField(default="")
    procedure_id = CharField(default="")
    clerk = TextField(default="")
    by_post = SmallIntegerField(default=0)
    extended = SmallIntegerField(default=0)
    rating_score = SmallIntegerField(default=0)
    received_s = BigIntegerField(null=True)
    due_s = BigIntegerField(null=True)
    finished_s = BigIntegerField(null=True)
    stopped_s = BigIntegerField(null=True)
    version = IntegerField(default=0)            # 0016: changes applied to this dossier
    digitised = SmallIntegerField()              # 0021 (DEFAULT 0): digitised by rules.digitise (district.digitised)
    last_change = CharField(null=True)           # 0022: uuid of the change (or status publication) applied last


class Publication(BaseModel):
    """What the upstream publishes for desks to pull: catalog, fee, calendar, status."""
    id = AutoField()
    uuid = CharField(unique=True)
    commune = ForeignKeyField(Commune, null=True, backref="publications", index=True)  # null: all
    kind = CharField()
    data = JSONField()
    at = InstantField()


class Staff(BaseModel):
    id = AutoField()
    username = CharField(unique=True)
    name = TextField(default="")
    password_hash = TextField()
    active = BooleanField(default=True)
    created_at = InstantField()
    role = CharField(default="tong-hop")        # tong-hop: reads every commune; quan-tri: administers


class Upload(BaseModel):
    """One file, stored once however often it is sent (district/uploads.py, tus 1.0): keyed by its
    SHA-256; complete only after the server verified the whole file against that key."""
    id = AutoField()
    sha256 = CharField(unique=True)
    length = BigIntegerField()
    commune = ForeignKeyField(Commune, backref="uploads", index=True)   # the first sender: its quota
    complete = BooleanField(default=False)
    created_at = InstantField()
    completed_at = InstantField(null=True)


class Attachment(BaseModel):
    """A file attached to a dossier's checklist document (or the whole dossier)."""
    id = AutoField()
    commune = ForeignKeyField(Commune, backref="attachments", index=True)
    dossier = ForeignKeyField(Dossier, backref="attachments", index=True)
    sha256 = CharField(index=True)
    document = IntegerField(null=True)
    name = TextField(default="")
    device = ForeignKeyField(Device, null=True, backref="attachments")
    created_at = InstantField()


class Attempt(BaseModel):
    """Failed attempts counted in the database, so every worker process sees the same count:
    sign-in per account and per address, enrolment codes per address, lookups per dossier code."""
    id = AutoField()
    scope = CharField()
    key = CharField()
    failures = IntegerField(default=0)
    first_at = InstantField()                   # start of the current counting window
    locked_until = InstantField(null=True)

    class Meta:
        indexes = ((("scope", "key"), True),)


class FlagReview(BaseModel):
    """A desk flag a district administrator looked into and marked reviewed (0020)."""
    id = AutoField()
    device = ForeignKeyField(Device, backref="reviews", index=True)
    kind = CharField()                          # "audit": a rewritten audit history
    flagged_at = InstantField()                 # when the server noticed what was reviewed
    head_seq = BigIntegerField(null=True)       # the entry the history was rewritten up to
    note = TextField()
    reviewed_at = InstantField()
    staff = ForeignKeyField(Staff, null=True)
    staff_name = TextField(default="")


class AdminLog(BaseModel):
    """What district staff did on the server (0020): who, when, what, on what."""
    id = AutoField()
    at = InstantField(index=True)
    staff = ForeignKeyField(Staff, null=True)
    username = CharField(default="")
    action = CharField()
    target = TextField(default="")
    detail = TextField(default="")


MODELS = [ServerSetting, Commune, EnrolmentCode, Device, Change, Dossier, Publication, Staff, Upload, Attachment,
          Attempt, DeskAudit, FlagReview, AdminLog]
