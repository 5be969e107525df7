"""The checklist tree: sections and their items over a ``ChecklistView``, filtered by a proxy.

One Qt model row per section and per item, no widget per row: 300+ items scroll like any
list. The structure (sections, items) changes only when the pinned versions change; an
answer only changes cell data, and whether an item shows (conditions, "only open required",
search) is the proxy's decision, so an answer never resets the tree, its expansion or its
selection. Texts are computed when Qt asks, in the active language.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap

from inspector_app.checklists.templates import Item, Section
from inspector_app.checklists.view import ChecklistView
from inspector_app.i18n import _, pgettext
from inspector_app.vocabulary import checklist_answer_label
from local_db.enums import ChecklistAnswer

Index = QModelIndex | QPersistentModelIndex
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
IS_SECTION_ROLE = Qt.ItemDataRole.UserRole + 2
ANSWER_ROLE = Qt.ItemDataRole.UserRole + 3

# internalId of a section row; an item row stores its section's row + 1.
_SECTION_ID = 0

ANSWER_COLOURS = {
    ChecklistAnswer.COMPLIANT: "#2e7d32",
    ChecklistAnswer.NON_COMPLIANT: "#c62828",
    ChecklistAnswer.NOT_APPLICABLE: "#78909c",
    ChecklistAnswer.UNCHECKED: "#b0bec5",
}
MUTED = QColor("#6b7785")
_icons: dict[ChecklistAnswer, QIcon] = {}


def answer_icon(answer: ChecklistAnswer) -> QIcon:
    """A small coloured badge for an answer (filled dot; a ring while not yet checked)."""
    cached = _icons.get(answer)
    if cached is not None:
        return cached
    size = 14
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(ANSWER_COLOURS[answer])
    if answer is ChecklistAnswer.UNCHECKED:
        painter.setPen(QPen(colour, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
    painter.drawEllipse(2, 2, size - 4, size - 4)
    painter.end()
    _icons[answer] = QIcon(pixmap)
    return _icons[answer]


class ChecklistTreeModel(QAbstractItemModel):
    """Sections (top level) and items (children); column 0 text, column 1 the answer."""

    COLUMNS = 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view: ChecklistView | None = None
        self.sections: list[tuple[str, Section]] = []
        self.rows: dict[str, tuple[int, int]] = {}
        self._structure: tuple[tuple[str, str], ...] = ()

    # ------------------------------------------------------------------- data in

    def set_view(self, view: ChecklistView) -> None:
        """Show ``view``; reset only when the pinned versions changed, else update cells."""
        structure = tuple((t.code, t.sha256) for t in view.templates)
        if structure != self._structure or self.view is None:
            self.beginResetModel()
            self.view = view
            self._structure = structure
            self.sections = [(t.code, s) for t in view.templates for s in t.sections]
            self.rows = {
                item.code: (section_row, item_row)
                for section_row, (_code, section) in enumerate(self.sections)
                for item_row, item in enumerate(section.items)
            }
            self.endResetModel()
            return
        old, self.view = self.view, view
        changed_sections: set[int] = set()
        for code, (section_row, item_row) in self.rows.items():
            if (
                old.answer(code) != view.answer(code)
                or old.notes.get(code) != view.notes.get(code)
                or old.evidence.get(code) != view.evidence.get(code)
                or old.findings.get(code) != view.findings.get(code)
            ):
                index = self.index(item_row, 0, self.index(section_row, 0))
                self.dataChanged.emit(index, index.siblingAtColumn(self.COLUMNS - 1))
            changed_sections.add(section_row)
        for section_row in changed_sections:
            if old.progress.get(self._key(section_row)) != view.progress.get(
                self._key(section_row)
            ):
                index = self.index(section_row, 0)
                self.dataChanged.emit(index, index.siblingAtColumn(self.COLUMNS - 1))

    def retranslate(self) -> None:
        """Every text is read again (bilingual template texts included)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)
        last = self.COLUMNS - 1
        for row, (_code, section) in enumerate(self.sections):
            parent = self.index(row, 0)
            self.dataChanged.emit(parent, parent.siblingAtColumn(last))
            if section.items:
                self.dataChanged.emit(
                    self.index(0, 0, parent), self.index(len(section.items) - 1, last, parent)
                )

    def _key(self, section_row: int) -> tuple[str, str]:
        template_code, section = self.sections[section_row]
        return template_code, section.code

    def item_at(self, index: Index) -> Item | None:
        """The item of an item row (None for a section row)."""
        if not index.isValid() or index.internalId() == _SECTION_ID:
            return None
        _template, section = self.sections[index.internalId() - 1]
        return section.items[index.row()]

    def index_of(self, code: str) -> QModelIndex:
        """The column-0 index of item ``code`` (invalid if unknown)."""
        found = self.rows.get(code)
        if found is None:
            return QModelIndex()
        section_row, item_row = found
        return self.index(item_row, 0, self.index(section_row, 0))

    # -------------------------------------------------------------- Qt interface

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= self.COLUMNS or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self.sections):
                return QModelIndex()
            return self.createIndex(row, column, _SECTION_ID)
        if parent.internalId() != _SECTION_ID or row >= len(self.sections[parent.row()][1].items):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _SECTION_ID:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _SECTION_ID)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self.sections)
        if parent.internalId() == _SECTION_ID and parent.column() == 0:
            return len(self.sections[parent.row()][1].items)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return self.COLUMNS

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return _("Item") if section == 0 else pgettext("checklist column", "Answer")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.view is None:
            return None
        if index.internalId() == _SECTION_ID:
            return self._section_data(index, role)
        item = self.item_at(index)
        assert item is not None
        return self._item_data(item, index.column(), role)

    def _section_data(self, index: Index, role: int) -> Any:
        assert self.view is not None
        template_code, section = self.sections[index.row()]
        if role == IS_SECTION_ROLE:
            return True
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return f"{section.code}  {section.title.text()}"
            progress = self.view.progress.get((template_code, section.code))
            return "" if progress is None else f"{progress.answered}/{progress.visible}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return _("Answered / shown items")
        return None

    def _item_data(self, item: Item, column: int, role: int) -> Any:
        assert self.view is not None
        answer = self.view.answer(item.code)
        if role == CODE_ROLE:
            return item.code
        if role == ANSWER_ROLE:
            return answer
        if role == IS_SECTION_ROLE:
            return False
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                marker = " *" if item.required else ""
                return f"{item.code}  {item.question.text()}{marker}"
            if role == Qt.ItemDataRole.DecorationRole:
                return answer_icon(answer)
            if role == Qt.ItemDataRole.ToolTipRole:
                return item.question.text()
        elif role == Qt.ItemDataRole.DisplayRole:
            return checklist_answer_label(answer)
        elif role == Qt.ItemDataRole.ForegroundRole:
            if answer is ChecklistAnswer.UNCHECKED:
                return MUTED
            return QColor(ANSWER_COLOURS[answer])
        return None


class ChecklistFilterModel(QSortFilterProxyModel):
    """Shows the items the conditions make relevant, optionally only open required ones or
    those matching a search; a section shows while any of its items does."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.open_required_only = False
        self.text = ""
        self.setRecursiveFilteringEnabled(True)
        self.setDynamicSortFilter(False)

    def set_filter(self, *, open_required_only: bool, text: str) -> None:
        """Apply the toggle and the search text."""
        self.open_required_only = open_required_only
        self.text = text.strip().casefold()
        self.refilter()

    def refilter(self) -> None:
        """Evaluate every row again (after answers changed what is visible)."""
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ChecklistTreeModel)
        if not source_parent.isValid():
            return False  # a section shows through its items (recursive filtering)
        view = model.view
        item = model.item_at(model.index(source_row, 0, source_parent))
        if view is None or item is None or item.code not in view.visible:
            return False
        if self.open_required_only and not (
            item.required and view.answer(item.code) is ChecklistAnswer.UNCHECKED
        ):
            return False
        return not self.text or self.text in item.search_text()
