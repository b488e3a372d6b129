"""The desk's tables. Only commune_desk.store.desk writes them."""

import contextvars
import functools
import uuid

from peewee import (AutoField, BooleanField, CharField, DatabaseProxy, ForeignKeyField,
                    IntegerField, Model, TextField)

from commune_desk.store.audit import current_action
from commune_desk.store.fields import DayField, InstantField, JSONField

_current = contextvars.ContextVar("commune_desk_db", default=None)


class RoutedDatabase(DatabaseProxy):
    """The models' database: the file of the Desk whose method is running in this context, else the
    last one opened. Lets two desks (tests, a desk and its sync worker) live in one process."""
    __slots__ = ("_default",)

    @property
    def obj(self):
        return _current.get() or self._default

    @obj.setter
    def obj(self, value):
        self._default = value

    def __setattr__(self, attr, value):
        object.__setattr__(self, attr, value)


def routed(method):
    """Run a Desk method with the models bound to that desk's file."""
    @functools.wraps(method)
    def inner(self, *args, **kwargs):
        token = _current.set(self.db)
        # the outermost method names what the audit triggers record
        action = current_action.set(method.__name__) if current_action.get() is None else None
        try:
            return method(self, *args, **kwargs)
        finally:
            if action is not None:
                current_action.reset(action)
            _current.reset(token)
    return inner


database = RoutedDatabase()


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = JSONField()


class Procedure(BaseModel):
    id = CharField(primary_key=True)
    national_code = CharField(null=True)
    name = TextField()
    name_folded = TextField()
    field = TextField()
    days = IntegerField()
    days_note = TextField(default="")
    fee = IntegerField(default=0)
    fee_note = TextField(default="")
    liaison = BooleanField(default=False)
    documents = JSONField()
    legal_basis = JSONField()
    catalog_version = CharField()
    active = BooleanField(default=True)
    edited = BooleanField(default=False)   # an admin changed it: catalog updates keep the edit


class CalendarOverride(BaseModel):
    day = DayField(primary_key=True)
    working = BooleanField()
    note = TextField(default="")
    source = CharField(default="office")   # office | upstream


class CodeCounter(BaseModel):
    day = DayField(primary_key=True)
    last_seq = IntegerField()


class Dossier(BaseModel):
    id = AutoField()
    uuid = CharField(unique=True, default=lambda: str(uuid.uuid4()))
    code = CharField(unique=True, null=True)          # none for refused / incomplete visits
    outcome = CharField()                              # accepted | supplement | refused
    procedure = ForeignKeyField(Procedure, backref="dossiers")
    procedure_name = TextField()                        # as it stood when received
    procedure_days = IntegerField()
    agency_code = CharField()
    desk = IntegerField()
    clerk = TextField(default="")
    applicant_name = TextField()
    name_folded = TextField(index=True)
    id_number = CharField(default="", index=True)
    birth_date = DayField(null=True)
    phone = CharField(default="", index=True)
    email = TextField(default="")
    address = TextField(default="")
    owner_name = TextField(default="")
    owner_id_number = CharField(default="")
    owner_address = TextField(default="")
    channel = IntegerField(default=1)                  # 1 trực tiếp, 2 trực tuyến, 3 BCCI
    return_by = CharField(default="counter")           # counter | post
    post_address = TextField(default="")
    notes = TextField(default="")
    reason = TextField(default="")                     # refusal reason, supplement reason
    missing = JSONField(default=list)                  # [{"name", "reason"}] for form 02
    documents = JSONField(default=list)                # checklist as received
    fee = IntegerField(default=0)
    status = IntegerField(index=True)
    received_at = InstantField(index=True)
    starts_at = InstantField(null=True)
    due_at = InstantField(null=True, index=True)
    original_due_at = InstantField(null=True)
    extended = BooleanField(default=False)
    resolved_at = InstantField(null=True)
    returned_at = InstantField(null=True)
    imported = BooleanField(default=False)
    created_at = InstantField()
    updated_at = InstantField()
    # 0002_processing
    assignee = TextField(default="")
    clock_stopped_at = InstantField(null=True)
    supplement_rounds = IntegerField(default=0)
    extension_reason = TextField(default="")
    recipient_name = TextField(default="")
    recipient_id_number = TextField(default="")
    proxy = BooleanField(default=False)
    proxy_paper = TextField(default="")
    post_tracking = TextField(default="")
    fee_paid = IntegerField(default=0)
    fee_receipt = TextField(default="")
    rating = TextField(default="")
    # 0005_report_field
    field = TextField(default="")                      # the procedure's field when received
    # 0016_dossier_version: changes of state so far, on any desk or upstream (docs/sync-protocol.md)
    version = IntegerField(default=0)
    # 0018_last_change: uuid of the change this row was last moved by (own, pulled or recovered)
    last_change = CharField(null=True)


class Event(BaseModel):
    """Everything that happened, in order: the audit trail and the sync outbox at once."""
    seq = AutoField()
    uuid = CharField(unique=True, default=lambda: str(uuid.uuid4()))
    dossier = ForeignKeyField(Dossier, null=True, backref="events")
    kind = CharField()
    at = InstantField()
    actor = TextField(default="")
    data = JSONField(default=dict)
    sync_state = CharField(default="pending", index=True)   # pending | synced | quarantined | local
    sync_note = TextField(default="")
    synced_at = InstantField(null=True)


class Draft(BaseModel):
    name = CharField(primary_key=True)
    data = JSONField()
    saved_at = InstantField()


class Account(BaseModel):
    """A person who signs in at the desk (0005_accounts_audit). Passwords only as argon2 hashes."""
    id = AutoField()
    name = CharField(unique=True)
    full_name = TextField(default="")
    role = CharField()                       # rules.roles: tiep-nhan | chuyen-mon | lanh-dao | quan-tri
    password_hash = TextField()
    disabled = BooleanField(default=False)
    failures = IntegerField(default=0)
    locked_until = InstantField(null=True)
    last_sign_in_at = InstantField(null=True)
    created_at = InstantField()


class AuditEntry(BaseModel):
    """One link of the audit chain (store.audit): written by triggers and Desk.record only."""
    seq = AutoField()
    at = TextField()
    desk = IntegerField(null=True)
    actor = TextField(default="")
    action = TextField()
    target = TextField(null=True)
    detail = JSONField()
    prev_hash = TextField(null=True)
    hash = TextField()

    class Meta:
        table_name = "audit"


class Attachment(BaseModel):
    """A scanned or picked file of a dossier, stored content-addressed under the data folder
    (store/attachments.py). The file is on disk before this row commits."""
    id = AutoField()
    dossier = ForeignKeyField(Dossier, backref="attachments")
    document = IntegerField(null=True)          # 1-based place in dossier.documents; none: the whole dossier
    sha256 = CharField(index=True)
    size = IntegerField()
    pages = IntegerField(default=1)
    name = TextField(default="")                # the file the clerk picked (first one)
    source = CharField(default="file")          # file | folder | scanner
    added_at = InstantField()
    sync_state = CharField(default="pending", index=True)   # pending | sent | refused
    sync_note = TextField(default="")
    sent_at = InstantField(null=True)


MODELS = [Setting, Procedure, CalendarOverride, CodeCounter, Dossier, Event, Draft, Account, AuditEntry, Attachment]
