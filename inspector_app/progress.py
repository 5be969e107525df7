"""How long-running core work reports progress and learns it should stop.

Core functions never know who is watching: they take a :class:`Progress` and call
``progress.advance()`` / ``progress.check()``. The CLI renders it as a line on stderr, the Qt
shell as a progress dialog or status-bar bar (``ui/workers.py``), and tests pass a bare
``Progress()``. ``check()`` raises :class:`Cancelled` once someone has asked to stop; work
written inside a transaction then rolls back, so a cancelled job leaves nothing half-done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# (done, total or None when unknown, label) — label is already translated.
ProgressCallback = Callable[[int, int | None, str], None]


class Cancelled(Exception):
    """The user (or a caller) cancelled the work."""


@dataclass
class Progress:
    """Progress sink and cancellation flag shared by a job and whoever runs it.

    Reports are throttled (``min_interval`` seconds) so a loop over millions of rows can
    call :meth:`advance` freely without flooding the UI thread with signals.
    """

    callback: ProgressCallback | None = None
    min_interval: float = 0.1
    _cancel: threading.Event = field(default_factory=threading.Event)
    _done: int = 0
    _total: int | None = None
    _label: str = ""
    _last_report: float = 0.0

    def cancel(self) -> None:
        """Ask the job to stop at its next :meth:`check`."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._cancel.is_set():
            raise Cancelled

    def start(self, label: str, total: int | None = None) -> None:
        """Begin a (new) phase with a label and an optional total."""
        self._label, self._total, self._done = label, total, 0
        self._emit(force=True)

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more units done; also checks for cancellation."""
        self._done += amount
        self._emit(force=False)
        self.check()

    def finish(self) -> None:
        """Report the phase complete."""
        if self._total is not None:
            self._done = self._total
        self._emit(force=True)

    @property
    def done(self) -> int:
        """Units done in the current phase."""
        return self._done

    def _emit(self, *, force: bool) -> None:
        if self.callback is None:
            return
        now = time.monotonic()
        if force or now - self._last_report >= self.min_interval:
            self._last_report = now
            self.callback(self._done, self._total, self._label)
