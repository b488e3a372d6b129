"""Prefix indexes for the search box. Results come as the clerk types: 'ng', 'ngu' … 'nguyen' are
prefix queries, and without a prefix index FTS5 merges every matching term's full doclist (60 ms for
"ng"* on a million dossiers). With 2–6 character prefixes indexed each query is one term read lazily,
newest first (< 3 ms). The triggers of 0002 keep feeding the table by name."""


def up(migrator, db):
    db.execute_sql("DROP TABLE dossier_search")
    db.execute_sql(
        "CREATE VIRTUAL TABLE dossier_search USING fts5("
        "name_folded, code, id_number, phone, content='dossier', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6')")
    db.execute_sql("INSERT INTO dossier_search(dossier_search) VALUES ('rebuild')")
