"""The frame every tab of the Current inspection page shares.

A tab shows one case of one task. Reads run on the worker pool (latest wins, like pages);
writes run on the serialized DB worker, and a refusal the user can act on
(:class:`~inspector_app.casework.access.NotAllowedError`, a validation error) is shown as a
plain message, not as a crash report. After a successful write the tab emits ``changed`` so
the page refreshes the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from ui import error_report
from ui.context import ShellContext
from ui.workers import Operation

R = TypeVar("R")
TAB_DATA = "data"  # the load channel of the tab's own data


class CaseTab(QWidget):
    """Base of the inspection tabs; subclasses implement ``title``, ``reload``, ``retranslate``."""

    changed = Signal()

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id: str | None = None
        self.task_id: str | None = None
        self.stale = True
        # May the user record in the case shown? Tabs that offer recording read it with
        # their data; until then (and for another case) they offer nothing.
        self.can_record = False
        self._generations: dict[str, int] = {}
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 8, 0, 0)
        self.layout_.setSpacing(8)

    # ------------------------------------------------------------- subclass hooks

    def title(self) -> str:
        """The tab's label (translated)."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-read every visible text."""

    def reload(self) -> None:
        """Read the tab's data again (in the background)."""

    # --------------------------------------------------------------- life cycle

    def set_case(self, task_id: str, case_id: str | None) -> None:
        """Show ``case_id`` (None: the task has no case file yet).

        Another case is read at once; the same case is read again only if something marked
        it stale (a tab that just saved has already read its own change).
        """
        if (task_id, case_id) != (self.task_id, self.case_id):
            self.task_id, self.case_id = task_id, case_id
            self.can_record = False
            self.stale = True
            self.reload()
        elif self.stale and self.isVisible():
            self.reload()

    def activate(self) -> None:
        """The tab became visible: load if stale."""
        if self.stale:
            self.reload()

    def load(
        self,
        work: Callable[[], R],
        done: Callable[[R], None],
        *,
        label: str,
        channel: str = TAB_DATA,
    ) -> None:
        """Run a read on the pool and hand the result to ``done`` (latest call wins).

        Each ``channel`` has its own "latest": a detail read (e.g. a preview of the selected
        row) neither drops nor is dropped by the tab's own data read, and only the data read
        decides whether the tab is stale.
        """
        generation = self._generations.get(channel, 0) + 1
        self._generations[channel] = generation
        if channel == TAB_DATA:
            self.stale = False

        def latest() -> bool:
            return generation == self._generations[channel]

        def deliver(result: R) -> None:
            if latest():
                done(result)

        def fail(error: BaseException) -> None:
            if latest():
                if channel == TAB_DATA:
                    self.stale = True
                self._report(error)

        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(deliver).failure(fail).quietly().owned_by(self).run_in_background(
            self.context.tasks
        )

    def load_with_rights(
        self, work: Callable[[str], R], done: Callable[[R], None], *, label: str
    ) -> None:
        """:meth:`load` the tab's data for the case shown, with whether the user may record
        in it (``can_record``, set before ``done`` sees the data)."""
        from inspector_app.casework.access import recording_allowed

        profile, case_id = self.context.profile, self.case_id
        assert case_id is not None

        def read() -> tuple[R, bool]:
            return work(case_id), recording_allowed(profile=profile, case_id=case_id)

        def deliver(loaded: tuple[R, bool]) -> None:
            data, self.can_record = loaded
            done(data)

        self.load(read, deliver, label=label)

    def write(
        self,
        work: Callable[[], R],
        done: Callable[[R], None] | None = None,
        *,
        label: str,
        quiet: bool = True,
    ) -> None:
        """Run a change on the DB worker; on success call ``done`` and emit ``changed``."""

        def deliver(result: R) -> None:
            if done is not None:
                done(result)
            self.changed.emit()

        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(deliver).failure(self._report).owned_by(self)
        if quiet:
            operation.quietly()
        else:
            operation.with_dialog(self)
        operation.run_in_background(self.context.tasks, writes=True)

    def _report(self, error: BaseException) -> None:
        error_report.handle_failure(
            error, lambda message: QMessageBox.warning(self, self.title(), message)
        )
