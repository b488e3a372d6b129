"""What the status bar shows, read from the desk file (cheap enough for every refresh)."""

from datetime import datetime

from commune_desk.store import outbox
from commune_desk.sync.engine import clock_short, clock_warning
from commune_desk.sync.token import load_token


def _instant(value):
    if not value:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def clock_notice(desk) -> str | None:
    """«Đồng hồ máy nhanh 3 ngày — hạn trả có thể sai» once a sync has measured the offset."""
    return clock_short(outbox.sync_settings(desk).get("clock_offset_s"))


def sync_status(desk) -> dict:
    """online: the last pass reached the server (None: never tried); last_success_at;
    waiting / oldest_waiting_at: the outbox; quarantined; clock_offset_s (desk minus server)."""
    settings = outbox.sync_settings(desk)
    counts = outbox.counts(desk)
    offset = settings.get("clock_offset_s")
    enrolled = load_token(desk.data_dir) is not None
    return {
        "online": settings.get("online"),
        "last_success_at": _instant(settings.get("last_success_at")),
        "waiting": counts["waiting"],
        "oldest_waiting_at": counts["oldest_waiting_at"],
        "quarantined": counts["quarantined"],
        "clock_offset_s": offset,
        "clock_warning": clock_warning(offset),
        "clock_notice": clock_short(offset),
        "last_error": settings.get("last_error") or None,
        "enrolled": enrolled,
        "server": settings.get("server"),
        # the server found this desk's audit history changed behind what it had seen
        "audit_broken": settings.get("audit_status") == "broken",
        # a restored desk getting back from the server what it made after the backup
        **recovery_fields(settings, enrolled),
        # scans wait separately (sync/attachments.py): count and bytes, refused by the server
        **{f"attachments_{k}": v for k, v in desk.attachment_counts().items()},
        # scans a restore found after the backup, waiting for their dossier to come back
        "attachments_after_restore": desk.scans_after_restore()["waiting"],
    }


def recovery_fields(settings: dict, enrolled: bool = True) -> dict:
    """recovery_due, recovered (own changes got back), recovered_dossiers, codes_on_hold and the
    Vietnamese recovery_notice (status bar, Đồng bộ screen, sync status)."""
    state = settings.get("recovery") or {}
    due = bool(state.get("due"))
    dossiers, changes = state.get("dossiers", 0), state.get("changes", 0)
    notice = None
    if due and not enrolled:
        notice = ("Dữ liệu được khôi phục từ bản sao lưu của một quầy đã đăng ký: hãy đăng ký lại với máy chủ "
                  "cấp trên để lấy lại hồ sơ đã tạo sau bản sao lưu"
                  + (" — chưa cấp mã hồ sơ mới cho đến khi xong." if not state.get("codes_safe") else "."))
    elif due:
        notice = "Đang lấy lại hồ sơ từ máy chủ sau khi khôi phục bản sao lưu"
        if dossiers:
            notice += f": đã về {dossiers} hồ sơ"
        if not state.get("codes_safe"):
            notice += " — chưa cấp mã hồ sơ mới cho đến khi xong"
        if settings.get("recovery_error"):
            notice += f". {settings['recovery_error']}"
    elif state.get("done_at"):
        at = _instant(state["done_at"])
        notice = (f"Sau khi khôi phục bản sao lưu: đã lấy lại từ máy chủ {dossiers} hồ sơ ({changes} thay đổi)"
                  + (f" lúc {at:%H:%M %d/%m/%Y}." if at else "."))
    return {"recovery_due": due, "recovered": changes, "recovered_dossiers": dossiers,
            "codes_on_hold": due and not state.get("codes_safe"), "recovery_notice": notice}
