"""Tài khoản (quản trị): who may sign in at this desk and with which role; the audit trail and its
check."""

from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui.widgets import Field, TabbedScreen
from commune_desk.rules import roles

ACTION_NAMES = {
    "sign_in": "Đăng nhập", "sign_in_failed": "Đăng nhập sai", "sign_out": "Đăng xuất", "lock": "Khóa màn hình",
    "idle_lock": "Tự khóa (không dùng)", "forbidden": "Bị từ chối (vai trò)", "intake": "Tiếp nhận",
    "handoff": "Chuyển giao", "advance": "Chuyển trạng thái", "transition": "Chuyển trạng thái (sự kiện)",
    "extend": "Gia hạn", "extension": "Gia hạn (sự kiện)", "handover": "Trả kết quả", "print": "In",
    "reprint": "In lại", "print_outcome": "Kết quả in", "export": "Xuất PDF", "book_export": "Xuất sổ theo dõi",
    "report_export": "Xuất báo cáo", "import_dossiers": "Nhập hồ sơ cũ", "setup": "Thiết lập", "edit_procedure": "Sửa danh mục",
    "catalog_loaded": "Nạp danh mục", "set_calendar_day": "Sửa lịch", "clear_calendar_day": "Sửa lịch",
    "calendar_day": "Sửa lịch (sự kiện)", "add_account": "Thêm tài khoản",
    "create_first_admin": "Tạo quản trị đầu tiên", "disable_account": "Vô hiệu hóa / kích hoạt",
    "set_role": "Đổi vai trò", "change_password": "Đổi mật khẩu", "reset_password": "Đặt lại mật khẩu",
    "password_change_failed": "Đổi mật khẩu sai", "sync_pull": "Nhận từ cấp trên", "audit_started": "Bắt đầu nhật ký", "clock_override": "Lệnh chạy với giờ đặt tay",
    "audit_triggers_installed": "Bật ghi nhật ký", "audit_triggers_restored": "Khôi phục ghi nhật ký",
}
ROLE_CHOICES = [f"{label} ({key})" for key, label in roles.ROLES.items()]


def _role_of(choice: str) -> str:
    return choice.rsplit("(", 1)[-1].rstrip(")") if "(" in choice else choice


class AccountsView(TabbedScreen):
    def __init__(self, parent, app):
        super().__init__(parent, app, "Tài khoản")
        self.tabs.add(self._accounts_tab(self.tabs), text="Tài khoản, vai trò")
        self.tabs.add(self._audit_tab(self.tabs), text="Nhật ký kiểm tra")

    # ---- accounts ----------------------------------------------------------------------------
    def _accounts_tab(self, parent):
        tab = ttk.Frame(parent, style="Panel.TFrame", padding=12)
        cols = ("name", "full_name", "role", "state", "last")
        self.table = ttk.Treeview(tab, columns=cols, show="headings", height=8, selectmode="browse")
        for col, text, width in (("name", "Tên đăng nhập", 140), ("full_name", "Họ tên", 220),
                                 ("role", "Vai trò", 110), ("state", "Trạng thái", 200),
                                 ("last", "Đăng nhập gần nhất", 150)):
            self.table.heading(col, text=text)
            self.table.column(col, width=width, anchor="w")
        self.table.pack(fill="x")
        actions = ttk.Frame(tab, style="Panel.TFrame")
        actions.pack(fill="x", pady=6)
        ttk.Button(actions, text="Vô hiệu hóa", command=lambda: self.set_disabled(True)).pack(side="left")
        ttk.Button(actions, text="Kích hoạt lại", command=lambda: self.set_disabled(False)).pack(side="left", padx=6)
        ttk.Button(actions, text="Đổi vai trò theo ô bên dưới", command=self.change_role).pack(side="left")
        ttk.Button(actions, text="Đặt mật khẩu mới (ô bên dưới)", command=self.reset_password).pack(side="left",
                                                                                                  padx=6)

        form = ttk.LabelFrame(tab, text="Thêm tài khoản", padding=10)
        form.pack(fill="x", pady=(8, 0))
        self.fields = {
            "name": Field(form, "Tên đăng nhập (ví dụ: lan.tt)", 22, required=True),
            "full_name": Field(form, "Họ tên (in trên phiếu)", 28),
            "role": Field(form, "Vai trò", 22, required=True, widget="combo", values=ROLE_CHOICES),
            "password": Field(form, "Mật khẩu (ít nhất 8 ký tự)", 20, required=True),
            "confirm": Field(form, "Nhập lại mật khẩu", 20, required=True),
        }
        for i, f in enumerate(self.fields.values()):
            f.grid(row=i // 3, column=i % 3, sticky="ew", padx=(0, 8))
        for key in ("password", "confirm"):
            self.fields[key].input.configure(show="•")
        self.fields["role"].set(ROLE_CHOICES[0])
        ttk.Button(form, text="Thêm tài khoản", style="Accent.TButton", command=self.add).grid(
            row=1, column=2, sticky="sw", pady=(0, 16))
        self.message = ttk.Label(tab, text="", style="Ok.TLabel")
        self.message.pack(anchor="w", pady=4)
        ttk.Label(tab, text="Tiếp nhận: tiếp nhận, trả kết quả, tra cứu · Chuyên môn: xử lý hồ sơ · "
                            "Lãnh đạo: duyệt gia hạn, ký, báo cáo · Quản trị: thiết lập, danh mục, lịch, tài khoản và mọi việc khác "
                            "(mỗi việc ghi tên người làm).",
                  style="Muted.TLabel", wraplength=760, justify="left").pack(anchor="w")
        return tab

    def selected(self) -> str | None:
        sel = self.table.selection()
        if not sel:
            self.say("Hãy chọn một tài khoản trong danh sách.", error=True)
            return None
        return sel[0]

    def say(self, text: str, error: bool = False) -> None:
        self.message.configure(text=text, style="Error.TLabel" if error else "Ok.TLabel")

    def _run(self, fn, done: str) -> bool:
        try:
            fn()
        except DeskError as exc:
            field = self.fields.get(exc.field) if exc.field else None
            if field is not None:
                field.show_error(exc.message)
            self.say(exc.message, error=True)
            return False
        self.say(done)
        self.fill()
        return True

    def add(self) -> None:
        for f in self.fields.values():
            f.show_error(None)
        if self.fields["password"].get() != self.fields["confirm"].get():
            self.fields["confirm"].show_error("Hai lần nhập mật khẩu không giống nhau.")
            return
        name = self.fields["name"].get()
        if self._run(lambda: self.app.desk.add_account(name, _role_of(self.fields["role"].get()),
                                                       self.fields["password"].get(),
                                                       full_name=self.fields["full_name"].get()),
                     f"Đã tạo tài khoản {name.strip().lower()}."):
            for key in ("name", "full_name", "password", "confirm"):
                self.fields[key].set("")

    def set_disabled(self, disabled: bool) -> None:
        name = self.selected()
        if name:
            self._run(lambda: self.app.desk.disable_account(name, disabled),
                      f"Đã {'vô hiệu hóa' if disabled else 'kích hoạt lại'} tài khoản {name}.")

    def change_role(self) -> None:
        name = self.selected()
        if name:
            role = _role_of(self.fields["role"].get())
            self._run(lambda: self.app.desk.set_role(name, role),
                      f"Tài khoản {name}: {roles.role_label(role)}.")

    def reset_password(self) -> None:
        name = self.selected()
        if not name:
            return
        if self.fields["password"].get() != self.fields["confirm"].get():
            self.fields["confirm"].show_error("Hai lần nhập mật khẩu không giống nhau.")
            return
        if self._run(lambda: self.app.desk.reset_password(name, self.fields["password"].get()),
                     f"Đã đặt mật khẩu mới cho {name}; tài khoản được mở khóa."):
            self.fields["password"].set("")
            self.fields["confirm"].set("")

    def fill(self) -> None:
        desk = self.app.desk
        now = desk.now()
        self.table.delete(*self.table.get_children())
        with desk.using():
            rows = desk.accounts()
        for r in rows:
            if r.disabled:
                state = "Vô hiệu hóa"
            elif r.locked_until and r.locked_until > now:
                state = f"Tạm khóa đến {r.locked_until:%H:%M %d/%m}"
            else:
                state = "Đang dùng"
            last = f"{r.last_sign_in_at:%H:%M %d/%m/%Y}" if r.last_sign_in_at else "—"
            self.table.insert("", "end", iid=r.name, values=(r.name, r.full_name, roles.role_label(r.role), state, last))

    # ---- audit trail -------------------------------------------------------------------------
    def _audit_tab(self, parent):
        tab = ttk.Frame(parent, style="Panel.TFrame", padding=12)
        row = ttk.Frame(tab, style="Panel.TFrame")
        row.pack(fill="x")
        self.btn_verify = ttk.Button(row, text="Kiểm tra toàn vẹn nhật ký", command=self.verify)
        self.btn_verify.pack(side="left")
        self.verdict = ttk.Label(row, text="", style="Ok.TLabel", wraplength=800)
        self.verdict.pack(side="left", padx=10)
        cols = ("seq", "at", "actor", "action", "target")
        self.log = ttk.Treeview(tab, columns=cols, show="headings", height=14)
        for col, text, width in (("seq", "Số", 70), ("at", "Thời điểm", 170), ("actor", "Tài khoản", 120),
                                 ("action", "Việc", 180), ("target", "Đối tượng", 300)):
            self.log.heading(col, text=text)
            self.log.column(col, width=width, anchor="w")
        self.log.pack(fill="both", expand=True, pady=6)
        return tab

    def verify(self) -> None:
        """Walk the whole chain off the UI thread: years of work are hundreds of thousands of
        entries, seconds on a modest PC."""
        self.btn_verify.state(["disabled"])
        self.verdict.configure(text="Đang kiểm tra nhật ký…", style="Panel.TLabel")
        self.app.background.run(self.app.desk.verify_audit, on_done=self._verified, on_error=self._not_verified)

    def _not_verified(self, exc: BaseException) -> None:
        self.btn_verify.state(["!disabled"])
        said = exc.message if isinstance(exc, DeskError) else f"{exc.__class__.__name__}: {exc}"
        self.verdict.configure(text=f"Không kiểm tra được nhật ký: {said}", style="Error.TLabel")

    def _verified(self, verdict) -> None:
        self.btn_verify.state(["!disabled"])
        if verdict.ok:
            text = f"Nguyên vẹn: {verdict.entries} mục, mục cuối {verdict.head_seq}."
            if verdict.warnings:
                text += " Cảnh báo: " + "; ".join(verdict.warnings)
            self.verdict.configure(text=text, style="Warn.TLabel" if verdict.warnings else "Ok.TLabel")
        else:
            where = f"mục {verdict.broken_seq}: " if verdict.broken_seq else ""
            self.verdict.configure(text=f"Bị phá vỡ tại {where}{verdict.reason}.", style="Error.TLabel")

    def fill_log(self) -> None:
        self.log.delete(*self.log.get_children())
        with self.app.desk.using():
            entries = self.app.desk.audit_entries(200)
        for e in entries:
            self.log.insert("", "end", values=(e.seq, e.at.replace("T", " ")[:19], e.actor or "—",
                                               ACTION_NAMES.get(e.action, e.action), e.target or ""))

    def on_show(self) -> None:
        self.fill()
        self.fill_log()
