"""A dossier's story: its card and every event of its life, oldest first (Xử lý and Tra cứu)."""

from datetime import datetime
from tkinter import ttk

from commune_desk.gui import theme
from commune_desk.gui.attachments_bar import AttachmentsBar
from commune_desk.gui.tables import fit_columns, scrolled, short, standing
from commune_desk.rules.statuses import Status
from commune_desk.rules.timeliness import Timeliness


def describe_event(e) -> tuple[str, str, str, str, str]:
    """One row of the story: when, what, who, timeliness, details."""
    data = e.data or {}
    snap = data.get("dossier") or {}
    result = Timeliness(data["result"]).label if data.get("result") else ""
    who, detail = e.actor or "", data.get("note") or ""
    if e.kind == "intake":
        what = {"accepted": "Tiếp nhận hồ sơ", "supplement": "Hướng dẫn bổ sung (chưa cấp mã)",
                "refused": "Từ chối tiếp nhận"}.get(data.get("outcome"), "Tiếp nhận")
        if snap.get("due_at"):
            detail = f"Hẹn trả {short(datetime.fromisoformat(snap['due_at']))}"
    elif e.kind == "handoff":
        what = "Chuyển giao"
        who = f"{data.get('from_party', '')} → {data.get('to_party', '')}"
    elif e.kind == "transition":
        what = f"{Status(data['from_status']).label} → {Status(data['to_status']).label}"
        if data.get("to_party") and data.get("to_party") != data.get("from_party"):
            who = f"{who} → {data['to_party']}" if who else data["to_party"]
        if Status(data["to_status"]) == Status.SUPPLEMENT and snap.get("missing"):
            detail = "; ".join(m["name"] + (f" ({m['reason']})" if m.get("reason") else "")
                               for m in snap["missing"]) + (f" — {detail}" if detail else "")
        if Status(data["from_status"]) == Status.SUPPLEMENT and snap.get("due_at"):
            detail = (detail + "; " if detail else "") + f"tính lại hạn: {short(datetime.fromisoformat(snap['due_at']))}"
    elif e.kind == "extension":
        what = "Xin lỗi, gia hạn (mẫu 04)"
        detail = (f"Hạn cũ {short(datetime.fromisoformat(data['old_due_at']))} → hạn mới "
                  f"{short(datetime.fromisoformat(data['new_due_at']))}. Lý do: {data.get('reason', '')}")
    elif e.kind == "handover":
        what = "Trả kết quả"
        if data.get("post_tracking"):
            detail = f"Gửi qua bưu chính, số hiệu {data['post_tracking']}"
        elif data.get("proxy"):
            detail = f"Người nhận thay: {data.get('recipient', '')} (có giấy ủy quyền)"
        else:
            detail = f"Người nhận: {data.get('recipient', '')}"
        if data.get("fee_receipt"):
            detail += f"; biên lai {data['fee_receipt']}"
    elif e.kind == "print":
        what = f"In mẫu {data.get('form', '')}"
        detail = f"Máy in {data['printer']}" if data.get("printer") else detail
    elif e.kind == "print_outcome":
        what = f"In mẫu {data.get('form', '')} " + ("đã in xong" if data.get("completed") else "chưa in xong")
        detail = "; ".join(x for x in (data.get("text", ""), f"Máy in {data['printer']}" if data.get("printer") else "")
                           if x)
    elif e.kind == "export":
        what = f"Xuất PDF mẫu {data.get('form', '')}"
    elif e.kind == "attachment_added":
        what = "Đính kèm bản số hoá" + (" (gắn lại sau khôi phục bản sao lưu)"
                                        if data.get("reattached_after_restore") else "")
        documents = snap.get("documents") or []
        doc = data.get("document")
        where = f"Giấy tờ {doc}: {documents[doc - 1]['name']}" if doc and doc <= len(documents) else "Cả hồ sơ"
        detail = (f"{where} — {data.get('name', '')}, {data.get('pages', 1)} trang, "
                  f"{(data.get('size') or 0) / 1024:.0f} kB (nhấp đúp để mở)")
    else:
        what = e.kind
    if not result and e.kind in ("handoff", "transition", "extension") and snap.get("due_at"):
        due = datetime.fromisoformat(data.get("old_due_at") or snap["due_at"])
        result = "Quá hạn" if e.at > due else "Trong hạn"
    return short(e.at), what, who, result, detail


class StoryPanel(ttk.Frame):
    """A dossier's card and every event in its life, oldest first."""

    def __init__(self, parent, app, height: int = 6):
        super().__init__(parent, style="Panel.TFrame", padding=(10, 8))
        self.app = app
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        self.title = ttk.Label(self, text="Chọn một hồ sơ để xem toàn bộ quá trình giải quyết.", style="Big.TLabel")
        self.title.grid(row=0, column=0, sticky="w")
        self.facts = ttk.Label(self, text="", style="Panel.TLabel", justify="left")
        self.facts.grid(row=1, column=0, sticky="ew", pady=(2, 4))
        self.facts.bind("<Configure>", lambda e: self.facts.configure(wraplength=max(200, e.width - 10)))
        cols = ("at", "what", "who", "result", "detail")
        box = ttk.Frame(self, style="Panel.TFrame")
        box.grid(row=2, column=0, sticky="nsew")
        box.columnconfigure(0, weight=1)
        box.rowconfigure(0, weight=1)
        self.events = ttk.Treeview(box, columns=cols, show="headings", height=height, selectmode="browse")
        for col, text in (("at", "Thời điểm"), ("what", "Công việc"), ("who", "Người / đơn vị"),
                          ("result", "Kết quả"), ("detail", "Ghi chú")):
            self.events.heading(col, text=text, anchor="w")
            self.events.column(col, anchor="w")
        fit_columns(self.events, {"at": 125, "what": 215, "result": 80}, {"who": 3, "detail": 2}, minimum=150)
        self.events.tag_configure("late", foreground=theme.ERROR)
        scrolled(box, self.events)
        self.attachments = AttachmentsBar(self)
        self.attachments.grid(row=3, column=0, sticky="ew", pady=(4, 0))
        self.dossier = None

    def show(self, d) -> None:
        desk = self.app.desk
        self.dossier = d
        now = desk.now()
        status = Status(d.status)
        self.title.configure(text=f"{d.code or '(chưa cấp mã)'} — {d.applicant_name} — {status.label}")
        lines = [f"Thủ tục: {d.procedure_name}",
                 f"Tiếp nhận: {short(d.received_at)} · Hạn trả: {short(d.due_at) or '—'}"
                 + (f" (đã gia hạn; hạn ban đầu {short(d.original_due_at)})" if d.extended else "")
                 + f" · {standing(desk, d, now)}"]
        who = [f"Số định danh: {d.id_number}" if d.id_number else "", f"Điện thoại: {d.phone}" if d.phone else "",
               f"Đang ở: {d.assignee}" if d.assignee else ""]
        if any(who):
            lines.append(" · ".join(w for w in who if w))
        if d.return_by == "post":
            lines.append(f"Nhận kết quả qua bưu chính: {d.post_address or d.address}")
        self.facts.configure(text="\n".join(lines))
        self.events.delete(*self.events.get_children())
        events = desk.events_of(d)
        self.attachments.show(d, events)
        for e in events:
            row = describe_event(e)
            self.events.insert("", "end", iid=str(e.seq), values=row,
                               tags=("late",) if row[3] == "Quá hạn" else ())

    def clear(self) -> None:
        self.dossier = None
        self.title.configure(text="Chọn một hồ sơ để xem toàn bộ quá trình giải quyết.")
        self.facts.configure(text="")
        self.events.delete(*self.events.get_children())

    def rows(self) -> list[tuple]:
        return [tuple(self.events.item(i, "values")) for i in self.events.get_children()]
