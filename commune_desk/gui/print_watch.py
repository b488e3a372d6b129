"""After the spooler accepted a slip: follow the job, off the Tk thread, until it comes out of the
printer. If it has not by its deadline (or the printer says it cannot go on), the status bar and a
notice above it say which dossier's which form did not print and why, with «In lại» one click
away, and the dossier's story records it; if it prints later after all, the notice says so."""

import logging
from tkinter import ttk

from commune_desk.errors import DeskError
from commune_desk.gui import theme

log = logging.getLogger("commune_desk.gui")


class PrintNotice(ttk.Frame):
    """A bar under the status line: a print that did not come out, and the way to print it again.
    It never blocks the window; «Đóng» puts it away."""

    def __init__(self, app):
        super().__init__(app, style="Notice.TFrame", padding=(10, 6))
        style = ttk.Style(app)
        style.configure("Notice.TFrame", background="#fff2cc")
        style.configure("Notice.TLabel", background="#fff2cc", foreground=theme.TEXT, font=app.fonts["bold"])
        self.app = app
        self.shown: tuple[str, str, str] | None = None        # key, form, paper
        self.columnconfigure(0, weight=1)
        self.text = ttk.Label(self, style="Notice.TLabel", justify="left", wraplength=700)
        self.text.grid(row=0, column=0, sticky="w")
        self.bind("<Configure>", lambda e: self.text.configure(wraplength=max(300, e.width - 220)))
        self.btn_reprint = ttk.Button(self, text="In lại", style="Accent.TButton", command=self.reprint)
        self.btn_reprint.grid(row=0, column=1, padx=(8, 0))
        self.btn_close = ttk.Button(self, text="Đóng", command=self.hide)
        self.btn_close.grid(row=0, column=2, padx=(6, 0))

    def not_printed(self, key: str, form: str, paper: str, text: str) -> None:
        self.shown = (key, form, paper)
        self.text.configure(text=text)
        self.btn_reprint.grid()
        self.grid(row=3, column=0, columnspan=2, sticky="ew")

    def printed_later(self, key: str, form: str, text: str) -> None:
        if self.shown and self.shown[:2] == (key, form):
            self.text.configure(text=text)
            self.btn_reprint.grid_remove()                  # printed after all: no second copy

    def reprint(self) -> None:
        if not self.shown:
            return
        try:
            self.app.desk.require("print")        # the clerk may have signed out since
        except DeskError as exc:
            self.app.set_work(exc.message)
            return
        key, form, paper = self.shown
        self.hide()
        self.app.print_form(key, form, paper)

    def hide(self) -> None:
        self.shown = None
        self.grid_remove()


def follow(app, key: str, form: str, job) -> None:
    """Watch `job` (a PrintJob the spooler named) for app.print_watch's deadline; say what came of it."""
    from commune_desk.printing import wait_for_job
    from commune_desk.rules.printjob import not_printed_short, not_printed_text, printed_late_text
    desk, watch, stop = app.desk, app.print_watch, app.print_stop

    def first_look():
        verdict = wait_for_job(job, watch, stop=stop)
        if verdict.final and not verdict.completed:
            desk.log_print_outcome(key, form, job.printer, job.job_id, False, verdict.reason, verdict.text)
        return verdict

    def later_look():
        verdict = wait_for_job(job, watch, stop=stop, until_printed=True)
        if verdict.completed:
            desk.log_print_outcome(key, form, job.printer, job.job_id, True)
        return verdict

    def judged(verdict) -> None:
        if not verdict.final:
            return                                          # the window is closing
        if verdict.completed:
            app.set_work(f"Đã in xong mẫu {form} của hồ sơ {key}")
            return
        text = not_printed_text(key, form, verdict)
        app.set_work(not_printed_short(form, verdict))
        app.print_notice.not_printed(key, form, job.paper, text)
        app.background.run(later_look, on_done=printed_later, on_error=lost, tracked=False)

    def printed_later(verdict) -> None:
        if verdict.completed:
            text = printed_late_text(key, form)
            app.set_work(text)
            app.print_notice.printed_later(key, form, text)

    def lost(exc) -> None:
        log.warning("following print job %s failed: %s", job.job_id, exc)

    app.background.run(first_look, on_done=judged, on_error=lost, tracked=False)
