"""Who sits at the window: sign-in at start, the idle lock, sign-out, change of password, and which
screens the signed-in role may open. A desk with no account yet opens as before (the first start
through `run_app` asks for the first administrator, and may be put off).

The forms are an overlay over the whole window, not a separate window: nothing of the screens
below can be reached or read while it is up."""

import time
from tkinter import TclError, ttk

from commune_desk.errors import DeskError
from commune_desk.gui.widgets import Field, enter_moves_on
from commune_desk.rules import roles

# screen key -> action of rules.roles; screens not named here need only a signed-in account
SCREEN_ACTIONS = {"intake": "intake", "process": "process", "handover": "handover", "search": "search",
                  "report": "report", "sync": "sync", "admin": "settings", "accounts": "accounts"}
CHECK_EVERY_MS = 15_000


class Gate:
    def __init__(self, app, ask_first_admin: bool = False):
        self.app = app
        self.desk = app.desk
        self.overlay: Overlay | None = None
        self.locked = False
        self.idle_clock = time.monotonic          # tests put their own clock here
        self.last_activity = self.idle_clock()
        self._build_account_box()
        for sequence in ("<KeyPress>", "<ButtonPress>"):
            app.bind_all(sequence, self.touch, add="+")
        app.bind_all("<Control-l>", lambda e: self.lock(), add="+")
        if self.desk.has_accounts():
            self.desk.act_as(None)
            self.open("sign_in")
        elif ask_first_admin and self.desk.config() is not None:
            self.open("first_admin")
        self.refresh()
        app.after(CHECK_EVERY_MS, self._tick)

    # ---- what the signed-in role may see -----------------------------------------------------

    def may_show(self, key: str) -> bool:
        if self.overlay is not None and self.overlay.mode != "password":
            return False
        action = SCREEN_ACTIONS.get(key)
        if action is None:
            return self.desk.account is not None or not self.desk.has_accounts()
        return self.desk.may(action)

    def refused(self, key: str) -> str:
        what = roles.ACTION_LABELS.get(SCREEN_ACTIONS.get(key, ""), "mở màn hình này")
        account = self.desk.account
        if account is None:
            return f"Cần đăng nhập để {what}."
        return f"Tài khoản «{account.name}» ({account.role_label}) không được {what}."

    def first_screen(self) -> str | None:
        for key in self.app.nav_buttons:
            if self.may_show(key):
                return key
        return None

    def refresh(self) -> None:
        """Show the navigation the role may use, and the account box."""
        buttons = self.app.nav_buttons
        for btn in buttons.values():
            btn.pack_forget()
        for key, btn in buttons.items():
            if self.may_show(key):
                btn.pack(fill="x", before=self.box)
        account = self.desk.account
        if account is None:
            self.who.configure(text="Chưa có tài khoản" if not self.desk.has_accounts() else "")
            for b in (self.password_btn, self.lock_btn, self.out_btn):
                b.pack_forget()
        else:
            self.who.configure(text=f"{account.display_name}\n{account.role_label}")
            for b in (self.password_btn, self.lock_btn, self.out_btn):
                b.pack(fill="x")

    def _build_account_box(self) -> None:
        side = self.app.sidebar
        self.box = ttk.Frame(side, style="Sidebar.TFrame", padding=(0, 8))
        self.box.pack(side="bottom", fill="x")
        self.who = ttk.Label(self.box, style="SidebarSmall.TLabel", padding=(14, 4), justify="left")
        self.who.pack(fill="x")
        self.password_btn = ttk.Button(self.box, text="Đổi mật khẩu", style="Nav.TButton", takefocus=False,
                                       command=lambda: self.open("password"))
        self.lock_btn = ttk.Button(self.box, text="Khóa màn hình (Ctrl+L)", style="Nav.TButton", takefocus=False,
                                   command=self.lock)
        self.out_btn = ttk.Button(self.box, text="Đăng xuất", style="Nav.TButton", takefocus=False,
                                  command=self.sign_out)

    # ---- idle lock ---------------------------------------------------------------------------

    def touch(self, event=None) -> None:
        self.last_activity = self.idle_clock()

    def idle_minutes(self) -> int:
        cfg = self.desk.config()
        try:
            return max(1, int(getattr(cfg, "idle_lock_minutes", 10) or 10))
        except (TypeError, ValueError):
            return 10

    def check_idle(self) -> bool:
        """Lock when nobody touched the window for the set time; True when it locked."""
        if self.desk.account is None or self.overlay is not None:
            return False
        if self.idle_clock() - self.last_activity >= self.idle_minutes() * 60:
            self.lock(reason="idle_lock")
            return True
        return False

    def _tick(self) -> None:
        try:
            self.check_idle()
        finally:
            self.app.after(CHECK_EVERY_MS, self._tick)

    # ---- state changes -----------------------------------------------------------------------

    def lock(self, reason: str = "lock") -> None:
        account = self.desk.account
        if account is None or self.overlay is not None:
            return
        with self.desk.db.atomic():
            self.desk.record(reason, account.name)
        self.locked = True
        self.open("locked")

    def sign_out(self) -> None:
        self.desk.sign_out()
        self.locked = False
        self._drop_screens()
        self.open("sign_in")

    def signed_in(self) -> None:
        """After a successful sign-in, unlock or first administrator."""
        self.close()
        self.locked = False
        self.touch()
        self.refresh()
        self.app.set_work("")
        self.app.refresh_status()
        current = self.app.current
        if current is None or not self.may_show(current) or self.app.screens.get(current) is None:
            first = self.first_screen()
            if first:
                self.app.show(first)
        else:
            self.app.show(current)

    def _drop_screens(self) -> None:
        """What the last person had on screen (a search, a dossier) is not left for the next one."""
        holders = getattr(self.app, "holders", {})
        for key, screen in list(self.app.screens.items()):
            if screen is not None:
                screen.destroy()
                self.app.screens[key] = None
            if key in holders:
                holders.pop(key).destroy()
        self.app.current = None

    def open(self, mode: str) -> None:
        self.close()
        self.overlay = Overlay(self, mode)
        self.refresh()

    def close(self) -> None:
        if self.overlay is not None:
            self.overlay.destroy()
            self.overlay = None


MODES = {
    "sign_in": ("Đăng nhập", "Bộ phận Một cửa — đăng nhập để làm việc."),
    "locked": ("Màn hình đã khóa", "Nhập mật khẩu để tiếp tục, hoặc đăng nhập tài khoản khác."),
    "first_admin": ("Tạo tài khoản quản trị đầu tiên",
                    "Từ nay mỗi người dùng quầy đăng nhập bằng tài khoản của mình; quản trị tạo tài khoản "
                    "cho cán bộ tiếp nhận, chuyên môn, lãnh đạo (màn hình Tài khoản)."),
    "password": ("Đổi mật khẩu", "Mật khẩu mới ít nhất 8 ký tự."),
}


class Overlay(ttk.Frame):
    def __init__(self, gate: Gate, mode: str):
        super().__init__(gate.app, style="TFrame")
        self.gate, self.mode = gate, mode
        desk = gate.desk
        self.place(x=0, y=0, relwidth=1, relheight=1)
        self.lift()
        panel = ttk.Frame(self, style="Panel.TFrame", padding=28)
        panel.place(relx=0.5, rely=0.45, anchor="center")
        title, note = MODES[mode]
        cfg = desk.config()
        if cfg is not None:
            ttk.Label(panel, text=f"{cfg.office_name} · Quầy {cfg.desk}", style="Muted.TLabel").pack(anchor="w")
        ttk.Label(panel, text=title, style="Huge.TLabel").pack(anchor="w", pady=(2, 4))
        ttk.Label(panel, text=note, style="Panel.TLabel", wraplength=420, justify="left").pack(anchor="w",
                                                                                               pady=(0, 10))
        self.fields: dict[str, Field] = {}
        if mode in ("sign_in", "locked"):
            self._field("name", "Tên đăng nhập", required=True)
            self._field("password", "Mật khẩu", required=True, secret=True)
            if mode == "locked" and desk.account is not None:
                self.fields["name"].set(desk.account.name)
                self.fields["name"].input.state(["disabled"])
        elif mode == "first_admin":
            self._field("name", "Tên đăng nhập (ví dụ: quantri)", required=True)
            self._field("full_name", "Họ tên")
            self._field("password", "Mật khẩu (ít nhất 8 ký tự)", required=True, secret=True)
            self._field("confirm", "Nhập lại mật khẩu", required=True, secret=True)
        else:
            self._field("old", "Mật khẩu hiện tại", required=True, secret=True)
            self._field("password", "Mật khẩu mới", required=True, secret=True)
            self._field("confirm", "Nhập lại mật khẩu mới", required=True, secret=True)
        for f in self.fields.values():
            f.pack(in_=panel, fill="x", pady=3)
        self.message = ttk.Label(panel, text="", style="Error.TLabel", wraplength=420)
        self.message.pack(anchor="w", pady=(4, 0))
        row = ttk.Frame(panel, style="Panel.TFrame")
        row.pack(fill="x", pady=(10, 0))
        labels = {"sign_in": "Đăng nhập", "locked": "Mở khóa", "first_admin": "Tạo tài khoản",
                  "password": "Đổi mật khẩu"}
        self.submit_btn = ttk.Button(row, text=labels[mode], style="Accent.TButton", command=self.submit)
        self.submit_btn.pack(side="right")
        if mode == "locked":
            ttk.Button(row, text="Đăng nhập tài khoản khác", command=gate.sign_out).pack(side="left")
        elif mode == "first_admin":
            ttk.Button(row, text="Để sau", command=self.later).pack(side="left")
        elif mode == "password":
            ttk.Button(row, text="Hủy", command=gate.close).pack(side="left")
        inputs = [f.input for f in self.fields.values()]
        enter_moves_on(inputs[:-1])
        inputs[-1].bind("<Return>", lambda e: self.submit())
        inputs[-1].bind("<KP_Enter>", lambda e: self.submit())
        first = next((f.input for f in self.fields.values() if "disabled" not in f.input.state()), inputs[0])
        self.after_idle(lambda: first.winfo_exists() and first.focus_set())
        self.after_idle(self._grab)

    def _grab(self) -> None:
        # keys and clicks go to the overlay only, not to a screen left under it
        try:
            if self.winfo_exists():
                self.grab_set()
        except TclError:
            self.after(100, self._grab)

    def destroy(self) -> None:
        try:
            self.grab_release()
        except TclError:
            pass
        super().destroy()

    def _field(self, key, label, required=False, secret=False):
        f = Field(self, label, 34, required=required)
        if secret:
            f.input.configure(show="•")
        self.fields[key] = f

    def value(self, key) -> str:
        return self.fields[key].get()

    def say(self, text: str) -> None:
        self.message.configure(text=text)

    def later(self) -> None:
        self.gate.signed_in()

    def submit(self) -> None:
        if "disabled" in self.submit_btn.state():
            return "break"
        desk = self.gate.desk
        try:
            if self.mode in ("sign_in", "locked"):
                name = self.value("name")
                if self.mode == "locked" and desk.account is not None and name != desk.account.name:
                    name = desk.account.name
                try:
                    desk.sign_in(name, self.value("password"))
                except DeskError as exc:
                    self.fields["password"].set("")
                    delay = getattr(exc, "delay", 0)
                    if delay:
                        # each failure makes the next try wait longer; the window stays responsive
                        self.submit_btn.state(["disabled"])
                        self.after(int(delay * 1000), lambda: self.winfo_exists()
                                   and self.submit_btn.state(["!disabled"]))
                    raise
            elif self.mode == "first_admin":
                if self.value("password") != self.value("confirm"):
                    self.say("Hai lần nhập mật khẩu không giống nhau.")
                    return "break"
                desk.create_first_admin(self.value("name"), self.value("password"), self.value("full_name"))
            else:
                if self.value("password") != self.value("confirm"):
                    self.say("Hai lần nhập mật khẩu mới không giống nhau.")
                    return "break"
                desk.change_password(self.value("old"), self.value("password"))
                self.gate.close()
                self.gate.app.set_work("Đã đổi mật khẩu.")
                return "break"
        except DeskError as exc:
            self.say(exc.message)
            return "break"
        self.gate.signed_in()
        return "break"


def style(root_style: ttk.Style, fonts: dict) -> None:
    from commune_desk.gui import theme
    root_style.configure("SidebarSmall.TLabel", background=theme.SIDEBAR, foreground="#d6e2ee",
                         font=fonts["small"])

