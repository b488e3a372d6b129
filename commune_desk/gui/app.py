"""The main window: navigation among the screens, a status bar, shortcuts, first-run set-up.

Screens register themselves in SCREENS; each is a ttk.Frame subclass taking (parent, app).
"""

import gc
import logging
import sys
import threading
import tkinter as tk
from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui import dialogs, storage, theme
from commune_desk.store.health import write_private
from commune_desk.gui.background import Background
from commune_desk.gui.fontsetup import prepare_fonts
from commune_desk.gui.widgets import ScrollFrame

log = logging.getLogger("commune_desk.gui")

# key, title, shortcut, "module:Class"
SCREENS = [
    ("intake", "Tiếp nhận", "F1", "commune_desk.gui.intake_view:IntakeView"),
    ("process", "Xử lý", "F2", "commune_desk.gui.process_view:ProcessView"),
    ("handover", "Trả kết quả", "F3", "commune_desk.gui.handover_view:HandoverView"),
    ("search", "Tra cứu", "F4", "commune_desk.gui.search_view:SearchView"),
    ("report", "Báo cáo", "F5", "commune_desk.gui.report_view:ReportView"),
    ("sync", "Đồng bộ", "F6", "commune_desk.gui.sync_view:SyncView"),
    ("admin", "Quản trị", "F7", "commune_desk.gui.admin_view:AdminView"),
    ("accounts", "Tài khoản", "F8", "commune_desk.gui.accounts_view:AccountsView"),
]


def _available(path: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(path.partition(":")[0]) is not None


def _load(path: str):
    import importlib
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


class DeskApp(tk.Tk):
    def __init__(self, desk, start_screen: str = "intake", screen: str | None = None,
                 ask_first_admin: bool = False):
        family = prepare_fonts()
        super().__init__(screenName=screen, className="CommuneDesk")
        self.desk = desk
        self.title("Commune Desk — Bộ phận Một cửa")
        self._set_icon()
        self._maximise()
        self.fonts = theme.apply(self, family)
        self.background = Background(self)
        self.report_callback_exception = self._on_tk_error
        self.screens: dict[str, ttk.Frame] = {}
        self.holders: dict[str, ScrollFrame] = {}
        self.nav_buttons: dict[str, ttk.Button] = {}
        self.current: str | None = None
        self._status_job = None
        self.sync_worker = None
        self.print_pdf = None          # tests put a recorder here; None: the OS printer
        self.preview_pdf = None
        from commune_desk.printing import Watch
        self.print_watch = Watch()     # how long a sent slip is followed until it comes out
        self.print_stop = threading.Event()     # set on close: the print watches end
        self._build()
        self._route_events()
        from commune_desk.gui.signin import Gate, style
        style(ttk.Style(self), self.fonts)
        self.gate = Gate(self, ask_first_admin=ask_first_admin)   # sign-in first when the desk has accounts
        if self.desk.config() is None:
            self.after(50, self._first_run)
        self.show(start_screen)
        # first paint first: the counts (and the holiday calendar they warm) come a moment later
        self._status_job = self.after(150, self.refresh_status)
        # the window is usable now; load the PDF engine in the background so the first slip is quick
        self.after(300, lambda: self.background.run(_warm_up_printing))
        self.after(1000, self.start_sync)
        self.after(2000, lambda: storage.start(self))   # banner, daily check and backup

    def _set_icon(self) -> None:
        from commune_desk.paths import resources_dir
        icon = resources_dir() / "commune-desk.png"
        if icon.is_file():
            self._icon = tk.PhotoImage(master=self, file=str(icon))
            self.iconphoto(True, self._icon)

    # ---- layout ------------------------------------------------------------------------------

    def _maximise(self) -> None:
        """Open filling the screen, never larger: 1024×768 counters up to 1920×1080."""
        width, height = self.winfo_screenwidth(), self.winfo_screenheight()
        self.minsize(min(1000, width), min(700, height))
        self.geometry(f"{width}x{height}+0+0")      # what a bare X server (no window manager) gets
        try:
            if sys.platform.startswith("win"):
                self.state("zoomed")
            else:
                self.attributes("-zoomed", True)
        except tk.TclError:
            pass
        self.bind_all("<FocusIn>", self._keep_focus_in_view, add="+")
        for seq, units in (("<Button-4>", -3), ("<Button-5>", 3)):
            self.bind_all(seq, lambda e, u=units: self._wheel(e, u), add="+")
        self.bind_all("<MouseWheel>", lambda e: self._wheel(e, -3 if e.delta > 0 else 3), add="+")

    def _current_holder(self):
        return self.holders.get(self.current) if self.current else None

    def _keep_focus_in_view(self, event) -> None:
        holder = self._current_holder()
        widget = event.widget
        if holder is not None and isinstance(widget, tk.Misc) and str(widget).startswith(str(holder.inner) + "."):
            holder.see(widget)

    def _wheel(self, event, units: int) -> None:
        # lists and text boxes scroll themselves; elsewhere the wheel scrolls the screen
        if isinstance(event.widget, (tk.Listbox, tk.Text, ttk.Treeview)):
            return
        holder = self._current_holder()
        if holder is not None:
            holder.scroll(units)

    def _build(self) -> None:
        self.columnconfigure(1, weight=1)
        self.rowconfigure(0, weight=1)
        side = ttk.Frame(self, style="Sidebar.TFrame", width=190)
        side.grid(row=0, column=0, sticky="ns")
        side.grid_propagate(False)
        self.sidebar = side
        ttk.Label(side, text="Một cửa", style="Sidebar.TLabel", padding=(14, 16)).pack(fill="x")
        self._screen_paths = {}
        for key, title, shortcut, path in SCREENS:
            if not _available(path):
                continue
            btn = ttk.Button(side, text=f"{title}   ({shortcut})", style="Nav.TButton", takefocus=False,
                             command=lambda k=key: self.show(k))
            btn.pack(fill="x")
            self.nav_buttons[key] = btn
            self.bind_all(f"<{shortcut}>", lambda e, k=key: self.show(k))
            self.screens[key] = None
            self._screen_paths[key] = path   # imported when first shown: a quick start
        self.body = ttk.Frame(self)
        self.body.grid(row=0, column=1, sticky="nsew")
        self.body.columnconfigure(0, weight=1)
        self.body.rowconfigure(0, weight=1)

        bar = ttk.Frame(self, style="Status.TFrame")
        bar.grid(row=1, column=0, columnspan=2, sticky="ew")
        self.status_bar = bar
        self.status_office = ttk.Label(bar, style="Status.TLabel")
        self.status_office.grid(row=0, column=0, sticky="nsw")
        self.status_alert = ttk.Label(bar, style="Status.TLabel")
        self.status_alert.grid(row=0, column=1, sticky="nsw")
        # what the desk just did: takes the room the others leave and wraps onto a second line
        # rather than being cut at 1024 px
        self.status_work = ttk.Label(bar, style="Status.TLabel", justify="right", anchor="e")
        self.status_work.grid(row=0, column=2, sticky="nse")
        self.status_sync = ttk.Label(bar, style="Status.TLabel")
        self.status_sync.grid(row=0, column=3, sticky="nse")
        bar.columnconfigure(2, weight=1)
        bar.bind("<Configure>", lambda e: self._fit_work(), add="+")
        # a damaged or read-only data file: what happened and the way forward, above everything
        self.banner = ttk.Label(self, style="StatusAlert.TLabel", wraplength=1300, justify="left")
        from commune_desk.gui.print_watch import PrintNotice
        self.print_notice = PrintNotice(self)      # a slip that did not come out (row 3, when shown)

    def show_banner(self, text: str) -> None:
        self.banner.configure(text=text)
        self.banner.grid(row=2, column=0, columnspan=2, sticky="ew")

    def hide_banner(self) -> None:
        self.banner.grid_remove()

    def show(self, key: str) -> None:
        if key not in self._screen_paths:
            return
        if not self.gate.may_show(key):
            self.set_work(self.gate.refused(key))
            return
        if self.screens.get(key) is None:
            holder = ScrollFrame(self.body)         # scrolls when the screen is taller than the window
            holder.grid(row=0, column=0, sticky="nsew")
            self.holders[key] = holder
            self.screens[key] = _load(self._screen_paths[key])(holder.inner, self)
            self.screens[key].grid(row=0, column=0, sticky="nsew")
        for k, btn in self.nav_buttons.items():
            btn.configure(style="NavActive.TButton" if k == key else "Nav.TButton")
        self.holders[key].tkraise()
        self.holders[key].after_idle(self.holders[key].refit)
        self.current = key
        on_show = getattr(self.screens[key], "on_show", None)
        if on_show:
            on_show()

    # ---- between screens: virtual events, routed here ---------------------------------------

    def _route_events(self) -> None:
        """Screens never reach into one another: a screen raises a virtual event on itself and the
        app decides who answers. <<OpenDossier>> carries the dossier's code as its data."""
        self.tk.call("bind", self, "<<OpenDossier>>", self.register(self._open_dossier) + " %d")
        self.bind("<<OfficeChanged>>", lambda e: self._office_changed())

    def _open_dossier(self, code: str) -> None:
        self.show("process")
        if self.current == "process":             # the role may not open it: show() said so
            self.screens["process"].open(code)

    def _office_changed(self) -> None:
        self.refresh_status()
        self.gate.refresh()                 # the wizard may have made the first administrator
        if self.current is not None and not self.gate.may_show(self.current):
            first = self.gate.first_screen()
            if first:
                self.show(first)
            return
        on_show = getattr(self.screens.get(self.current), "on_show", None)
        if on_show:
            on_show()

    # ---- status bar --------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Counts come from the database (and the first one warms the holiday calendar): gather them
        off the UI thread, paint them when they arrive."""
        cfg = self.desk.config()
        if cfg:
            name = self.desk.clerk_name()
            clerk = f" · Cán bộ: {name}" if name else ""
            self.status_office.configure(text=f"{cfg.office_name} · Quầy {cfg.desk}{clerk}")
            self._fit_work()
        desk = self.desk

        def gather():
            return desk.urgency_counts(), sync_text(desk)

        def paint(result):
            counts, sync = result
            alert = f"Quá hạn: {counts['overdue']} · Đến hạn hôm nay: {counts['due_today']}"
            self.status_alert.configure(text=alert,
                                        style="StatusAlert.TLabel" if counts["overdue"] else "Status.TLabel")
            self.status_sync.configure(text=sync)
            self._fit_work()

        self.background.run(gather, on_done=paint, on_error=lambda exc: log.error("status refresh failed",
                                                                                   exc_info=exc))
        if self._status_job:
            self.after_cancel(self._status_job)
        self._status_job = self.after(30_000, self.refresh_status)

    # ---- sync ---------------------------------------------------------------------------------

    def start_sync(self, now: bool = False) -> bool:
        """Run the sync worker when this desk is enrolled; False when it is not."""
        try:
            with SYNC_IMPORT:
                from commune_desk.sync.token import load_token
                from commune_desk.sync.worker import SyncWorker
        except ImportError:
            return False
        if load_token(self.desk.data_dir) is None:
            return False
        if self.sync_worker is None or not self.sync_worker.alive:
            self.sync_worker = SyncWorker(self.desk).start()
            self._poll_sync()
        elif now:
            self.sync_worker.sync_now()
        return True

    def _poll_sync(self) -> None:
        import queue
        worker = self.sync_worker
        if worker is None:
            return
        try:
            while True:
                msg = worker.messages.get_nowait()
                view = self.screens.get("sync")
                if view is not None:
                    view.on_sync_message(msg)
                if type(msg).__name__ in ("SyncFinished", "ClockWarning"):
                    self.refresh_status()
        except queue.Empty:
            pass
        self.after(200, self._poll_sync)

    # ---- printing -----------------------------------------------------------------------------

    def print_form(self, key: str, form: str, paper: str | None = None, preview: bool = False,
                   on_done=None) -> None:
        """Render a dossier's form and send it to the chosen printer with its paper size (or open
        it in the viewer), off the UI thread. The dossier is already committed when this is called;
        its story says «In mẫu …» only once the spooler has accepted the job."""
        desk = self.desk
        cfg = desk.config()
        from commune_desk.documents import default_paper
        printer = (cfg.printer or None) if cfg else None
        paper = paper or default_paper(form, printer_paper(cfg))
        out = desk.data_dir / "prints" / f"{key}-{form}.pdf"
        send, show = self.print_pdf, self.preview_pdf
        sent = []

        def work():
            from commune_desk.documents import render_dossier_form
            from commune_desk.printing import preview_pdf, send_pdf
            pdf = render_dossier_form(desk, key, form, paper)
            out.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_private(out, pdf)
            if preview:
                (show or preview_pdf)(out)
                return out
            job = (send or send_pdf)(out, printer, paper, title=f"{key} mẫu {form}")
            desk.log_print(key, form, paper, printer=getattr(job, "printer", printer or ""),   # every print audited
                           job=getattr(job, "job_id", ""))
            sent.append(job)
            return out

        def done(path):
            self.set_work(f"Đã gửi lệnh in mẫu {form}" if not preview else f"Đã mở: {path.name}")
            from commune_desk.printing import can_watch
            if sent and can_watch(sent[0]):
                from commune_desk.gui.print_watch import follow
                follow(self, key, form, sent[0])        # did it come out of the printer?
            if on_done:
                on_done(path)

        def failed(exc):
            self.set_work(exc.message if isinstance(exc, DeskError) else "In không thành công")
            self.error(exc, "Không in được")

        self.set_work(f"Đang in mẫu {form}…")
        self.background.run(work, on_done=done, on_error=failed)

    def set_work(self, text: str) -> None:
        self.status_work.configure(text=text)
        self._fit_work()

    def _fit_work(self) -> None:
        """The work line sits between the counts and the sync state when it fits there, else on a
        line of its own under them (never cut off at 1024 px)."""
        bar, work = self.status_bar, self.status_work
        width = bar.winfo_width() if bar.winfo_width() > 1 else self.winfo_width()
        others = sum(w.winfo_reqwidth() for w in (self.status_office, self.status_alert, self.status_sync))
        work.configure(wraplength=max(200, width - 20))
        if work.winfo_reqwidth() <= width - others:
            work.grid_configure(row=0, column=2, columnspan=1, sticky="nse")
        else:
            work.grid_configure(row=1, column=0, columnspan=4, sticky="nse")

    def destroy(self) -> None:
        # pending after() jobs would fire into a dead interpreter and print Tcl noise
        try:
            for job in self.tk.splitlist(self.tk.call("after", "info")):
                self.tk.call("after", "cancel", job)
        except tk.TclError:
            pass
        self.print_stop.set()
        if self.sync_worker is not None:
            self.sync_worker.stop(timeout=2)
        storage.on_exit(self)
        super().destroy()

    # ---- errors --------------------------------------------------------------------------------

    def error(self, exc: BaseException, title: str = "Không thực hiện được") -> None:
        if isinstance(exc, DeskError):
            dialogs.showerror(title, exc.message, parent=self)
        else:
            log.error("unexpected error", exc_info=exc)
            dialogs.showerror(title, "Đã xảy ra lỗi không mong đợi; dữ liệu đã lưu không bị ảnh hưởng. "
                                        f"Chi tiết ghi trong nhật ký.\n({exc.__class__.__name__}: {exc})",
                                 parent=self)

    def _on_tk_error(self, exc_type, exc, tb) -> None:
        log.error("error in a Tk callback", exc_info=(exc_type, exc, tb))
        self.error(exc)

    def _first_run(self) -> None:
        from commune_desk.gui.setup_wizard import SetupWizard
        SetupWizard(self)


# the status bar's first count (a background thread) and the sync worker's start (the UI thread)
# both import the sync package; under load the two imports met halfway and one found it missing
SYNC_IMPORT = threading.Lock()


def sync_text(desk) -> str:
    try:
        with SYNC_IMPORT:
            from commune_desk.sync.status import sync_status
    except ImportError:
        return "Đồng bộ: chưa cấu hình"
    from commune_desk.gui.sync_view import age_text
    s = sync_status(desk)
    if not s.get("enrolled"):
        hold = " · ⚠ Chưa cấp mã mới: cần đăng ký lại sau khôi phục" if s.get("codes_on_hold") else ""
        return f"Chưa đăng ký máy chủ · Chờ gửi: {s['waiting']}{hold}"
    state = "Trực tuyến" if s.get("online") else "Ngoại tuyến"
    last = s.get("last_success_at")
    parts = [state, f"Đồng bộ lúc {last:%H:%M %d/%m}" if last else "Chưa đồng bộ",
             f"Chờ gửi: {s['waiting']}"]
    if s["waiting"]:
        parts.append(f"cũ nhất {age_text(s.get('oldest_waiting_at'), desk.now())}")
    parts.append(f"Cách ly: {s['quarantined']}")
    if s.get("clock_notice"):
        parts.append(f"⚠ {s['clock_notice']}")
    if s.get("recovery_due"):           # first after the state: it must not be cut off at the right
        parts.insert(1, f"⚠ Đang lấy lại hồ sơ sau khôi phục (đã về {s['recovered_dossiers']})")
    return " · ".join(parts)


def printer_paper(cfg) -> str:
    """The paper loaded in the chosen printer (Quản trị sets it per printer)."""
    if cfg is None:
        return "a5"
    return (cfg.printer_papers or {}).get(cfg.printer, cfg.paper) if cfg.printer else cfg.paper


def _warm_up_printing() -> None:
    from commune_desk.forms import register_fonts
    register_fonts()


def run_app(data_dir=None) -> None:
    from commune_desk import paths
    from commune_desk.logs import setup_logging
    from commune_desk.store.desk import Desk
    setup_logging(paths.data_dir(data_dir))
    try:
        desk = Desk(data_dir)
    except DeskError as exc:
        root = tk.Tk()
        root.withdraw()
        dialogs.showerror("Commune Desk", exc.message, parent=root)
        sys.exit(2)
    app = DeskApp(desk, ask_first_admin=True)
    # Tk objects caught in reference cycles (a screen dropped at sign-out) must be freed on the
    # main thread: a collection that a background thread happens to trigger would free them there
    # and Tcl aborts the whole process. So no collection starts by itself while the window runs;
    # the window collects on its own thread every few seconds instead.
    gc.disable()
    app.after(GC_EVERY_MS, lambda: _collect(app, 1))
    try:
        app.mainloop()
    finally:
        gc.enable()


GC_EVERY_MS = 5_000
GC_FULL_EVERY = 12           # the young generations every 5 s (~1 ms), everything every minute (~30 ms)


def _collect(app, turn: int) -> None:
    gc.collect(2 if turn % GC_FULL_EVERY == 0 else 1)
    try:
        app.after(GC_EVERY_MS, lambda: _collect(app, turn + 1))
    except tk.TclError:          # the window is gone
        pass
