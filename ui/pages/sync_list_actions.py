"""What the Sync page's Conflicts and Refused tabs share: a table of items, or an empty state,
and actions on the selected item that ask first and run in the background."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QStackedWidget, QVBoxLayout, QWidget

from inspector_app.progress import Progress
from ui import error_report
from ui.context import ShellContext
from ui.widgets.data_table import Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget
from ui.workers import Operation

R = TypeVar("R")


class ActionListWidget(QWidget, Generic[R]):
    """A table of rows with a panel of actions under it, or an empty state without rows.

    Subclasses add their widgets to ``panel_layout`` (the table is already in it), say how a
    row is identified (:meth:`row_key`) and redraw their buttons in :meth:`_render`.
    """

    done = Signal()
    """An action finished: local records changed (the page reloads, a sync may follow)."""
    refused = Signal()
    """An action was refused (e.g. settled elsewhere meanwhile): the list is out of date."""

    def __init__(
        self, context: ShellContext, columns: Sequence[Column[R]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.confirmation: QMessageBox | None = None
        self.busy = False
        self.panel = QWidget(self)
        self.table: DataTableWidget[R] = DataTableWidget(columns, self.panel)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self._render())
        self.panel_layout = QVBoxLayout(self.panel)
        self.panel_layout.setContentsMargins(0, 0, 0, 0)
        self.panel_layout.setSpacing(8)
        self.panel_layout.addWidget(self.table, 1)
        self.empty = EmptyStateWidget("sync", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.panel)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def row_key(self, row: R) -> Hashable:
        """What identifies a row across reloads."""
        raise NotImplementedError

    def _render(self) -> None:
        """Redraw what depends on the selected row and on ``busy``."""

    def set_rows(self, rows: Sequence[R]) -> None:
        """Show ``rows``, keeping the selected one selected while it is listed."""
        selected = self.table.current_row()
        self.table.set_rows(list(rows))
        self.stack.setCurrentIndex(0 if rows else 1)
        shown: list[R] = self.table.visible_rows()
        wanted = None if selected is None else self.row_key(selected)
        kept = next((i for i, r in enumerate(shown) if self.row_key(r) == wanted), None)
        if kept is not None and wanted is not None:
            self.table.selectRow(kept)
        else:
            self.table.select_first()
        self._render()

    def confirm(self, title: str, text: str, then: Callable[[], None]) -> None:
        """Ask with Yes / Cancel (Cancel by default); ``then`` runs on Yes."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(box.deleteLater)
        box.accepted.connect(then)
        self.confirmation = box
        box.open()

    def run_action(self, work: Callable[[], Any], *, label: str, error_title: str) -> None:
        """Run ``work`` in the background (writes), busy meanwhile; then ``done`` or, on a
        failure, ``refused`` and a message titled ``error_title``."""

        def background(_progress: Progress) -> None:
            work()

        def finished(_result: None) -> None:
            self.busy = False
            self._render()
            self.done.emit()

        def failed(error: BaseException) -> None:
            self.busy = False
            self._render()
            self.refused.emit()
            error_report.handle_failure(
                error, lambda message: QMessageBox.warning(self, error_title, message)
            )

        self.busy = True
        self._render()
        operation: Operation[None] = Operation(background, label=label)
        operation.success(finished).failure(failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks, writes=True)
