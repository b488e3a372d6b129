"""First run: a set-up wizard, one step per page — the office (header lines, agency identifier,
desk number, address), the first administrator, the printer and its paper, and the upstream
server (optional: the desk works offline). Every value is checked on its own page; the desk is
written once, at the end. Everything stays editable later in Quản trị (F7)."""

import tkinter as tk
from tkinter import ttk

from commune_desk.errors import DeskError, InvalidInput
from commune_desk.gui.widgets import Field, enter_moves_on
from commune_desk.rules import codes, roles
from commune_desk.rules.text import clean

DEFAULT_PRINTER = "(Máy in mặc định của hệ thống)"
PAPERS = {"A5": "a5", "A4": "a4", "Giấy cuộn 80 mm (máy in nhiệt)": "80mm"}


def _printers() -> list[str]:
    from commune_desk.printing import list_printers
    try:
        return [p.name for p in list_printers()]
    except Exception:  # noqa: BLE001 - a broken spooler must not stop the set-up
        return []


class Step(ttk.Frame):
    title = ""
    intro = ""
    optional = False

    def __init__(self, wizard):
        super().__init__(wizard.pages, style="Panel.TFrame")
        self.wizard = wizard
        ttk.Label(self, text=self.title, style="Big.TLabel").pack(anchor="w")
        ttk.Label(self, text=self.intro, style="Muted.TLabel", wraplength=560,
                  justify="left").pack(anchor="w", pady=(2, 10))
        self.fields: dict[str, Field] = {}

    def add(self, key: str, field: Field) -> Field:
        self.fields[key] = field
        field.pack(fill="x", pady=2)
        return field

    def values(self) -> dict:
        return {key: f.get().strip() for key, f in self.fields.items()}

    def check(self) -> dict:
        """The page's values, checked; raises InvalidInput naming the field."""
        return self.values()

    def show_error(self, exc: DeskError) -> None:
        field = self.fields.get(exc.field) or next(iter(self.fields.values()))
        field.show_error(exc.message)
        field.input.focus_set()


class OfficeStep(Step):
    title = "1. Cơ quan và quầy"
    intro = ("Hai dòng đầu tiêu đề của mọi phiếu, mã định danh điện tử của cơ quan (mã hồ sơ bắt đầu "
             "bằng mã này), số hiệu quầy và địa chỉ nơi công dân đến nhận kết quả.")

    def __init__(self, wizard):
        super().__init__(wizard)
        self.add("office_name", Field(self, "Tiêu đề dòng 1 — tên cơ quan (ví dụ: UBND xã Phúc Lợi)", 50,
                                      required=True))
        unit = self.add("unit", Field(self, "Tiêu đề dòng 2 — tên bộ phận", 50, required=True))
        unit.set("Bộ phận tiếp nhận và trả kết quả")
        self.add("agency_code", Field(self, "Mã định danh điện tử của cơ quan (ví dụ: 000.30.36.H26)", 50,
                                      required=True))
        desk = self.add("desk", Field(self, "Số hiệu quầy (mỗi máy một số)", 6, required=True, widget="combo",
                                      values=[str(n) for n in range(1, codes.MAX_DESKS + 1)]))
        desk.set("1")
        self.add("address", Field(self, "Địa chỉ trụ sở (in trên giấy hẹn, nơi nhận kết quả)", 50))

    def check(self) -> dict:
        v = self.values()
        v["office_name"] = clean(v["office_name"], label="Tên cơ quan", max_len=200, required=True,
                                 field="office_name")
        v["unit"] = clean(v["unit"], label="Tên bộ phận", max_len=200, required=True, field="unit")
        v["agency_code"] = codes.normalize_agency_code(v["agency_code"])
        v["desk"] = codes.check_desk(int(v["desk"]) if v["desk"].isdigit() else 0)
        v["address"] = clean(v["address"], label="Địa chỉ", max_len=250, field="address")
        return v


class AdminStep(Step):
    title = "2. Tài khoản quản trị"
    intro = ("Người quản trị thêm tài khoản cho cán bộ, sửa danh mục, phí và lịch làm việc. "
             "Ghi mật khẩu ở nơi an toàn: không ai xem lại được mật khẩu.")

    def __init__(self, wizard):
        super().__init__(wizard)
        self.add("full_name", Field(self, "Họ tên", 40, required=True))
        self.add("name", Field(self, "Tên đăng nhập (chữ không dấu, ví dụ: lan.tt)", 40, required=True))
        self.add("password", Field(self, f"Mật khẩu (ít nhất {roles.MIN_PASSWORD} ký tự)", 40, required=True))
        self.add("repeat", Field(self, "Nhập lại mật khẩu", 40, required=True))
        for key in ("password", "repeat"):
            self.fields[key].input.configure(show="•")

    def values(self) -> dict:
        v = super().values()
        v["password"], v["repeat"] = self.fields["password"].get(), self.fields["repeat"].get()
        return v

    def check(self) -> dict:
        v = self.values()
        v["full_name"] = clean(v["full_name"], label="Họ tên", max_len=120, required=True, field="full_name")
        v["name"] = roles.parse_account_name(v["name"])
        roles.check_password(v["password"], v["name"])
        if v.pop("repeat") != v["password"]:
            raise InvalidInput("Hai lần nhập mật khẩu không giống nhau.", "repeat")
        return v


class PrinterStep(Step):
    title = "3. Máy in"
    intro = "Máy in giấy hẹn ở quầy này và khổ giấy đang lắp trong máy. Có thể đổi sau trong Quản trị (F7)."

    def __init__(self, wizard):
        super().__init__(wizard)
        printer = self.add("printer", Field(self, "Máy in", 46, widget="combo", values=[DEFAULT_PRINTER]))
        printer.set(DEFAULT_PRINTER)
        # the spooler is asked off the UI thread: a hung cupsd or an offline network printer can
        # keep it 30 s, and the wizard opens at once all the same
        wizard.app.background.run(_printers, on_done=lambda names: printer.input.winfo_exists() and
                                  printer.input.configure(values=[DEFAULT_PRINTER, *names]))
        paper = self.add("paper", Field(self, "Khổ giấy", 46, widget="combo", values=list(PAPERS)))
        paper.set("A5")

    def check(self) -> dict:
        v = self.values()
        return {"printer": "" if v["printer"] == DEFAULT_PRINTER else v["printer"],
                "paper": PAPERS.get(v["paper"], "a5")}


class UpstreamStep(Step):
    title = "4. Máy chủ cấp trên (không bắt buộc)"
    intro = ("Địa chỉ máy chủ của huyện/tỉnh và mã đăng ký một lần do cán bộ cấp trên cấp. Không có "
             "mạng hoặc chưa có mã thì bấm «Bỏ qua»: quầy vẫn làm việc bình thường và đăng ký sau "
             "trong màn hình Đồng bộ (F6).")
    optional = True

    def __init__(self, wizard):
        super().__init__(wizard)
        self.add("server", Field(self, "Địa chỉ máy chủ (ví dụ: https://motcua.phucloi.gov.vn)", 50))
        self.add("code", Field(self, "Mã đăng ký một lần", 30))

    def check(self) -> dict:
        v = self.values()
        if v["server"] and not v["server"].startswith(("https://", "http://")):
            raise InvalidInput("Địa chỉ máy chủ phải bắt đầu bằng https:// (hoặc http:// trong mạng nội bộ).",
                               "server")
        if bool(v["server"]) != bool(v["code"]):
            missing = "code" if v["server"] else "server"
            raise InvalidInput("Cần cả địa chỉ máy chủ và mã đăng ký, hoặc bấm «Bỏ qua».", missing)
        return v


class SetupWizard(tk.Toplevel):
    def __init__(self, app):
        super().__init__(app)
        self.app = app
        self.title("Thiết lập quầy lần đầu")
        self.configure(background="white")
        self.transient(app)
        outer = ttk.Frame(self, style="Panel.TFrame", padding=20)
        outer.pack(fill="both", expand=True)
        self.pages = ttk.Frame(outer, style="Panel.TFrame")
        self.pages.pack(fill="both", expand=True)
        steps = [OfficeStep]
        if not app.desk.has_accounts():
            steps.append(AdminStep)
        steps += [PrinterStep, UpstreamStep]
        self.steps: list[Step] = [cls(self) for cls in steps]
        for step in self.steps:
            step.grid(row=0, column=0, sticky="nsew")
            inputs = [f.input for f in step.fields.values()]
            enter_moves_on(inputs[:-1])
            for seq in ("<Return>", "<KP_Enter>"):     # Enter on a page's last field: Tiếp / Hoàn tất
                inputs[-1].bind(seq, lambda e: (self.next(), "break")[1])
        self.answers: dict[type, dict] = {}
        bar = ttk.Frame(outer, style="Panel.TFrame")
        bar.pack(fill="x", pady=(14, 0))
        self.position = ttk.Label(bar, style="Muted.TLabel")
        self.position.pack(side="left")
        self.next_button = ttk.Button(bar, style="Accent.TButton", command=self.next)
        self.next_button.pack(side="right")
        self.skip_button = ttk.Button(bar, text="Bỏ qua", command=self.skip)
        self.back_button = ttk.Button(bar, text="Quay lại", command=self.back)
        self.back_button.pack(side="right", padx=6)
        self.index = 0
        self._show(0)
        self.protocol("WM_DELETE_WINDOW", self.app.destroy)
        self.grab_set()

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    def _show(self, index: int) -> None:
        self.index = index
        self.step.tkraise()
        last = index == len(self.steps) - 1
        self.position.configure(text=f"Bước {index + 1}/{len(self.steps)}")
        self.next_button.configure(text="Hoàn tất" if last else "Tiếp")
        self.back_button.configure(state="normal" if index else "disabled")
        if self.step.optional:
            self.skip_button.pack(side="right", before=self.back_button)
        else:
            self.skip_button.pack_forget()
        next(iter(self.step.fields.values())).input.focus_set()

    def back(self) -> None:
        if self.index:
            self._show(self.index - 1)

    def next(self) -> None:
        for f in self.step.fields.values():
            f.show_error(None)
        try:
            self.answers[type(self.step)] = self.step.check()
        except DeskError as exc:
            self.step.show_error(exc)
            return
        if self.index < len(self.steps) - 1:
            self._show(self.index + 1)
        else:
            self.finish()

    def skip(self) -> None:
        self.answers[type(self.step)] = {}
        for f in self.step.fields.values():
            f.show_error(None)
        self.finish()

    def finish(self) -> None:
        desk = self.app.desk
        office, printer = self.answers[OfficeStep], self.answers[PrinterStep]
        admin = self.answers.get(AdminStep)
        upstream = self.answers.get(UpstreamStep) or {}
        try:
            with desk.db.atomic():
                desk.setup(**office, **printer, upstream_url=upstream.get("server") or None)
                if admin and not desk.has_accounts():
                    desk.create_first_admin(admin["name"], admin["password"], admin["full_name"])
            if upstream.get("server"):        # after the set-up: a failed enrolment keeps the rest
                from commune_desk.sync import enroll
                enroll(desk, upstream["server"], upstream["code"])
        except DeskError as exc:
            fallback = self.steps[-1] if upstream.get("server") else self.steps[0]
            step = next((s for s in self.steps if exc.field in s.fields), fallback)
            self._show(self.steps.index(step))
            step.show_error(exc)
            return
        self.grab_release()
        self.destroy()
        self.app.event_generate("<<OfficeChanged>>")
