"""Trả kết quả: scan the slip's barcode (a USB scanner types the code and Enter) or type the code;
the dossier card appears at once; say who collects; Ctrl+Enter hands the result over.

The scan box keeps the focus between citizens, so the next scan needs no click. A code scanned
twice, an unknown code and a dossier not yet resolved each get a plain sentence in red."""

import logging
import re
import tkinter as tk
from tkinter import ttk

from commune_desk.errors import DeskError, InvalidInput
from commune_desk.forms.wording import time_in_words
from commune_desk.gui import theme
from commune_desk.gui.tables import short
from commune_desk.gui.widgets import Field
from commune_desk.rules.lifecycle import FINISHED, HANDOVER_FROM
from commune_desk.rules.statuses import Status
from commune_desk.rules.timeliness import Timeliness, judge
from commune_desk.store.processing import RATINGS, handover_timeliness

log = logging.getLogger("commune_desk.gui.handover")

_CODE_IN_TEXT = re.compile(r"[0-9A-Z.]{1,35}-\d{6}-\d{4}")
WHO = {"applicant": "Người nộp hồ sơ", "proxy": "Người nhận thay (có giấy ủy quyền)",
       "post": "Gửi qua bưu chính công ích"}


def _money(n: int) -> str:
    return f"{n:,}".replace(",", ".") + " đồng" if n else "Không thu"


class HandoverView(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, padding=(16, 10))
        self.app = app
        self.desk = app.desk
        self.dossier = None
        self._build()
        self._tick()

    # ---- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.columnconfigure(0, weight=1)
        self.columnconfigure(1, weight=1)
        self.rowconfigure(2, weight=1)
        head = ttk.Frame(self)
        head.grid(row=0, column=0, columnspan=2, sticky="ew", pady=(0, 6))
        ttk.Label(head, text="Trả kết quả", style="Title.TLabel").pack(side="left")
        ttk.Label(head, text="Quét mã vạch / gõ mã rồi Enter · Ctrl+Enter: trả kết quả · Esc: quét mã khác",
                  foreground=theme.MUTED).pack(side="right")

        scan = ttk.Frame(self, style="Panel.TFrame", padding=(12, 8))
        scan.grid(row=1, column=0, columnspan=2, sticky="ew")
        scan.columnconfigure(0, weight=1)
        ttk.Label(scan, text="Mã hồ sơ (quét mã vạch trên giấy hẹn trả kết quả hoặc gõ mã, rồi nhấn Enter):",
                  style="Panel.TLabel").grid(row=0, column=0, sticky="w")
        self.code_var = tk.StringVar(master=self)
        self.scan_entry = ttk.Entry(scan, textvariable=self.code_var, font=self.app.fonts["huge"])
        self.scan_entry.grid(row=1, column=0, sticky="ew", pady=(2, 2))
        self.scan_entry.bind("<Return>", lambda e: (self.lookup(), "break")[1])
        self.scan_entry.bind("<KP_Enter>", lambda e: (self.lookup(), "break")[1])
        self.message = ttk.Label(scan, text="", style="Panel.TLabel", font=self.app.fonts["big"], wraplength=1000,
                                 justify="left")
        self.message.grid(row=2, column=0, sticky="ew")
        scan.bind("<Configure>", lambda e: self.message.configure(wraplength=max(300, e.width - 30)))

        # left: the dossier card
        card = ttk.LabelFrame(self, text="Hồ sơ", padding=10)
        card.grid(row=2, column=0, sticky="nsew", padx=(0, 8), pady=(8, 0))
        card.columnconfigure(1, weight=1)
        self.card_values: dict[str, ttk.Label] = {}
        rows = [("code", "Mã hồ sơ"), ("name", "Người nộp"), ("id_number", "Số định danh"), ("phone", "Điện thoại"),
                ("procedure", "Thủ tục"), ("status", "Trạng thái"), ("received", "Tiếp nhận"),
                ("due", "Hẹn trả"), ("resolved", "Xử lý xong"), ("timeliness", "Kết quả giải quyết"),
                ("fee", "Phí, lệ phí"), ("return_by", "Nhận kết quả")]
        for i, (key, label) in enumerate(rows):
            ttk.Label(card, text=label + ":", style="Muted.TLabel").grid(row=i, column=0, sticky="nw", pady=1)
            value = ttk.Label(card, text="", style="Panel.TLabel", justify="left", wraplength=380)
            value.grid(row=i, column=1, sticky="ew", padx=(8, 0), pady=1)
            self.card_values[key] = value
        self.card_values["code"].configure(font=self.app.fonts["bold"], foreground=theme.ACCENT)
        self.card_values["name"].configure(font=self.app.fonts["bold"])
        self.card_values["timeliness"].configure(font=self.app.fonts["bold"])
        card.bind("<Configure>", lambda e: [v.configure(wraplength=max(200, e.width - 150))
                                            for k, v in self.card_values.items() if k != "code"])

        # right: who collects, fee, rating
        form = ttk.LabelFrame(self, text="Người nhận kết quả", padding=10)
        form.grid(row=2, column=1, sticky="nsew", pady=(8, 0))
        form.columnconfigure(0, weight=1)
        form.columnconfigure(1, weight=1)
        self.who = tk.StringVar(master=self, value="applicant")
        radios = ttk.Frame(form, style="Panel.TFrame")
        radios.grid(row=0, column=0, columnspan=2, sticky="w")
        self.who_buttons = {}
        for key, text in WHO.items():
            b = ttk.Radiobutton(radios, text=text, value=key, variable=self.who, command=self._who_changed)
            b.pack(anchor="w")
            self.who_buttons[key] = b
        self.f_recipient_id = Field(form, "Số định danh / CCCD của người nộp (đối chiếu)", 24,
                                    hint="để trống nếu đã xem giấy tờ tùy thân")
        self.f_proxy_name = Field(form, "Họ tên người nhận thay *", 30)
        self.f_proxy_id = Field(form, "Số định danh / CCCD người nhận thay *", 24)
        self.f_proxy_paper = Field(form, "Số giấy ủy quyền *", 24)
        self.f_post_tracking = Field(form, "Số hiệu bưu gửi *", 24)
        self.post_address = ttk.Label(form, text="", style="Panel.TLabel", wraplength=420, justify="left")
        self.f_fee = Field(form, "Phí, lệ phí đã thu (đồng)", 14)
        self.f_receipt = Field(form, "Số biên lai thu phí, lệ phí", 20)
        self.f_fee.grid(row=5, column=0, sticky="ew", padx=4, pady=(6, 0))
        self.f_receipt.grid(row=5, column=1, sticky="ew", padx=4, pady=(6, 0))
        rate = ttk.Frame(form, style="Panel.TFrame")
        rate.grid(row=6, column=0, columnspan=2, sticky="w", padx=4)
        ttk.Label(rate, text="Đánh giá của công dân (không bắt buộc):", style="Panel.TLabel").pack(anchor="w")
        self.rating = tk.StringVar(master=self, value="")
        self.rating_buttons = {}
        for value, text in [("", "Không đánh giá")] + list(RATINGS.items()):
            b = ttk.Radiobutton(rate, text=text, value=value, variable=self.rating)
            b.pack(side="left", padx=(0, 10))
            self.rating_buttons[value] = b
        bottom = ttk.Frame(form, style="Panel.TFrame")
        bottom.grid(row=7, column=0, columnspan=2, sticky="ew", pady=(10, 0))
        bottom.columnconfigure(0, weight=1)
        self.clock_label = ttk.Label(bottom, text="", style="Panel.TLabel")
        self.clock_label.grid(row=0, column=0, sticky="w")
        self.btn_hand = ttk.Button(bottom, text="Trả kết quả (Ctrl+Enter)", style="Accent.TButton",
                                   command=self.hand_over, state="disabled")
        self.btn_hand.grid(row=0, column=1, sticky="e")
        self.inputs = [self.f_recipient_id, self.f_proxy_name, self.f_proxy_id, self.f_proxy_paper,
                       self.f_post_tracking, self.f_fee, self.f_receipt]
        for f in self.inputs:
            f.input.bind("<Return>", lambda e, f=f: self._enter_in_field(f))
            f.input.bind("<KP_Enter>", lambda e, f=f: self._enter_in_field(f))
            # a field's own Enter binding would swallow Ctrl+Enter before the window sees it
            f.input.bind("<Control-Return>", lambda e: (self.hand_over(), "break")[1])
            f.input.bind("<Control-KP_Enter>", lambda e: (self.hand_over(), "break")[1])
        self._who_changed()

        top = self.winfo_toplevel()
        top.bind("<Control-Return>", lambda e: self._if_shown(self.hand_over), add="+")
        top.bind("<Escape>", lambda e: self._if_shown(self.next_citizen), add="+")

    def _if_shown(self, fn):
        if self.app.current == "handover":
            fn()
            return "break"
        return None

    def on_show(self) -> None:
        self.scan_entry.focus_set()
        self.scan_entry.select_range(0, "end")

    def _tick(self) -> None:
        self.clock_label.configure(text=f"Thời điểm trả: {time_in_words(self.desk.now())}")
        self.after(15_000, self._tick)

    def _who_changed(self) -> None:
        for w in (self.f_recipient_id, self.f_proxy_name, self.f_proxy_id, self.f_proxy_paper,
                  self.f_post_tracking, self.post_address):
            w.grid_forget()
        who = self.who.get()
        if who == "applicant":
            self.f_recipient_id.grid(row=1, column=0, columnspan=2, sticky="w", padx=4, pady=(6, 0))
        elif who == "proxy":
            self.f_proxy_name.grid(row=1, column=0, columnspan=2, sticky="ew", padx=4, pady=(6, 0))
            self.f_proxy_id.grid(row=2, column=0, sticky="ew", padx=4)
            self.f_proxy_paper.grid(row=2, column=1, sticky="ew", padx=4)
        else:
            self.f_post_tracking.grid(row=1, column=0, sticky="ew", padx=4, pady=(6, 0))
            self.post_address.grid(row=2, column=0, columnspan=2, sticky="ew", padx=4)
        self._show_post_address()

    def _show_post_address(self) -> None:
        d = self.dossier
        address = (d.post_address or d.address) if d else ""
        self.post_address.configure(text=f"Địa chỉ nhận: {address or '— (chưa có địa chỉ)'}")

    # ---- the scan -------------------------------------------------------------------------------

    def say(self, text: str, kind: str = "info") -> None:
        colour = {"error": theme.ERROR, "ok": theme.OK, "warn": theme.WARN}.get(kind, theme.TEXT)
        self.message.configure(text=text, foreground=colour)

    def lookup(self, text: str | None = None) -> None:
        raw = (self.code_var.get() if text is None else text).strip()
        if not raw:
            return
        m = _CODE_IN_TEXT.search(raw.upper())      # a QR code may carry the lookup address
        key = m.group(0) if m else raw
        try:
            d = self.desk.by_code(key)
            if d is None:
                found = [x for x in self.desk.find(key) if x.code] if len(key) >= 4 else []
                if len(found) == 1:
                    d = found[0]
                elif found:
                    self._show(None)
                    self.say(f"Có {len(found)} hồ sơ khớp «{raw}». Hãy quét mã vạch hoặc gõ đủ mã hồ sơ.", "warn")
                    return
        except DeskError as exc:
            self.app.error(exc)
            return
        if d is None:
            self._show(None)
            self.say(f"Không tìm thấy hồ sơ mã «{raw}». Kiểm tra lại mã trên giấy tiếp nhận và hẹn trả "
                     "kết quả, hoặc tra cứu theo tên (F4).", "error")
            self.bell()
            self._rescan()
            return
        self._show(d)
        status = Status(d.status)
        if status == Status.RETURNED:
            whom = d.recipient_name + (" (người nhận thay)" if d.proxy else "")
            how = f", gửi qua bưu chính số hiệu {d.post_tracking}" if d.post_tracking else ""
            self.say(f"Mã này đã được quét trước đó: hồ sơ {d.code} ĐÃ TRẢ KẾT QUẢ lúc "
                     f"{time_in_words(d.returned_at)} cho {whom}{how}. Không trả lại lần nữa.", "error")
            self.bell()
            self._rescan()
        elif status not in HANDOVER_FROM:
            self.say(f"Hồ sơ {d.code} chưa xử lý xong (trạng thái: {status.label}); chưa thể trả kết quả. "
                     "Hẹn công dân quay lại hoặc hỏi bộ phận chuyên môn.", "error")
            self.bell()
            self._rescan()
        else:
            self.say(f"Hồ sơ {d.code} đã có kết quả. Kiểm tra người nhận rồi nhấn «Trả kết quả».", "ok")
            self.who.set("post" if d.return_by == "post" else "applicant")
            self._who_changed()
            self.btn_hand.configure(state="normal")
            first = self.f_post_tracking if d.return_by == "post" else self.f_recipient_id
            self.scan_entry.selection_clear()
            first.input.focus_set()

    def _enter_in_field(self, field: Field) -> str:
        """Enter moves on, like Tab; but a slip scanned while the cursor sits in a field (the clerk
        went straight to the next citizen) is taken as a new scan, not as an ID number."""
        text = field.get().strip().upper()
        if _CODE_IN_TEXT.fullmatch(text) or (text.startswith("HTTP") and _CODE_IN_TEXT.search(text)):
            field.set("")
            self.code_var.set(text if _CODE_IN_TEXT.fullmatch(text) else _CODE_IN_TEXT.search(text).group(0))
            self.lookup()
        elif field is self.f_receipt:
            self.hand_over()                  # Enter on the last field hands over, like Ctrl+Enter
        else:
            field.input.tk_focusNext().focus_set()
        return "break"

    def _rescan(self) -> None:
        self.scan_entry.focus_set()
        self.scan_entry.select_range(0, "end")

    def _show(self, d) -> None:
        self.dossier = d
        self.btn_hand.configure(state="disabled")
        for f in self.inputs:
            f.set("")
            f.show_error(None)
        self.rating.set("")
        v = self.card_values
        if d is None:
            for label in v.values():
                label.configure(text="")
            self._show_post_address()
            return
        status = Status(d.status)
        v["code"].configure(text=d.code)
        v["name"].configure(text=d.applicant_name)
        v["id_number"].configure(text=d.id_number or "—")
        v["phone"].configure(text=d.phone or "—")
        v["procedure"].configure(text=d.procedure_name)
        v["status"].configure(text=status.label)
        v["received"].configure(text=short(d.received_at))
        due = short(d.due_at) + (f" (đã gia hạn; hạn ban đầu {short(d.original_due_at)})" if d.extended else "")
        v["due"].configure(text=due)
        v["resolved"].configure(text=short(d.resolved_at) or "—")
        if status in FINISHED:
            verdict = handover_timeliness(d)
            colour = theme.ERROR if verdict == Timeliness.LATE else theme.OK
            v["timeliness"].configure(text=verdict.label, foreground=colour)
        elif d.due_at is not None:
            verdict = judge(d.due_at, now=self.desk.now())
            v["timeliness"].configure(text=f"Chưa xong — {verdict.label}", foreground=theme.WARN)
        else:
            v["timeliness"].configure(text="—", foreground=theme.TEXT)
        v["fee"].configure(text=_money(d.fee))
        if d.return_by == "post":
            v["return_by"].configure(text=f"Qua bưu chính: {d.post_address or d.address}")
        else:
            v["return_by"].configure(text="Tại Bộ phận một cửa")
        self.f_fee.set(str(d.fee))
        self._show_post_address()

    def card_text(self) -> dict[str, str]:
        return {k: str(v.cget("text")) for k, v in self.card_values.items()}

    # ---- the handover --------------------------------------------------------------------------

    def hand_over(self) -> None:
        d = self.dossier
        if d is None or str(self.btn_hand.cget("state")) == "disabled":
            return
        who = self.who.get()
        kwargs = {"fee_receipt": self.f_receipt.get(), "rating": self.rating.get()}
        for f in self.inputs:
            f.show_error(None)
        fee = self.f_fee.get().replace(".", "").replace(",", "").replace(" ", "")
        if fee and not fee.isdigit():
            self.f_fee.show_error("Số tiền chỉ gồm chữ số, ví dụ 5000.")
            return
        kwargs["fee_paid"] = int(fee) if fee else 0
        if who == "applicant":
            kwargs["recipient_id"] = self.f_recipient_id.get()
        elif who == "proxy":
            kwargs.update(recipient=self.f_proxy_name.get(), proxy_id=self.f_proxy_id.get(),
                          proxy_paper=self.f_proxy_paper.get())
            if not kwargs["proxy_id"].strip():
                self.f_proxy_id.show_error("Người nhận thay: hãy nhập số định danh/CCCD.")
                self.f_proxy_id.input.focus_set()
                return
        else:
            kwargs["post_tracking"] = self.f_post_tracking.get()
            if not kwargs["post_tracking"].strip():
                self.f_post_tracking.show_error("Gửi qua bưu chính: hãy nhập số hiệu bưu gửi.")
                self.f_post_tracking.input.focus_set()
                return
        try:
            done = self.desk.handover(d.code, **kwargs)
        except InvalidInput as exc:
            target = {"recipient": self.f_proxy_name, "proxy_id": self.f_proxy_id, "proxy_paper": self.f_proxy_paper,
                      "post_tracking": self.f_post_tracking, "fee_receipt": self.f_receipt, "fee_paid": self.f_fee,
                      "recipient_id": self.f_recipient_id}.get(exc.field)
            if target is None:
                target = self.f_proxy_id if who == "proxy" else self.f_recipient_id
            target.show_error(exc.message)
            target.input.focus_set()
            return
        except DeskError as exc:
            self.app.error(exc)
            self.lookup(d.code)
            return
        verdict = handover_timeliness(done)
        how = f" qua bưu chính (số hiệu {done.post_tracking})" if done.post_tracking else ""
        whom = done.recipient_name + (" (nhận thay)" if done.proxy else "")
        self._show(done)
        self.say(f"Đã trả kết quả hồ sơ {done.code} cho {whom}{how} lúc {time_in_words(done.returned_at)} — "
                 f"{verdict.label}.", "ok")
        self.app.refresh_status()
        self.code_var.set("")
        self.scan_entry.focus_set()

    def next_citizen(self) -> None:
        self._show(None)
        self.say("")
        self.code_var.set("")
        self.scan_entry.focus_set()
