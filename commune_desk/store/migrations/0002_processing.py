"""Processing and handover columns; a folded full-text index for the search box."""
from peewee import BooleanField, IntegerField, TextField

from commune_desk.store.fields import InstantField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("dossier", "assignee", TextField(default="")),
        migrator.add_column("dossier", "clock_stopped_at", InstantField(null=True)),
        migrator.add_column("dossier", "supplement_rounds", IntegerField(default=0)),
        migrator.add_column("dossier", "extension_reason", TextField(default="")),
        migrator.add_column("dossier", "recipient_name", TextField(default="")),
        migrator.add_column("dossier", "recipient_id_number", TextField(default="")),
        migrator.add_column("dossier", "proxy", BooleanField(default=False)),
        migrator.add_column("dossier", "proxy_paper", TextField(default="")),
        migrator.add_column("dossier", "post_tracking", TextField(default="")),
        migrator.add_column("dossier", "fee_paid", IntegerField(default=0)),
        migrator.add_column("dossier", "fee_receipt", TextField(default="")),
        migrator.add_column("dossier", "rating", TextField(default="")),
    )
    # External-content FTS5 over folded text: 'dat' finds Đạt, partial codes match by their parts.
    db.execute_sql(
        "CREATE VIRTUAL TABLE dossier_search USING fts5("
        "name_folded, code, id_number, phone, content='dossier', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')")
    db.execute_sql("CREATE TRIGGER dossier_search_ai AFTER INSERT ON dossier BEGIN "
                   "INSERT INTO dossier_search(rowid, name_folded, code, id_number, phone) "
                   "VALUES (new.id, new.name_folded, new.code, new.id_number, new.phone); END")
    db.execute_sql("CREATE TRIGGER dossier_search_ad AFTER DELETE ON dossier BEGIN "
                   "INSERT INTO dossier_search(dossier_search, rowid, name_folded, code, id_number, phone) "
                   "VALUES ('delete', old.id, old.name_folded, old.code, old.id_number, old.phone); END")
    db.execute_sql("CREATE TRIGGER dossier_search_au AFTER UPDATE OF name_folded, code, id_number, phone "
                   "ON dossier BEGIN "
                   "INSERT INTO dossier_search(dossier_search, rowid, name_folded, code, id_number, phone) "
                   "VALUES ('delete', old.id, old.name_folded, old.code, old.id_number, old.phone); "
                   "INSERT INTO dossier_search(rowid, name_folded, code, id_number, phone) "
                   "VALUES (new.id, new.name_folded, new.code, new.id_number, new.phone); END")
    db.execute_sql("INSERT INTO dossier_search(dossier_search) VALUES ('rebuild')")
