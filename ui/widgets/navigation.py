"""The left-hand navigation: one entry per page, icon and text, keyboard friendly."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from ui.icons import ON_ACCENT, icon


class NavigationWidget(QListWidget):
    """A vertical list of pages; ``currentRowChanged`` tells which one to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setIconSize(QSize(22, 22))
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setMovement(QListView.Movement.Static)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedWidth(212)
        self.setSpacing(2)

    def add_page(self, icon_name: str, text: str) -> QListWidgetItem:
        """Append an entry; its icon turns white when selected (accent background)."""
        item = QListWidgetItem(icon(icon_name, selected_colour=ON_ACCENT), text, self)
        item.setSizeHint(QSize(0, 44))
        return item

    def set_texts(self, texts: list[str]) -> None:
        """Rename the entries (language change), in page order."""
        for row, text in enumerate(texts):
            entry = self.item(row)
            if entry is not None:
                entry.setText(text)
