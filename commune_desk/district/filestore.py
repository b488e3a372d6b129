"""Where the district keeps uploaded files: a small interface, and the disk behind it.

An upload grows in a staging file on local disk (appending needs a file); once the whole file is
verified against its SHA-256 it is handed to the store. A province can put an object store
(S3-compatible) behind the same four methods; staging stays local.
"""

import os
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol


class FileStore(Protocol):
    def has(self, sha256: str) -> bool: ...
    def size(self, sha256: str) -> int | None: ...
    def open(self, sha256: str) -> BinaryIO: ...
    def put(self, sha256: str, verified: Path) -> None:
        """Take a verified file (moved or copied; durable when this returns)."""


class DiskStore:
    """Files under root/files/<first two hex digits>/<sha256>; staging under root/partial/."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.files = self.root / "files"
        self.partial = self.root / "partial"
        self.files.mkdir(parents=True, exist_ok=True)
        self.partial.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.files / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path(sha256), "rb")

    def put(self, sha256: str, verified: Path) -> None:
        final = self.path(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(verified, final)          # same file system: a rename
        except OSError:
            shutil.copyfile(verified, final)
            verified.unlink()
        fsync_dir(final.parent)

    def staging(self, sha256: str) -> Path:
        return self.partial / sha256


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
