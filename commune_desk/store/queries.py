"""Reads the counter needs all day: the search box, the workqueues, the tracking book."""

import re
from datetime import date, datetime, timedelta

from commune_desk.rules.identity import number_query
from commune_desk.rules.office_calendar import TZ
from commune_desk.rules.lifecycle import CLOCK_RUNS, URGENCIES, urgency, urgency_window
from commune_desk.rules.statuses import Status
from commune_desk.rules.text import fold, nfc
from commune_desk.store.models import Dossier, Procedure

_CODE_LIKE = re.compile(r"^[0-9A-Z.\-]+$")
_TOKEN = re.compile(r"[0-9a-z]+")

QUEUES = {
    "new": ("Mới tiếp nhận", [Status.ACCEPTED]),
    "processing": ("Đang xử lý", [Status.PROCESSING]),
    "supplement": ("Chờ bổ sung", [Status.SUPPLEMENT]),
    "financial": ("Chờ nghĩa vụ tài chính", [Status.FINANCIAL]),
    "resolved": ("Đã xử lý, chờ trả", [Status.RESOLVED]),
    "closed": ("Dừng / rút", [Status.STOPPED, Status.WITHDRAWN]),
    "overdue": ("Quá hạn", None),
    "due_today": ("Đến hạn hôm nay", None),
    "due_tomorrow": ("Đến hạn ngày mai", None),
}



class Queries:
    def find(self, query: str, limit: int = 20) -> list[Dossier]:
        """Code (full or partial), name without accents (đ → d), ID number or phone; newest first."""
        text = nfc(query).strip()
        if not text:
            return []
        exact = self.by_code(text)
        if exact is not None:
            return [exact]
        text = number_query(text) or text         # «0912 345 678» finds the phone saved as 0912345678
        tokens = _TOKEN.findall(fold(text))
        if not tokens:
            return []
        # Each token is a prefix of a word in name, code, ID or phone. Whole words first: FTS5 walks
        # the doclists of plain terms lazily, newest first, while a prefix term is merged in full (34 ms
        # for "nguyen"* AND "van"* on a million dossiers against 4 ms for "nguyen" AND "van"*). Only
        # when whole earlier words cannot fill the page is every word taken as a prefix.
        want = limit * 3                 # refused / incomplete visits are indexed too but have no code
        ids = self._match(" AND ".join([f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"*']), want)
        if len(ids) < want and len(tokens) > 1:
            seen = set(ids)
            more = self._match(" AND ".join(f'"{t}"*' for t in tokens), want)
            ids = sorted(seen.union(more), reverse=True)[:want]
        if not ids:
            return []
        return list(Dossier.select().where(Dossier.code.is_null(False), Dossier.id.in_(ids))
                    .order_by(Dossier.id.desc()).limit(limit))

    def _match(self, match: str, limit: int) -> list[int]:
        return [r[0] for r in self.db.execute_sql(
            "SELECT rowid FROM dossier_search WHERE dossier_search MATCH ? ORDER BY rowid DESC LIMIT ?",
            (match, limit))]

    def by_code(self, code: str) -> Dossier | None:
        """The scanner's lookup: one indexed row, kept under 2 ms on a million dossiers."""
        return Dossier.get_or_none(Dossier.code == nfc(code).strip().upper())

    def urgency(self, d: Dossier, now: datetime | None = None) -> str | None:
        """'overdue', 'due_today' or 'due_tomorrow' exactly as the workqueues count the dossier."""
        if d.code is None:
            return None
        return urgency(Status(d.status), d.due_at, self.calendar(), now or self.now())

    def _queue_query(self, name: str, now: datetime, field: str | None = None,
                     procedure_id: str | None = None):
        label, statuses = QUEUES[name]
        q = Dossier.select().where(Dossier.code.is_null(False))
        if statuses is not None:
            q = q.where(Dossier.status.in_([int(s) for s in statuses]))
        else:
            start, until = urgency_window(name, self.calendar(), now)
            q = q.where(Dossier.status.in_([int(s) for s in CLOCK_RUNS]), Dossier.due_at < until)
            if start is not None:
                q = q.where(Dossier.due_at >= start)
        if procedure_id:
            q = q.where(Dossier.procedure == procedure_id)
        if field:
            q = q.join(Procedure).where(Procedure.field == field)
        return q

    def queue(self, name: str, now: datetime | None = None, field: str | None = None,
              procedure_id: str | None = None) -> list[Dossier]:
        q = self._queue_query(name, now or self.now(), field, procedure_id)
        return list(q.order_by(Dossier.due_at, Dossier.id))

    def urgency_counts(self, now: datetime | None = None) -> dict:
        now = now or self.now()
        return {name: self._queue_query(name, now).count() for name in URGENCIES}

    def queue_counts(self, now: datetime | None = None, field: str | None = None,
                     procedure_id: str | None = None) -> dict:
        now = now or self.now()
        return {name: self._queue_query(name, now, field, procedure_id).count() for name in QUEUES}

    def book_rows(self, date_from: date, date_to: date) -> list[tuple[int, Dossier]]:
        """Form 07: accepted dossiers in the period, numbered continuously within each year."""
        q = (Dossier.select().where(Dossier.code.is_null(False),
                                    Dossier.received_at >= _day_start(date(date_from.year, 1, 1)),
                                    Dossier.received_at < _day_start(date_to + timedelta(days=1)))
             .order_by(Dossier.received_at, Dossier.id))
        out, year, number = [], None, 0
        for d in q:
            if d.received_at.year != year:
                year, number = d.received_at.year, 0
            number += 1
            if d.received_at.date() >= date_from:
                out.append((number, d))
        return out

    def report(self, date_from: date, date_to: date, now: datetime | None = None, by: str | None = None):
        """The published figures for a period, counted in SQL (commune_desk.store.figures); with
        `by` (field, procedure, channel, clerk) a list of (key, label, Report), one per group."""
        from commune_desk.store.figures import desk_report
        return desk_report(self.db, date_from, date_to, now or self.now(), by)


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ)
