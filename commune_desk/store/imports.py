"""Importing past dossiers (commune_desk.rules.past_dossiers): all rows or none, in one
transaction, each with its intake event so it syncs upstream like any other. Mixed into Desk."""

from commune_desk.rules import codes
from commune_desk.rules.deadline import compute_due
from commune_desk.rules.past_dossiers import check_header, parse_rows
from commune_desk.rules.text import fold
from commune_desk.store.models import CodeCounter, Dossier, Procedure


class Imports:
    def import_dossiers(self, header: list[str], rows: list[tuple[int, dict]]) -> dict:
        """{"imported": N, "skipped": M}: rows whose MaHoSo is already on the desk are skipped,
        so importing the same file again changes nothing."""
        cfg = self.require_config()
        check_header(header)
        now = self.now()
        procs = {}
        for p in Procedure.select():
            procs[p.id.upper()] = p
            if p.national_code:
                procs.setdefault(p.national_code.upper(), p)
        items = parse_rows(rows, agency_code=cfg.agency_code, now=now,
                           procedure_of=lambda key: procs[key.upper()].id if key.upper() in procs else None)
        calendar = self.calendar()
        imported = skipped = 0
        first, last = codes.sequence_block(cfg.desk)
        with self.db.atomic():
            have = {c for (c,) in self.db.execute_sql("SELECT code FROM dossier WHERE code IS NOT NULL")}
            used: dict = {}
            for item in items:
                if item.code in have:
                    skipped += 1
                    continue
                proc = procs[item.procedure_id]
                deadline = compute_due(calendar, item.received_at, proc.days)
                due = item.due_at or deadline.due_at
                d = Dossier(code=item.code, outcome="accepted", procedure=proc, procedure_name=proc.name,
                            procedure_days=proc.days, field=proc.field, agency_code=cfg.agency_code, desk=cfg.desk,
                            applicant_name=item.applicant_name, name_folded=fold(item.applicant_name),
                            id_number=item.id_number, phone=item.phone, channel=item.channel,
                            return_by="post" if item.by_post else "counter", documents=[], fee=proc.fee,
                            status=item.status, received_at=item.received_at, starts_at=deadline.starts_at,
                            due_at=due, original_due_at=due, resolved_at=item.resolved_at,
                            returned_at=item.returned_at, imported=True, created_at=now, updated_at=now)
                self._insert_dossier(d, outcome="accepted", imported=True)
                parsed = codes.parse_code(item.code)
                if first <= parsed.seq <= last:
                    used[parsed.day] = max(used.get(parsed.day, 0), parsed.seq)
                imported += 1
            # a day whose counter already ran on from an imported number must not issue it again
            for day, seq in used.items():
                (CodeCounter.update(last_seq=seq)
                 .where(CodeCounter.day == day, CodeCounter.last_seq < seq).execute())
        return {"imported": imported, "skipped": skipped}
