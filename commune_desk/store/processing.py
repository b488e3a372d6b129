"""Writes after intake: hand-offs, status moves, the clock stop, the once-only extension, handover.
Mixed into Desk; every method commits its change and its Event in one transaction."""

from datetime import datetime

from commune_desk.errors import InvalidInput, NotAllowed
from commune_desk.rules.bounds import check_money
from commune_desk.rules.deadline import check_extension
from commune_desk.rules.identity import parse_id_number
from commune_desk.rules.lifecycle import (PROMISE_FORMS, check_extendable, check_handoff, check_handover,
                                          clock_on_move)
from commune_desk.rules.office_calendar import local
from commune_desk.rules.statuses import Status, check_transition, parse_status
from commune_desk.rules.text import clean
from commune_desk.rules.timeliness import Timeliness, judge
from commune_desk.store.models import Dossier

RATINGS = {"rat-hai-long": "Rất hài lòng", "hai-long": "Hài lòng", "khong-hai-long": "Không hài lòng"}


def step_timeliness(d: Dossier, at: datetime) -> Timeliness | None:
    if d.due_at is None:
        return None
    return judge(d.due_at, finished_at=at)


def handover_timeliness(d: Dossier) -> Timeliness:
    """Judged on when processing finished (status 9), as the national figures count it."""
    return judge(d.due_at, finished_at=d.resolved_at or d.returned_at)


class Processing:
    def _coded(self, key: str) -> Dossier:
        d = self.dossier(key)
        if d.code is None:
            raise NotAllowed("Lượt tiếp nhận này không được cấp mã hồ sơ (đã yêu cầu bổ sung hoặc từ chối).")
        return d

    def _touch(self, d: Dossier, now: datetime) -> None:
        d.updated_at = now
        d.save()

    def handoff(self, key: str, to_party: str, note: str = "") -> Dossier:
        """Pass the dossier to another person or unit: one row of the control sheet (form 06)."""
        self.require("handoff")
        to_party = clean(to_party, label="Người/đơn vị nhận", max_len=200, required=True, field="assignee")
        note = clean(note, label="Ghi chú", max_len=1000, multiline=True, field="note")
        now = self.now()
        with self.db.atomic():
            d = self._coded(key)
            check_handoff(Status(d.status))
            from_party = d.assignee or f"Bộ phận một cửa — {d.clerk or self.require_config().clerk_name}"
            if Status(d.status) == Status.ACCEPTED:
                d.status = Status.PROCESSING
            d.assignee = to_party
            self._touch(d, now)
            result = step_timeliness(d, now)
            self._event("handoff", d, from_party=from_party, to_party=to_party, note=note,
                        result=result.value if result else None)
        return d

    def advance(self, key: str, to, note: str = "", assignee: str = "",
                missing: list | None = None) -> Dossier:
        self.require("process")
        target = parse_status(to)
        if target == Status.RETURNED:
            raise NotAllowed("Trả kết quả cho công dân bằng lệnh handover (màn hình Trả kết quả).")
        note = clean(note, label="Ghi chú", max_len=1000, multiline=True, field="note")
        assignee = clean(assignee, label="Người xử lý", max_len=200, field="assignee")
        now = self.now()
        with self.db.atomic():
            d = self._coded(key)
            current = Status(d.status)
            check_transition(current, target)
            if target in (Status.STOPPED, Status.WITHDRAWN) and not note:
                raise InvalidInput("Hãy ghi lý do dừng xử lý hoặc rút hồ sơ vào ô ghi chú.", "note")
            if target == Status.SUPPLEMENT:
                items = [{"name": clean(m.get("name"), label="Giấy tờ cần bổ sung", max_len=300, required=True),
                          "reason": clean(m.get("reason"), label="Lý do", max_len=300)} for m in (missing or [])]
                if not items and not note:
                    raise InvalidInput("Yêu cầu bổ sung phải nêu giấy tờ cần bổ sung hoặc lý do.", "note")
                d.missing = items or [{"name": note, "reason": ""}]
                d.supplement_rounds += 1
            for name, value in clock_on_move(current, target, self.calendar(), now, d.procedure_days).items():
                setattr(d, name, value)
            if target in (Status.STOPPED, Status.WITHDRAWN):
                d.reason = note
            if target == Status.RESOLVED:
                d.resolved_at = now
            previous_assignee = d.assignee
            if assignee:
                d.assignee = assignee
            d.status = target
            self._touch(d, now)
            result = step_timeliness(d, now) if target == Status.RESOLVED else None
            self._event("transition", d, from_status=int(current), to_status=int(target), note=note,
                        from_party=previous_assignee, to_party=d.assignee,
                        result=result.value if result else None)
        return d

    def extend(self, key: str, until: datetime, reason: str) -> Dossier:
        """Form 04: apologise and set a new appointment, once, before the due instant."""
        self.require("extend")
        reason = clean(reason, label="Lý do gia hạn", max_len=1000, required=True, multiline=True, field="reason")
        until = local(until)
        now = self.now()
        with self.db.atomic():
            d = self._coded(key)
            check_extendable(Status(d.status))
            check_extension(now=now, due_at=d.due_at, new_due_at=until, already_extended=d.extended,
                            calendar=self.calendar())
            old_due = d.due_at
            d.due_at, d.extended, d.extension_reason = until, True, reason
            self._touch(d, now)
            self._event("extension", d, old_due_at=old_due.isoformat(), new_due_at=until.isoformat(),
                        reason=reason)
        return d

    def handover(self, key: str, *, recipient: str = "", recipient_id: str = "", proxy_id: str = "",
                 proxy_paper: str = "", post_tracking: str = "", fee_paid: int | None = None,
                 fee_receipt: str = "", rating: str = "") -> Dossier:
        self.require("handover")
        now = self.now()
        recipient = clean(recipient, label="Người nhận kết quả", max_len=120, field="recipient")
        proxy_paper = clean(proxy_paper, label="Số giấy ủy quyền", max_len=100, field="proxy_paper")
        post_tracking = clean(post_tracking, label="Số hiệu bưu gửi", max_len=60, field="post_tracking")
        fee_receipt = clean(fee_receipt, label="Số biên lai", max_len=60, field="fee_receipt")
        if rating and rating not in RATINGS:
            raise InvalidInput("Đánh giá phải là: Rất hài lòng, Hài lòng hoặc Không hài lòng.", "rating")
        if fee_paid is not None and fee_paid < 0:
            raise InvalidInput("Số tiền phí, lệ phí không thể âm.", "fee_paid")
        check_money(fee_paid, "fee_paid", "Số tiền phí, lệ phí đã thu")
        with self.db.atomic():
            d = self._coded(key)
            check_handover(Status(d.status), d.code, d.returned_at)
            proxy = bool(proxy_id or proxy_paper)
            if post_tracking:
                d.recipient_name = recipient or d.applicant_name
                d.post_tracking = post_tracking
            elif d.return_by == "post" and not (recipient or proxy):
                raise InvalidInput("Hồ sơ đăng ký nhận qua bưu chính: nhập số hiệu bưu gửi, "
                                   "hoặc tên người đến nhận tại quầy.", "post_tracking")
            elif proxy:
                if not recipient:
                    raise InvalidInput("Người nhận thay: hãy nhập họ tên người được ủy quyền.", "recipient")
                pid = parse_id_number(proxy_id, today=now.date())
                if pid is None:
                    raise InvalidInput("Người nhận thay: hãy nhập số định danh/CCCD của người được ủy quyền.",
                                       "proxy_id")
                if not proxy_paper:
                    raise InvalidInput("Người nhận thay phải có giấy ủy quyền: hãy nhập số giấy ủy quyền.",
                                       "proxy_paper")
                d.recipient_name, d.recipient_id_number = recipient, pid.number
                d.proxy, d.proxy_paper = True, proxy_paper
            else:
                if recipient_id:
                    pid = parse_id_number(recipient_id, today=now.date())
                    if d.id_number and pid and pid.number != d.id_number:
                        raise NotAllowed("Số định danh không khớp với người nộp hồ sơ. Nếu nhận thay, "
                                         "hãy chọn «Người nhận thay» và nhập giấy ủy quyền.")
                    d.recipient_id_number = pid.number if pid else ""
                d.recipient_name = recipient or d.applicant_name
            d.fee_paid = d.fee if fee_paid is None else fee_paid
            d.fee_receipt, d.rating = fee_receipt, rating
            d.status, d.returned_at = Status.RETURNED, now
            self._touch(d, now)
            verdict = handover_timeliness(d)
            self._event("handover", d, recipient=d.recipient_name, proxy=d.proxy, post_tracking=d.post_tracking,
                        fee_paid=d.fee_paid, fee_receipt=fee_receipt, rating=rating, result=verdict.value)
        return d

    def log_print(self, key: str, form: str, paper: str, printer: str = "", job: str = "") -> bool:
        """«In mẫu 01» in the story: called only once the spooler has accepted the job. Every print
        is an audit entry, a second one of the same form a reprint. Returns reprint."""
        with self.db.atomic():
            d = self.dossier(key)
            target = d.code or d.uuid
            reprint = self.db.execute_sql(
                "SELECT 1 FROM audit WHERE target = ? AND action IN ('print', 'reprint') AND "
                "? IN (json_extract(detail, '$.data.form'), json_extract(detail, '$.after.form')) LIMIT 1",
                (target, form)).fetchone() is not None
            again = {"reprint": True} if reprint else {}
            if form in PROMISE_FORMS:             # promises to the citizen: events, synced
                self._event("print", d, form=form, paper=paper, printer=printer, job=job, **again)
            else:
                self.record("reprint" if reprint else "print", target, form=form, paper=paper, printer=printer,
                            job=job)
        return reprint

    def log_print_outcome(self, key: str, form: str, printer: str, job: str, completed: bool,
                          reason: str = "", text: str = "") -> None:
        """What came of a print the spooler accepted: not printed by its deadline (the printer's
        reason), or printed after all. A promise form's story shows it; every one is audited.
        Local to this desk: the print event already told the district there was a print."""
        with self.db.atomic():
            d = self.dossier(key)
            detail = dict(form=form, printer=printer, job=job, completed=completed, reason=reason, text=text)
            if form in PROMISE_FORMS:
                self._event("print_outcome", d, sync=False, **detail)
            else:
                self.record("print_outcome", d.code or d.uuid, **detail)

    def log_export(self, key: str, form: str, paper: str, path: str = "") -> None:
        """«Xuất PDF»: a form written to a file is not a paper handed to the citizen."""
        with self.db.atomic():
            d = self.dossier(key)
            self._event("export", d, sync=False, form=form, paper=paper, path=path)
