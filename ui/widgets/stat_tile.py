"""A headline figure with its caption (claims loaded, amount, changes pending)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class StatTileWidget(QFrame):
    """A big number over a small caption, both set by the owner (already translated)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statTile")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(2)
        self.value_label = QLabel("—", self)
        self.value_label.setObjectName("statValue")
        self.caption_label = QLabel(self)
        self.caption_label.setObjectName("statCaption")
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)

    def set_value(self, text: str) -> None:
        """The figure."""
        self.value_label.setText(text)

    def set_caption(self, text: str) -> None:
        """What the figure counts."""
        self.caption_label.setText(text)
