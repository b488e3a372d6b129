"""Send a PDF to the operating system's printer or open it in the PDF viewer."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRINT_TIMEOUT = 30  # seconds


class PrintError(RuntimeError):
    """Printing or previewing failed; the message is meant for the clerk."""


def _is_windows() -> bool:
    return sys.platform.startswith("win")


def _checked_file(path: str | os.PathLike) -> Path:
    file = Path(path)
    if not file.is_file():
        raise PrintError(f"Không tìm thấy tệp cần in: {file}")
    return file.resolve()


def _shell_execute(verb: str, file: Path, params: str | None = None) -> None:
    """Windows ShellExecuteW; values up to 32 are error codes."""
    import ctypes

    result = ctypes.windll.shell32.ShellExecuteW(None, verb, str(file), params, None, 0)
    if result <= 32:
        raise OSError(f"ShellExecute lỗi mã {result}")


def print_pdf(path: str | os.PathLike, printer: str | None = None) -> None:
    """Print the PDF on `printer` (name as the OS knows it) or the default one."""
    file = _checked_file(path)
    if _is_windows():
        try:
            if printer:
                _shell_execute("printto", file, f'"{printer}"')
            else:
                os.startfile(str(file), "print")  # type: ignore[attr-defined]
        except OSError as exc:
            raise PrintError(f"Không gửi được lệnh in tới máy in: {exc}") from exc
        return
    command = ["lp"] + (["-d", printer] if printer else []) + [str(file)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT)
    except FileNotFoundError as exc:
        raise PrintError("Không gửi được lệnh in tới máy in: máy chưa cài dịch vụ in "
                         "(không có lệnh 'lp' của CUPS)") from exc
    except subprocess.TimeoutExpired as exc:
        raise PrintError("Không gửi được lệnh in tới máy in: quá thời gian chờ "
                         f"{PRINT_TIMEOUT} giây") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout or "").strip() or f"mã lỗi {done.returncode}"
        raise PrintError(f"Không gửi được lệnh in tới máy in: {detail}")


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
        raise PrintError(f"Không mở được tệp PDF để xem: {exc}") from exc
