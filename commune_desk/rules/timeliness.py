"""Trước hạn / đúng hạn / quá hạn for resolved dossiers, trong hạn / quá hạn for open ones."""

from datetime import datetime
from enum import Enum

from commune_desk.rules.office_calendar import local


class Timeliness(str, Enum):
    EARLY = "truoc_han"
    ON_TIME = "dung_han"
    LATE = "qua_han"
    WITHIN = "trong_han"

    @property
    def label(self) -> str:
        return {"truoc_han": "Trước hạn", "dung_han": "Đúng hạn", "qua_han": "Quá hạn",
                "trong_han": "Trong hạn"}[self.value]


def judge(due_at: datetime, finished_at: datetime | None = None,
          now: datetime | None = None) -> Timeliness:
    if finished_at is not None:
        finished, due = local(finished_at), local(due_at)
        if finished > due:
            return Timeliness.LATE
        return Timeliness.ON_TIME if finished.date() == due.date() else Timeliness.EARLY
    if now is None:
        raise ValueError("an open dossier is judged at an instant")
    return Timeliness.LATE if now > due_at else Timeliness.WITHIN
