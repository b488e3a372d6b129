"""Đồng bộ: what waits to reach the upstream and why, quarantined changes with their reason,
«Đồng bộ ngay», enrolment with the one-time code. The worker thread does the network; this
screen only paints the messages it sends (app.on_sync_message)."""

from datetime import datetime
from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui.widgets import Field, cell_tips, wrap_to_width

KINDS = {"intake": "Tiếp nhận", "transition": "Chuyển trạng thái", "handoff": "Chuyển giao",
         "extension": "Gia hạn", "handover": "Trả kết quả", "print": "In phiếu",
         "export": "Xuất PDF"}


def age_text(since: datetime | None, now: datetime) -> str:
    if since is None:
        return "—"
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} phút"
    if minutes < 48 * 60:
        return f"{minutes // 60} giờ {minutes % 60:02d} phút"
    return f"{minutes // 1440} ngày"


class SyncView(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, padding=(16, 12))
        self.app = app
        head = ttk.Frame(self)
        head.pack(fill="x")
        ttk.Label(head, text="Đồng bộ với máy chủ cấp trên", style="Title.TLabel").pack(side="left")
        self.btn_now = ttk.Button(head, text="Đồng bộ ngay", style="Accent.TButton", command=self.sync_now)
        self.btn_now.pack(side="right")
        self.btn_scans = ttk.Button(head, text="Tạm dừng gửi bản số hoá", command=self.toggle_scans)
        self.btn_scans.pack(side="right", padx=(0, 8))

        card = ttk.Frame(self, style="Panel.TFrame", padding=10)
        card.pack(fill="x", pady=8)
        self.summary = ttk.Label(card, text="", style="Panel.TLabel", justify="left")
        self.summary.pack(anchor="w", fill="x")
        wrap_to_width(self.summary)               # the recovery notice after a restore is long
        self.clock_warning = ttk.Label(card, text="", style="Warn.TLabel")
        self.clock_warning.pack(anchor="w")
        self.last_error = ttk.Label(card, text="", style="Error.TLabel")
        self.last_error.pack(anchor="w", fill="x")
        wrap_to_width(self.last_error)
        self.progress = ttk.Progressbar(card, mode="determinate", length=420)
        self.progress.pack(anchor="w", pady=(6, 0))
        self.progress_text = ttk.Label(card, text="", style="Muted.TLabel")
        self.progress_text.pack(anchor="w")

        self.enroll_box = ttk.LabelFrame(self, text="Đăng ký quầy với máy chủ", padding=10)
        self.enroll_box.columnconfigure(0, weight=2)
        self.enroll_box.columnconfigure(1, weight=1)
        self.server = Field(self.enroll_box, "Địa chỉ máy chủ (ví dụ https://motcua.tinh.gov.vn)", 20)
        self.code = Field(self.enroll_box, "Mã đăng ký dùng một lần", 12)
        self.ca_file = Field(self.enroll_box, "Tệp chứng chỉ CA riêng (nếu có)", 20)
        self.server.grid(row=0, column=0, sticky="ew", padx=4)
        self.code.grid(row=0, column=1, sticky="ew", padx=4)
        self.ca_file.grid(row=1, column=0, sticky="ew", padx=4)
        ttk.Button(self.enroll_box, text="Đăng ký", command=self.enroll).grid(row=1, column=1, sticky="w", padx=4)

        lists = ttk.Frame(self)
        lists.pack(fill="both", expand=True)
        self.waiting = self._table(lists, "Đang chờ gửi")
        self.quarantined = self._table(lists, "Bị cách ly (máy chủ từ chối) — chọn rồi bấm «Gửi lại»")
        ttk.Button(lists, text="Gửi lại mục đã chọn", command=self.requeue).pack(anchor="e", pady=4)

    def _table(self, parent, title):
        box = ttk.LabelFrame(parent, text=title, padding=6)
        box.pack(fill="both", expand=True, pady=4)
        cols = ("seq", "kind", "code", "at", "reason")
        tree = ttk.Treeview(box, columns=cols, show="headings", height=6)
        for col, text, width in (("seq", "STT", 60), ("kind", "Thay đổi", 140), ("code", "Mã hồ sơ", 220),
                                 ("at", "Lúc", 140), ("reason", "Lý do", 420)):
            tree.heading(col, text=text)
            tree.column(col, width=width, stretch=(col == "reason"))
        tree.pack(fill="both", expand=True)
        cell_tips(tree, "code", "reason")          # the whole reason, however narrow the column
        return tree

    def on_show(self) -> None:
        self.refresh()

    def scans_paused(self) -> bool:
        worker = self.app.sync_worker
        return bool(worker is not None and getattr(worker, "attachments_paused", False))

    def toggle_scans(self) -> None:
        """Scans wait while the link is needed for something else; changes still go."""
        worker = self.app.sync_worker
        if worker is None:
            return
        worker.pause_attachments(not self.scans_paused())
        self.btn_scans.configure(text="Tiếp tục gửi bản số hoá" if self.scans_paused() else "Tạm dừng gửi bản số hoá")
        self.refresh()

    def refresh(self) -> None:
        from commune_desk.store import outbox
        from commune_desk.sync.status import sync_status
        desk = self.app.desk

        def gather():
            return sync_status(desk), outbox.listing(desk, "pending", 200), outbox.listing(desk, "quarantined", 200)

        self.app.background.run(gather, on_done=self._paint, on_error=self.app.error)

    def _paint(self, result) -> None:
        status, waiting, quarantined = result
        now = self.app.desk.now()
        online = {True: "Trực tuyến", False: "Ngoại tuyến", None: "Chưa kết nối lần nào"}[status.get("online")]
        last = status.get("last_success_at")
        lines = [f"Trạng thái: {online}" + (f" · Máy chủ: {status['server']}" if status.get("server") else ""),
                 f"Lần đồng bộ thành công gần nhất: {last:%H:%M %d/%m/%Y}" if last else
                 "Chưa đồng bộ thành công lần nào.",
                 f"Đang chờ gửi: {status['waiting']} (cũ nhất: {age_text(status.get('oldest_waiting_at'), now)})"
                 f" · Bị cách ly: {status['quarantined']}"]
        if status.get("recovery_notice"):
            lines.append(status["recovery_notice"])
        if status.get("attachments_waiting") or status.get("attachments_refused"):
            lines.append(f"Bản số hoá chờ gửi: {status['attachments_waiting']} "
                         f"({status['attachments_waiting_bytes'] / (1024 * 1024):.1f} MB)"
                         + (f" · Máy chủ từ chối: {status['attachments_refused']}" if status["attachments_refused"] else "")
                         + (" · Đang tạm dừng" if self.scans_paused() else ""))
        self.summary.configure(text="\n".join(lines))
        self.clock_warning.configure(text=status.get("clock_warning") or "")
        self.last_error.configure(text=status.get("last_error") or "")
        if status.get("enrolled"):
            self.enroll_box.pack_forget()
        else:
            self.enroll_box.pack(fill="x", pady=4, before=self.waiting.master.master)
        # why the waiting ones wait: the same reason for all of them, from the last pass
        if not status.get("enrolled"):
            waiting_reason = "Quầy chưa đăng ký với máy chủ cấp trên"
        elif status.get("last_error"):
            waiting_reason = status["last_error"]
        else:
            waiting_reason = "Chờ lượt đồng bộ tiếp theo"
        for tree, rows in ((self.waiting, waiting), (self.quarantined, quarantined)):
            tree.delete(*tree.get_children())
            for r in rows:
                if tree is self.waiting and not r["reason"]:
                    r = {**r, "reason": waiting_reason}
                at = r["at"] if isinstance(r["at"], datetime) else datetime.fromisoformat(r["at"])
                tree.insert("", "end", iid=r["uuid"], values=(r["seq"], KINDS.get(r["kind"], r["kind"]),
                                                              r["code"] or "", f"{at:%H:%M %d/%m/%Y}",
                                                              r["reason"] or ""))

    # ---- actions ---------------------------------------------------------------------------

    def sync_now(self) -> None:
        if not self.app.start_sync(now=True):
            self.last_error.configure(text="Quầy chưa đăng ký với máy chủ cấp trên: nhập địa chỉ và mã đăng ký.")

    def enroll(self) -> None:
        from commune_desk.sync.engine import enroll
        desk = self.app.desk
        server, code, ca = self.server.get().strip(), self.code.get().strip(), self.ca_file.get().strip() or None
        if not server:
            self.server.show_error("Hãy nhập địa chỉ máy chủ.")
            return
        if not code:
            self.code.show_error("Hãy nhập mã đăng ký.")
            return
        self.server.show_error(None)
        self.code.show_error(None)

        def done(_):
            self.app.start_sync(now=True)
            self.refresh()

        def failed(exc):
            if isinstance(exc, DeskError):
                self.code.show_error(exc.message)
            else:
                self.app.error(exc)

        self.app.background.run(lambda: enroll(desk, server, code, ca), on_done=done, on_error=failed)

    def requeue(self) -> None:
        from commune_desk.store import outbox
        chosen = list(self.quarantined.selection())
        if chosen:
            outbox.requeue(self.app.desk, chosen)
            self.app.start_sync(now=True)
            self.refresh()

    # ---- messages from the worker (called on the UI thread) ---------------------------------

    def on_sync_message(self, msg) -> None:
        """The bar follows the pass: empty at its start, filling change by change as the server
        acknowledges them, empty again when the pass is over."""
        from commune_desk.sync.worker import ClockWarning, SyncFinished, SyncProgress, SyncStarted
        if isinstance(msg, SyncStarted):
            self.progress.configure(value=0, maximum=1)
            self.progress_text.configure(text="Đang đồng bộ…")
            self.btn_now.configure(state="disabled")
        elif isinstance(msg, SyncProgress):
            self.progress.configure(maximum=max(msg.total, 1), value=msg.done)
            if msg.phase == "recover":
                self.progress_text.configure(text=f"Đang lấy lại hồ sơ từ máy chủ sau khi khôi phục bản sao lưu: "
                                                  f"đã về {msg.done} hồ sơ")
                return
            phase = "Gửi lên" if msg.phase == "push" else "Nhận về"
            self.progress_text.configure(text=f"{phase}: {msg.done}/{msg.total}")
        elif isinstance(msg, SyncFinished):
            self.btn_now.configure(state="normal")
            self.progress.configure(value=0)
            self.progress_text.configure(text=finished_text(msg, self.app.desk.now()))
            self.refresh()
        elif isinstance(msg, ClockWarning):
            self.clock_warning.configure(text=msg.message)


def finished_text(msg, now: datetime) -> str:
    """«Đồng bộ xong lúc 09:32», or the pass's error and when the desk tries again."""
    if not msg.error:
        return f"Đồng bộ xong lúc {now:%H:%M}."
    retry = getattr(msg, "retry_in_s", None)
    if retry:
        minutes = max(1, round(retry / 60))
        return f"{msg.error.rstrip('.')} — sẽ thử lại sau {minutes} phút."
    return msg.error
