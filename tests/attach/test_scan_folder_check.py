"""The scan folder a network scanner writes into: `setup --scan-folder` and Quản trị › Thư mục
quét refuse, in one sentence, a folder that is not there, is a file, or cannot be read."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest


def test_setup_command_checks_the_scan_folder(tmp_path):
    def setup(folder):
        return subprocess.run([sys.executable, "-m", "commune_desk", "setup", "--data-dir", str(tmp_path / "d"),
                               "--office-name", "UBND xã Phúc Lợi", "--agency-code", "000.30.36.H26",
                               "--scan-folder", folder], capture_output=True, text=True,
                              env={**os.environ, "COMMUNE_DESK_NOW": "2026-11-23T09:00:00+07:00"})
    done = setup(str(tmp_path / "khong-co"))
    assert done.returncode == 2 and done.stderr.strip().startswith("Lỗi: Không có thư mục «")
    assert "Traceback" not in done.stderr
    (tmp_path / "scans").mkdir()
    assert setup(str(tmp_path / "scans")).returncode == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or shutil.which("setpriv") is None, reason="needs POSIX and setpriv")
def test_a_folder_this_account_cannot_read_is_refused_in_a_sentence():
    """Root reads everything: the check runs as `nobody` when the tests run as root."""
    base = Path(tempfile.mkdtemp(prefix="cd-scan-perm-"))
    try:
        os.chmod(base, 0o755)
        closed = base / "dong"
        closed.mkdir(mode=0o000)
        os.chmod(closed, 0o000)
        code = ("from commune_desk.scanner import check_folder\nfrom commune_desk.errors import DeskError\n"
                f"try:\n    check_folder({str(closed)!r})\nexcept DeskError as exc:\n    print(exc.message)\n")
        cmd = [sys.executable, "-c", code]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=str(base))
        if out.returncode != 0 and os.geteuid() == 0:
            pytest.skip(f"`nobody` cannot run the project from this checkout: {out.stderr.strip()[-200:]}")
        assert out.stdout.strip() == (f"Không đọc được thư mục «{closed}»: tài khoản trên máy này không có quyền "
                                      "đọc. Hãy nhờ cán bộ kỹ thuật cấp quyền đọc và ghi thư mục này."), out.stderr
    finally:
        os.chmod(base / "dong", 0o755)
        shutil.rmtree(base, ignore_errors=True)
