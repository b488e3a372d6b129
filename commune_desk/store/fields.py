"""Column types shared by the models and the frozen migrations."""

import json
from datetime import date, datetime

from peewee import TextField

from commune_desk.rules.office_calendar import TZ


class InstantField(TextField):
    """An aware instant stored as ISO 8601 in Asia/Ho_Chi_Minh, so text order is time order."""
    timespec = "seconds"

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(TZ).isoformat(timespec=self.timespec)

    def python_value(self, value):
        return None if value is None else datetime.fromisoformat(value)


class DayField(TextField):
    def db_value(self, value):
        return None if value is None else (value if isinstance(value, str) else value.isoformat())

    def python_value(self, value):
        return None if value is None else date.fromisoformat(value)


class JSONField(TextField):
    dump_options = {"sort_keys": True}

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, **self.dump_options)

    def python_value(self, value):
        return None if value is None else json.loads(value)
