"""A titled panel that groups related facts on a page, and a key/value form to fill it.

Labels of a :class:`FactsWidget` are declared as callables returning translated text, so a
language switch re-reads them without the page tracking every QLabel by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget


class CardWidget(QFrame):
    """A framed panel with a title; put content into :attr:`content`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 14)
        layout.setSpacing(8)
        self.title_label = QLabel(self)
        self.title_label.setObjectName("cardTitle")
        layout.addWidget(self.title_label)
        self.content = QVBoxLayout()
        self.content.setSpacing(6)
        layout.addLayout(self.content, 1)

    def set_title(self, text: str) -> None:
        """Set the (translated) title."""
        self.title_label.setText(text)


class FactsWidget(QWidget):
    """Rows of "label: value"; labels are callables so they can be retranslated."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setHorizontalSpacing(16)
        self._form.setVerticalSpacing(6)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self._labels: list[tuple[QLabel, Callable[[], str]]] = []
        self.values: dict[str, QLabel] = {}

    def add(self, key: str, label: Callable[[], str]) -> QLabel:
        """Add a row; returns the value label (also in ``values[key]``)."""
        name = QLabel(label(), self)
        name.setObjectName("factLabel")
        value = QLabel(self)
        value.setObjectName("factValue")
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._form.addRow(name, value)
        self._labels.append((name, label))
        self.values[key] = value
        return value

    def set(self, key: str, text: str) -> None:
        """Show ``text`` as the value of row ``key``."""
        self.values[key].setText(text)

    def retranslate(self) -> None:
        """Re-read the row labels."""
        for widget, label in self._labels:
            widget.setText(label())
