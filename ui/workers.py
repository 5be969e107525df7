"""The one way the shell runs work off the GUI thread (after Anki's taskman and operations).

An :class:`Operation` wraps a function ``work(progress) -> result`` with fluent callbacks::

    Operation(lambda progress: list_tasks(profile=profile)) \
        .success(self._show_tasks).failure(self._show_error).quietly() \
        .run_in_background(tasks)

Writes go to a serialized pool (one thread: SQLite has one writer, and ordering matters);
reads and other work go to a general pool. Results, failures and progress come back to the
GUI thread through queued signals; worker code never touches a widget. A progress dialog
appears only if the work lasts more than :data:`DIALOG_DELAY_MS` (its Cancel button calls
``Progress.cancel()``), or the status bar's bar shows quiet background loads.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any, ClassVar, Generic, Self, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from inspector_app.i18n import _
from inspector_app.privacy import describe_exception
from inspector_app.progress import Cancelled, Progress

R = TypeVar("R")
DIALOG_DELAY_MS = 600
_log = logging.getLogger(__name__)


def _log_failure(error: BaseException) -> None:
    # Scrubbed like every logged error (never exc_info: its message may name a patient).
    _log.error("background work failed\n%s", describe_exception(error))


# Where an operation without its own failure callback reports (set by ui.error_report).
_default_failure: list[Callable[[BaseException], None]] = [_log_failure]


def set_default_failure_handler(handler: Callable[[BaseException], None]) -> None:
    """Route failures of operations that have no failure callback (the crash dialog)."""
    _default_failure[0] = handler


class _OperationSignals(QObject):
    """Lives on the GUI thread; the worker emits, queued connections call the slots there."""

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    progressed = Signal(int, object, str)

    def __init__(self, operation: Operation[Any]) -> None:
        super().__init__()
        self._operation = operation
        queued = Qt.ConnectionType.QueuedConnection
        self.succeeded.connect(self._on_succeeded, queued)
        self.failed.connect(self._on_failed, queued)
        self.cancelled.connect(self._on_cancelled, queued)
        self.progressed.connect(self._on_progressed, queued)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._operation.deliver_success(result)

    @Slot(object)
    def _on_failed(self, error: BaseException) -> None:
        self._operation.deliver_failure(error)

    @Slot()
    def _on_cancelled(self) -> None:
        self._operation.deliver_cancelled()

    @Slot(int, object, str)
    def _on_progressed(self, done: int, total: int | None, label: str) -> None:
        self._operation.deliver_progress(done, total, label)


class _Runnable(QRunnable):
    """Runs the work on a pool thread and emits its outcome.

    It keeps no reference to the Operation itself: the last reference to an operation (and
    to the callbacks and widgets it holds) must be dropped on the GUI thread, by the manager,
    never here, or Python could destroy a Qt object from the wrong thread.
    """

    def __init__(self, operation: Operation[Any]) -> None:
        super().__init__()
        self._work: Callable[[Progress], Any] | None = operation.work
        self._sink = operation.progress_sink
        self._signals: _OperationSignals | None = operation.signals

    def run(self) -> None:
        work, signals = self._work, self._signals
        self._work = self._signals = None
        if work is None or signals is None:
            return
        try:
            result = work(self._sink)
        except Cancelled:
            signals.cancelled.emit()
        except BaseException as exc:  # every failure must reach the GUI thread
            signals.failed.emit(exc)
        else:
            signals.succeeded.emit(result)


class Operation(Generic[R]):
    """Background work with success, failure, progress and cancel callbacks."""

    def __init__(self, work: Callable[[Progress], R], *, label: str = "") -> None:
        self.work = work
        self.label = label
        self.signals = _OperationSignals(self)
        self.progress_sink = Progress(callback=self.signals.progressed.emit)
        self.finished = False
        self.writes = False
        self.quiet = False
        self._on_success: Callable[[R], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_cancelled: Callable[[], None] | None = None
        self._on_progress: Callable[[int, int | None, str], None] | None = None
        self._owner: QWidget | None = None
        self._dialog_parent: QWidget | None = None
        self._dialog: QProgressDialog | None = None
        self._dialog_timer: QTimer | None = None
        self._manager: TaskManager | None = None

    @classmethod
    def of(cls, work: Callable[[], R], *, label: str = "") -> Operation[R]:
        """Background work that reports no progress (most reads and saves)."""
        return cls(lambda _progress: work(), label=label)

    # ------------------------------------------------------------- fluent set-up

    def success(self, callback: Callable[[R], None]) -> Self:
        """Call ``callback(result)`` on the GUI thread when the work returns."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Self:
        """Call ``callback(exception)`` on the GUI thread when the work raises."""
        self._on_failure = callback
        return self

    def on_cancelled(self, callback: Callable[[], None]) -> Self:
        """Call ``callback()`` when the work stopped because it was cancelled."""
        self._on_cancelled = callback
        return self

    def on_progress(self, callback: Callable[[int, int | None, str], None]) -> Self:
        """Call ``callback(done, total, label)`` for each (throttled) progress report."""
        self._on_progress = callback
        return self

    def owned_by(self, widget: QWidget) -> Self:
        """Drop the callbacks silently if ``widget`` is destroyed before the work ends."""
        self._owner = widget
        return self

    def with_dialog(self, parent: QWidget) -> Self:
        """Show a progress dialog with Cancel if the work lasts over ~0.6 s."""
        self._dialog_parent = parent
        return self

    def quietly(self) -> Self:
        """Show the work in the status bar's progress bar instead of a dialog."""
        self.quiet = True
        return self

    def run_in_background(self, manager: TaskManager, *, writes: bool = False) -> Self:
        """Start the work: on the serialized writer if ``writes``, else on the general pool."""
        self.writes = writes
        manager.start(self)
        if self._dialog_parent is not None:
            self._dialog_timer = QTimer(self.signals)
            self._dialog_timer.setSingleShot(True)
            self._dialog_timer.timeout.connect(self._show_dialog)
            self._dialog_timer.start(DIALOG_DELAY_MS)
        return self

    # ------------------------------------------------------------------ control

    def cancel(self) -> None:
        """Ask the work to stop at its next progress check."""
        self.progress_sink.cancel()

    @property
    def dialog(self) -> QProgressDialog | None:
        """The progress dialog, once it has appeared."""
        return self._dialog

    def attach(self, manager: TaskManager) -> None:
        """Called by the manager when the operation is queued.

        The signal relay gets the manager as Qt parent, so the C++ object is never deleted
        by Python's garbage collector (which may run on any thread), only by
        ``deleteLater`` on the GUI thread once the outcome is delivered.
        """
        self._manager = manager
        self.signals.setParent(manager)

    def discard(self) -> None:
        """Forget every callback: the work's result is no longer wanted (shutdown)."""
        self._on_success = self._on_failure = self._on_cancelled = self._on_progress = None
        self._finish()

    # ------------------------------------------------------------ GUI-thread side

    def _alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    def _show_dialog(self) -> None:
        if self.finished or self._dialog_parent is None:
            return
        if not shiboken6.isValid(self._dialog_parent):
            return
        dialog = QProgressDialog(
            self.label or _("Working…"), _("Cancel"), 0, 0, self._dialog_parent
        )
        # Non-modal (Qt's default) on purpose: a modal QProgressDialog calls processEvents()
        # inside setValue(), which would run other callbacks in the middle of this one.
        dialog.setWindowTitle(_("Please wait"))
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(360)
        dialog.canceled.connect(self.cancel)
        dialog.show()
        self._dialog = dialog

    def _finish(self) -> None:
        if self.finished:
            return
        self.finished = True
        if self._dialog_timer is not None:
            self._dialog_timer.stop()
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            if shiboken6.isValid(dialog):
                dialog.canceled.disconnect(self.cancel)
                dialog.hide()
                dialog.deleteLater()
        if self._manager is not None:
            self._manager.finished(self)
        self.signals.deleteLater()

    def deliver_success(self, result: Any) -> None:
        callback = self._on_success
        self._finish()
        if callback is not None and self._alive():
            callback(result)

    def deliver_failure(self, error: BaseException) -> None:
        callback = self._on_failure
        self._finish()
        if not self._alive():
            return
        (callback or _default_failure[0])(error)

    def deliver_cancelled(self) -> None:
        callback = self._on_cancelled
        self._finish()
        if callback is not None and self._alive():
            callback()

    def deliver_progress(self, done: int, total: int | None, label: str) -> None:
        if self.finished:
            return
        dialog = self._dialog
        if dialog is not None and shiboken6.isValid(dialog):
            if label:
                dialog.setLabelText(label)
            if total:
                dialog.setMaximum(total)
                dialog.setValue(min(done, total))
        if self._manager is not None and self.quiet:
            self._manager.quiet_progress.emit(done, total, label or self.label)
        if self._on_progress is not None and self._alive():
            self._on_progress(done, total, label)


class TaskManager(QObject):
    """Owns the two thread pools and every operation in flight."""

    busy_changed = Signal(int, str)
    quiet_progress = Signal(int, object, str)

    _live: ClassVar[weakref.WeakSet[TaskManager]] = weakref.WeakSet()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._general = QThreadPool(self)
        self._general.setMaxThreadCount(max(2, QThread.idealThreadCount()))
        self._active: list[Operation[Any]] = []
        self._closed = False
        TaskManager._live.add(self)

    @classmethod
    def live_instances(cls) -> list[TaskManager]:
        """Managers not yet garbage-collected (the test fixture checks them for leaks)."""
        return [m for m in cls._live if shiboken6.isValid(m)]

    def start(self, operation: Operation[Any]) -> None:
        """Queue ``operation`` on the right pool."""
        if self._closed:
            raise RuntimeError("the task manager is shut down")
        operation.attach(self)
        self._active.append(operation)
        pool = self._writer if operation.writes else self._general
        pool.start(_Runnable(operation))
        self._announce()

    def finished(self, operation: Operation[Any]) -> None:
        """Called by an operation once its outcome has been delivered."""
        if operation in self._active:
            self._active.remove(operation)
            self._announce()

    def _announce(self) -> None:
        quiet = [op for op in self._active if op.quiet]
        self.busy_changed.emit(len(quiet), quiet[-1].label if quiet else "")

    @property
    def active_count(self) -> int:
        """Operations queued or running whose outcome is not yet delivered."""
        return len(self._active)

    def running_threads(self) -> int:
        """Pool threads currently executing work."""
        return self._writer.activeThreadCount() + self._general.activeThreadCount()

    def cancel_all(self) -> None:
        """Ask every operation in flight to stop."""
        for operation in list(self._active):
            operation.cancel()

    def wait_idle(self, timeout_ms: int = 60_000) -> bool:
        """Block until both pools are idle; True if they are."""
        return self._writer.waitForDone(timeout_ms) and self._general.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Cancel everything, wait for the threads, drop results not yet delivered."""
        self._closed = True
        self.cancel_all()
        idle = self.wait_idle(timeout_ms)
        for operation in list(self._active):
            operation.discard()
        self._active.clear()
        return idle

    @property
    def is_shut_down(self) -> bool:
        """True after :meth:`shutdown`."""
        return self._closed
