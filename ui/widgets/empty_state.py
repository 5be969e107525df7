"""What a page shows instead of an empty table: an icon, a title and what to do next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.icons import icon


class EmptyStateWidget(QWidget):
    """A centred icon, title and explanation; texts are set (and re-set) by the owner."""

    def __init__(self, icon_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(12)
        layout.addStretch(2)
        self._icon = QLabel(self)
        self._icon.setPixmap(icon(icon_name).pixmap(56, 56))
        self._icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("emptyStateTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("emptyStateMessage")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self._icon)
        layout.addWidget(self.title_label)
        # Side stretches keep the explanation to a readable measure while it still wraps.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.message_label, 4)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(3)

    def set_texts(self, title: str, message: str) -> None:
        """Show ``title`` and ``message`` (both already translated)."""
        self.title_label.setText(title)
        self.message_label.setText(message)
