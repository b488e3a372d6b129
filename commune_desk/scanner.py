"""Where scans come from at the counter, and opening a stored one.

- The scan folder: the usual set-up is a network scanner that writes each scan as a file into a
  shared folder. `ScanFolder.ready()` lists the files there that have stopped growing (a scanner
  still writing is left alone); once attached they move to its «da-dinh-kem» subfolder.
- A SANE scanner on Linux, where `scanimage` is installed: `scan_page` writes one page into the
  scan folder, so it is picked up like any other scan.
- `open_file` shows a stored PDF with the system's viewer.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from commune_desk.errors import DeskError, InvalidInput

SCAN_TYPES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf"}
DONE_DIR = "da-dinh-kem"
INBOX_DIR = "scan-inbox"


def scan_folder_of(desk) -> Path:
    """The folder chosen in Quản trị (never created here: a share that is not mounted stays
    missing rather than becoming a local folder), else «scan-inbox» in the data folder."""
    cfg = desk.config()
    if cfg is not None and getattr(cfg, "scan_folder", ""):
        return Path(cfg.scan_folder)
    folder = desk.data_dir / INBOX_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_folder(text: str) -> str:
    """The folder a network scanner writes into, as an absolute path, once it is there, can be
    listed and written (attached scans move into its «da-dinh-kem»). On a network share that is
    down this may take long: the window calls it off its thread."""
    raw = str(text or "").strip()
    try:
        folder = Path(os.path.abspath(os.path.expanduser(raw)))
        if not raw or not folder.exists():
            raise InvalidInput(f"Không có thư mục «{raw}» trên máy này. Nếu là thư mục dùng chung trên mạng, hãy "
                               "kiểm tra máy quét hoặc máy chia sẻ đã bật và đã kết nối.", "scan_folder")
        if not folder.is_dir():
            raise InvalidInput(f"«{folder}» là một tệp, không phải thư mục. Hãy chọn thư mục máy quét ghi bản quét "
                               "vào.", "scan_folder")
        with os.scandir(folder) as entries:
            next(entries, None)
    except PermissionError:
        raise InvalidInput(f"Không đọc được thư mục «{folder}»: tài khoản trên máy này không có quyền đọc. Hãy nhờ "
                           "cán bộ kỹ thuật cấp quyền đọc và ghi thư mục này.", "scan_folder") from None
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"Không mở được thư mục «{raw}» ({getattr(exc, 'strerror', None) or exc}).",
                           "scan_folder") from None
    if not os.access(folder, os.W_OK):
        raise InvalidInput(f"Không ghi được vào thư mục «{folder}»: bản quét đã đính kèm được chuyển vào thư mục con "
                           f"«{DONE_DIR}» nên cần quyền ghi. Hãy nhờ cán bộ kỹ thuật cấp quyền ghi.", "scan_folder")
    return str(folder)


class ScanFolder:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._sizes: dict[Path, int] = {}

    def ready(self) -> list[Path]:
        """Scans that kept their size since the previous look, oldest first."""
        try:
            found = [p for p in self.path.iterdir() if p.is_file() and p.suffix.lower() in SCAN_TYPES
                     and not p.name.startswith(".")]
        except OSError:
            return []
        sizes = {}
        for p in found:
            try:
                sizes[p] = p.stat().st_size
            except OSError:
                continue
        stable = [p for p, n in sizes.items() if n > 0 and self._sizes.get(p) == n]
        self._sizes = sizes
        return sorted(stable, key=lambda p: (p.stat().st_mtime, p.name))

    def consumed(self, files: list[Path]) -> None:
        done = self.path / DONE_DIR
        done.mkdir(exist_ok=True)
        for f in files:
            target = done / f.name
            if target.exists():
                target = done / f"{f.stem}-{int(time.time())}{f.suffix}"
            os.replace(f, target)
            self._sizes.pop(f, None)


def scanner_available() -> bool:
    return sys.platform.startswith("linux") and shutil.which("scanimage") is not None


def scan_page(folder: Path, dpi: int = 200, timeout_s: float = 180) -> Path:
    """One page from the default SANE scanner, greyscale, into the scan folder."""
    out = Path(folder) / f"quet-{time.strftime('%Y%m%d-%H%M%S')}.png"
    part = out.with_name("." + out.name)
    try:
        done = subprocess.run(["scanimage", "--format=png", "--mode", "Gray", "--resolution", str(dpi),
                               "-o", str(part)], capture_output=True, text=True, timeout=timeout_s)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DeskError(f"Không quét được: {exc}.") from None
    if done.returncode != 0 or not part.is_file():
        reason = (done.stderr or "").strip().splitlines()[-1:] or ["không rõ lý do"]
        raise DeskError(f"Máy quét báo lỗi: {reason[0]}. Hãy kiểm tra máy quét đã bật và nối với máy tính.")
    os.replace(part, out)
    return out


def launch(args: list[str]) -> None:
    subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def open_file(path: Path, name: str) -> Path:
    """Show a stored file with the system's viewer, from a copy named for people (the store's
    names carry no extension)."""
    folder = Path(path).parent.parent.parent / "open"
    folder.mkdir(exist_ok=True)
    shown = folder / (name if name.lower().endswith(".pdf") else name + ".pdf")
    shutil.copyfile(path, shown)
    if sys.platform.startswith("win"):
        os.startfile(shown)  # noqa: S606 - the clerk's own file, opened with its viewer
    else:
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        try:
            launch([opener, str(shown)])
        except OSError:
            raise DeskError(f"Không mở được tệp; tệp ở {shown}.") from None
    return shown
