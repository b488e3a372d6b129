"""The desk's one writer: every change to the file goes through a Desk method, inside one
transaction, together with the Event that records it (audit trail and sync outbox)."""

from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from uuid import uuid4

from peewee import fn

from commune_desk import paths
from commune_desk.catalog import parse_procedure, read_catalog
from commune_desk.errors import InvalidInput, NotAllowed, NotFound, StoreError
from commune_desk.rules.bounds import check_day
from commune_desk.rules import codes
from commune_desk.rules.deadline import compute_due
from commune_desk.rules.intake import IntakeForm, received_documents, validate
from commune_desk.rules.office_calendar import (DEFAULT_CUTOFF, DEFAULT_SESSIONS, TZ,
                                                OfficeCalendar, local, parse_session)
from commune_desk.rules.statuses import Status
from commune_desk.rules.text import clean, fold, nfc
from commune_desk.store import audit, health, outbox
from commune_desk.store.accounts import Accounts, process_account
from commune_desk.store.attachments import Attachments, StoredFile, check_document
from commune_desk.store.db import open_database
from commune_desk.store.imports import Imports
from commune_desk.store.processing import Processing
from commune_desk.store.queries import Queries
from commune_desk.store.models import (CalendarOverride, CodeCounter, Dossier, Draft, Event,
                                       Procedure, Setting, _current, routed)


@dataclass(frozen=True)
class OfficeConfig:
    office_name: str
    agency_code: str
    desk: int = 1
    place: str = ""
    address: str = ""                  # the office's address, printed where results are collected
    unit: str = "Bộ phận tiếp nhận và trả kết quả"
    clerk_name: str = ""
    head_name: str = ""
    head_title: str = "CHỦ TỊCH"
    lookup_url: str = ""
    upstream_url: str = ""
    paper: str = "a5"
    printer: str = ""                  # empty: the system's default printer
    printer_papers: dict = field(default_factory=dict, compare=False)   # printer name -> a5 | a4 | 80mm
    sessions: tuple[str, ...] = tuple(f"{a:%H:%M}-{b:%H:%M}" for a, b in DEFAULT_SESSIONS)
    cutoff: str = f"{DEFAULT_CUTOFF:%H:%M}"
    scan_folder: str = ""              # where the network scanner writes; empty: <data>/scan-inbox
    idle_lock_minutes: int = 10        # the window locks after this long without a key or a click
    extra: dict = field(default_factory=dict, compare=False)


CONFIG_KEY = "office"
# a restored desk whose replaced file could not say which codes it issued since the backup
# (store/backup.py): a code waits for the server's copy of them (sync's recovery)
CODES_ON_HOLD = ("Dữ liệu vừa được khôi phục từ bản sao lưu: chưa cấp mã hồ sơ mới cho đến khi lấy lại xong từ "
                 "máy chủ các hồ sơ tạo sau bản sao lưu (để không trùng mã). Hãy bấm «Đồng bộ ngay» (F6) hoặc chạy: "
                 "commune-desk sync (quầy chưa đăng ký thì đăng ký lại trước). Yêu cầu bổ sung, từ chối tiếp nhận "
                 "vẫn ghi được.")
# the kinds of change that change a dossier's state, and so make its next version (a print, an
# export or an attachment does not: two desks printing one slip are not in conflict)
VERSIONED_KINDS = frozenset({"intake", "transition", "extension", "handoff", "handover"})


def snapshot(d: Dossier) -> dict:
    """The dossier as it stands, in the shape events and sync carry it."""
    def iso(v):
        return v.astimezone(TZ).isoformat(timespec="seconds") if v else None
    return {
        "uuid": d.uuid, "code": d.code, "outcome": d.outcome, "procedure_id": d.procedure_id,
        "procedure_name": d.procedure_name, "procedure_days": d.procedure_days,
        "agency_code": d.agency_code, "desk": d.desk, "clerk": d.clerk,
        "applicant_name": d.applicant_name, "id_number": d.id_number,
        "birth_date": d.birth_date.isoformat() if d.birth_date else None,
        "phone": d.phone, "email": d.email, "address": d.address,
        "owner_name": d.owner_name, "owner_id_number": d.owner_id_number, "owner_address": d.owner_address,
        "channel": d.channel, "return_by": d.return_by, "post_address": d.post_address,
        "notes": d.notes, "reason": d.reason, "missing": d.missing, "documents": d.documents,
        "fee": d.fee, "status": d.status, "received_at": iso(d.received_at),
        "starts_at": iso(d.starts_at), "due_at": iso(d.due_at), "original_due_at": iso(d.original_due_at),
        "extended": d.extended, "resolved_at": iso(d.resolved_at), "returned_at": iso(d.returned_at),
        "imported": d.imported, "assignee": d.assignee, "clock_stopped_at": iso(d.clock_stopped_at),
        "supplement_rounds": d.supplement_rounds, "extension_reason": d.extension_reason,
        "recipient_name": d.recipient_name, "recipient_id_number": d.recipient_id_number, "proxy": d.proxy,
        "proxy_paper": d.proxy_paper, "post_tracking": d.post_tracking, "fee_paid": d.fee_paid,
        "fee_receipt": d.fee_receipt, "rating": d.rating, "field": d.field, "version": d.version,
    }


class Desk(Accounts, Processing, Queries, Attachments, Imports):
    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        _route_methods(cls)

    def __init__(self, data_dir: str | Path | None = None, clock=None):
        self.data_dir = paths.data_dir(data_dir)
        self.path = self.data_dir / paths.DB_NAME
        self.db = open_database(self.path)
        health.make_private(self.data_dir)
        # why the file is open for reading only (damaged, read-only folder, full disk), or None
        self.read_only = getattr(self.db, "read_only", None)
        self.clock = clock or (lambda: datetime.now(TZ))
        self.db.audit.clock = self.now      # audit rows take their time from this desk's clock
        self.act_as(process_account.get())
        self._calendar: OfficeCalendar | None = None
        self._config: OfficeConfig | None = None
        if self.read_only is None:
            self.reattach_scans_safely()    # after a restore: scans back under the dossiers it has

    @contextmanager
    def using(self):
        """Bind the models to this desk's file for reads made outside Desk methods."""
        token = _current.set(self.db)
        try:
            yield self
        finally:
            _current.reset(token)

    def close(self) -> None:
        self.db.close()

    def now(self) -> datetime:
        return local(self.clock())

    # ---- reading -------------------------------------------------------------------------

    def config(self) -> OfficeConfig | None:
        # read on every intake and event: kept until this desk's own setup() changes it
        if self._config is not None:
            return self._config
        row = Setting.get_or_none(Setting.key == CONFIG_KEY)
        if row is None:
            return None
        known = {f for f in OfficeConfig.__dataclass_fields__}
        values = {k: v for k, v in row.value.items() if k in known}
        values["sessions"] = tuple(values.get("sessions", OfficeConfig.sessions))
        self._config = OfficeConfig(**values)
        return self._config

    def require_config(self) -> OfficeConfig:
        cfg = self.config()
        if cfg is None:
            raise StoreError("Quầy chưa được thiết lập. Hãy chạy: commune-desk setup --office-name … "
                             "--agency-code … (hoặc mở ứng dụng để thiết lập).")
        return cfg

    def calendar(self) -> OfficeCalendar:
        if self._calendar is None:
            cfg = self.config() or OfficeConfig("", "")
            overrides = {o.day: o.working for o in CalendarOverride.select()}
            self._calendar = OfficeCalendar(
                sessions=tuple(parse_session(s) for s in cfg.sessions),
                cutoff=time.fromisoformat(cfg.cutoff), overrides=overrides)
        return self._calendar

    def procedures(self, include_inactive: bool = False) -> list[Procedure]:
        query = Procedure.select().order_by(Procedure.field, Procedure.name)
        if not include_inactive:
            query = query.where(Procedure.active == True)  # noqa: E712
        return list(query)

    def procedure(self, pid: str) -> Procedure:
        proc = Procedure.get_or_none(Procedure.id == nfc(pid).strip().upper())
        if proc is None:
            raise NotFound(f"Không có thủ tục mã «{pid}» trong danh mục. Xem danh mục: commune-desk catalog.")
        return proc

    def find_procedures(self, query: str, limit: int = 20) -> list[Procedure]:
        """Accent-insensitive, best first: the whole phrase opening the name, then this office's use
        of the procedure in the last 90 days (rules/procedure_search.py)."""
        from commune_desk.rules.procedure_search import rank
        return rank(query, self.procedures(), self.procedure_use())[:limit]

    def procedure_use(self, days: int = 90) -> dict[str, int]:
        """Visits per procedure over the last `days` days; kept until the next intake or day."""
        now = self.now()
        cached = getattr(self, "_use", None)
        if cached is not None and cached[0] == (now.date(), days):
            return cached[1]
        since = now - timedelta(days=days)
        rows = (Dossier.select(Dossier.procedure, fn.COUNT(Dossier.id))
                .where(Dossier.received_at >= since).group_by(Dossier.procedure).tuples())
        use = {pid: n for pid, n in rows}
        self._use = ((now.date(), days), use)
        return use

    def dossier(self, key: str) -> Dossier:
        text = nfc(key).strip()
        found = Dossier.get_or_none((Dossier.code == text.upper()) | (Dossier.uuid == text.lower()))
        if found is None:
            raise NotFound(f"Không tìm thấy hồ sơ «{text}».")
        return found

    def events_of(self, dossier: Dossier) -> list[Event]:
        return list(Event.select().where(Event.dossier == dossier).order_by(Event.seq))

    def draft(self, name: str = "intake") -> dict | None:
        row = Draft.get_or_none(Draft.name == name)
        return row.data if row else None

    # ---- writing -------------------------------------------------------------------------

    def _event(self, kind: str, dossier: Dossier | None = None, sync: bool = True, event_uuid: str | None = None,
               **data) -> Event:
        event_uuid = event_uuid or str(uuid4())
        if dossier is not None and kind in VERSIONED_KINDS and "base_version" not in data:
            # the change names the version it was made on and the change it builds on (the last one
            # this desk applied, its own or pulled); the dossier moves to the next version
            # (a base_version given: the caller wrote the row at the next version already)
            data["base_version"] = dossier.version or 0
            if dossier.last_change:
                data["base"] = dossier.last_change
            dossier.version = data["base_version"] + 1
            dossier.last_change = event_uuid
            Dossier.update(version=dossier.version, last_change=event_uuid).where(Dossier.id == dossier.id).execute()
        if dossier is not None:
            data["dossier"] = snapshot(dossier)
        event = Event(uuid=event_uuid, kind=kind, dossier=dossier, at=self.now(), actor=self.clerk_name(),
                      data=data, sync_state="pending" if sync else "local")
        event.save(force_insert=True)
        return event

    def _insert_dossier(self, dossier: Dossier, **data) -> Event:
        """A new dossier row and its intake event. The INSERT writes the version the intake makes
        (1, made on 0), so no second statement (and audit entry) has to move it there."""
        dossier.version = 1
        dossier.last_change = str(uuid4())
        dossier.save(force_insert=True)
        return self._event("intake", dossier, base_version=0, event_uuid=dossier.last_change, **data)

    def record(self, action: str, target: str = "", **detail) -> None:
        """An audit entry for what no table change shows (sign-in, a print, an export). Joins the
        caller's transaction when there is one."""
        with self.db.atomic():
            audit.append(self.db, action, target, {"before": None, "after": detail or None})

    def audit_entries(self, limit: int = 200, offset: int = 0) -> list:
        from commune_desk.store.models import AuditEntry
        return list(AuditEntry.select().order_by(AuditEntry.seq.desc()).limit(limit).offset(offset))

    def verify_audit(self) -> "audit.Verdict":
        return audit.verify(self.db)

    def setup(self, *, office_name: str, agency_code: str, desk: int = 1, **extra) -> OfficeConfig:
        self.require("settings")
        office = clean(office_name, label="Tên cơ quan", max_len=200, required=True, field="office_name")
        agency = codes.normalize_agency_code(agency_code)
        codes.check_desk(desk)
        current = self.config()
        values = asdict(current) if current else {}
        values.update(office_name=office, agency_code=agency, desk=desk)
        for key, value in extra.items():
            if value is None:
                continue
            if key not in OfficeConfig.__dataclass_fields__:
                raise InvalidInput(f"Thiết lập «{key}» không tồn tại.", key)
            values[key] = nfc(value).strip() if isinstance(value, str) else value
        if not values.get("place"):
            values["place"] = _place_from(office)
        values["idle_lock_minutes"] = _idle_minutes(values.get("idle_lock_minutes", 10))
        values.pop("extra", None)
        cfg = OfficeConfig(**values)
        # validate the schedule before anything is written
        try:
            cutoff = time.fromisoformat(cfg.cutoff)
        except (TypeError, ValueError):
            raise InvalidInput(f"Giờ chốt «{cfg.cutoff}» phải có dạng giờ:phút, ví dụ 15:00.", "cutoff") from None
        OfficeCalendar(sessions=tuple(parse_session(s) for s in cfg.sessions), cutoff=cutoff)
        with self.db.atomic():
            if current and current.agency_code != agency and Dossier.select().where(
                    Dossier.code.is_null(False)).exists():
                raise InvalidInput("Không thể đổi mã định danh cơ quan khi đã có hồ sơ được cấp mã.",
                                   "agency_code")
            data = asdict(cfg)
            data["sessions"] = list(cfg.sessions)
            data.pop("extra")
            Setting.replace(key=CONFIG_KEY, value=data).execute()
            self._config = None
            self._event("setup", sync=False, office=data)
            if not Procedure.select().exists():
                self._load_catalog(read_catalog(), source="builtin")
        self._calendar = None
        self._config = None
        return cfg

    def load_catalog(self, catalog: dict, source: str = "builtin") -> dict:
        with self.db.atomic():
            return self._load_catalog(catalog, source)

    def _load_catalog(self, catalog: dict, source: str) -> dict:
        version = catalog["catalog_version"]
        incoming = {p["id"]: p for p in catalog["procedures"]}
        added = updated = kept = retired = 0
        for pid, entry in incoming.items():
            existing = Procedure.get_or_none(Procedure.id == pid)
            if existing is None:
                Procedure.create(**entry, catalog_version=version)
                added += 1
            elif existing.edited:
                # an admin's edit wins over a catalog update for the fields they edit (fees)
                (Procedure.update(**{k: v for k, v in entry.items() if k not in ("fee", "fee_note")},
                                  catalog_version=version, active=True)
                 .where(Procedure.id == pid).execute())
                kept += 1
            else:
                Procedure.update(**entry, catalog_version=version, active=True).where(Procedure.id == pid).execute()
                updated += 1
        retired = (Procedure.update(active=False)
                   .where(Procedure.id.not_in(list(incoming)), Procedure.active == True)  # noqa: E712
                   .execute())
        summary = {"catalog_version": version, "added": added, "updated": updated,
                   "kept_edits": kept, "retired": retired, "source": source}
        Setting.replace(key="catalog_version", value=version).execute()
        self._event("catalog_loaded", sync=False, **summary)
        return summary

    def edit_procedure(self, pid: str, **changes) -> Procedure:
        self.require("catalog")
        proc = self.procedure(pid)
        current = {k: getattr(proc, k) for k in ("national_code", "name", "field", "days", "days_note",
                                                 "fee", "fee_note", "liaison", "documents", "legal_basis")}
        current["id"] = proc.id
        for key, value in changes.items():
            if value is not None:
                if key not in current or key == "id":
                    raise InvalidInput(f"Không sửa được trường «{key}» của thủ tục.", key)
                current[key] = value
        entry = parse_procedure(current)
        with self.db.atomic():
            Procedure.update(**entry, edited=True).where(Procedure.id == proc.id).execute()
            self._event("procedure_edited", sync=False, procedure_id=proc.id,
                        changes={k: v for k, v in changes.items() if v is not None})
        return self.procedure(proc.id)

    def set_calendar_day(self, day: date, working: bool, note: str = "", source: str = "office") -> None:
        if source == "office":
            self.require("calendar")            # upstream days arrive through sync, whoever is signed in
        check_day(day, "day")
        note = clean(note, label="Ghi chú ngày", max_len=200)
        with self.db.atomic():
            CalendarOverride.replace(day=day, working=working, note=note, source=source).execute()
            self._event("calendar_day", sync=False, day=day.isoformat(), working=working, note=note, source=source)
        self._calendar = None

    def clear_calendar_day(self, day: date) -> None:
        with self.db.atomic():
            CalendarOverride.delete().where(CalendarOverride.day == day).execute()
            self._event("calendar_day_cleared", sync=False, day=day.isoformat())
        self._calendar = None

    def _next_code(self, cfg: OfficeConfig, received_at: datetime) -> str:
        if outbox.codes_on_hold():
            raise NotAllowed(CODES_ON_HOLD, "procedure_id")     # shown under the procedure, not a field
        day = local(received_at).date()
        counter = CodeCounter.get_or_none(CodeCounter.day == day)
        if counter is not None:
            used = counter.last_seq       # written in the same transaction as every code it gave
        else:
            # no counter for the day: existing codes guard against a counter row gone missing
            prefix = f"{cfg.agency_code}-{day:%y%m%d}-"
            first, last = codes.sequence_block(cfg.desk)
            highest = (Dossier.select(fn.MAX(Dossier.code)).where(
                Dossier.code.between(f"{prefix}{first:04d}", f"{prefix}{last:04d}")).scalar())
            used = int(highest[-4:]) if highest else None
        seq = codes.next_sequence(cfg.desk, used)
        CodeCounter.replace(day=day, last_seq=seq).execute()
        return codes.format_code(cfg.agency_code, received_at, seq)

    def intake(self, form: IntakeForm, received_at: datetime | None = None, attachments=()) -> Dossier:
        """Record one visit. Returns only after the row and its event are durably committed.
        attachments: (document number or None, [files] or the StoredFile they were already
        stored as) pairs, stored before the visit commits."""
        self.require("intake")
        cfg = self.require_config()
        now = self.now()
        imported = received_at is not None
        received = local(received_at) if imported else now
        if imported and received > now:
            raise InvalidInput("Thời điểm tiếp nhận không thể ở tương lai.", "received_at")
        values = validate(form, today=now.date())
        proc = self.procedure(values.pop("procedure_id"))
        outcome = values["outcome"]
        documents = received_documents(proc.documents, form.received, outcome)   # only what was ticked
        files = [(check_document(documents, doc), paths if isinstance(paths, StoredFile) else self.store_files(paths))
                 for doc, paths in attachments]
        with self.db.atomic():
            dossier = Dossier(
                **values, procedure=proc, procedure_name=proc.name, procedure_days=proc.days, field=proc.field,
                agency_code=cfg.agency_code, desk=cfg.desk, clerk=self.clerk_name(),
                name_folded=fold(values["applicant_name"]), documents=documents, fee=proc.fee,
                received_at=received, imported=imported, created_at=now, updated_at=now)
            if outcome == "accepted":
                deadline = compute_due(self.calendar(), received, proc.days)
                dossier.code = self._next_code(cfg, received)
                dossier.status = Status.ACCEPTED
                dossier.starts_at = deadline.starts_at
                dossier.due_at = dossier.original_due_at = deadline.due_at
            elif outcome == "supplement":
                dossier.status = Status.SUPPLEMENT
            else:
                dossier.status = Status.NOT_ACCEPTED
            self._insert_dossier(dossier, outcome=outcome, imported=imported)
            for document, stored in files:
                self._add_attachment(dossier, document, stored)
            Draft.delete().where(Draft.name == "intake").execute()
        self._use = None
        return dossier

    def save_draft(self, data: dict, name: str = "intake") -> None:
        with self.db.atomic():
            Draft.replace(name=name, data=data, saved_at=self.now()).execute()

    def clear_draft(self, name: str = "intake") -> None:
        with self.db.atomic():
            Draft.delete().where(Draft.name == name).execute()


def _idle_minutes(value) -> int:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        minutes = 0
    if not 1 <= minutes <= 240:
        raise InvalidInput("Thời gian tự khóa màn hình phải từ 1 đến 240 phút.", "idle_lock_minutes")
    return minutes


def _place_from(office_name: str) -> str:
    """'UBND xã Phúc Lợi' -> 'Phúc Lợi' for the date line."""
    words = office_name.split()
    for i, w in enumerate(words):
        if w.lower() in ("xã", "phường", "thị", "đặc"):
            rest = words[i + 1:]
            if rest and rest[0].lower() in ("trấn", "khu"):
                rest = rest[1:]
            if rest:
                return " ".join(rest)
    return office_name


def _route_methods(cls) -> None:
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("__") and name not in ("now", "using"):
            setattr(cls, name, routed(value))


for _cls in (Desk, Accounts, Processing, Queries, Attachments, Imports):
    _route_methods(_cls)
