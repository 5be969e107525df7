"""A read-only table of dataclass rows, declared by columns, sortable and retranslatable.

Pages describe their columns (header, text, alignment, sort key, width policy) and hand
over the service's rows; texts are computed when Qt asks, so a language switch only needs
:meth:`RowTableModel.retranslate` to refresh headers and cells alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

R = TypeVar("R")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
MUTED = QColor("#6b7785")
STRETCH_MINIMUM = 200

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: a translated header and how to show a row in it.

    Columns fit their contents between ``width`` and ``max_width`` pixels when rows arrive
    (the user may still resize them); ``stretch`` gives a column the remaining space;
    ``muted`` renders the cell grey (e.g. data that is hidden on purpose; no italics, which
    Chinese typography does not use).
    """

    header: Callable[[], str]
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    align: Qt.AlignmentFlag = _LEFT
    width: int = 60
    max_width: int = 360
    stretch: bool = False
    muted: Callable[[R], bool] | None = None
    tooltip: Callable[[R], str] | None = None


def _sortable(value: Any) -> Any:
    """A value Qt can order: Python dates and other objects would compare as unordered."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return "" if value is None else str(value)


class RowTableModel(QAbstractTableModel, Generic[R]):
    """A list of rows shown through :class:`Column` declarations."""

    def __init__(self, columns: Sequence[Column[R]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def retranslate(self) -> None:
        """Headers and cells re-read their texts in the active language."""
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self.rows and self.columns:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return _sortable(column.sort_key(row) if column.sort_key else column.text(row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.muted is not None:
            return MUTED if column.muted(row) else None
        return None


class DataTableWidget(QTableView, Generic[R]):
    """A table view over a :class:`RowTableModel` with sorting and an "activate row" signal.

    ``row_activated`` fires on double-click and on Enter/Return, with the row object.
    """

    row_activated = Signal(object)

    def __init__(
        self,
        columns: Sequence[Column[R]],
        parent: QWidget | None = None,
        *,
        proxy: QSortFilterProxyModel | None = None,
    ) -> None:
        super().__init__(parent)
        self.row_model: RowTableModel[R] = RowTableModel(columns, self)
        self.proxy = proxy or QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.row_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(30)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(48)
        for number, column in enumerate(columns):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column.stretch
                else QHeaderView.ResizeMode.Interactive
            )
            header.setSectionResizeMode(number, mode)
            if not column.stretch:
                self.setColumnWidth(number, column.width)
        # Rows keep the service's order until the user clicks a header.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self._fitted = False
        self._fitting = False
        self._user_sized = False
        header.sectionResized.connect(self._section_resized)
        self.doubleClicked.connect(self._activate)

    def set_rows(self, rows: Sequence[R]) -> None:
        """Show ``rows``, keeping the current sort order; columns fit the first rows."""
        self.row_model.set_rows(rows)
        if rows and not self._fitted:
            self.fit_columns()

    def fit_columns(self) -> None:
        """Size columns to header and contents within their bounds, and to the view's width.

        When the wanted widths do not fit, columns give back what they want beyond their
        minimum, in proportion, so the stretch column keeps :data:`STRETCH_MINIMUM` pixels.
        Once the user resizes a column by hand, the layout is theirs.
        """
        if self._user_sized:
            return
        header = self.horizontalHeader()
        columns = self.row_model.columns
        wanted: dict[int, int] = {}
        for number, column in enumerate(columns):
            if not column.stretch:
                natural = max(self.sizeHintForColumn(number), header.sectionSizeHint(number))
                wanted[number] = max(column.width, min(natural, column.max_width))
        room = self.viewport().width() - (STRETCH_MINIMUM if len(wanted) < len(columns) else 0)
        excess = sum(wanted.values()) - room
        slack = {n: w - columns[n].width for n, w in wanted.items() if w > columns[n].width}
        if excess > 0 and slack:
            share = min(1.0, excess / sum(slack.values()))
            for number, extra in slack.items():
                wanted[number] -= int(extra * share)
        self._fitting = True
        try:
            for number, width in wanted.items():
                self.setColumnWidth(number, width)
        finally:
            self._fitting = False
        self._fitted = bool(self.row_model.rows)

    def _section_resized(self, _index: int, _old: int, _new: int) -> None:
        if not self._fitting and self.horizontalHeader().underMouse():
            self._user_sized = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def retranslate(self) -> None:
        """Refresh headers and cells after a language change (and refit the columns)."""
        self.row_model.retranslate()
        self.fit_columns()

    def current_row(self) -> R | None:
        """The selected row object, or None."""
        index = self.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def visible_rows(self) -> list[Any]:
        """Rows passing the proxy's filter, in display order."""
        return [self.proxy.index(r, 0).data(ROW_ROLE) for r in range(self.proxy.rowCount())]

    def select_first(self) -> None:
        """Select the first visible row (keyboard users land on something)."""
        if self.proxy.rowCount():
            self.selectRow(0)

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            self.row_activated.emit(index.data(ROW_ROLE))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activate(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)
