"""Attachments: scanned or picked files of a dossier's checklist documents (issue 15)."""


def up(migrator, db):
    db.execute_sql(
        'CREATE TABLE "attachment" ('
        '"id" INTEGER NOT NULL PRIMARY KEY, '
        '"dossier_id" INTEGER NOT NULL REFERENCES "dossier" ("id"), '
        '"document" INTEGER, '
        '"sha256" VARCHAR(255) NOT NULL, '
        '"size" INTEGER NOT NULL, '
        '"pages" INTEGER NOT NULL DEFAULT 1, '
        '"name" TEXT NOT NULL DEFAULT \'\', '
        '"source" VARCHAR(255) NOT NULL DEFAULT \'file\', '
        '"added_at" TEXT NOT NULL, '
        '"sync_state" VARCHAR(255) NOT NULL DEFAULT \'pending\', '
        '"sync_note" TEXT NOT NULL DEFAULT \'\', '
        '"sent_at" TEXT)')
    db.execute_sql('CREATE INDEX "attachment_dossier_id" ON "attachment" ("dossier_id")')
    db.execute_sql('CREATE INDEX "attachment_sha256" ON "attachment" ("sha256")')
    db.execute_sql('CREATE INDEX "attachment_sync_state" ON "attachment" ("sync_state", "size")')
    db.execute_sql('CREATE UNIQUE INDEX "attachment_dossier_document_sha256" '
                   'ON "attachment" ("dossier_id", COALESCE("document", 0), "sha256")')
