"""Import step 3, before anything is written: each file's first rows as they would be stored.

One tab per file: the first 50 data rows with their values typed (money in ¥, dates,
codes in words), the rows that would be refused or kept with a warning tinted, and below
them every problem of those rows — row, column, value as read, and the problem in words.
What only the whole files can show (a settlement number repeated far apart, lines whose
claim is missing) is found during the import and lands in the report; the page says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.settlement_import import Preview, PreviewRow, Problem, Severity, role_fields
from inspector_app.settlement_import.problems import severity_label
from inspector_app.settlement_import.rows import RowKind
from ui.dialogs.import_common import (
    ERROR_INK,
    MUTED_INK,
    REFUSED_TINT,
    WARNING_INK,
    WARNING_TINT,
    value_text,
)

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def row_status(row: PreviewRow) -> str:
    """What the import would do with a row, in words."""
    if row.kind is RowKind.REFUSED:
        return _("Refused")
    if row.kind is RowKind.BLANK:
        return _("Skipped: blank")
    if row.kind is RowKind.TOTAL:
        return _("Skipped: total row")
    return _("Kept, with a warning") if row.problems else _("OK")


def _table(parent: QWidget) -> QTableWidget:
    table = QTableWidget(parent)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(28)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.horizontalHeader().setHighlightSections(False)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return table


class PreviewRowsWidget(QWidget):
    """The parsed first rows of one file and their problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview: Preview | None = None
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.rows = _table(self)
        self.rows.setObjectName("previewRows")
        self.problems_title = QLabel(self)
        self.problems_title.setObjectName("sectionTitle")
        self.problems = _table(self)
        self.problems.setObjectName("previewProblems")
        self.problems.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.problems.currentCellChanged.connect(self._show_problem_row)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        lower_layout.addWidget(self.problems_title)
        lower_layout.addWidget(self.problems, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.rows)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def show_preview(self, preview: Preview) -> None:
        """Render ``preview``."""
        self.preview = preview
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every visible text."""
        preview = self.preview
        if preview is None:
            return
        counted = [r for r in preview.rows if r.kind in (RowKind.OK, RowKind.REFUSED)]
        refused = sum(1 for r in counted if r.kind is RowKind.REFUSED)
        warned = sum(1 for r in counted if r.kind is RowKind.OK and r.problems)
        self.summary.setText(
            _("The first {n} rows as they would be stored: {ok} imported as they are, {warned} "
              "kept with a warning, {refused} refused.").format(
                n=len(counted), ok=len(counted) - refused - warned, warned=warned,
                refused=refused,
            )
        )  # fmt: skip
        self._fill_rows(preview)
        problems = [p for row in preview.rows for p in row.problems]
        self.problems_title.setText(
            _("Problems in these rows ({n})").format(n=len(problems))
            if problems
            else _("No problem in these rows")
        )
        self._fill_problems(problems)

    def _fill_rows(self, preview: Preview) -> None:
        columns = preview.mapping.columns
        targets = [t for t in role_fields(preview.role) if columns.get(t.name)]
        headers = preview.layout.headers
        table = self.rows
        table.clear()
        table.setColumnCount(2 + len(targets))
        table.setRowCount(len(preview.rows))
        table.setHorizontalHeaderLabels([_("Row"), _("Status"), *[t.label_text() for t in targets]])
        for number, row in enumerate(preview.rows):
            bad = {p.column for p in row.problems}
            tint = (
                REFUSED_TINT
                if row.kind is RowKind.REFUSED
                else WARNING_TINT
                if row.problems
                else None
            )
            cells = [str(row.row_no), row_status(row)]
            for target in targets:
                if row.values is not None:
                    cells.append(value_text(target, row.values.get(target.name)))
                else:
                    header = columns[target.name]
                    index = headers.index(header) if header in headers else -1
                    cells.append(row.cells[index] if 0 <= index < len(row.cells) else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setTextAlignment(RIGHT)
                if row.values is None and column >= 2:
                    item.setToolTip(_("Refused: the value as read from the file"))
                if tint is not None:
                    item.setBackground(tint)
                if column >= 2 and columns[targets[column - 2].name] in bad:
                    item.setForeground(ERROR_INK if row.kind is RowKind.REFUSED else WARNING_INK)
                elif row.kind in (RowKind.BLANK, RowKind.TOTAL):
                    item.setForeground(MUTED_INK)
                table.setItem(number, column, item)
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column) + 12, 240))

    def _show_problem_row(self, row: int, *_rest: int) -> None:
        """Bring the row of the problem clicked into view above."""
        item = self.problems.item(row, 0)
        if item is None or self.preview is None:
            return
        for number, each in enumerate(self.preview.rows):
            if str(each.row_no) == item.text():
                self.rows.scrollTo(self.rows.model().index(number, 0))
                self.rows.selectRow(number)
                return

    def _fill_problems(self, problems: Sequence[Problem]) -> None:
        table = self.problems
        table.clear()
        table.setColumnCount(5)
        table.setRowCount(len(problems))
        table.setHorizontalHeaderLabels(
            [_("Row"), _("Column"), _("Value"), _("Severity"), _("Problem")]
        )
        for number, problem in enumerate(problems):
            error = problem.severity is Severity.ERROR
            cells = [str(problem.row_no), problem.column, problem.value,
                     severity_label(problem.severity), problem.text()]  # fmt: skip
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setTextAlignment(RIGHT)
                if column == 3:
                    item.setForeground(ERROR_INK if error else WARNING_INK)
                item.setToolTip(text)
                table.setItem(number, column, item)
        header = table.horizontalHeader()
        table.resizeColumnsToContents()
        for column in range(4):
            table.setColumnWidth(column, min(table.columnWidth(column) + 12, 200))
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)


class ImportCheckPage(QWidget):
    """Step 3: every file's preview, one tab each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setObjectName("fieldHelp")
        self.tabs = QTabWidget(self)
        self.views: list[PreviewRowsWidget] = []
        self._titles: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def show_previews(self, previews: Sequence[tuple[str, Preview]]) -> None:
        """One tab per (title, preview)."""
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        self.views = []
        self._titles = [title for title, _preview in previews]
        for title, preview in previews:
            view = PreviewRowsWidget(self.tabs)
            view.show_preview(preview)
            self.views.append(view)
            self.tabs.addTab(view, title)

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.intro.setText(
            _("Nothing has been written yet. Refused rows are not loaded and are listed in "
              "the import's report; rows with a warning are loaded as they are. Settlement "
              "numbers repeated further down and lines without a claim are found while "
              "importing, and reported too.")
        )  # fmt: skip
        for view in self.views:
            view.retranslate()
