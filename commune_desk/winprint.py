"""Printing a PDF on Windows without a PDF viewer: pypdfium2 renders each page at the printer's
resolution and pywin32 sends the bitmaps through the Windows print API, on the paper the form
was laid out for (A5, A4 or the 80 mm roll).

`choose_paper`, `render_pages` and `windows_reasons` are plain Python and tested on any system;
`print_pdf` and `look_at_job` need pywin32 and run on Windows only (imported there, inside the
functions).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from commune_desk.rules.printjob import JobLook

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72

# Windows DMPAPER_* identifiers and sizes in millimetres
DMPAPER_A4, DMPAPER_A5 = 9, 11
SHEETS = {"a4": (DMPAPER_A4, 210, 297), "a5": (DMPAPER_A5, 148, 210)}
ROLL_WIDTH = 80           # mm; thermal drivers name it "80 x 297 mm", "Roll Paper 80 x 3276 mm", …
TOLERANCE = 2             # mm: drivers round sizes to tenths of a millimetre their own way


@dataclass(frozen=True)
class PaperChoice:
    paper_id: int | None      # a DMPAPER_* form the driver offers, or None: a custom size
    width_mm: float
    length_mm: float


def choose_paper(paper: str, offered: list[tuple[int, str, tuple[int, int]]],
                 page_length_mm: float) -> PaperChoice:
    """The driver's paper for our `paper` ("a5", "a4", "80mm") among `offered`, the driver's
    (id, name, (width, length) in tenths of a millimetre) as DeviceCapabilities lists them.

    A sheet is matched by its DMPAPER id, else by its size either way round. A roll takes the
    shortest 80 mm form at least as long as the page, else the longest one; a driver with no
    80 mm form gets a custom size as long as the page."""
    sizes = [(pid, name, w / 10, h / 10) for pid, name, (w, h) in offered]
    if paper in SHEETS:
        pid, width, length = SHEETS[paper]
        for candidate, _, w, h in sizes:
            if candidate == pid:
                return PaperChoice(candidate, width, length)
        for candidate, _, w, h in sizes:
            if _near(sorted((w, h)), (width, length)):
                return PaperChoice(candidate, width, length)
        return PaperChoice(None, width, length)
    if paper != "80mm":
        raise ValueError(f"Khổ giấy không hỗ trợ: {paper!r}")
    rolls = sorted((h, pid) for pid, _, w, h in sizes if abs(w - ROLL_WIDTH) <= TOLERANCE)
    long_enough = [(h, pid) for h, pid in rolls if h + TOLERANCE >= page_length_mm]
    if long_enough:
        length, pid = long_enough[0]
        return PaperChoice(pid, ROLL_WIDTH, length)
    return PaperChoice(None, ROLL_WIDTH, page_length_mm)


def _tenths(size) -> tuple[int, int]:
    """A DC_PAPERSIZE entry, {"x": …, "y": …} in pywin32 (a pair in older builds)."""
    return (int(size["x"]), int(size["y"])) if isinstance(size, dict) else (int(size[0]), int(size[1]))


def _near(size, target) -> bool:
    return all(abs(a - b) <= TOLERANCE for a, b in zip(size, target))


def render_pages(pdf: str | Path, dpi_x: int, dpi_y: int | None = None) -> list:
    """Each page of the PDF as a white-backed PIL image at the printer's resolution."""
    import pypdfium2 as pdfium
    dpi_y = dpi_y or dpi_x
    document = pdfium.PdfDocument(str(pdf))
    try:
        images = []
        for page in document:
            scale_x, scale_y = dpi_x / POINTS_PER_INCH, dpi_y / POINTS_PER_INCH
            bitmap = page.render(scale=scale_x, draw_annots=False, may_draw_forms=False,
                                 grayscale=True)
            image = bitmap.to_pil()
            if dpi_y != dpi_x:      # printers with non-square pixels (some thermal heads)
                image = image.resize((image.width, round(page.get_height() * scale_y)))
            images.append(image)
        return images
    finally:
        document.close()


def page_length_mm(pdf: str | Path) -> float:
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(str(pdf))
    try:
        return document[0].get_size()[1] / POINTS_PER_INCH * MM_PER_INCH
    finally:
        document.close()


def print_pdf(pdf: Path, printer: str | None, paper: str, title: str = "") -> tuple[str, str]:
    """Print through the Windows print API; returns the printer's name and the spooler's job id.
    Raises OSError (or pywin32's error) when the job could not be started: the caller falls back
    to the viewer."""
    import pywintypes  # noqa: F401 - Windows only
    import win32con
    import win32gui
    import win32print
    import win32ui
    from PIL import ImageWin

    name = printer or win32print.GetDefaultPrinter()
    handle = win32print.OpenPrinter(name)
    try:
        info = win32print.GetPrinter(handle, 2)
    finally:
        win32print.ClosePrinter(handle)
    devmode, port = info["pDevMode"], info["pPortName"]
    ids = win32print.DeviceCapabilities(name, port, win32con.DC_PAPERS)
    names = win32print.DeviceCapabilities(name, port, win32con.DC_PAPERNAMES)
    sizes = win32print.DeviceCapabilities(name, port, win32con.DC_PAPERSIZE)
    offered = [(int(i), str(n), _tenths(s)) for i, n, s in zip(ids, names, sizes)]
    choice = choose_paper(paper, offered, page_length_mm(pdf))
    devmode.Orientation = win32con.DMORIENT_PORTRAIT
    devmode.Fields |= win32con.DM_ORIENTATION
    if choice.paper_id is not None:
        devmode.PaperSize = choice.paper_id
        devmode.Fields |= win32con.DM_PAPERSIZE
    else:
        devmode.PaperSize = 0
        devmode.PaperWidth = round(choice.width_mm * 10)
        devmode.PaperLength = round(choice.length_mm * 10)
        devmode.Fields |= win32con.DM_PAPERWIDTH | win32con.DM_PAPERLENGTH
    dc = win32ui.CreateDCFromHandle(win32gui.CreateDC("WINSPOOL", name, devmode))
    try:
        dpi_x, dpi_y = dc.GetDeviceCaps(win32con.LOGPIXELSX), dc.GetDeviceCaps(win32con.LOGPIXELSY)
        # the device's origin is the printable area's corner: the page's corner is off it
        off_x, off_y = dc.GetDeviceCaps(win32con.PHYSICALOFFSETX), dc.GetDeviceCaps(win32con.PHYSICALOFFSETY)
        job_id = dc.StartDoc(title or pdf.name)
        for image in render_pages(pdf, dpi_x, dpi_y):
            dc.StartPage()
            ImageWin.Dib(image).draw(dc.GetHandleOutput(),
                                     (-off_x, -off_y, image.width - off_x, image.height - off_y))
            dc.EndPage()
        dc.EndDoc()
    finally:
        dc.DeleteDC()
    return name, str(job_id or "")


# ---- after the spooler accepted it -------------------------------------------------------------

# PRINTER_STATUS_* (GetPrinter level 2) and JOB_STATUS_* (EnumJobs level 1/2) bits, said in the
# IPP words CUPS uses, so one rule (rules/printjob.py) judges both spoolers
PRINTER_BITS = {
    0x00000001: "paused", 0x00000002: "other-error", 0x00000008: "media-jam", 0x00000010: "media-empty",
    0x00000040: "other-error", 0x00000080: "offline-report", 0x00000400: "output-area-full-error",
    0x00001000: "offline-report", 0x00040000: "toner-empty", 0x00100000: "other-error",
    0x00400000: "door-open", 0x00800000: "shutdown",
}
JOB_BITS = {
    0x00000001: "paused", 0x00000002: "other-error", 0x00000020: "offline-report", 0x00000040: "media-empty",
    0x00000200: "other-error", 0x00000400: "other-error",
}
JOB_DONE = 0x00000080 | 0x00000100 | 0x00001000          # PRINTED, DELETED, COMPLETE


def windows_reasons(printer_status: int, job_status: int = 0) -> tuple[str, ...]:
    """The printer's and the job's status bits as IPP printer-state-reasons, printer's first."""
    found = [word for bit, word in PRINTER_BITS.items() if printer_status & bit]
    found += [word for bit, word in JOB_BITS.items() if job_status & bit]
    return tuple(dict.fromkeys(found))


def windows_look(printer_status: int, jobs: list[dict] | None, job_id: str) -> JobLook:
    """A JobLook from GetPrinter's Status and EnumJobs' rows ({"JobId", "Status"}); None: the
    printer could not be opened."""
    if jobs is None:
        return JobLook(known=False)
    row = next((j for j in jobs if str(j.get("JobId")) == str(job_id)), None)
    job_status = int(row.get("Status") or 0) if row else 0
    pending = row is not None and not job_status & JOB_DONE
    return JobLook(pending=pending, enabled=not printer_status & 0x1,
                   reasons=windows_reasons(printer_status, job_status if pending else 0))


def look_at_job(printer: str, job_id: str) -> JobLook:
    """One look at the Windows spooler (pywin32's OpenPrinter, GetPrinter, EnumJobs)."""
    try:
        import win32print  # type: ignore[import-not-found]
    except ImportError:
        return JobLook(seen=False)
    try:
        handle = win32print.OpenPrinter(printer)
    except Exception:  # noqa: BLE001 - pywin32's error: the printer is gone
        return windows_look(0, None, job_id)
    try:
        status = int(win32print.GetPrinter(handle, 2)["Status"])
        jobs = list(win32print.EnumJobs(handle, 0, -1, 1))
    except Exception:  # noqa: BLE001 - the spooler did not answer
        return JobLook(seen=False)
    finally:
        win32print.ClosePrinter(handle)
    return windows_look(status, jobs, job_id)
