"""Tiếp nhận hồ sơ: the screen a clerk lives in all day. Keyboard first:
type the procedure, Tab/Enter through the applicant, then Ctrl+S accept, Ctrl+B ask for
supplements, Ctrl+R refuse. The record is committed before anything is printed."""

import logging
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk

from commune_desk.errors import DeskError
from commune_desk.forms.wording import time_in_words
from commune_desk.gui import dialogs, theme
from commune_desk.gui.widgets import Field, RowTips, enter_moves_on, wrap_to_width
from commune_desk.printing import PAPER_LABELS
from commune_desk.rules.deadline import compute_due
from commune_desk.rules.intake import CHANNELS, FormErrors, IntakeForm

log = logging.getLogger("commune_desk.gui.intake")

FIELD_SPECS = [
    # key, label, width, required, hint
    ("name", "Họ và tên người nộp", 34, True, ""),
    ("id_number", "Số định danh / CCCD", 24, False, "12 chữ số; CMND 9 số; hoặc hộ chiếu"),
    ("birth_date", "Ngày sinh", 14, False, "ngày/tháng/năm"),
    ("phone", "Số điện thoại", 16, False, ""),
    ("email", "Thư điện tử", 26, False, ""),
    ("address", "Địa chỉ", 60, False, ""),
    ("owner_name", "Chủ hồ sơ (nếu khác người nộp)", 34, False, ""),
    ("owner_id_number", "Số định danh chủ hồ sơ", 24, False, ""),
    ("post_address", "Địa chỉ nhận kết quả qua bưu chính", 60, False, "để trống: dùng địa chỉ người nộp"),
]
CHANNEL_LABELS = [f"{k} – {v}" for k, v in CHANNELS.items()]
PAPERS = {label: key for key, label in PAPER_LABELS.items()}
OUTCOME_FORM = {"accepted": "01", "supplement": "02", "refused": "03"}
DRAFT_DELAY_MS = 700


class IntakeView(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, padding=(12, 8))
        self.app = app
        self.desk = app.desk
        self.procedure = None
        self.matches = []
        self.doc_received: list[tk.BooleanVar] = []
        self._draft_job = None
        self._restoring = False
        self.last = None
        self._build()
        self._bind_keys()
        self.after(100, self._offer_draft)
        self._tick()

    # ---- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        # laid out for 1024×768 up to 1920×1080: inputs stretch, texts wrap, nothing needs more
        # width than a 1024 px screen leaves beside the sidebar
        self.columnconfigure(0, weight=5, uniform="c")
        self.columnconfigure(1, weight=6, uniform="c")
        self.rowconfigure(1, weight=1)
        head = ttk.Frame(self)
        head.grid(row=0, column=0, columnspan=2, sticky="ew", pady=(0, 4))
        ttk.Label(head, text="Tiếp nhận hồ sơ", style="Title.TLabel").pack(side="left")
        ttk.Label(head, text="Ctrl+D Đã nộp đủ giấy tờ · Ctrl+N Hồ sơ mới",
                  foreground="#5b6776").pack(side="right")

        # left: procedure and checklist
        left = ttk.LabelFrame(self, text="Thủ tục hành chính", padding=(8, 4))
        left.grid(row=1, column=0, sticky="nsew", padx=(0, 8))
        left.columnconfigure(0, weight=1)
        left.rowconfigure(5, weight=1)
        ttk.Label(left, text="Gõ tên hoặc mã thủ tục, không cần dấu:",
                  style="Panel.TLabel").grid(row=0, column=0, sticky="w")
        self.proc_var = tk.StringVar(master=self)
        self.proc_entry = ttk.Entry(left, textvariable=self.proc_var, width=20)
        self.proc_entry.grid(row=1, column=0, sticky="ew")
        self.proc_list = tk.Listbox(left, height=5, width=20, activestyle="dotbox", exportselection=False,
                                    font=self.app.fonts["base"], relief="solid", borderwidth=1)
        self.proc_list.grid(row=2, column=0, sticky="ew", pady=(4, 4))
        RowTips(self.proc_list, lambda i: self.matches[i].name if i < len(self.matches) else "")
        # the detail line: the highlighted procedure's whole name, however long
        self.proc_info = ttk.Label(left, text="Chưa chọn thủ tục.", style="Panel.TLabel", justify="left")
        self.proc_info.grid(row=3, column=0, sticky="ew")
        wrap_to_width(self.proc_info)
        self.proc_error = ttk.Label(left, text="", style="Error.TLabel")
        self.proc_error.grid(row=4, column=0, sticky="ew")
        wrap_to_width(self.proc_error)
        # the checklist takes the focus visibly: a coloured frame around it while it has it
        self.check_frame = tk.Frame(left, highlightthickness=2, highlightbackground=theme.PANEL,
                                    highlightcolor=theme.ACCENT, background=theme.PANEL)
        self.check_frame.grid(row=5, column=0, sticky="nsew", pady=(4, 0))
        self.check_frame.columnconfigure(0, weight=1)
        self.check_frame.rowconfigure(0, weight=1)
        cols = ("ok", "name", "orig", "cert", "copy")
        self.checklist = ttk.Treeview(self.check_frame, columns=cols, show="headings", height=5,
                                      selectmode="browse", takefocus=True)
        for col, text, width, anchor in (("ok", "Đã nộp", 62, "center"), ("name", "Thành phần hồ sơ", 150, "w"),
                                         ("orig", "Chính", 48, "center"), ("cert", "Sao", 40, "center"),
                                         ("copy", "Photo", 50, "center")):
            self.checklist.heading(col, text=text)
            self.checklist.column(col, width=width, minwidth=width if col != "name" else 80, anchor=anchor,
                                  stretch=(col == "name"))
        self.checklist.grid(row=0, column=0, sticky="nsew")
        RowTips(self.checklist, self._doc_name)
        self.checklist.bind("<space>", self._toggle_doc)
        self.checklist.bind("<Double-1>", self._toggle_doc)
        self.checklist.bind("<FocusIn>", self._checklist_focused, add="+")
        self.checklist.bind("<FocusOut>", lambda e: self.check_frame.configure(highlightbackground=theme.PANEL))
        self.checklist.bind("<<TreeviewSelect>>", lambda e: self._show_doc_detail())
        self.checklist.bind("<Return>", lambda e: (self.fields["name"].input.focus_set(), "break")[1])
        self.checklist.bind("<KP_Enter>", lambda e: (self.fields["name"].input.focus_set(), "break")[1])
        docs_bar = ttk.Frame(left, style="Panel.TFrame")
        docs_bar.grid(row=6, column=0, sticky="ew", pady=(4, 0))
        docs_bar.columnconfigure(0, weight=1)
        self.doc_detail = ttk.Label(docs_bar, text="↑↓ chọn · Space: đã nộp · Tab: tiếp",
                                    style="Muted.TLabel", justify="left")
        self.doc_detail.grid(row=0, column=0, sticky="ew")
        wrap_to_width(self.doc_detail)
        self.btn_all_docs = ttk.Button(docs_bar, text="Đã nộp đủ (Ctrl+D)", command=self.tick_all, takefocus=False)
        self.btn_all_docs.grid(row=0, column=1, sticky="e", padx=(6, 0))
        self.pending_scans = []          # [document number or None, files, StoredFile once converted]
        self._submit_when_stored = None  # Ctrl+S pressed while scans were still converting
        self.btn_scans = ttk.Button(docs_bar, text="Bản quét…", command=self.pick_scans, takefocus=False)
        self.btn_scans.grid(row=0, column=2, sticky="e", padx=(6, 0))

        # right: applicant
        right = ttk.LabelFrame(self, text="Người nộp hồ sơ", padding=(8, 4))
        right.grid(row=1, column=1, sticky="nsew")
        for c in range(3):
            right.columnconfigure(c, weight=1, uniform="f")
        self.fields: dict[str, Field] = {}
        places = {"name": (0, 0, 2), "id_number": (0, 2, 1), "birth_date": (1, 0, 1), "phone": (1, 1, 1),
                  "email": (1, 2, 1), "address": (2, 0, 3), "owner_name": (3, 0, 2), "owner_id_number": (3, 2, 1),
                  "post_address": (5, 0, 3)}
        for key, label, width, required, hint in FIELD_SPECS:
            f = Field(right, label, min(width, 12), required=required, hint=hint)
            row, col, span = places[key]
            f.grid(row=row, column=col, columnspan=span, sticky="ew", padx=4, pady=1)
            self.fields[key] = f
        opts = ttk.Frame(right, style="Panel.TFrame")
        opts.grid(row=4, column=0, columnspan=3, sticky="ew", padx=4, pady=2)
        ttk.Label(opts, text="Hình thức nộp:", style="Panel.TLabel").grid(row=0, column=0, sticky="w")
        self.channel = ttk.Combobox(opts, values=CHANNEL_LABELS, state="readonly", width=22)
        self.channel.current(0)
        self.channel.grid(row=0, column=1, columnspan=2, sticky="w", padx=4, pady=2)
        ttk.Label(opts, text="Nhận kết quả:", style="Panel.TLabel").grid(row=1, column=0, sticky="w")
        self.return_by = tk.StringVar(master=self, value="counter")
        ttk.Radiobutton(opts, text="Tại quầy một cửa", value="counter",
                        variable=self.return_by).grid(row=1, column=1, sticky="w", padx=4)
        ttk.Radiobutton(opts, text="Qua bưu chính công ích", value="post",
                        variable=self.return_by).grid(row=1, column=2, sticky="w", padx=4)
        self.fields["notes"] = Field(right, "Ghi chú", 20, widget="text")
        self.fields["notes"].input.configure(height=2)
        self.proc_entry.configure(font=self.app.fonts["big"])
        self.fields["notes"].grid(row=6, column=0, columnspan=3, sticky="ew", padx=4)
        self.fields["reason"] = Field(right, "Lý do từ chối / nội dung cần bổ sung, hoàn thiện", 20, widget="text",
                                      hint="bắt buộc khi từ chối; khi yêu cầu bổ sung, bỏ dấu ✓ ở giấy tờ còn thiếu")
        self.fields["reason"].input.configure(height=2)
        self.fields["reason"].grid(row=7, column=0, columnspan=3, sticky="ew", padx=4)

        # bottom: the live due time, the last dossier's line under it (never over it), the actions
        bottom = ttk.Frame(self, style="Panel.TFrame", padding=(10, 4))
        bottom.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(4, 0))
        bottom.columnconfigure(0, weight=1)
        self.due_label = ttk.Label(bottom, text="Hẹn trả: —", style="Big.TLabel")
        self.due_label.grid(row=0, column=0, sticky="w")
        again = ttk.Frame(bottom, style="Panel.TFrame")
        again.grid(row=0, column=1, sticky="e")
        self.btn_reprint = ttk.Button(again, text="In lại", command=self.reprint, state="disabled")
        self.btn_reprint.pack(side="left", padx=4)
        self.btn_preview = ttk.Button(again, text="Xem trước", command=self.preview, state="disabled")
        self.btn_preview.pack(side="left", padx=(4, 0))
        self.result_label = ttk.Label(bottom, text="", style="Ok.TLabel", justify="left")
        self.result_label.grid(row=1, column=0, columnspan=2, sticky="ew")
        wrap_to_width(self.result_label)
        row = ttk.Frame(bottom, style="Panel.TFrame")         # its own columns: the due time keeps its width
        row.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(4, 0))
        row.columnconfigure(0, weight=1)
        printing = ttk.Frame(row, style="Panel.TFrame")
        printing.grid(row=0, column=0, sticky="w")
        self.auto_print = tk.BooleanVar(master=self, value=True)
        ttk.Checkbutton(printing, text="In ngay", variable=self.auto_print).pack(side="left", padx=(0, 4))
        ttk.Label(printing, text="Khổ giấy:", style="Panel.TLabel").pack(side="left", padx=(4, 0))
        self.paper = ttk.Combobox(printing, values=list(PAPERS), state="readonly", width=15)
        cfg = self.desk.config()
        from commune_desk.gui.app import printer_paper
        default = {v: k for k, v in PAPERS.items()}.get(printer_paper(cfg), "A5")
        self.paper.set(default)
        self.paper.pack(side="left", padx=4)
        actions = ttk.Frame(row, style="Panel.TFrame")
        actions.grid(row=0, column=1, sticky="e")
        self.btn_refuse = ttk.Button(actions, text="Từ chối (Ctrl+R)", command=lambda: self.submit("refused"))
        self.btn_refuse.pack(side="left", padx=4)
        self.btn_supplement = ttk.Button(actions, text="Yêu cầu bổ sung (Ctrl+B)",
                                         command=lambda: self.submit("supplement"))
        self.btn_supplement.pack(side="left", padx=4)
        self.btn_accept = ttk.Button(actions, text="Tiếp nhận (Ctrl+S)", style="Accent.TButton",
                                     command=lambda: self.submit("accepted"))
        self.btn_accept.pack(side="left", padx=(4, 0))

        self.proc_var.trace_add("write", lambda *_: self._filter_procedures())
        self.proc_list.bind("<<ListboxSelect>>", lambda e: self._pick_from_list())
        self.proc_list.bind("<Return>", lambda e: (self._pick_from_list(), self._to_checklist())[1])
        self.proc_entry.bind("<Down>", lambda e: self._list_focus())
        self.proc_entry.bind("<Return>", self._enter_on_procedure)
        self.proc_entry.bind("<KP_Enter>", self._enter_on_procedure)
        enter_moves_on([f.input for k, f in self.fields.items() if k not in ("notes", "reason")])
        for f in self.fields.values():
            if isinstance(f.input, tk.Text):
                f.input.bind("<<Modified>>", self._text_modified)
            else:
                f.var.trace_add("write", lambda *_: self._schedule_draft())
        self.return_by.trace_add("write", lambda *_: self._schedule_draft())
        self.fields["id_number"].input.bind("<FocusOut>", lambda e: self._check_field("id_number"))
        self.fields["phone"].input.bind("<FocusOut>", lambda e: self._check_field("phone"))
        self._filter_procedures()

    def _bind_keys(self) -> None:
        top = self.winfo_toplevel()
        for seq, outcome in (("<Control-s>", "accepted"), ("<Control-b>", "supplement"), ("<Control-r>", "refused")):
            top.bind(seq, lambda e, o=outcome: self._if_shown(lambda: self.submit(o)))
        top.bind("<Control-n>", lambda e: self._if_shown(self.clear))
        top.bind("<Control-d>", lambda e: self._if_shown(self._all_papers_key))

    def _if_shown(self, fn):
        if self.app.current == "intake":
            fn()
        return "break"

    def on_show(self) -> None:
        self.proc_entry.focus_set()
        self.update_due()        # a sync may have measured this PC's clock since

    # ---- procedure -------------------------------------------------------------------------

    def _filter_procedures(self) -> None:
        query = self.proc_var.get()
        try:
            self.matches = self.desk.find_procedures(query, limit=50) if query.strip() else self.desk.procedures()
        except DeskError:
            self.matches = []
        self.proc_list.delete(0, "end")
        for p in self.matches:
            days = "trong ngày" if p.days == 0 else f"{p.days} ngày"
            self.proc_list.insert("end", f"{p.name}  ({days})")
        if self.matches:
            self.proc_list.selection_set(0)
            self.proc_error.configure(text="")
            if not self.procedure:
                self.proc_info.configure(text=f"Enter: {self.matches[0].name}")
        elif query.strip():
            self.proc_error.configure(text=f"Không tìm thấy thủ tục «{query.strip()}» — gõ ít chữ hơn, "
                                           "hoặc gõ mã thủ tục.")

    def _list_focus(self):
        self.proc_list.focus_set()
        if self.matches and not self.proc_list.curselection():
            self.proc_list.selection_set(0)
        return "break"

    def _enter_on_procedure(self, event):
        if self.matches:
            self.pick_procedure(self.matches[self.proc_list.curselection()[0] if self.proc_list.curselection() else 0].id)
            self._to_checklist()
        return "break"

    def _to_checklist(self):
        """After the procedure: the checklist, its first paper highlighted, ready for Space / Ctrl+D."""
        if self.procedure and self.procedure.documents:
            self.checklist.focus_set()
        else:
            self.fields["name"].input.focus_set()
        return "break"

    def _pick_from_list(self) -> None:
        sel = self.proc_list.curselection()
        if sel:
            self.pick_procedure(self.matches[sel[0]].id)

    def pick_procedure(self, pid: str, received=None) -> None:
        proc = self.desk.procedure(pid)
        self.procedure = proc
        fee = f"{proc.fee:,} đồng".replace(",", ".") if proc.fee else "Không thu"
        days = "Trong ngày (nhận sau 15 giờ trả ngày làm việc tiếp theo)" if proc.days == 0 else f"{proc.days} ngày làm việc"
        self.proc_info.configure(text=f"{proc.name}\nLĩnh vực: {proc.field} · Mã: {proc.national_code or proc.id}\n"
                                      f"Thời hạn: {days} · Lệ phí: {fee}")
        self.proc_error.configure(text="")
        self.checklist.delete(*self.checklist.get_children())
        self.doc_received = []
        for i, doc in enumerate(proc.documents):
            # nothing is ticked until the clerk has seen the paper: Space ticks one, Ctrl+D all
            var = tk.BooleanVar(master=self, value=bool(received[i]) if received and i < len(received) else False)
            self.doc_received.append(var)
            self.checklist.insert("", "end", iid=str(i), values=self._doc_row(doc, var.get()))
        self.update_due()
        self._schedule_draft()

    def _doc_row(self, doc, ok):
        n = lambda v: f"{v:02d}" if v else ""
        return ("✓" if ok else "—", doc["name"], n(doc.get("originals", 0)), n(doc.get("certified_copies", 0)),
                n(doc.get("photocopies", 0)))

    def _doc_name(self, index: int) -> str:
        docs = self.procedure.documents if self.procedure else []
        return docs[index]["name"] if 0 <= index < len(docs) else ""

    def _checklist_focused(self, event=None) -> None:
        self.check_frame.configure(highlightbackground=theme.ACCENT)
        rows = self.checklist.get_children()
        if rows and not self.checklist.focus():
            self.checklist.focus(rows[0])
            self.checklist.selection_set(rows[0])
        self._show_doc_detail()

    def _show_doc_detail(self) -> None:
        item = self.checklist.focus() or (self.checklist.selection() or [None])[0]
        if item is None or not self.procedure:
            return
        i = int(item)
        state = "đã nộp" if self.doc_received[i].get() else "chưa nộp"
        self.doc_detail.configure(text=f"{i + 1}. {self._doc_name(i)} — {state} (Space: đổi)")

    def _toggle_doc(self, event=None):
        item = self.checklist.focus() or (self.checklist.selection() or [None])[0]
        if item is None or not self.procedure:
            return "break"
        i = int(item)
        self.set_document_received(i, not self.doc_received[i].get())
        return "break"

    def set_document_received(self, index: int, received: bool) -> None:
        self.doc_received[index].set(received)
        self.checklist.item(str(index), values=self._doc_row(self.procedure.documents[index], received))
        self._show_doc_detail()
        self._schedule_draft()

    def _all_papers_key(self) -> None:
        """Ctrl+D in the checklist: every paper handed over, so on to the applicant."""
        in_list = self.focus_get() is self.checklist
        self.tick_all()
        if in_list and self.procedure:
            self.fields["name"].input.focus_set()

    def tick_all(self) -> None:
        """Ctrl+D: the citizen handed over every paper of the checklist."""
        if not self.procedure:
            return
        for i in range(len(self.doc_received)):
            self.set_document_received(i, True)
        self.doc_detail.configure(text=f"Đã đánh dấu đủ {len(self.doc_received)} giấy tờ.")

    # ---- the live due ------------------------------------------------------------------------

    def update_due(self) -> None:
        if not self.procedure:
            self.due_label.configure(text="Hẹn trả: — (chọn thủ tục)")
            return
        try:
            d = compute_due(self.desk.calendar(), self.desk.now(), self.procedure.days)
            from commune_desk.sync.status import clock_notice
            warning = clock_notice(self.desk)
            self.due_label.configure(text=f"Hẹn trả kết quả: {time_in_words(d.due_at)}"
                                          + (f"  ⚠ {warning}" if warning else ""))
        except DeskError as exc:
            self.due_label.configure(text=exc.message)

    def _tick(self) -> None:
        self.update_due()
        self.after(20_000, self._tick)

    # ---- validation and saving ---------------------------------------------------------------

    def form(self, outcome: str) -> IntakeForm:
        missing = []
        if outcome == "supplement" and self.procedure:
            why = self.fields["reason"].get().strip() or "Chưa nộp"
            missing = [{"name": doc["name"], "reason": why}
                       for doc, ok in zip(self.procedure.documents, self.doc_received) if not ok.get()]
            if not missing and self.fields["reason"].get().strip():
                missing = [{"name": self.fields["reason"].get().strip(), "reason": ""}]
        return IntakeForm(
            procedure_id=self.procedure.id if self.procedure else "",
            name=self.fields["name"].get(), id_number=self.fields["id_number"].get(),
            birth_date=self.fields["birth_date"].get(), phone=self.fields["phone"].get(),
            email=self.fields["email"].get(), address=self.fields["address"].get(),
            owner_name=self.fields["owner_name"].get(), owner_id_number=self.fields["owner_id_number"].get(),
            channel=self.channel.get().split(" ")[0], return_by=self.return_by.get(),
            post_address=self.fields["post_address"].get(), notes=self.fields["notes"].get(),
            outcome=outcome, reason=self.fields["reason"].get() if outcome == "refused" else "",
            missing=missing, received=[v.get() for v in self.doc_received] if self.procedure else None)

    def _check_field(self, key: str) -> None:
        from commune_desk.rules.identity import parse_id_number, parse_phone
        try:
            if key == "id_number":
                parse_id_number(self.fields[key].get())
            else:
                parse_phone(self.fields[key].get())
            self.fields[key].show_error(None)
        except DeskError as exc:
            self.fields[key].show_error(exc.message)

    def show_errors(self, errors: dict) -> None:
        for key, f in self.fields.items():
            f.show_error(errors.get(key) or (errors.get("missing") if key == "reason" else None))
        self.proc_error.configure(text=errors.get("procedure_id") or errors.get("documents") or "")
        first = next((k for k in ("procedure_id", "documents", *self.fields) if k in errors or
                      (k == "reason" and "missing" in errors)), None)
        if first == "procedure_id":
            self.proc_entry.focus_set()
        elif first == "documents":
            self.checklist.focus_set()
        elif first:
            self.fields[first].input.focus_set()

    def submit(self, outcome: str):
        form = self.form(outcome)
        if not self.procedure:
            self.show_errors({"procedure_id": "Hãy chọn thủ tục hành chính trước."})
            return None
        if any(stored is None for _, _, stored in self.pending_scans):
            self._submit_when_stored = outcome
            self.proc_error.configure(text="Đang chuyển bản quét thành PDF — hồ sơ được lưu ngay khi xong.")
            return None
        try:
            # durable commit happens here, before any printing; the scans were stored first
            dossier = self.desk.intake(form, attachments=[(doc, stored) for doc, _, stored in self.pending_scans])
        except FormErrors as exc:
            self.show_errors(exc.errors)
            return None
        except DeskError as exc:
            self.show_errors({exc.field or "name": exc.message})
            return None
        self.show_errors({})
        self.pick_scans(clear=True)
        self.last = (dossier, OUTCOME_FORM[outcome])
        if dossier.code:
            text = f"Đã tiếp nhận hồ sơ {dossier.code} — hẹn trả {time_in_words(dossier.due_at)}"
        elif outcome == "supplement":
            text = f"Đã ghi nhận yêu cầu bổ sung cho {dossier.applicant_name}; in phiếu mẫu 02."
        else:
            text = f"Đã ghi nhận từ chối tiếp nhận hồ sơ của {dossier.applicant_name}; in phiếu mẫu 03."
        self.result_label.configure(text=text)
        self.btn_reprint.configure(state="normal")
        self.btn_preview.configure(state="normal")
        self._reset_fields()
        self.app.refresh_status()
        if self.auto_print.get():
            self.print_last()
        return dossier

    # ---- printing (off the UI thread) ----------------------------------------------------------

    def print_last(self, preview: bool = False) -> None:
        if not self.last:
            return
        dossier, form = self.last
        self.app.print_form(dossier.code or dossier.uuid, form, PAPERS[self.paper.get()], preview=preview)

    def reprint(self) -> None:
        self.print_last()

    def preview(self) -> None:
        self.print_last(preview=True)

    # ---- clearing, drafts ----------------------------------------------------------------------

    def _reset_fields(self) -> None:
        self._restoring = True
        for f in self.fields.values():
            f.set("")
            f.show_error(None)
        self.channel.current(0)
        self.return_by.set("counter")
        self.procedure = None
        self.proc_var.set("")
        self.checklist.delete(*self.checklist.get_children())
        self.proc_info.configure(text="Chưa chọn thủ tục.")
        self.update_due()
        self._restoring = False
        self.proc_entry.focus_set()

    def pick_scans(self, files=None, clear: bool = False) -> None:
        """Scans to attach when the dossier is saved, to the checklist document picked (or to the
        whole dossier when none is). They are converted and stored at once, off the UI thread
        (seconds for a thick dossier on a modest PC), while the clerk goes on with the form."""
        if clear:
            self.pending_scans = []
            self._submit_when_stored = None
        else:
            from commune_desk.gui.attachments_bar import FILETYPES
            files = files or filedialog.askopenfilenames(parent=self, title="Chọn bản quét", filetypes=FILETYPES)
            if not files:
                return
            picked = self.checklist.selection()
            entry = [int(picked[0]) + 1 if picked else None, [Path(f) for f in files], None]
            self.pending_scans.append(entry)
            desk = self.desk
            self.app.background.run(lambda: desk.store_files(entry[1]), on_done=lambda stored: self._stored(entry, stored),
                                    on_error=lambda exc: self._not_stored(entry, exc))
        self._count_scans()

    def _count_scans(self) -> None:
        count = sum(len(files) for _, files, _ in self.pending_scans)
        converting = any(stored is None for _, _, stored in self.pending_scans)
        self.btn_scans.configure(text=(f"Đang chuyển ({count})…" if converting else
                                       f"Bản quét ({count})…") if count else "Bản quét…")

    def _stored(self, entry, stored) -> None:
        if entry not in self.pending_scans:            # cleared meanwhile: the file is an orphan, cleaned up later
            return
        entry[2] = stored
        self._count_scans()
        if self._submit_when_stored and all(s is not None for _, _, s in self.pending_scans):
            outcome, self._submit_when_stored = self._submit_when_stored, None
            self.proc_error.configure(text="")
            self.submit(outcome)

    def _not_stored(self, entry, exc: BaseException) -> None:
        if entry in self.pending_scans:
            self.pending_scans.remove(entry)
        self._submit_when_stored = None
        said = exc.message if isinstance(exc, DeskError) else f"{exc.__class__.__name__}: {exc}"
        self.proc_error.configure(text=f"Không dùng được bản quét {entry[1][0].name}: {said}")
        self._count_scans()

    def clear(self) -> None:
        self.pick_scans(clear=True)
        self._reset_fields()
        self.result_label.configure(text="")
        self.desk.clear_draft()

    def _text_modified(self, event):
        event.widget.edit_modified(False)
        self._schedule_draft()

    def _schedule_draft(self) -> None:
        if self._restoring:
            return
        if self._draft_job:
            self.after_cancel(self._draft_job)
        self._draft_job = self.after(DRAFT_DELAY_MS, self.save_draft)

    def draft_data(self) -> dict:
        data = {k: f.get() for k, f in self.fields.items()}
        data.update(procedure_id=self.procedure.id if self.procedure else "", channel=self.channel.current(),
                    return_by=self.return_by.get(), received=[v.get() for v in self.doc_received])
        return data

    def save_draft(self) -> None:
        self._draft_job = None
        data = self.draft_data()
        if not any(v for k, v in data.items() if k not in ("channel", "return_by", "received")):
            self.desk.clear_draft()
            return
        try:
            self.desk.save_draft(data)
        except DeskError:
            log.exception("draft not saved")

    def _offer_draft(self) -> None:
        data = self.desk.draft()
        if not data:
            return
        who = data.get("name") or "(chưa có tên)"
        if dialogs.askyesno("Khôi phục hồ sơ đang nhập dở",
                               f"Có một hồ sơ đang nhập dở chưa lưu (người nộp: {who}). Khôi phục để nhập tiếp?",
                               parent=self):
            self.restore_draft(data)
        else:
            self.desk.clear_draft()

    def restore_draft(self, data: dict) -> None:
        self._restoring = True
        for k, f in self.fields.items():
            f.set(data.get(k, ""))
        if data.get("procedure_id"):
            try:
                self.pick_procedure(data["procedure_id"], received=data.get("received"))
            except DeskError:
                pass
        self.channel.current(data.get("channel", 0))
        self.return_by.set(data.get("return_by", "counter"))
        self._restoring = False
        self.fields["name"].input.focus_set()

