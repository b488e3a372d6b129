"""Column types of the district database; plain text so SQLite and PostgreSQL store the same."""

import json
from datetime import datetime

from peewee import TextField

from commune_desk.rules.office_calendar import TZ


class InstantField(TextField):
    """An aware instant as ISO 8601 in Asia/Ho_Chi_Minh: text order is time order."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(TZ).isoformat(timespec="microseconds")

    def python_value(self, value):
        return None if value is None else datetime.fromisoformat(value)


class JSONField(TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def python_value(self, value):
        return None if value is None else json.loads(value)
