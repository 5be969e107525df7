"""The frame every page shares: a header (title, summary, actions) and background loading.

A page loads its data through the shared worker pattern with a generation counter, so a
reload started while an older one is still running wins, and a page that is not visible
only marks itself stale (it loads when shown: no work for screens nobody looks at).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui import error_report
from ui.context import ShellContext
from ui.workers import Operation

R = TypeVar("R")


class BasePage(QWidget):
    """Header plus body; subclasses fill ``self.body`` and implement the hooks."""

    icon_name = ""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.stale = True
        self.loading = False
        self._generation = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)
        header = QHBoxLayout()
        header.setSpacing(12)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("pageTitle")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("pageSummary")
        self.summary_label.setWordWrap(True)
        titles.addWidget(self.title_label)
        titles.addWidget(self.summary_label)
        header.addLayout(titles, 1)
        self.header_actions = QHBoxLayout()
        self.header_actions.setSpacing(8)
        header.addLayout(self.header_actions)
        outer.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(10)
        outer.addLayout(self.body, 1)

    # ------------------------------------------------------------- subclass hooks

    def title(self) -> str:
        """The page's name in the navigation and header (translated)."""
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-read every visible text via ``_()``; subclasses extend this."""
        self.title_label.setText(self.title())

    def reload(self) -> None:
        """Load the page's data again (in the background)."""

    # --------------------------------------------------------------- life cycle

    def activate(self) -> None:
        """The page became visible: load it if its data is stale."""
        if self.stale:
            self.reload()

    def mark_stale(self) -> None:
        """Data changed elsewhere: reload now if visible, else when next shown."""
        self.stale = True
        if self.isVisible():
            self.reload()

    def load(
        self,
        work: Callable[[], R],
        done: Callable[[R], None],
        *,
        label: str,
        failed: Callable[[BaseException], None] | None = None,
    ) -> Operation[R]:
        """Run ``work`` on the general pool and hand its result to ``done`` (latest wins)."""
        self._generation += 1
        generation = self._generation
        self.loading = True
        self.stale = False

        def deliver(result: R) -> None:
            if generation == self._generation:
                self.loading = False
                done(result)

        def fail(error: BaseException) -> None:
            if generation != self._generation:
                return
            self.loading = False
            self.stale = True
            error_report.log_error(error)
            if failed is not None:
                failed(error)

        operation: Operation[Any] = Operation.of(work, label=label)
        return (
            operation.success(deliver)
            .failure(fail)
            .quietly()
            .owned_by(self)
            .run_in_background(self.context.tasks)
        )
