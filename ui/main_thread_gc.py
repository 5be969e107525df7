"""Python's cyclic garbage collection runs on the GUI thread only.

The collector normally runs in whichever thread happens to allocate when a generation's
threshold is crossed — often a worker thread. If that collection frees the last Python
reference to a Qt widget without a parent (a top-level dialog), PySide deletes the C++
object from the worker thread, and Qt crashes (seen under gdb: a segfault in QWidget's
destructor). Automatic collection is therefore switched off and a main-thread timer
collects instead: the young generation often (cheap), everything now and then. Reference
counting still frees all non-cyclic garbage at once, as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

YOUNG_INTERVAL_MS = 1_000
FULL_EVERY = 30  # young collections between two full ones (~30 s)


class MainThreadCollector(QObject):
    """Owns the timer; keep one per application (``install`` does)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticks = 0
        self.timer = QTimer(self)
        self.timer.setInterval(YOUNG_INTERVAL_MS)
        self.timer.timeout.connect(self.collect)

    def start(self) -> None:
        """Stop automatic collection and start collecting on this (the GUI) thread."""
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        """Back to Python's automatic collection, after collecting here what piled up.

        Without the collection here, the first automatic one after ``enable`` may run in
        any thread over everything since the last tick, Qt objects included (seen as a
        rare hang at the end of a test run).
        """
        self.timer.stop()
        gc.collect()
        gc.enable()

    def collect(self) -> None:
        """One scheduled collection (the young generation, or all of them)."""
        self._ticks += 1
        gc.collect(2 if self._ticks % FULL_EVERY == 0 else 0)


def install(parent: QObject) -> MainThreadCollector:
    """Collect on the GUI thread from now on (``parent``: the application)."""
    collector = MainThreadCollector(parent)
    collector.start()
    return collector
