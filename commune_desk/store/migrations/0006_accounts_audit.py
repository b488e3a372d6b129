"""Desk accounts and the append-only audit trail (its triggers are made by store.audit on open)."""
import json
from datetime import datetime, timezone

from commune_desk.store.audit import dumps, entry_hash


def up(migrator, db):
    db.execute_sql(
        'CREATE TABLE "account" ('
        '"id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(40) NOT NULL UNIQUE, '
        '"full_name" TEXT NOT NULL DEFAULT \'\', "role" VARCHAR(20) NOT NULL, "password_hash" TEXT NOT NULL, '
        '"disabled" INTEGER NOT NULL DEFAULT 0, "failures" INTEGER NOT NULL DEFAULT 0, '
        '"locked_until" VARCHAR(40), "last_sign_in_at" VARCHAR(40), "created_at" VARCHAR(40) NOT NULL)')
    db.execute_sql(
        'CREATE TABLE "audit" ('
        '"seq" INTEGER PRIMARY KEY AUTOINCREMENT, "at" TEXT NOT NULL, "desk" INTEGER, '
        '"actor" TEXT NOT NULL DEFAULT \'\', "action" TEXT NOT NULL, "target" TEXT, '
        '"detail" TEXT NOT NULL, "prev_hash" TEXT, "hash" TEXT NOT NULL)')
    db.execute_sql('CREATE INDEX "audit_target" ON "audit" ("target")')
    # the first link: what the file held before there was a trail
    events = db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "event"').fetchone()[0]
    dossiers = db.execute_sql('SELECT count(*) FROM "dossier"').fetchone()[0]
    office = db.execute_sql('SELECT value FROM "setting" WHERE key = \'office\'').fetchone()
    desk = json.loads(office[0]).get("desk") if office else None
    at = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    detail = dumps({"before": None, "after": {"events_before": events, "dossiers": dossiers}})
    digest = entry_hash(1, at, desk, "", "audit_started", "audit", detail, None)
    db.execute_sql('INSERT INTO "audit" (seq, at, desk, actor, action, target, detail, prev_hash, hash) '
                   "VALUES (1, ?, ?, '', 'audit_started', 'audit', ?, NULL, ?)", (at, desk, detail, digest))
