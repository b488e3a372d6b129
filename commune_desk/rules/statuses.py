"""Dossier statuses 1–10 as used by the national portal, and the moves allowed between them."""

from enum import IntEnum

from commune_desk.errors import NotAllowed


class Status(IntEnum):
    REGISTERED = 1        # mới đăng ký (online, not yet accepted)
    ACCEPTED = 2          # được tiếp nhận
    NOT_ACCEPTED = 3      # không được tiếp nhận
    PROCESSING = 4        # đang xử lý
    SUPPLEMENT = 5        # yêu cầu bổ sung
    FINANCIAL = 6         # yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7         # công dân rút hồ sơ
    STOPPED = 8           # dừng xử lý
    RESOLVED = 9          # đã xử lý xong, chờ trả
    RETURNED = 10         # đã trả kết quả

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Status.REGISTERED: "Mới đăng ký",
    Status.ACCEPTED: "Được tiếp nhận",
    Status.NOT_ACCEPTED: "Không được tiếp nhận",
    Status.PROCESSING: "Đang xử lý",
    Status.SUPPLEMENT: "Yêu cầu bổ sung",
    Status.FINANCIAL: "Chờ thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.RESOLVED: "Đã xử lý xong, chờ trả",
    Status.RETURNED: "Đã trả kết quả",
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REGISTERED: frozenset({Status.ACCEPTED, Status.NOT_ACCEPTED, Status.SUPPLEMENT}),
    Status.ACCEPTED: frozenset({Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL,
                                Status.WITHDRAWN, Status.STOPPED, Status.RESOLVED}),
    Status.PROCESSING: frozenset({Status.SUPPLEMENT, Status.FINANCIAL, Status.WITHDRAWN,
                                  Status.STOPPED, Status.RESOLVED}),
    Status.SUPPLEMENT: frozenset({Status.PROCESSING, Status.WITHDRAWN, Status.STOPPED}),
    Status.FINANCIAL: frozenset({Status.PROCESSING, Status.WITHDRAWN, Status.STOPPED, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.RETURNED}),
    Status.NOT_ACCEPTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.STOPPED: frozenset(),
    Status.RETURNED: frozenset(),
}

OPEN = frozenset({Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINANCIAL})
CLOCK_STOPPED = frozenset({Status.SUPPLEMENT})
FINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


def parse_status(raw) -> Status:
    try:
        return Status(int(raw))
    except (TypeError, ValueError):
        raise NotAllowed(f"Trạng thái «{raw}» không tồn tại (chỉ từ 1 đến 10).") from None


def check_transition(current: Status, target: Status) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(f"{s.value} ({s.label})" for s in sorted(TRANSITIONS[current])) or "không có"
        raise NotAllowed(
            f"Không thể chuyển hồ sơ từ «{current.label}» sang «{target.label}». "
            f"Được phép: {allowed}.")
