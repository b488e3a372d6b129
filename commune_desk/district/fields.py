"""Column types of the district database; plain text so SQLite and PostgreSQL store the same.
The desk's types, with the precision a server that orders many desks' changes needs."""

from commune_desk.store import fields


class InstantField(fields.InstantField):
    """An aware instant as ISO 8601 in Asia/Ho_Chi_Minh: text order is time order."""
    timespec = "microseconds"


class JSONField(fields.JSONField):
    dump_options = {"separators": (",", ":")}
