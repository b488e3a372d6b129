"""The printers the operating system knows, and sending a PDF to one of them with its paper size.

CUPS (Linux, macOS) through its command-line tools: `lpstat` lists the queues and their state,
`lp -d QUEUE -o media=A5` submits a job and answers with the spooler's job id. On Windows the
printers come from EnumPrinters; the job itself goes through `_windows_submit`, the hook the
Windows installer work fills in with pywin32.

Every failure is a PrintError whose message is one Vietnamese sentence saying what happened and
what to do; the spooler's own text goes to the log, never to the clerk.
"""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from commune_desk.errors import DeskError
from commune_desk.rules.printjob import JobLook, Outcome, Verdict, judge

log = logging.getLogger("commune_desk.printing")

PRINT_TIMEOUT = 30  # seconds
PAPER_MEDIA = {"a5": "A5", "a4": "A4", "80mm": "Custom.80x297mm"}   # `lp -o media=…` per paper
PAPER_LABELS = {"a5": "A5", "a4": "A4", "80mm": "Cuộn nhiệt 80 mm"}            # as the clerk reads them

NO_PRINTER = "Chưa chọn máy in — vào Quản trị (F7) để chọn."
PRINTER_GONE = "Máy in «{name}» không còn trong hệ thống — vào Quản trị (F7) để chọn lại."
PRINTER_OFF = "Máy in không phản hồi — đã lưu hồ sơ, bật máy in rồi bấm In lại."
QUEUE_ERROR = "Hàng đợi in đang báo lỗi — đã lưu hồ sơ, kiểm tra máy in rồi bấm In lại."
NO_SPOOLER = "Máy này chưa cài dịch vụ in — nhờ cán bộ kỹ thuật cài máy in, rồi bấm In lại."
SPOOLER_DOWN = "Dịch vụ in của máy tính không chạy — đã lưu hồ sơ, khởi động lại máy tính rồi bấm In lại."


class PrintError(DeskError):
    """Printing or previewing failed; .message is the sentence for the clerk."""


class NoPrinter(PrintError):
    """No printer chosen, or the chosen one is not known to the system."""


class PrinterOff(PrintError):
    """The printer is stopped, switched off or does not answer."""


class QueueError(PrintError):
    """The spooler refused the job."""


@dataclass(frozen=True)
class Printer:
    name: str
    default: bool = False
    ready: bool = True            # enabled and accepting jobs
    state: str = ""               # what the clerk reads beside the name


@dataclass(frozen=True)
class PrintJob:
    printer: str
    job_id: str
    paper: str


def _is_windows() -> bool:
    return sys.platform.startswith("win")


def _checked_file(path: str | os.PathLike) -> Path:
    file = Path(path)
    if not file.is_file():
        raise PrintError(f"Không tìm thấy tệp cần in: {file}")
    return file.resolve()


# ---- which printers ---------------------------------------------------------------------------

def list_printers() -> list[Printer]:
    """The printers this computer can print to, the system default first; [] when none."""
    printers = _windows_printers() if _is_windows() else _cups_printers()
    return sorted(printers, key=lambda p: (not p.default, p.name.lower()))


def default_printer() -> str | None:
    return next((p.name for p in list_printers() if p.default), None)


def _lpstat(*args: str) -> str:
    try:
        done = subprocess.run(["lpstat", *args], capture_output=True, text=True, timeout=PRINT_TIMEOUT,
                              env=_c_locale())
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        log.warning("lpstat %s: %s", " ".join(args), exc)
        return ""
    return done.stdout


def _c_locale() -> dict:
    # lpstat's wording is parsed: ask for it untranslated
    return {**os.environ, "LC_ALL": "C", "LANG": "C"}


_PRINTER_LINE = re.compile(r"^printer (\S+) (.*)$")


def _cups_printers() -> list[Printer]:
    default = None
    m = re.search(r"system default destination: (\S+)", _lpstat("-d"))
    if m:
        default = m.group(1)
    accepting = {line.split()[0]: "not accepting" not in line
                 for line in _lpstat("-a").splitlines() if line.strip()}
    printers = []
    for line in _lpstat("-p").splitlines():
        m = _PRINTER_LINE.match(line)
        if not m:
            continue
        name, rest = m.groups()
        enabled = "disabled" not in rest
        ok = enabled and accepting.get(name, True)
        state = "Sẵn sàng" if ok else ("Đang tắt / tạm dừng" if not enabled else "Không nhận lệnh in")
        printers.append(Printer(name=name, default=(name == default), ready=ok, state=state))
    return printers


def _windows_printers() -> list[Printer]:
    try:
        import win32print  # type: ignore[import-not-found]
    except ImportError:
        return []
    flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
    default = win32print.GetDefaultPrinter()
    return [Printer(name=p[2], default=(p[2] == default), state="Sẵn sàng")
            for p in win32print.EnumPrinters(flags)]


# ---- sending a job ----------------------------------------------------------------------------

def send_pdf(path: str | os.PathLike, printer: str | None, paper: str = "a5", title: str = "") -> PrintJob:
    """Submit the PDF to `printer` (the system default when None) on `paper`; returns once the
    spooler has accepted it, with its job id."""
    file = _checked_file(path)
    if _is_windows():
        return _windows_submit(file, printer, paper)
    return _cups_submit(file, printer, paper, title)


def _cups_submit(file: Path, printer: str | None, paper: str, title: str) -> PrintJob:
    known = {p.name: p for p in _cups_printers()}
    if printer is None:
        printer = next((p.name for p in known.values() if p.default), None)
        if printer is None:
            raise NoPrinter(NO_PRINTER)
    state = known.get(printer)
    if state is None and known:
        raise NoPrinter(PRINTER_GONE.format(name=printer))
    if state is not None and not state.ready:
        raise PrinterOff(PRINTER_OFF)
    command = ["lp", "-d", printer, "-o", f"media={PAPER_MEDIA.get(paper, 'A5')}"]
    if title:
        command += ["-t", title]
    command.append(str(file))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT, env=_c_locale())
    except FileNotFoundError as exc:
        raise NoPrinter(NO_SPOOLER) from exc
    except subprocess.TimeoutExpired as exc:
        raise PrinterOff(PRINTER_OFF) from exc
    detail = (done.stderr or done.stdout or "").strip()
    if done.returncode != 0:
        log.warning("lp refused the job for %s: %s", printer, detail)
        lowered = detail.lower()
        if "does not exist" in lowered or "unknown destination" in lowered or "no default" in lowered:
            raise NoPrinter(PRINTER_GONE.format(name=printer) if printer else NO_PRINTER)
        if "not accepting" in lowered or "disabled" in lowered or "stopped" in lowered:
            raise PrinterOff(PRINTER_OFF)
        if "unable to connect" in lowered or "scheduler" in lowered:
            raise QueueError(SPOOLER_DOWN)
        raise QueueError(QUEUE_ERROR)
    m = re.search(r"request id is (\S+)", done.stdout)
    return PrintJob(printer=printer, job_id=m.group(1) if m else "", paper=paper)


def _shell_execute(verb: str, file: Path, params: str | None = None) -> None:
    """Windows ShellExecuteW; values up to 32 are error codes."""
    import ctypes

    result = ctypes.windll.shell32.ShellExecuteW(None, verb, str(file), params, None, 0)
    if result <= 32:
        raise OSError(f"ShellExecute error {result}")


def _windows_submit(file: Path, printer: str | None, paper: str) -> PrintJob:
    """The Windows path: the page rendered at the printer's resolution and sent through the
    print API on the form's paper (winprint); if that fails, the PDF viewer's print verb (which
    cannot choose the paper nor tell whether the job was accepted)."""
    try:
        from commune_desk import winprint
        name, job_id = winprint.print_pdf(file, printer, paper)
        return PrintJob(printer=name, job_id=job_id, paper=paper)
    except Exception as exc:  # noqa: BLE001 - pywin32's errors are not OSErrors; the viewer is the fallback
        log.warning("direct printing failed, handing the PDF to the viewer: %s", exc)
    try:
        if printer:
            _shell_execute("printto", file, f'"{printer}"')
        else:
            os.startfile(str(file), "print")  # type: ignore[attr-defined]
    except OSError as exc:
        log.warning("Windows print hand-off failed: %s", exc)
        raise QueueError(QUEUE_ERROR) from exc
    return PrintJob(printer=printer or "", job_id="", paper=paper)


# ---- after the spooler accepted it: did it come out? ---------------------------------------------

@dataclass(frozen=True)
class Watch:
    """How long to wait for a job to come out of the printer, and how often to look."""
    deadline: float = 60.0          # seconds after the spooler accepted it
    every: float = 1.0
    follow: float = 1800.0          # after a failure, how long to keep looking for a late print


def look_at_job(job: PrintJob) -> JobLook:
    """One look at the spooler about `job` (never raises: a spooler that does not answer is a look
    that saw nothing)."""
    if _is_windows():
        from commune_desk import winprint
        return winprint.look_at_job(job.printer, job.job_id)
    return _cups_look(job)


def can_watch(job) -> bool:
    """Only a job the spooler named can be followed (the Windows viewer hand-off names none)."""
    return bool(getattr(job, "job_id", "")) and bool(getattr(job, "printer", ""))


def _cups_look(job: PrintJob) -> JobLook:
    printer = _lpstat_run("-l", "-p", job.printer)
    if printer is None:
        return JobLook(seen=False)
    if not printer.stdout.strip():
        gone = "invalid destination" in printer.stderr.lower() or "unknown destination" in printer.stderr.lower()
        return JobLook(known=False) if gone else JobLook(seen=False)
    jobs = _lpstat_run("-W", "not-completed", "-o", job.printer)
    if jobs is None or jobs.returncode != 0:
        return JobLook(seen=False)
    return parse_cups_look(printer.stdout, jobs.stdout, job.job_id)


def parse_cups_look(printer_text: str, jobs_text: str, job_id: str) -> JobLook:
    """`lpstat -l -p QUEUE` and `lpstat -W not-completed -o QUEUE` (C locale) read as a JobLook."""
    first = printer_text.strip().splitlines()[0] if printer_text.strip() else ""
    enabled = re.match(r"printer \S+ disabled", first) is None
    reasons: tuple[str, ...] = ()
    m = re.search(r"^\s+Alerts:\s*(.*)$", printer_text, re.M)
    if m:
        reasons = tuple(r for r in m.group(1).replace(",", " ").split() if r != "none")
    pending = any(line.split()[0] == job_id for line in jobs_text.splitlines() if line.strip())
    return JobLook(pending=pending, enabled=enabled, reasons=reasons)


def _lpstat_run(*args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["lpstat", *args], capture_output=True, text=True, timeout=PRINT_TIMEOUT,
                              env=_c_locale())
    except (FileNotFoundError, subprocess.TimeoutExpired) as exc:
        log.warning("lpstat %s: %s", " ".join(args), exc)
        return None


def wait_for_job(job: PrintJob, watch: Watch = Watch(), clock=None, stop=None,
                 until_printed: bool = False) -> Verdict:
    """Look at the job every `watch.every` s until it is printed or stuck, or its deadline passes.
    `until_printed`: after a failure, keep looking for `watch.follow` s for a late print (the
    answer is then COMPLETED, or the last failure). `stop` (a threading.Event) ends the watch
    early with a WAITING verdict: the window closed. `clock` is for tests."""
    import threading
    import time
    clock, stop = clock or time.monotonic, stop or threading.Event()
    start = clock()
    limit = watch.follow if until_printed else watch.deadline
    while not stop.is_set():
        look = look_at_job(job)
        overdue = clock() - start >= limit
        verdict = judge(look, overdue)
        if verdict.completed or (verdict.final and (not until_printed or overdue)):
            if not verdict.completed:
                log.info("job %s on %s not printed: %s %s", job.job_id, job.printer, verdict.reason, look)
            return verdict
        stop.wait(watch.every)
    return Verdict(Outcome.WAITING)


def print_pdf(path: str | os.PathLike, printer: str | None = None, paper: str = "a5") -> PrintJob:
    """Kept for callers that only want the job sent."""
    return send_pdf(path, printer, paper)


# ---- looking at a PDF ----------------------------------------------------------------------

def preview_pdf(path: str | os.PathLike) -> None:
    """Open the PDF with the default viewer, without waiting for it to close."""
    file = _checked_file(path)
    try:
        if _is_windows():
            os.startfile(str(file))  # type: ignore[attr-defined]
            return
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        subprocess.Popen([opener, str(file)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        log.warning("PDF viewer did not open: %s", exc)
        raise PrintError("Không mở được tệp PDF để xem — máy chưa có phần mềm đọc PDF.") from exc
