"""A desk's clock against its upstream's: how far off is worth a word, and that word.

The desk says it on its status bar and at intake; the district says it on its pages. Both measure
the offset as desk clock minus server clock at a push."""

TOLERANCE_S = 300          # closer than this is a clock set by hand: not flagged


def amount(seconds: float) -> str:
    """«3 ngày», «5 giờ», «12 phút»: the largest unit that says it (a day from 95 % of one)."""
    s = abs(seconds)
    if s >= 86400 * 0.95:
        return f"{round(s / 86400)} ngày"
    if s >= 3600:
        return f"{round(s / 3600)} giờ"
    return f"{round(s / 60)} phút"


def skew(offset_s: float | None) -> str | None:
    """«Đồng hồ máy nhanh 3 ngày» / «Đồng hồ máy chậm 2 giờ», or None within the tolerance."""
    if offset_s is None or abs(offset_s) <= TOLERANCE_S:
        return None
    return f"Đồng hồ máy {'nhanh' if offset_s > 0 else 'chậm'} {amount(offset_s)}"
