"""Scaffold replaced by the real task actions (work in progress on issue 3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ui.context import ShellContext

if TYPE_CHECKING:
    from inspector_app.services.overview import InspectionOverview


class TaskActionsBar(QWidget):
    """Scaffold."""

    changed = Signal()

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.overview: InspectionOverview | None = None
        QHBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def set_overview(self, overview: InspectionOverview) -> None:
        self.overview = overview

    def retranslate(self) -> None:
        pass
