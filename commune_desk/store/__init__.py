"""The durable store: one SQLite file per desk, written only through commune_desk.store.desk."""
