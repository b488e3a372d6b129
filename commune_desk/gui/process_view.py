"""Xử lý hồ sơ: the workqueues, a dossier's whole story, and the moves its status allows.

Keyboard: Enter opens the selected dossier, Ctrl+Enter confirms the open action, Esc cancels it,
Ctrl+F focuses the list. Every action goes through a small confirm panel (no stray clicks); the
store decides, the screen only offers what the status model allows. Forms 02/04/05/06 are
rendered and sent to the printer off the UI thread.
"""

import logging
import tkinter as tk
from tkinter import ttk

from commune_desk.errors import DeskError, InvalidInput
from commune_desk.forms.wording import time_in_words
from commune_desk.gui import theme
from commune_desk.gui.story import StoryPanel
from commune_desk.gui.tables import fit_columns, scrolled, short, standing
from commune_desk.gui.widgets import Field, cell_tips
from commune_desk.rules import lifecycle
from commune_desk.rules.dates import parse_office_instant
from commune_desk.rules.statuses import TRANSITIONS, Status
from commune_desk.store.queries import QUEUES

log = logging.getLogger("commune_desk.gui.process")

QUEUE_ORDER = ["overdue", "due_today", "due_tomorrow", "new", "processing", "supplement", "financial",
               "resolved", "closed"]
ALL = "— Tất cả —"

# key, button text, target status (None: not a plain status move), form printed afterwards
ACTIONS = [
    ("handoff", "Chuyển giao…", None, None),
    ("processing", "Tiếp tục xử lý…", Status.PROCESSING, None),
    ("supplement", "Yêu cầu bổ sung (02)…", Status.SUPPLEMENT, "02"),
    ("financial", "Nghĩa vụ tài chính…", Status.FINANCIAL, None),
    ("resolved", "Đã xử lý xong…", Status.RESOLVED, None),
    ("extend", "Xin lỗi, gia hạn (04)…", None, "04"),
    ("stopped", "Dừng xử lý (05)…", Status.STOPPED, "05"),
    ("withdrawn", "Công dân rút hồ sơ…", Status.WITHDRAWN, None),
]
PROCESSING_LABELS = {Status.ACCEPTED: "Bắt đầu xử lý…", Status.SUPPLEMENT: "Đã nhận đủ bổ sung…",
                     Status.FINANCIAL: "Đã nộp nghĩa vụ tài chính…"}
FORM_TITLES = {
    "handoff": "Chuyển giao hồ sơ (một dòng của phiếu kiểm soát, mẫu 06)",
    "processing": "Tiếp tục xử lý",
    "supplement": "Yêu cầu bổ sung, hoàn thiện hồ sơ — tạm dừng tính hạn, in mẫu 02",
    "financial": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "resolved": "Đã xử lý xong, chuyển Bộ phận một cửa chờ trả kết quả",
    "extend": "Văn bản xin lỗi và đề nghị gia hạn (mẫu 04) — chỉ một lần, trước hạn",
    "stopped": "Dừng giải quyết hồ sơ — in thông báo mẫu 05",
    "withdrawn": "Công dân rút hồ sơ",
}
NOTE_LABELS = {
    "handoff": "Ghi chú khi chuyển giao",
    "processing": "Ghi chú (ví dụ: đã nhận đủ giấy tờ bổ sung)",
    "supplement": "Lý do, hướng dẫn bổ sung",
    "financial": "Nội dung nghĩa vụ tài chính (số tiền, nơi nộp)",
    "resolved": "Ghi chú (kết quả giải quyết)",
    "extend": "Lý do chậm trả kết quả (in trên văn bản xin lỗi) *",
    "stopped": "Lý do dừng giải quyết (in trên thông báo mẫu 05) *",
    "withdrawn": "Lý do rút hồ sơ (theo đề nghị của công dân) *",
}
DONE_TEXT = {
    "handoff": "Đã chuyển hồ sơ {code} cho {assignee}.",
    "processing": "Hồ sơ {code} đang được xử lý; hạn trả {due}.",
    "supplement": "Đã yêu cầu bổ sung hồ sơ {code}; tạm dừng tính hạn. Đang in mẫu 02.",
    "financial": "Hồ sơ {code} chờ công dân thực hiện nghĩa vụ tài chính.",
    "resolved": "Hồ sơ {code} đã xử lý xong, chờ trả kết quả.",
    "extend": "Đã gia hạn hồ sơ {code} đến {due}. Đang in văn bản xin lỗi (mẫu 04).",
    "stopped": "Đã dừng xử lý hồ sơ {code}. Đang in thông báo mẫu 05.",
    "withdrawn": "Đã ghi nhận công dân rút hồ sơ {code}.",
}
STATUS_QUEUE = {Status.ACCEPTED: "new", Status.PROCESSING: "processing", Status.SUPPLEMENT: "supplement",
                Status.FINANCIAL: "financial", Status.RESOLVED: "resolved", Status.STOPPED: "closed",
                Status.WITHDRAWN: "closed"}


# ---- the screen ------------------------------------------------------------------------------

class ProcessView(ttk.Frame):
    def __init__(self, parent, app):
        super().__init__(parent, padding=(16, 10))
        self.app = app
        self.desk = app.desk
        self.queue_name = "overdue"
        self.sort_desc = False
        self.rows: list = []
        self.current = None
        self.action: str | None = None
        self._shown_once = False
        self._build()
        self._bind_keys()

    # ---- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.columnconfigure(1, weight=1)
        self.rowconfigure(1, weight=2)
        self.rowconfigure(2, weight=3)
        head = ttk.Frame(self)
        head.grid(row=0, column=0, columnspan=2, sticky="ew", pady=(0, 6))
        ttk.Label(head, text="Xử lý hồ sơ", style="Title.TLabel").pack(side="left")
        ttk.Label(head, text="Enter: mở hồ sơ · Ctrl+Enter: xác nhận · Esc: hủy", foreground=theme.MUTED).pack(side="right")
        self._build_queues()
        self._build_list()
        lower = self._build_story_and_actions()
        self._build_confirm_panel(lower)
        self._layout_actions()

    def _build_queues(self) -> None:
        """Left: the queues with their counts, the field and procedure filters, the colour legend."""
        left = ttk.Frame(self, style="Panel.TFrame", padding=8)
        left.grid(row=1, column=0, rowspan=2, sticky="nsw", padx=(0, 8))
        ttk.Label(left, text="Danh sách hồ sơ", style="Panel.TLabel", font=self.app.fonts["bold"]).pack(anchor="w")
        self.queue_list = tk.Listbox(left, height=len(QUEUE_ORDER) + 1, width=24, activestyle="none",
                                     exportselection=False, font=self.app.fonts["base"], relief="flat",
                                     highlightthickness=1, selectbackground=theme.ACCENT)
        self.queue_list.pack(fill="x", pady=(4, 10))
        self.queue_list.bind("<<ListboxSelect>>", lambda e: self._queue_picked())
        ttk.Label(left, text="Lĩnh vực", style="Panel.TLabel").pack(anchor="w")
        self.field_filter = ttk.Combobox(left, state="readonly", width=24)
        self.field_filter.pack(fill="x", pady=(0, 6))
        self.field_filter.bind("<<ComboboxSelected>>", lambda e: self._field_picked())
        ttk.Label(left, text="Thủ tục", style="Panel.TLabel").pack(anchor="w")
        self.proc_filter = ttk.Combobox(left, state="readonly", width=24)
        self.proc_filter.pack(fill="x", pady=(0, 6))
        self.proc_filter.bind("<<ComboboxSelected>>", lambda e: self.refresh())
        ttk.Button(left, text="Làm mới", command=self.refresh).pack(anchor="w", pady=(6, 0))
        legend = ttk.Frame(left, style="Panel.TFrame")
        legend.pack(fill="x", pady=(14, 0))
        for key in ("overdue", "due_today", "due_tomorrow"):
            tk.Label(legend, text=QUEUES[key][0], background=theme.URGENCY_COLOURS[key], foreground=theme.TEXT,
                     font=self.app.fonts["small"], anchor="w", padx=6).pack(fill="x", pady=1)

    def _build_list(self) -> None:
        """Right top: the dossiers of the chosen queue, coloured by urgency."""
        listbox = ttk.Frame(self, style="Panel.TFrame", padding=(8, 6))
        listbox.grid(row=1, column=1, sticky="nsew")
        listbox.columnconfigure(0, weight=1)
        listbox.rowconfigure(1, weight=1)
        self.list_title = ttk.Label(listbox, text="", style="Panel.TLabel", font=self.app.fonts["bold"])
        self.list_title.grid(row=0, column=0, sticky="w")
        cols = ("code", "due", "left", "name", "procedure", "assignee")
        self.tree = ttk.Treeview(listbox, columns=cols, show="headings", height=7, selectmode="browse")
        self.headings = {"code": "Mã hồ sơ", "name": "Người nộp", "procedure": "Thủ tục", "due": "Hạn trả",
                         "left": "Tình trạng hạn", "assignee": "Đang ở"}
        for col in cols:
            self.tree.heading(col, text=self.headings[col], anchor="w",
                              command=(self.toggle_sort if col == "due" else ""))
            self.tree.column(col, anchor="w")
        fit_columns(self.tree, {"code": 205, "due": 125, "left": 155}, {"name": 3, "procedure": 4, "assignee": 3},
                    minimum=120)
        for key, colour in theme.URGENCY_COLOURS.items():
            self.tree.tag_configure(key, background=colour)
        scrolled(listbox, self.tree, row=1)
        cell_tips(self.tree, "procedure", "name", "assignee")
        self.tree.bind("<<TreeviewSelect>>", lambda e: self._row_picked())
        self.tree.bind("<Return>", lambda e: self._enter_on_row())
        self.tree.bind("<KP_Enter>", lambda e: self._enter_on_row())
        self.tree.bind("<Down>", self._first_row, add="+")

    def _build_story_and_actions(self) -> ttk.Frame:
        """Right bottom: the open dossier's story, the warning line and the actions it allows."""
        lower = ttk.Frame(self, style="Panel.TFrame")
        lower.grid(row=2, column=1, sticky="nsew", pady=(8, 0))
        lower.columnconfigure(0, weight=1)
        lower.rowconfigure(0, weight=1)
        self.story = StoryPanel(lower, self.app, height=5)
        self.story.grid(row=0, column=0, sticky="nsew")
        self.warning = ttk.Label(lower, text="", style="Warn.TLabel", padding=(10, 0))
        self.warning.grid(row=1, column=0, sticky="w")
        self.actions = ttk.Frame(lower, style="Panel.TFrame", padding=(10, 4))
        self.actions.grid(row=2, column=0, sticky="ew")
        self.buttons: dict[str, ttk.Button] = {}
        for key, text, _target, _form in ACTIONS:
            self.buttons[key] = ttk.Button(self.actions, text=text, command=lambda k=key: self.start_action(k))
        self.btn_print06 = ttk.Button(self.actions, text="In phiếu kiểm soát (06)",
                                      command=lambda: self.print_form("06"))
        self.btn_reprint = ttk.Button(self.actions, text="In lại", command=self.reprint)
        self._shown_actions: list = []
        self._per_row = 0
        self.actions.bind("<Configure>", lambda e: self._flow_actions(force=False))
        self.result = ttk.Label(lower, text="", style="Ok.TLabel", padding=(10, 0))
        self.result.grid(row=3, column=0, sticky="w")
        return lower

    def _build_confirm_panel(self, lower) -> None:
        """The confirm panel of the chosen action: it takes the buttons' place while open."""
        self.form = ttk.LabelFrame(lower, text="", padding=(10, 4))
        self.form.columnconfigure(0, weight=1)
        self.form.columnconfigure(1, weight=1)
        self.f_party = Field(self.form, "Chuyển cho (người / đơn vị) *", 40)
        self.f_until = Field(self.form, "Ngày hẹn trả mới *", 22, hint="ngày/tháng/năm giờ:phút, ví dụ 03/12/2026 16:30")
        self.f_missing = Field(self.form, "Giấy tờ cần bổ sung, hoàn thiện * (mỗi dòng một giấy tờ; lý do sau dấu |)",
                               60, widget="text")
        self.f_missing.input.configure(height=3)
        self.f_note = Field(self.form, "Ghi chú", 60, widget="text")
        self.f_note.input.configure(height=2)
        btns = ttk.Frame(self.form, style="Panel.TFrame")
        btns.grid(row=9, column=0, columnspan=2, sticky="e", pady=(4, 0))
        ttk.Button(btns, text="Hủy (Esc)", command=self.cancel_action).pack(side="left", padx=4)
        self.btn_confirm = ttk.Button(btns, text="Xác nhận (Ctrl+Enter)", style="Accent.TButton",
                                      command=self.confirm_action)
        self.btn_confirm.pack(side="left", padx=4)

    def _bind_keys(self) -> None:
        top = self.winfo_toplevel()
        top.bind("<Control-Return>", lambda e: self._if_shown(self.confirm_action), add="+")
        top.bind("<Escape>", lambda e: self._if_shown(self.cancel_action), add="+")
        top.bind("<Control-f>", lambda e: self._if_shown(self.tree.focus_set), add="+")

    def _if_shown(self, fn):
        if self.app.current == "process":
            fn()
            return "break"
        return None

    def on_show(self) -> None:
        self._load_filters()
        if not self._shown_once:
            # open on the most urgent list that has work in it
            self._shown_once = True
            now = self.desk.now()
            counts = self.desk.queue_counts(now)
            self.queue_name = next((q for q in QUEUE_ORDER[:5] if counts[q]), "overdue")
        self.refresh()
        self.tree.focus_set()

    # ---- queues --------------------------------------------------------------------------------

    def _load_filters(self) -> None:
        procs = self.desk.procedures()
        fields = sorted({p.field for p in procs})
        self.field_filter.configure(values=[ALL] + fields)
        if not self.field_filter.get():
            self.field_filter.set(ALL)
        self._procs = procs
        self._fill_procedures()

    def _fill_procedures(self) -> None:
        field = self.field_filter.get()
        procs = [p for p in self._procs if field in ("", ALL) or p.field == field]
        self.proc_ids = {ALL: None} | {p.name: p.id for p in procs}
        self.proc_filter.configure(values=list(self.proc_ids))
        if self.proc_filter.get() not in self.proc_ids:
            self.proc_filter.set(ALL)

    def _field_picked(self) -> None:
        self._fill_procedures()
        self.refresh()

    def set_filter(self, field: str | None = None, procedure_id: str | None = None) -> None:
        if not hasattr(self, "_procs"):
            self._load_filters()
        self.field_filter.set(field or ALL)
        self._fill_procedures()
        names = {v: k for k, v in self.proc_ids.items()}
        self.proc_filter.set(names.get(procedure_id, ALL))
        self.refresh()

    def _queue_picked(self) -> None:
        sel = self.queue_list.curselection()
        if sel:
            self.select_queue(QUEUE_ORDER[sel[0]])

    def select_queue(self, name: str) -> None:
        self.queue_name = name
        self.refresh()

    def refresh(self) -> None:
        try:
            self._refresh()
        except DeskError as exc:
            self.app.error(exc)

    def _refresh(self) -> None:
        desk, now = self.desk, self.desk.now()
        field = self.field_filter.get()
        field = None if field in ("", ALL) else field
        proc = getattr(self, "proc_ids", {}).get(self.proc_filter.get())
        self.queue_list.delete(0, "end")
        counts = desk.queue_counts(now, field=field, procedure_id=proc)
        for i, name in enumerate(QUEUE_ORDER):
            self.queue_list.insert("end", f"{QUEUES[name][0]} ({counts[name]})")
            if name in theme.URGENCY_COLOURS:
                self.queue_list.itemconfigure(i, background=theme.URGENCY_COLOURS[name])
        index = QUEUE_ORDER.index(self.queue_name)
        self.queue_list.selection_clear(0, "end")
        self.queue_list.selection_set(index)
        self.rows = desk.queue(self.queue_name, now, field=field, procedure_id=proc)
        if self.sort_desc:
            self.rows.reverse()
        self.list_title.configure(text=f"{QUEUES[self.queue_name][0]}: {len(self.rows)} hồ sơ")
        arrow = " ▼" if self.sort_desc else " ▲"
        self.tree.heading("due", text=self.headings["due"] + arrow)
        keep = self.current.code if self.current else None
        self.tree.delete(*self.tree.get_children())
        for d in self.rows:
            tag = desk.urgency(d, now)
            self.tree.insert("", "end", iid=d.code, tags=(tag,) if tag else (),
                             values=(d.code, short(d.due_at), standing(desk, d, now), d.applicant_name,
                                     d.procedure_name, d.assignee))
        if keep and self.tree.exists(keep):
            self.tree.selection_set(keep)
            self.tree.see(keep)
        self.app.refresh_status()

    def toggle_sort(self) -> None:
        self.sort_desc = not self.sort_desc
        self.refresh()

    def listed_codes(self) -> list[str]:
        return list(self.tree.get_children())

    def row_colour(self, code: str) -> str | None:
        tags = self.tree.item(code, "tags")
        return tags[0] if tags else None

    # ---- one dossier -----------------------------------------------------------------------------

    def _first_row(self, event=None):
        """Down in a list with nothing highlighted yet: the first dossier."""
        rows = self.tree.get_children()
        if rows and not self.tree.focus():
            self.tree.focus(rows[0])
            self.tree.selection_set(rows[0])
            return "break"
        return None

    def _enter_on_row(self):
        """Enter: open the highlighted dossier and go to its first action."""
        item = self.tree.focus() or (self.tree.selection() or [None])[0]
        if item is None:
            self._first_row()
            return "break"
        if self.current is None or self.current.code != item:
            self.tree.selection_set(item)
            self.open(item)
        first = next((w for w in self._shown_actions if str(w.cget("state")) != "disabled"), None)
        if first is not None:
            first.focus_set()
        return "break"

    def _row_picked(self) -> None:
        sel = self.tree.selection()
        if sel and (self.current is None or self.current.code != sel[0]):
            self.open(sel[0])

    def open(self, code: str) -> None:
        try:
            self.current = self.desk.dossier(code)
        except DeskError as exc:
            self.app.error(exc)
            return
        self.cancel_action()
        self.result.configure(text="")
        self.story.show(self.current)
        self._layout_actions()

    def reload(self) -> None:
        if self.current is not None:
            self.current = self.desk.dossier(self.current.code)
            self.story.show(self.current)
        self._layout_actions()
        self.refresh()

    def allowed(self) -> list[str]:
        """The actions offered for the open dossier: those its status allows, nothing else."""
        d = self.current
        if d is None or d.code is None:
            return []
        status = Status(d.status)
        nxt = TRANSITIONS[status]
        keys = []
        for key, _text, target, _form in ACTIONS:
            if key == "handoff":
                ok = status in lifecycle.HANDOFF_FROM
            elif key == "extend":
                ok = status in lifecycle.EXTEND_FROM
            else:
                ok = target in nxt
            if ok:
                keys.append(key)
        return keys

    def can_extend(self) -> bool:
        d = self.current
        return d is not None and lifecycle.can_extend(Status(d.status), d.extended, d.due_at, self.desk.now())

    def _layout_actions(self) -> None:
        for w in self.actions.winfo_children():
            w.grid_forget()
        keys = self.allowed()
        widgets = [self.buttons[k] for k in keys]
        d = self.current
        if d is not None and d.code:
            if "processing" in keys:
                self.buttons["processing"].configure(
                    text=PROCESSING_LABELS.get(Status(d.status), "Tiếp tục xử lý…"))
            widgets += [self.btn_print06]
            if self._reprintable():
                widgets.append(self.btn_reprint)
        self._shown_actions = widgets
        self._flow_actions()
        self.buttons["extend"].configure(state="normal" if self.can_extend() else "disabled")
        self.warning.configure(text=self._extension_warning())

    def _flow_actions(self, force: bool = True) -> None:
        """As many buttons a row as the width allows (4 at 1366 px, 3 at 1024 px)."""
        widgets = self._shown_actions
        width = self.actions.winfo_width()
        widest = max((w.winfo_reqwidth() for w in self._shown_actions), default=200) + 6
        per_row = max(1, min(4, width // widest)) if width > 1 else 4
        if not force and per_row == self._per_row:
            return
        for w in self.actions.winfo_children():
            w.grid_forget()
        for c in range(5):
            self.actions.columnconfigure(c, weight=0, uniform="")
        for c in range(per_row):
            self.actions.columnconfigure(c, weight=1, uniform="a")
        for i, w in enumerate(widgets):
            w.grid(row=i // per_row, column=i % per_row, sticky="ew", padx=3, pady=2)
        self._per_row = per_row

    def _reprintable(self) -> list[str]:
        d = self.current
        forms = lifecycle.reprintable_forms(Status(d.status), bool(d.missing), d.extended)
        self.btn_reprint.configure(text="In lại mẫu " + ", ".join(forms) if forms else "In lại")
        return forms

    def _extension_warning(self) -> str:
        d = self.current
        if d is None:
            return ""
        return lifecycle.extension_note(Status(d.status), d.extended, d.due_at, self.desk.calendar(),
                                        self.desk.now())

    # ---- actions ---------------------------------------------------------------------------------

    def start_action(self, key: str) -> None:
        if self.current is None:
            return
        self.action = key
        for f in (self.f_party, self.f_until, self.f_missing, self.f_note):
            f.grid_forget()
            f.set("")
            f.show_error(None)
        self.form.configure(text=FORM_TITLES[key])
        self.f_note.winfo_children()[0].configure(text=NOTE_LABELS[key])
        row = 0
        if key == "handoff":
            self.f_party.grid(row=row, column=0, sticky="ew", padx=4)
            row += 1
        if key == "extend":
            suggestion = lifecycle.suggested_extension(self.desk.calendar(), self.current.due_at)
            self.f_until.set(f"{suggestion:%d/%m/%Y %H:%M}")
            self.f_until.grid(row=row, column=0, sticky="w", padx=4)
            row += 1
        if key == "supplement":
            self.f_missing.grid(row=row, column=0, columnspan=2, sticky="ew", padx=4)
            row += 1
        self.f_note.grid(row=row, column=0, columnspan=2, sticky="ew", padx=4)
        self.actions.grid_remove()          # the confirm panel takes the buttons' place
        self.form.grid(row=4, column=0, sticky="ew", padx=10, pady=(2, 6))
        first = {"handoff": self.f_party, "extend": self.f_until, "supplement": self.f_missing}.get(key, self.f_note)
        first.input.focus_set()

    def cancel_action(self) -> None:
        self.action = None
        self.form.grid_forget()
        self.actions.grid()

    def confirm_action(self) -> None:
        key, d = self.action, self.current
        if key is None or d is None:
            return
        note = self.f_note.get().strip()
        try:
            if key == "handoff":
                done = self.desk.handoff(d.code, self.f_party.get(), note=note)
            elif key == "extend":
                until = parse_office_instant(self.f_until.get(), self.desk.calendar())
                done = self.desk.extend(d.code, until, note)
            else:
                target = dict((k, t) for k, _x, t, _f in ACTIONS)[key]
                missing = []
                if key == "supplement":
                    for line in self.f_missing.get().splitlines():
                        if line.strip():
                            name, _, why = line.partition("|")
                            missing.append({"name": name.strip(), "reason": why.strip()})
                    if not missing:
                        raise InvalidInput("Hãy ghi ít nhất một giấy tờ cần bổ sung, hoàn thiện.", "missing")
                done = self.desk.advance(d.code, int(target), note=note, missing=missing)
        except InvalidInput as exc:
            target_field = {"assignee": self.f_party, "until": self.f_until, "missing": self.f_missing}.get(
                exc.field, self.f_note)
            target_field.show_error(exc.message)
            target_field.input.focus_set()
            return
        except DeskError as exc:
            self.app.error(exc)
            self.cancel_action()
            self.reload()
            return
        form = dict((k, f) for k, _x, _t, f in ACTIONS)[key]
        self.cancel_action()
        self.current = done
        text = DONE_TEXT[key].format(code=done.code, assignee=done.assignee, due=time_in_words(done.due_at))
        self.queue_name = STATUS_QUEUE.get(Status(done.status), self.queue_name) if key != "extend" else self.queue_name
        self.reload()
        self.result.configure(text=text)
        if form:
            self.print_form(form)

    # ---- printing (off the UI thread) ------------------------------------------------------------

    def reprint(self) -> None:
        for form in self._reprintable():
            self.print_form(form)

    def print_form(self, form: str, preview: bool = False) -> None:
        if self.current is None or not self.current.code:
            return
        self.app.print_form(self.current.code, form, preview=preview, on_done=self._printed)

    def _printed(self, path) -> None:
        if self.current is not None and self.app.current == "process":
            self.story.show(self.desk.dossier(self.current.code))
