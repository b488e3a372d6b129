"""Helpers for driving the real window in tests."""

import subprocess
import time

from commune_desk.rules.intake import IntakeForm


def pump(app, seconds: float = 0.0) -> None:
    """Let Tk run its queued events (and after() jobs due within `seconds`)."""
    end = time.monotonic() + seconds
    while True:
        app.update()
        if time.monotonic() >= end:
            return
        time.sleep(0.01)


def pump_until(app, predicate, timeout: float = 60.0, what: str = "the window") -> None:
    """Let Tk run until `predicate()` holds (an after() job ran, X events arrived, the window was
    mapped); fail after `timeout` s. Never a fixed wait: a loaded machine may take long."""
    end = time.monotonic() + timeout
    while True:
        app.update()
        if predicate():
            app.update()
            return
        if time.monotonic() > end:
            raise AssertionError(f"{what}: not done within {timeout:.0f} s")
        time.sleep(0.01)


def wait_background(app, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while app.background.busy:
        app.update()
        if time.monotonic() > end:
            raise AssertionError("background work did not finish")
        time.sleep(0.02)
    app.update()


def accept(desk, name="Nguyễn Văn Đạt", proc="HT-XNHN", **kw):
    return desk.intake(IntakeForm(procedure_id=proc, name=name, id_number=kw.pop("id_number", "001090012345"),
                                  phone=kw.pop("phone", "0912345678"), address="Thôn Đông, xã Phúc Lợi", **kw))


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())
