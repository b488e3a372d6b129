"""The figures one-stop offices publish for a period: which bucket a dossier falls in.

Pure: no I/O. The counting itself runs in SQL (commune_desk.store.figures, on the desk's SQLite
file and on the district's SQLite or PostgreSQL database); `build_report` here is the same rule
applied to dossier snapshots one by one, and the tests hold the two to agreement on generated data.

Definitions (DOMAIN.md, "Reports offices publish"):
- Only visits that got a dossier code (outcome accepted) count as received.
- carried_over: received before the period and not finished before it started.
- new: received inside the period, split by channel (1 trực tiếp, 2 trực tuyến, 3 BCCI; anything
  else counts as 1).
- resolved: finished inside the period (resolved_at, or returned_at when no resolved_at),
  judged trước hạn / đúng hạn / quá hạn against due_at (no due date: đúng hạn).
- open: received by the end of the period and not finished by then, judged trong hạn / quá hạn
  at the end of the period (or `now`, if earlier); a dossier waiting for a supplement is judged
  when its clock stopped (clock_stopped_at), or counts as within time if that is unknown.
- withdrawals (7, the citizen withdrew) and stops (8, processing stopped): neither resolved nor
  open; `withdrawn` is both together.
- supplement_requests: coded dossiers waiting for a supplement (status 5) plus incomplete
  visits (outcome supplement, form 02) in the period; refused: visits refused in the period.
- delivered_by_post: resolved in the period with the result sent by post (BCCI).
- extended: dossiers resolved in the period or open at its end whose due date was reset once by
  an apology-and-extension letter (form 04); they are judged against the new date, and counted
  here so the need for an extension still shows.
- ratings: citizens' ratings of the dossiers resolved in the period (Rất hài lòng 3, Hài lòng 2,
  Không hài lòng 1); rating_average on that 1–3 scale.
- on_time_rate: (trước hạn + đúng hạn) / resolved, in percent, two decimals; None when nothing
  was resolved.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from commune_desk.rules.office_calendar import TZ, local

WITHDRAWN = 7
STOPPED = 8
SUPPLEMENT = 5
CHANNELS = (1, 2, 3)
RATING_SCORES = {"rat-hai-long": 3, "hai-long": 2, "khong-hai-long": 1}

# What the SQL aggregate counts per group: one SUM each. The rest of the Report is derived.
COUNTS = ("carried_over", "new", "new_online", "new_post", "withdrawals", "stops", "live", "extended",
          "resolved", "resolved_early", "resolved_late", "by_post", "open_overdue", "open_supplement",
          "visit_supplement", "refused", "rated", "rating_points", "rated_3", "rated_2", "rated_1")

# The published table: (key of Report.to_dict(), Vietnamese line), in the order offices print it.
REPORT_LINES = [
    ("carried_over", "Kỳ trước chuyển sang"), ("new", "Tiếp nhận mới trong kỳ"),
    ("new_direct", "  – trực tiếp"), ("new_online", "  – trực tuyến"), ("new_post", "  – qua bưu chính công ích"),
    ("received", "Tổng số tiếp nhận"),
    ("resolved", "Đã giải quyết"), ("resolved_early", "  – trước hạn"), ("resolved_on_time", "  – đúng hạn"),
    ("resolved_late", "  – quá hạn"), ("open", "Đang giải quyết"), ("open_within", "  – trong hạn"),
    ("open_overdue", "  – quá hạn"), ("supplement_requests", "Yêu cầu bổ sung"), ("refused", "Từ chối tiếp nhận"),
    ("withdrawals", "Công dân rút hồ sơ"), ("stops", "Dừng xử lý"), ("delivered_by_post", "Trả kết quả qua bưu chính"),
    ("extended", "Phải xin lỗi, gia hạn (mẫu 04)"), ("ratings", "Lượt đánh giá của người dân"),
]
RATE_LABEL = "Tỷ lệ giải quyết đúng hạn"
RATING_LABEL = "Điểm hài lòng bình quân (thang 1–3)"

SPLITS = {"field": "Lĩnh vực", "procedure": "Thủ tục", "channel": "Hình thức nộp", "clerk": "Cán bộ tiếp nhận"}
CHANNEL_LABELS = {"1": "Trực tiếp", "2": "Trực tuyến", "3": "Bưu chính công ích"}


@dataclass
class OverdueItem:
    code: str
    procedure_name: str
    applicant_name: str
    received_at: str
    due_at: str
    overdue_days: int


@dataclass
class Report:
    period_from: str
    period_to: str
    at: str
    carried_over: int = 0
    new: int = 0
    new_by_channel: dict = field(default_factory=lambda: {str(c): 0 for c in CHANNELS})
    received: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    open: int = 0
    open_within: int = 0
    open_overdue: int = 0
    supplement_requests: int = 0
    refused: int = 0
    withdrawn: int = 0
    withdrawals: int = 0
    stops: int = 0
    delivered_by_post: int = 0
    extended: int = 0
    ratings: int = 0
    ratings_by_level: dict = field(default_factory=lambda: {k: 0 for k in RATING_SCORES})
    rating_average: float | None = None
    on_time_rate: float | None = None
    overdue: list = field(default_factory=list)

    def to_dict(self) -> dict:
        out = asdict(self)
        # the names issue 11 spells beside the ones scripts already read
        out["open_in_time"] = self.open_within
        out["new_direct"] = self.new_by_channel["1"]
        out["online"] = out["new_online"] = self.new_by_channel["2"]
        out["new_post"] = self.new_by_channel["3"]
        out["by_post"] = self.delivered_by_post
        return out


def _instant(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return local(value)
    return local(datetime.fromisoformat(value))


def period_bounds(period_from: date, period_to: date) -> tuple[datetime, datetime]:
    """[first instant of period_from, first instant after period_to) in office time."""
    if period_to < period_from:
        raise ValueError("period ends before it starts")
    start = datetime.combine(period_from, time(0, 0), TZ)
    end = datetime.combine(period_to + timedelta(days=1), time(0, 0), TZ)
    return start, end


def judged_at(period_to: date, now: datetime) -> datetime:
    """Open dossiers are judged at the end of the period, or now if that comes first."""
    return min(local(now), period_bounds(period_to, period_to)[1])


def finished_at(snap: dict) -> datetime | None:
    return _instant(snap.get("resolved_at")) or _instant(snap.get("returned_at"))


def channel_key(channel) -> str:
    return str(channel) if channel in (2, 3) else "1"


def buckets(snap: dict, start: datetime, end: datetime, at: datetime) -> list[str]:
    """The COUNTS one dossier snapshot adds to for the period [start, end), judged at `at`."""
    received = _instant(snap.get("received_at"))
    if received is None or received >= end:
        return []
    outcome = snap.get("outcome")
    if not snap.get("code") or outcome != "accepted":
        if received >= start and outcome in ("supplement", "refused"):
            return ["visit_supplement" if outcome == "supplement" else "refused"]
        return []
    done = finished_at(snap)
    if received < start:
        if done is not None and done < start:
            return []
        out = ["carried_over"]
    else:
        out = ["new"]
        channel = channel_key(snap.get("channel"))
        if channel != "1":
            out.append("new_online" if channel == "2" else "new_post")
    status = int(snap.get("status") or 0)
    if status in (WITHDRAWN, STOPPED):
        return out + ["withdrawals" if status == WITHDRAWN else "stops"]
    out.append("live")
    due = _instant(snap.get("due_at"))
    if snap.get("extended"):
        out.append("extended")
    if done is not None and done < end:
        out.append("resolved")
        if due is not None and done > due:
            out.append("resolved_late")
        elif due is not None and done.date() < due.date():
            out.append("resolved_early")
        if snap.get("return_by") == "post":
            out.append("by_post")
        score = RATING_SCORES.get(snap.get("rating") or "")
        if score:
            out += ["rated", f"rated_{score}"] + ["rating_points"] * score
        return out
    if status == SUPPLEMENT:
        out.append("open_supplement")
        # the clock stops while the citizen completes the dossier
        stopped = _instant(snap.get("clock_stopped_at"))
        judged = min(at, stopped) if stopped is not None else None
    else:
        judged = at
    if due is not None and judged is not None and judged > due:
        out.append("open_overdue")
    return out


def from_counts(counts: dict, period_from: date, period_to: date, at: datetime,
                overdue: list | None = None) -> Report:
    """The published figures from the COUNTS of one group (the SQL aggregate's row)."""
    c = {k: int(counts.get(k) or 0) for k in COUNTS}
    new_direct = c["new"] - c["new_online"] - c["new_post"]
    resolved = c["resolved"]
    report = Report(
        period_from=period_from.isoformat(), period_to=period_to.isoformat(), at=at.isoformat(timespec="seconds"),
        carried_over=c["carried_over"], new=c["new"],
        new_by_channel={"1": new_direct, "2": c["new_online"], "3": c["new_post"]},
        received=c["carried_over"] + c["new"], resolved=resolved, resolved_early=c["resolved_early"],
        resolved_on_time=resolved - c["resolved_early"] - c["resolved_late"], resolved_late=c["resolved_late"],
        open=c["live"] - resolved, open_overdue=c["open_overdue"],
        open_within=c["live"] - resolved - c["open_overdue"],
        supplement_requests=c["open_supplement"] + c["visit_supplement"], refused=c["refused"],
        withdrawn=c["withdrawals"] + c["stops"], withdrawals=c["withdrawals"], stops=c["stops"],
        delivered_by_post=c["by_post"], extended=c["extended"], ratings=c["rated"],
        ratings_by_level={k: c[f"rated_{s}"] for k, s in RATING_SCORES.items()},
        overdue=sorted(overdue or [], key=lambda o: (o.due_at, o.code)))
    if resolved:
        report.on_time_rate = round(100 * (resolved - c["resolved_late"]) / resolved, 2)
    if c["rated"]:
        report.rating_average = round(c["rating_points"] / c["rated"], 2)
    return report


def overdue_item(snap: dict, at: datetime) -> OverdueItem:
    due = _instant(snap["due_at"])
    return OverdueItem(code=snap["code"], procedure_name=snap.get("procedure_name") or "",
                       applicant_name=snap.get("applicant_name") or "",
                       received_at=_instant(snap["received_at"]).isoformat(timespec="seconds"),
                       due_at=due.isoformat(timespec="seconds"),
                       overdue_days=max(0, (at.date() - due.date()).days))


def build_report(snapshots, period_from: date, period_to: date, now: datetime) -> Report:
    """The reference: the rule applied snapshot by snapshot (the SQL must say the same)."""
    start, end = period_bounds(period_from, period_to)
    at = judged_at(period_to, now)
    snapshots = list(snapshots)
    totals = dict.fromkeys(COUNTS, 0)
    overdue = []
    for snap in snapshots:
        got = buckets(snap, start, end, at)
        for key in got:
            totals[key] += 1
        if "open_overdue" in got:
            overdue.append(overdue_item(snap, at))
    return from_counts(totals, period_from, period_to, at, overdue)


# ---- Vietnamese number formatting (4.228; 99,35 %) ---------------------------------------------

def format_count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}".replace(",", ".")


def format_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " %"


def format_average(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def month_periods(period_from: date, period_to: date) -> list[tuple[date, date]]:
    """The calendar months (cut to the period) that a chart of the period shows."""
    out, first = [], period_from
    while first <= period_to:
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        out.append((first, min(period_to, nxt - timedelta(days=1))))
        first = nxt
    return out


PRESETS = {"month": "Tháng này", "quarter": "Quý này", "half": "6 tháng", "year": "Năm nay", "custom": "Tùy chọn"}


def preset_period(name: str, today: date) -> tuple[date, date]:
    """The period a preset means on `today`: this month, quarter, half-year or year, to its end."""
    if name == "month":
        first = today.replace(day=1)
        months = 1
    elif name == "quarter":
        first, months = date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3
    elif name == "half":
        first, months = date(today.year, 1 if today.month <= 6 else 7, 1), 6
    elif name == "year":
        first, months = date(today.year, 1, 1), 12
    else:
        raise ValueError(name)
    m = first.month - 1 + months
    last = date(first.year + m // 12, m % 12 + 1, 1) - timedelta(days=1)
    return first, last
