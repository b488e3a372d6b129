"""The audit trail: written by the database itself, chained so that an edit shows.

Triggers on the tables that hold state (dossiers, their events, settings, the catalog, the calendar,
accounts) append one `audit` row for every insert, update and delete, whatever code path — or SQLite
tool — made it. What a trigger cannot see (sign-in, a print, an export) the desk appends through the
same statement (`Desk.record`). Each row carries

    seq, at, desk, actor, action, target, detail {"before": …, "after": …}, prev_hash, hash

where hash = SHA-256 over the canonical encoding of the other fields (see `canonical`), and
prev_hash is the hash of the row before: editing, deleting or reordering any row breaks the chain at
that row (`verify`). The hashing, the clock and the signed-in account are SQL functions the desk
registers on its connection (`install`), so a tool that does not know them cannot write to the
audited tables at all; removing the triggers to do so is itself noticed (`ensure_triggers`).
"""

import contextvars
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from commune_desk.rules.office_calendar import TZ

# the outermost Desk method running: what a trigger names as the action (see models.routed)
current_action = contextvars.ContextVar("commune_desk_audit_action", default=None)

GUARDS = ("audit_append_only_update", "audit_append_only_delete")
NOT_AUDITED_SETTINGS = ("sync",)          # sync bookkeeping, rewritten on every pass
MASKED = {"account": {"password_hash": "(ẩn)"}}
IGNORED = {"account": {"failures", "locked_until", "last_sign_in_at"},   # sign-ins are recorded explicitly
           "dossier": {"name_folded"},
           "attachment": {"sync_state", "sync_note", "sent_at"}}             # upload bookkeeping
JSON_COLUMNS = {"value", "data", "missing", "documents", "legal_basis"}


class Context:
    """What the SQL functions ask: set by the Desk that owns the connection."""
    def __init__(self):
        self.actor = ""
        self.clock = lambda: datetime.now(TZ)

    def now(self) -> str:
        return self.clock().astimezone(TZ).isoformat(timespec="seconds")


# ---- canonical encoding and hashing ----------------------------------------------------------

def canonical(seq, at, desk, actor, action, target, detail, prev_hash) -> bytes:
    """The bytes a row's hash covers: a JSON array, keys sorted, no spaces, UTF-8."""
    body = detail if not isinstance(detail, str) else json.loads(detail)
    return json.dumps([seq, at, desk, actor, action, target, body, prev_hash], ensure_ascii=False,
                      sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(seq, at, desk, actor, action, target, detail, prev_hash) -> str:
    return hashlib.sha256(canonical(seq, at, desk, actor, action, target, detail, prev_hash)).hexdigest()


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_digest(uuid, kind, at, actor, data) -> str:
    """What an audit row remembers of an event, so an event edited afterwards is noticed."""
    body = json.loads(data) if isinstance(data, str) else data
    return hashlib.sha256(dumps([uuid, kind, at, actor, body]).encode("utf-8")).hexdigest()


def _value(column, value):
    if column in JSON_COLUMNS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _diff(table, op, columns, *packs):
    """columns: JSON list of names; packs: JSON arrays of old, new, old, new … in that order."""
    masked, ignored = MASKED.get(table, {}), IGNORED.get(table, ())
    values = [v for pack in packs for v in json.loads(pack)]
    before, after = {}, {}
    changed = False
    for i, column in enumerate(json.loads(columns)):
        old, new = values[2 * i], values[2 * i + 1]
        if column in ignored:
            continue
        if op == "update" and old == new:
            continue
        changed = True
        if column in masked:
            old = new = masked[column]
        if op != "insert":
            before[column] = _value(column, old)
        if op != "delete":
            after[column] = _value(column, new)
    if op == "update" and not changed:
        return None
    return dumps({"before": before if op != "insert" else None, "after": after if op != "delete" else None})


def diff_call(table: str, op_sql: str, columns: list, old: str, new: str) -> str:
    """SQL calling audit_diff over the columns; old/new are templates over {c}. Values travel in
    json_array packs: SQLite caps a function at 127 arguments and a dossier has more columns."""
    pairs = [x for c in columns for x in (old.format(c=c), new.format(c=c))]
    packs = ", ".join(f"json_array({', '.join(pairs[i:i + 100])})" for i in range(0, len(pairs), 100))
    names = json.dumps(columns).replace("'", "''")
    return f"audit_diff('{table}', {op_sql}, '{names}', {packs})"


def _event_detail(uuid, kind, at, actor, data, code):
    body = json.loads(data) if isinstance(data, str) else (data or {})
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "dossier"}
    return dumps({"event": uuid, "kind": kind, "code": code, "data": body,
                  "digest": event_digest(uuid, kind, at, actor, data)})


def install(conn, context: Context | None = None) -> Context:
    """Register the audit functions on a sqlite3 connection (or a peewee SqliteDatabase)."""
    ctx = context or Context()
    functions = {
        "audit_now": (0, lambda: ctx.now()),
        "audit_actor": (0, lambda: ctx.actor),
        "audit_action": (0, lambda: current_action.get()),
        "audit_diff": (-1, _diff),
        "audit_event": (6, _event_detail),
        "audit_hash": (8, entry_hash),
    }
    for name, (n, fn) in functions.items():
        if hasattr(conn, "register_function"):
            conn.register_function(fn, name, n)
        else:
            conn.create_function(name, n, fn)
    return ctx


# ---- the one statement that appends -----------------------------------------------------------

def append_sql(action: str, target: str, detail: str, when: str = "") -> str:
    """INSERT … SELECT that appends one chained row; the arguments are SQL expressions."""
    return (
        "INSERT INTO audit (seq, at, desk, actor, action, target, detail, prev_hash, hash) "
        "SELECT s, t, k, a, act, tg, d, p, audit_hash(s, t, k, a, act, tg, d, p) FROM ("
        # MAX(seq): sqlite_sequence lags inside one multi-row statement; sqlite_sequence: rows
        # deleted from the end still leave a gap that verify names
        "SELECT MAX(COALESCE((SELECT MAX(seq) FROM audit), 0), "
        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0)) + 1 AS s, "
        "audit_now() AS t, "
        "(SELECT json_extract(value, '$.desk') FROM setting WHERE key = 'office') AS k, "
        "audit_actor() AS a, "
        f"{action} AS act, {target} AS tg, {detail} AS d, "
        # LIMIT 1 keeps SQLite from flattening this into the outer query, which would call the
        # detail function once per mention of d (three times)
        "(SELECT hash FROM audit ORDER BY seq DESC LIMIT 1) AS p LIMIT 1) "
        f"WHERE d IS NOT NULL{(' AND ' + when) if when else ''}")


def append(db, action: str, target: str, detail: dict) -> None:
    db.execute_sql(append_sql("?", "?", "?"), (action, target, dumps(detail)))


# ---- the triggers -----------------------------------------------------------------------------

@dataclass
class Table:
    name: str
    target: str                      # SQL over {r} (new/old) naming the row
    replaced: bool = False           # written with INSERT OR REPLACE: capture "before" in BEFORE INSERT
    when: str = ""                   # extra condition over {r}


TABLES = [
    Table("dossier", "COALESCE({r}.code, {r}.uuid)"),
    Table("setting", "{r}.key", replaced=True,
          when="{r}.key NOT IN (" + ", ".join(f"'{k}'" for k in NOT_AUDITED_SETTINGS) + ")"),
    Table("procedure", "{r}.id"),
    Table("calendar_override", "{r}.day", replaced=True),
    Table("account", "{r}.name"),
    Table("attachment", "(SELECT COALESCE(code, uuid) FROM dossier WHERE id = {r}.dossier_id)"),
]
EVENT_IMMUTABLE = ("uuid", "dossier_id", "kind", "at", "actor", "data")


def _columns(db, table: str) -> list[str]:
    return [row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()]


def _label(table, op):
    return f"COALESCE(audit_action(), '{table}.{op}')"


def expected_triggers(db) -> dict[str, str]:
    triggers = {}
    for t in TABLES:
        cols = _columns(db, t.name)
        if not cols:
            continue


        def body(op, r, detail):
            cond = t.when.format(r=r)
            return append_sql(_label(t.name, op), t.target.format(r=r), detail, cond)

        new_c, old_c = 'new."{c}"', 'old."{c}"'
        keys = " AND ".join(f'"{k}" = new."{k}"' for k in _key_columns(db, t.name))
        if t.replaced:
            # INSERT OR REPLACE deletes the old row without firing DELETE triggers: read it first
            old_of = '(SELECT "{c}" FROM "%s" WHERE %s)' % (t.name, keys)
            op = f'CASE WHEN EXISTS (SELECT 1 FROM "{t.name}" WHERE {keys}) THEN \'update\' ELSE \'insert\' END'
            detail = diff_call(t.name, op, cols, old_of, new_c)
            triggers[f"audit_{t.name}_insert"] = (
                f'CREATE TRIGGER audit_{t.name}_insert BEFORE INSERT ON "{t.name}" BEGIN '
                f"{body('insert', 'new', detail)}; END")
        else:
            detail = diff_call(t.name, "'insert'", cols, "NULL", new_c)
            triggers[f"audit_{t.name}_insert"] = (
                f'CREATE TRIGGER audit_{t.name}_insert AFTER INSERT ON "{t.name}" BEGIN '
                f"{body('insert', 'new', detail)}; END")
        detail = diff_call(t.name, "'update'", cols, old_c, new_c)
        triggers[f"audit_{t.name}_update"] = (
            f'CREATE TRIGGER audit_{t.name}_update AFTER UPDATE ON "{t.name}" BEGIN '
            f"{body('update', 'new', detail)}; END")
        detail = diff_call(t.name, "'delete'", cols, old_c, "NULL")
        triggers[f"audit_{t.name}_delete"] = (
            f'CREATE TRIGGER audit_{t.name}_delete AFTER DELETE ON "{t.name}" BEGIN '
            f"{body('delete', 'old', detail)}; END")

    code = '(SELECT COALESCE(code, uuid) FROM dossier WHERE id = new.dossier_id)'
    action = "CASE WHEN new.sync_state = 'remote' THEN 'sync_pull' WHEN new.kind = 'print' AND " \
             "json_extract(new.data, '$.reprint') THEN 'reprint' ELSE new.kind END"
    triggers["audit_event_insert"] = (
        'CREATE TRIGGER audit_event_insert AFTER INSERT ON "event" BEGIN '
        + append_sql(action, f"COALESCE({code}, new.kind)",
                     f"audit_event(new.uuid, new.kind, new.at, new.actor, new.data, {code})") + "; END")
    ev_cols = ", ".join(EVENT_IMMUTABLE)
    triggers["audit_event_update"] = (
        f'CREATE TRIGGER audit_event_update AFTER UPDATE OF {ev_cols} ON "event" BEGIN '
        + append_sql(_label("event", "update"), "new.uuid",
                     diff_call("event", "'update'", list(EVENT_IMMUTABLE), 'old."{c}"', 'new."{c}"')) + "; END")
    triggers["audit_event_delete"] = (
        'CREATE TRIGGER audit_event_delete AFTER DELETE ON "event" BEGIN '
        + append_sql(_label("event", "delete"), "old.uuid",
                     diff_call("event", "'delete'", list(EVENT_IMMUTABLE), 'old."{c}"', "NULL")) + "; END")
    for name, verb in zip(GUARDS, ("UPDATE", "DELETE")):
        triggers[name] = (f"CREATE TRIGGER {name} BEFORE {verb} ON audit BEGIN "
                          "SELECT RAISE(ABORT, 'Nhật ký kiểm tra chỉ được ghi thêm, không được sửa hay xóa.'); END")
    return triggers


def _key_columns(db, table: str) -> list[str]:
    return [row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall() if row[5]]


def installed_triggers(db) -> dict[str, str]:
    return dict(db.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                               "AND name LIKE 'audit\\_%' ESCAPE '\\'").fetchall())


def ensure_triggers(db) -> None:
    """Create the triggers the current schema needs. A trigger found missing or altered on a file
    that already has a trail is restored and the restoration is itself an audit entry."""
    expected = expected_triggers(db)
    present = installed_triggers(db)
    if present == expected:
        return
    with db.atomic():
        first = not present and not db.execute_sql(
            "SELECT 1 FROM audit WHERE action = 'audit_triggers_installed' LIMIT 1").fetchone()
        missing = sorted(set(expected) - set(present))
        altered = sorted(n for n in expected if n in present and present[n] != expected[n])
        for name in set(present) | set(expected):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
        for sql in expected.values():
            db.execute_sql(sql)
        if first:
            append(db, "audit_triggers_installed", "audit", {"before": None, "after": {"triggers": len(expected)}})
        else:
            # a new column (a migration) changes a trigger; a missing one was removed by hand
            append(db, "audit_triggers_restored", "audit",
                   {"before": None, "after": {"missing": missing, "changed": altered}})


# ---- verification -----------------------------------------------------------------------------

@dataclass
class Verdict:
    entries: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    broken_seq: int | None = None
    reason: str = ""
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_seq is None and not self.reason

    def to_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "head": {"seq": self.head_seq, "hash": self.head_hash},
                "first_broken": None if self.ok else {"seq": self.broken_seq, "reason": self.reason},
                "warnings": self.warnings}


def verify(db) -> Verdict:
    v = Verdict()
    prev_seq, prev_hash = 0, None
    rows = db.execute_sql("SELECT seq, at, desk, actor, action, target, detail, prev_hash, hash "
                          "FROM audit ORDER BY seq")
    for seq, at, desk, actor, action, target, detail, stored_prev, stored_hash in rows:
        v.entries += 1
        if v.broken_seq is None:
            problem = None
            if seq != prev_seq + 1:
                problem = f"thiếu mục {prev_seq + 1}–{seq - 1} (đã bị xóa)" if seq > prev_seq + 1 \
                    else "thứ tự các mục bị đảo"
            elif stored_prev != prev_hash:
                problem = "không nối với mục trước (mục trước đã bị sửa, xóa hoặc đảo)"
            else:
                try:
                    good = entry_hash(seq, at, desk, actor, action, target, detail, stored_prev) == stored_hash
                except (TypeError, ValueError):
                    good = False
                if not good:
                    problem = "nội dung đã bị sửa sau khi ghi"
            if problem:
                v.broken_seq, v.reason = seq, problem
        prev_seq, prev_hash = seq, stored_hash
        v.head_seq, v.head_hash = seq, stored_hash
    if v.broken_seq is None:
        row = db.execute_sql("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        if row and row[0] > prev_seq:
            v.broken_seq, v.reason = prev_seq + 1, f"các mục từ {prev_seq + 1} đến {row[0]} đã bị xóa"
    if v.broken_seq is None:
        _check_events(db, v)
    present, expected = installed_triggers(db), expected_triggers(db)
    gone = sorted(n for n in expected if present.get(n) != expected[n])
    if gone:
        v.warnings.append("Cơ chế ghi nhật ký đã bị gỡ hoặc sửa: " + ", ".join(gone))
        if v.broken_seq is None and not v.reason:
            v.reason = "cơ chế ghi nhật ký đã bị gỡ hoặc sửa (" + ", ".join(gone) + ")"
    restored = db.execute_sql("SELECT seq, detail FROM audit WHERE action = 'audit_triggers_restored' "
                              "ORDER BY seq").fetchall()
    for seq, detail in restored:
        if (json.loads(detail).get("after") or {}).get("missing"):
            v.warnings.append(f"Mục {seq}: cơ chế ghi nhật ký đã bị gỡ và được khôi phục khi mở tệp.")
    return v


def _check_events(db, v: Verdict) -> None:
    """Each event written since the trail began must match what its audit row remembers."""
    remembered = dict(db.execute_sql(
        "SELECT json_extract(detail, '$.event'), json_extract(detail, '$.digest') FROM audit "
        "WHERE json_extract(detail, '$.event') IS NOT NULL").fetchall())
    start = db.execute_sql("SELECT json_extract(detail, '$.after.events_before') FROM audit "
                           "WHERE action = 'audit_started' ORDER BY seq LIMIT 1").fetchone()
    first_seq = (start[0] or 0) if start else 0
    for seq, uuid, kind, at, actor, data in db.execute_sql(
            'SELECT seq, uuid, kind, at, actor, data FROM "event" WHERE seq > ? ORDER BY seq', (first_seq,)):
        digest = remembered.get(uuid)
        if digest is None:
            v.reason = f"sự kiện {seq} ({kind}) không có trong nhật ký (được ghi ngoài ứng dụng)"
        elif digest != event_digest(uuid, kind, at, actor, data):
            v.reason = f"sự kiện {seq} ({kind}) đã bị sửa sau khi ghi"
        else:
            continue
        v.broken_seq = None
        v.warnings.append(v.reason)
        return
