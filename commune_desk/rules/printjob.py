"""Whether a job the spooler accepted has come out of the printer: what counts as printed, as still
on its way, and as stuck, from one look at the spooler (CUPS or Windows, said in CUPS's words), and
the sentence the clerk reads about it. A slip is a promise to the citizen: a job that is stuck is
said at once, one still pending at the deadline is said then.

No I/O here: printing.py and winprint.py take the looks, the window and `print --wait` ask."""

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class JobLook:
    """One look at the spooler about one job.

    `reasons` are IPP printer-state-reasons as CUPS spells them ("media-empty-error", "paused",
    "offline-report"); Windows status bits are translated into the same words."""
    seen: bool = True               # the spooler answered
    known: bool = True              # the printer still exists
    pending: bool = True            # the job is still in the queue
    enabled: bool = True            # the queue is not stopped / paused
    reasons: tuple[str, ...] = ()


class Outcome(Enum):
    COMPLETED = "completed"
    WAITING = "waiting"             # still on its way: look again
    FAILED = "failed"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str = ""                # a stable key for scripts: "media-empty", "paused", "timeout", …
    text: str = ""                  # the Vietnamese reason, completing «… chưa in xong: <text>»

    @property
    def completed(self) -> bool:
        return self.outcome is Outcome.COMPLETED

    @property
    def final(self) -> bool:
        return self.outcome is not Outcome.WAITING


# reason key -> (what the printer reports, in IPP's words without the -error/-warning/-report
# suffix), and the sentence; first match wins, so the most specific come first
REASONS = (
    ("media-jam", ("media-jam",), "máy in báo kẹt giấy"),
    ("media-empty", ("media-empty", "media-needed", "input-tray-missing"), "máy in báo hết giấy"),
    ("door-open", ("door-open", "cover-open", "interlock-open"), "máy in đang mở nắp"),
    ("toner-empty", ("toner-empty", "marker-supply-empty", "marker-waste-full"), "máy in báo hết mực"),
    ("offline", ("offline", "shutdown", "timed-out"), "máy in đang tắt hoặc mất kết nối"),
    ("paused", ("paused", "stopped", "moving-to-paused"), "hàng đợi in đang tạm dừng"),
)
TEXTS = {key: text for key, _, text in REASONS} | {
    "error": "máy in đang báo lỗi",
    "gone": "máy in không còn trong hệ thống",
    "spooler": "không hỏi được dịch vụ in của máy tính",
    "timeout": "máy in không phản hồi",
    "untracked": "máy tính không theo dõi được lệnh in này",
}
# reasons that say the printer cannot go on without a person, even without an -error suffix
BLOCKING = frozenset({"media-jam", "media-empty", "door-open", "toner-empty", "offline", "paused"})


def _bare(reason: str) -> str:
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


def reason_of(reasons: tuple[str, ...], enabled: bool = True) -> str:
    """The key of the first reason the clerk can act on; "paused" for a stopped queue that gives
    none; "" when nothing is wrong."""
    bare = {_bare(r) for r in reasons}
    for key, words, _ in REASONS:
        if bare & set(words):
            return key
    if not enabled:
        return "paused"
    if any(r.endswith("-error") for r in reasons):
        return "error"
    return ""


def judge(look: JobLook, overdue: bool) -> Verdict:
    """Printed, on its way, or stuck. `overdue`: the deadline for the job has passed.

    A job gone from the queue is printed (CUPS's lpstat cannot tell a job a person cancelled from
    one that printed). A pending job on a stopped queue or a printer reporting it needs a person is
    stuck at once; any other pending job is stuck once overdue, said with the printer's reason
    when it gives one."""
    if not look.seen:
        return _failed("spooler") if overdue else Verdict(Outcome.WAITING)
    if not look.known:
        return _failed("gone")
    if not look.pending:
        return Verdict(Outcome.COMPLETED)
    reason = reason_of(look.reasons, look.enabled)
    blocked = (not look.enabled or reason in BLOCKING
               or any(r.endswith("-error") for r in look.reasons))
    if blocked:
        return _failed(reason or "error")
    if overdue:
        return _failed(reason or "timeout")
    return Verdict(Outcome.WAITING)


def _failed(reason: str) -> Verdict:
    return Verdict(Outcome.FAILED, reason, TEXTS[reason])


def untracked() -> Verdict:
    """A job handed to a PDF viewer (Windows without the print API): nobody can tell."""
    return _failed("untracked")


# ---- what the clerk reads ------------------------------------------------------------------------

FORM_NAMES = {
    "01": "Phiếu hẹn", "02": "Phiếu yêu cầu bổ sung", "03": "Phiếu từ chối tiếp nhận",
    "04": "Văn bản xin lỗi và hẹn lại", "05": "Thông báo dừng giải quyết", "06": "Phiếu kiểm soát",
}


def form_name(form: str) -> str:
    return FORM_NAMES.get(form, f"Mẫu {form}")


def not_printed_text(code: str, form: str, verdict: Verdict) -> str:
    """«Phiếu hẹn của hồ sơ … chưa in xong: máy in báo hết giấy. Kiểm tra máy in rồi bấm In lại.»"""
    return (f"{form_name(form)} của hồ sơ {code} chưa in xong: {verdict.text}. "
            "Kiểm tra máy in rồi bấm In lại.")


def not_printed_short(form: str, verdict: Verdict) -> str:
    """The status bar's share of it (the notice above says the rest)."""
    return f"{form_name(form)} chưa in xong: {verdict.text}"


def printed_late_text(code: str, form: str) -> str:
    return f"{form_name(form)} của hồ sơ {code} đã in xong (sau khi máy in được xử lý)."
