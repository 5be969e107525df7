"""A claim's lines with the flagged ones shaded, and the label/value grid of its header."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QGridLayout, QLabel, QWidget

from inspector_app.i18n import _
from ui import formatting
from ui.widgets.data_table import RIGHT, Column, DataTableWidget, RowTableModel

if TYPE_CHECKING:
    from inspector_app.services.claims_browser import ClaimLineRow

FLAGGED_BACKGROUND = QColor("#fde7c8")


def _quantity(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _billed(line: ClaimLineRow) -> str:
    """The billed quantity, and the ordered one beside it when they differ."""
    billed = _quantity(line.quantity)
    ordered = line.ordered_quantity
    if ordered is None or ordered == line.quantity:
        return billed
    return _("{billed} (ordered {ordered})").format(billed=billed, ordered=_quantity(ordered))


LINE_COLUMNS: list[Column[ClaimLineRow]] = [
    Column(lambda: _("No."), lambda r: str(r.line_no), lambda r: r.line_no, RIGHT, 32),
    Column(
        lambda: _("Item"),
        lambda r: r.item_name,
        stretch=True,
        tooltip=lambda r: f"{r.item_name}\n{r.item_code}",
    ),
    Column(
        lambda: _("Unit price"), lambda r: formatting.money(r.unit_price_fen), align=RIGHT, width=84
    ),
    Column(lambda: _("Quantity"), _billed, align=RIGHT, width=64, max_width=150, tooltip=_billed),
    Column(lambda: _("Amount"), lambda r: formatting.money(r.amount_fen), align=RIGHT, width=92),
    # Month, day and time: the claim's dates above give the year (the tooltip has it all).
    Column(
        lambda: _("Service time"),
        lambda r: r.service_time.replace("T", " ")[5:16],
        lambda r: r.service_time,
        width=92,
        tooltip=lambda r: r.service_time.replace("T", " "),
    ),
]


class _LineModel(RowTableModel["ClaimLineRow"]):
    """Claim lines with the flagged ones shaded and bold."""

    def __init__(self, columns: list[Column[ClaimLineRow]], parent: QWidget) -> None:
        super().__init__(columns, parent)
        self.flagged: frozenset[int] = frozenset()
        self._bold = QFont()
        self._bold.setWeight(QFont.Weight.DemiBold)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if index.isValid() and self.rows[index.row()].line_no in self.flagged:
            if role == Qt.ItemDataRole.BackgroundRole:
                return FLAGGED_BACKGROUND
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return super().data(index, role)


class LinesTable(DataTableWidget["ClaimLineRow"]):
    """A claim's lines; :meth:`show_lines` shades the flagged ones and scrolls to the first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(LINE_COLUMNS, parent)
        self.line_model = _LineModel(LINE_COLUMNS, self)
        self.row_model = self.line_model
        self.proxy.setSourceModel(self.line_model)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setDefaultSectionSize(26)

    def show_lines(self, lines: list[ClaimLineRow], flagged: frozenset[int]) -> None:
        """Show ``lines``; the ``flagged`` line numbers are highlighted."""
        self.line_model.flagged = flagged
        self.set_rows(lines)
        first = next((n for n, line in enumerate(lines) if line.line_no in flagged), None)
        self.scrollToTop()
        if first is not None:
            # After the layout has given the table its height (it may just have been shown).
            QTimer.singleShot(0, self, lambda: self._scroll_to(first))

    def _scroll_to(self, number: int) -> None:
        if number < self.line_model.rowCount():
            index = self.proxy.mapFromSource(self.line_model.index(number, 0))
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)


class FactsGrid(QWidget):
    """Label/value pairs in a grid, two pairs a row (values selectable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self._widgets: list[QWidget] = []

    def set_pairs(self, pairs: list[tuple[str, str]], *, wide: tuple[str, ...] = ()) -> None:
        """Show ``pairs``; those whose label is in ``wide`` take a whole row."""
        for widget in self._widgets:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self._widgets = []
        row = column = 0
        for label_text, value_text in pairs:
            span = label_text in wide
            if span and column:
                row, column = row + 1, 0
            label = QLabel(label_text, self)
            label.setObjectName("factLabel")
            value = QLabel(value_text, self)
            value.setObjectName("factValue")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(span)
            self.grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(value, row, column + 1, 1, 3 if span else 1)
            self._widgets += [label, value]
            if span or column:
                row, column = row + 1, 0
            else:
                column = 2
