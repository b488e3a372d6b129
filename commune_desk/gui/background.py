"""Work that may take time runs off the UI thread; results come back through after() polling."""

import logging
import queue
import threading
import tkinter as tk
from dataclasses import dataclass
from typing import Any, Callable

from commune_desk.errors import DeskError

log = logging.getLogger("commune_desk.gui")


@dataclass
class Done:
    callback: Callable | None
    value: Any = None
    error: BaseException | None = None
    on_error: Callable | None = None
    tracked: bool = True


class Background:
    """Run callables on a worker thread; deliver results on the Tk thread."""

    def __init__(self, root: tk.Misc, poll_ms: int = 40):
        self.root = root
        self.poll_ms = poll_ms
        self.results: queue.Queue[Done] = queue.Queue()
        self.busy = 0
        self._poll()

    def run(self, fn: Callable, on_done: Callable | None = None, on_error: Callable | None = None,
            tracked: bool = True) -> None:
        """`tracked=False`: a long watch (a print job followed for minutes) that does not count as
        the window being busy."""
        self.busy += tracked

        def work():
            try:
                self.results.put(Done(on_done, value=fn(), on_error=on_error, tracked=tracked))
            except DeskError as exc:       # expected: the screen says it in a sentence
                self.results.put(Done(on_done, error=exc, on_error=on_error, tracked=tracked))
            except BaseException as exc:  # noqa: BLE001 - delivered to the UI thread as an error
                log.exception("background task failed")
                self.results.put(Done(on_done, error=exc, on_error=on_error, tracked=tracked))

        threading.Thread(target=work, daemon=True, name="desk-background").start()

    def _poll(self) -> None:
        try:
            while True:
                done = self.results.get_nowait()
                self.busy -= done.tracked
                if done.error is not None:
                    if done.on_error:
                        done.on_error(done.error)
                elif done.callback:
                    done.callback(done.value)
        except queue.Empty:
            pass
        finally:
            # a callback that failed (its screen closed meanwhile) must not stop the deliveries
            try:
                self.root.after(self.poll_ms, self._poll)
            except tk.TclError:
                pass   # window closed
