"""Import step 2, one page per file: how the file reads and which column fills which field.

The detected encoding, delimiter, sheet and header row are shown, each with an override;
the mapping table lists the role's target fields (required ones marked), a column picker
auto-mapped by header synonyms, and three sample values as they would be stored. Every
change re-reads the file's first rows in the background a moment later (the latest read
wins), so the samples, the required fields still open and the rows' problems stay true to
the choices. Saved mappings (per file role, synced to the team) are applied, saved and
deleted through ``SavedMappingsBar``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.settlement_import import (
    ColumnMapping,
    ImportSource,
    MappingOptions,
    Preview,
    role_fields,
)
from inspector_app.settlement_import.rows import RowKind
from ui import formatting
from ui.context import ShellContext
from ui.dialogs.import_common import (
    DELIMITERS,
    ENCODINGS,
    ERROR_INK,
    MISSING_TINT,
    MUTED_INK,
    FileSlot,
    delimiter_text,
    encoding_text,
    handle_failure,
    message_label,
    value_text,
)
from ui.dialogs.import_saved_mappings import SavedMappingsBar
from ui.workers import Operation

PREVIEW_DELAY_MS = 300  # the file is read again this long after the last change
SAMPLES = 3
SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
MISSING_STYLE = "QComboBox { border: 1px solid #b3261e; background: #fdecea; }"
FIELD, COLUMN, SAMPLE = range(3)


@dataclass(frozen=True)
class PreviewResult:
    """A preview and, for a workbook, its sheets."""

    preview: Preview
    sheets: tuple[str, ...]


def sheet_names(path: Path) -> tuple[str, ...]:
    """The sheets of a workbook (empty when it cannot be read; the preview says why)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return tuple(CalamineWorkbook.from_path(str(path)).sheet_names)
    except (CalamineError, OSError, ValueError):
        return ()


def read_preview(source: ImportSource, spec: FileSlot, mapping: ColumnMapping | None) -> Any:
    """The preview of ``source`` (runs on a worker)."""
    from inspector_app.settlement_import import preview

    sheets = sheet_names(source.path) if source.path.suffix.lower() in SPREADSHEETS else ()
    return PreviewResult(preview(source, role=spec.role, mapping=mapping), sheets)


def samples(preview: Preview, name: str, header: str) -> list[str]:
    """The first values of one field as they would be stored (as read when refused)."""
    target = next(t for t in role_fields(preview.role) if t.name == name)
    index = preview.layout.headers.index(header) if header in preview.layout.headers else -1
    found = []
    for row in preview.rows:
        if row.kind in (RowKind.BLANK, RowKind.TOTAL):
            continue
        if row.values is not None:
            found.append(value_text(target, row.values.get(name)))
        elif 0 <= index < len(row.cells):
            found.append(row.cells[index])
        if len(found) == SAMPLES:
            break
    return found


class ImportMappingPage(QWidget):
    """The reading options and the column mapping of one file."""

    state_changed = Signal()

    def __init__(
        self, context: ShellContext, spec: FileSlot, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.spec = spec
        self.path = path
        self.preview: Preview | None = None
        self.sheets: tuple[str, ...] = ()
        self.error = ""
        self.previewing = False
        self.columns: dict[str, str] = {}
        self.manual = False  # columns chosen here by hand
        self.applied: str | None = None  # the saved mapping in use
        self._generation = 0
        self._combos: dict[str, QComboBox] = {}
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(PREVIEW_DELAY_MS)
        self._delay.timeout.connect(self.refresh)
        self._build()
        self.retranslate()
        self.refresh()

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        self._build_reading()
        self._build_saved()
        self._build_table()
        self.message = message_label(self, "fieldHelp")
        self.error_label = message_label(self, "errorText")
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        titles = QHBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.file_facts, 1)
        layout.addLayout(titles)
        layout.addLayout(self.reading)
        layout.addWidget(self.layout_facts)
        layout.addWidget(self.saved_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.error_label)
        for box in (self.encoding, self.delimiter, self.sheet):
            box.currentIndexChanged.connect(self._reading_changed)
        self.header_row.valueChanged.connect(self._reading_changed)

    def _build_reading(self) -> None:
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.file_facts = QLabel(self)
        self.file_facts.setObjectName("muted")
        self.encoding = QComboBox(self)
        self.delimiter = QComboBox(self)
        for box in (self.encoding, self.delimiter):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sheet = QComboBox(self)
        self.sheet.setMinimumContentsLength(10)
        self.header_row = QSpinBox(self)
        self.header_row.setRange(0, 100_000)
        self.header_row.setMinimumWidth(90)
        self.encoding_label, self.delimiter_label = QLabel(self), QLabel(self)
        self.sheet_label, self.header_label = QLabel(self), QLabel(self)
        self.reading = QHBoxLayout()
        self.reading.setSpacing(8)
        pairs: list[tuple[QLabel, QWidget]] = [
            (self.encoding_label, self.encoding),
            (self.delimiter_label, self.delimiter),
            (self.sheet_label, self.sheet),
            (self.header_label, self.header_row),
        ]
        for label, widget in pairs:
            label.setBuddy(widget)
            self.reading.addWidget(label)
            self.reading.addWidget(widget)
            self.reading.addSpacing(8)
        self.reading.addStretch(1)
        workbook = self.path.suffix.lower() in SPREADSHEETS
        for label, widget in pairs[:2]:
            label.setVisible(not workbook)
            widget.setVisible(not workbook)
        self.sheet_label.setVisible(workbook)
        self.sheet.setVisible(workbook)
        self.layout_facts = QLabel(self)
        self.layout_facts.setObjectName("muted")
        self.layout_facts.setWordWrap(True)

    def _build_saved(self) -> None:
        self.saved_bar = SavedMappingsBar(
            self.context,
            self.spec.role,
            lambda: ColumnMapping(
                role=self.spec.role, columns=dict(self.columns), options=self.options()
            ),
            self,
        )
        self.saved_bar.chosen.connect(self._saved_chosen)
        self.saved_bar.saved.connect(self._mapping_saved)
        self.saved_bar.deleted.connect(self._mapping_deleted)

    def _build_table(self) -> None:
        fields = role_fields(self.spec.role)
        self.table = QTableWidget(len(fields), 3, self)
        self.table.setObjectName("mappingTable")
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SAMPLE, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(FIELD, 200)
        self.table.setColumnWidth(COLUMN, 230)
        for number, target in enumerate(fields):
            item = QTableWidgetItem()
            if target.required:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(number, FIELD, item)
            self.table.setItem(number, SAMPLE, QTableWidgetItem())
            combo = QComboBox(self.table)
            combo.setObjectName(f"column_{target.name}")
            combo.currentIndexChanged.connect(
                lambda _i, name=target.name: self._column_chosen(name)
            )
            self._combos[target.name] = combo
            self.table.setCellWidget(number, COLUMN, combo)

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None
        return item

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.title.setText(
            _("{role}: {name}").format(role=self.spec.title_text(), name=self.path.name)
        )
        self.encoding_label.setText(_("Encoding"))
        self.delimiter_label.setText(_("Delimiter"))
        self.sheet_label.setText(_("Sheet"))
        self.header_label.setText(_("Header row"))
        self.header_row.setSpecialValueText(_("Detected"))
        self.saved_bar.retranslate()
        self.table.setHorizontalHeaderLabels(
            [_("Field"), _("Column in the file"), _("Sample values (as they will be stored)")]
        )
        for number, target in enumerate(role_fields(self.spec.role)):
            item = self._cell(number, FIELD)
            item.setText(target.label_text() + (" *" if target.required else ""))
            item.setToolTip(
                _("Headers recognised: {headers}").format(headers=", ".join(target.synonyms[:6]))
            )
        self._fill_reading()
        self._fill_saved()
        self._show()

    # ----------------------------------------------------------------- reading options

    def _fill_reading(self) -> None:
        layout = self.preview.layout if self.preview else None
        boxes = (self.encoding, self.delimiter)
        for box in boxes:
            box.blockSignals(True)
        current_encoding, current_delimiter = (
            self.encoding.currentData(),
            self.delimiter.currentData(),
        )
        self.encoding.clear()
        self.encoding.addItem(
            _("Detected ({encoding})").format(encoding=encoding_text(layout.encoding))
            if layout and not current_encoding
            else _("Detected"),
            None,
        )
        for code, shown in ENCODINGS:
            self.encoding.addItem(shown, code)
        self.encoding.setCurrentIndex(max(0, self.encoding.findData(current_encoding)))
        self.delimiter.clear()
        self.delimiter.addItem(
            _("Detected ({delimiter})").format(delimiter=delimiter_text(layout.delimiter))
            if layout and not current_delimiter
            else _("Detected"),
            None,
        )
        for delimiter in DELIMITERS:
            self.delimiter.addItem(delimiter_text(delimiter), delimiter)
        self.delimiter.setCurrentIndex(max(0, self.delimiter.findData(current_delimiter)))
        for box in boxes:
            box.blockSignals(False)
        self.sheet.blockSignals(True)
        chosen = self.sheet.currentData()
        self.sheet.clear()
        for name in self.sheets:
            self.sheet.addItem(name, name)
        wanted = chosen or (layout.sheet if layout else None)
        self.sheet.setCurrentIndex(max(0, self.sheet.findData(wanted)))
        self.sheet.blockSignals(False)

    def options(self) -> MappingOptions:
        """The reading choices made here (None: detected)."""
        return MappingOptions(
            encoding=self.encoding.currentData() or None,
            delimiter=self.delimiter.currentData() or None,
            sheet=self.sheet.currentData() or None,
            header_row=self.header_row.value() or None,
        )

    def source(self) -> ImportSource:
        """The file with the reading choices made here."""
        options = self.options()
        return ImportSource(
            path=self.path, encoding=options.encoding, delimiter=options.delimiter,
            sheet=options.sheet, header_row=options.header_row,
        )  # fmt: skip

    def mapping(self) -> ColumnMapping | None:
        """The mapping chosen here; None while it is the automatic one."""
        if not self.manual and self.applied is None:
            return None
        return ColumnMapping(
            role=self.spec.role,
            columns=dict(self.columns),
            options=self.options(),
            name=self.applied,
        )

    def import_mapping(self) -> ColumnMapping:
        """The mapping the import uses (the automatic one spelled out)."""
        return ColumnMapping(
            role=self.spec.role, columns=dict(self.columns), options=self.options(),
            name=self.applied,
        )  # fmt: skip

    def _reading_changed(self) -> None:
        self.schedule()

    # ----------------------------------------------------------------- columns

    def _column_chosen(self, name: str) -> None:
        header = self._combos[name].currentData()
        if header:
            self.columns[name] = str(header)
        else:
            self.columns.pop(name, None)
        self.manual = True
        self.applied = None
        self._fill_saved()
        self.schedule()

    def set_column(self, name: str, header: str | None) -> None:
        """Map field ``name`` to ``header`` (None: not imported), as the picker does."""
        combo = self._combos[name]
        index = combo.findData(header or "")
        if index < 0:
            raise KeyError(header)
        combo.setCurrentIndex(index)

    def _fill_columns(self) -> None:
        headers = self.preview.layout.headers if self.preview else ()
        fields = role_fields(self.spec.role)
        missing = set(self.preview.missing) if self.preview else set()
        for number, target in enumerate(fields):
            combo = self._combos[target.name]
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(_("— not imported —"), "")
            for header in headers:
                combo.addItem(header, header)
            chosen = self.columns.get(target.name, "")
            if chosen and chosen not in headers:
                combo.addItem(_("{header} (not in this file)").format(header=chosen), chosen)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.setStyleSheet(MISSING_STYLE if target.name in missing else "")
            combo.blockSignals(False)
            shown = samples(self.preview, target.name, chosen) if self.preview and chosen else []
            sample = self._cell(number, SAMPLE)
            sample.setText("  ·  ".join(value for value in shown))
            sample.setToolTip("\n".join(shown))
            label = self._cell(number, FIELD)
            label.setBackground(MISSING_TINT if target.name in missing else Qt.GlobalColor.white)
            label.setForeground(ERROR_INK if target.name in missing else Qt.GlobalColor.black)
            sample.setForeground(MUTED_INK if not chosen else Qt.GlobalColor.black)

    # ----------------------------------------------------------------- saved mappings

    def _fill_saved(self) -> None:
        self.saved_bar.show_state(
            manual=self.manual, applied=self.applied, can_save=self.preview is not None
        )

    @property
    def busy(self) -> bool:
        """A saved mapping is being written or deleted."""
        return self.saved_bar.busy

    def _saved_chosen(self, mapping: ColumnMapping | None) -> None:
        if mapping is None:
            self.apply_automatic()
        else:
            self.apply_mapping(mapping)

    def apply_automatic(self) -> None:
        """Go back to the mapping by header names."""
        self.manual = False
        self.applied = None
        self._fill_saved()
        self.schedule()

    def apply_mapping(self, mapping: ColumnMapping) -> None:
        """Use a saved mapping: its columns and its reading options."""
        self.manual = False
        self.applied = mapping.name
        self.columns = dict(mapping.columns)
        options = mapping.options
        for box, value in ((self.encoding, options.encoding), (self.delimiter, options.delimiter),
                           (self.sheet, options.sheet)):  # fmt: skip
            box.blockSignals(True)
            index = box.findData(value) if value else 0
            if index < 0 and box is self.sheet and value:
                box.addItem(value, value)
                index = box.count() - 1
            box.setCurrentIndex(max(0, index))
            box.blockSignals(False)
        self.header_row.blockSignals(True)
        self.header_row.setValue(options.header_row or 0)
        self.header_row.blockSignals(False)
        self._fill_saved()
        self.schedule()

    def _mapping_saved(self, name: str) -> None:
        self.manual = False
        self.applied = name
        self._fill_saved()
        self.state_changed.emit()

    def _mapping_deleted(self, name: str) -> None:
        if self.applied == name:
            self.applied = None
            self.manual = True  # the columns stay for this import
        self._fill_saved()
        self.state_changed.emit()

    # ----------------------------------------------------------------- preview

    def schedule(self) -> None:
        """Read the file again shortly (the latest change wins)."""
        self._delay.start()
        self.state_changed.emit()

    @property
    def settled(self) -> bool:
        """No read pending or running: what is shown matches the choices."""
        return not self.previewing and not self._delay.isActive()

    @property
    def ready(self) -> bool:
        """The file reads and every required field has a column."""
        shown = self.preview
        return (
            self.settled
            and not self.error
            and shown is not None
            and shown.mapping_error is None
            and not shown.missing
        )

    def refresh(self) -> None:
        """Read the file's first rows with the current choices (in the background)."""
        self._delay.stop()
        self._generation += 1
        generation = self._generation
        source, spec, mapping = self.source(), self.spec, self.mapping()
        self.previewing = True

        def arrived(result: PreviewResult) -> None:
            # A change made meanwhile reads again: this result describes older choices.
            if generation != self._generation or self._delay.isActive():
                return
            self.previewing = False
            self.error = ""
            self.preview = result.preview
            self.sheets = result.sheets
            if mapping is None:
                self.columns = dict(result.preview.mapping.columns)
            self._fill_reading()
            self._show()
            self.state_changed.emit()

        def failed(error: BaseException) -> None:
            if generation != self._generation or self._delay.isActive():
                return
            self.previewing = False
            self.preview = None
            handle_failure(error, self._show_error)
            self.state_changed.emit()

        self._run(lambda: read_preview(source, spec, mapping), arrived, failed=failed,
                  label=_("Reading {name}").format(name=self.path.name))  # fmt: skip

    def _show_error(self, message: str) -> None:
        self.error = message
        self._show()

    def _show(self) -> None:
        shown = self.preview
        self._fill_columns()
        self._fill_saved()
        if shown is None:
            self.file_facts.setText("")
            self.layout_facts.setText("")
        else:
            layout = shown.layout
            self.file_facts.setText(
                _("{size} · {format}").format(
                    size=formatting.file_size(shown.size_bytes), format=layout.format.value.upper()
                )
            )
            used = set(self.columns.values())
            unused = [header for header in layout.headers if header not in used]
            facts = _("Header found in row {row}: {n} columns, {used} of them imported.").format(
                row=layout.header_row, n=len(layout.headers), used=len(layout.headers) - len(unused)
            )
            if unused:
                facts += " " + _("Not imported: {headers}.").format(headers="、".join(unused))
            self.layout_facts.setText(facts)
        self._show_message()

    def _show_message(self) -> None:
        shown = self.preview
        if self.error:
            text, error = self.error, True
        elif shown is None:
            text, error = _("Reading the file…"), False
        elif shown.mapping_error:
            text, error = shown.mapping_error, True
        else:
            counted = [row for row in shown.rows if row.kind in (RowKind.OK, RowKind.REFUSED)]
            refused = sum(1 for row in counted if row.kind is RowKind.REFUSED)
            warned = sum(1 for row in counted if row.kind is RowKind.OK and row.problems)
            text = _(
                "Every required field has a column. Of the first {n} rows, {refused} would be "
                "refused and {warned} kept with a warning (see the next step)."
            ).format(n=len(counted), refused=refused, warned=warned)
            error = False
        self.message.setText("" if error else text)
        self.message.setVisible(not error)
        self.error_label.setText(text if error else "")
        self.error_label.setVisible(error)

    # ----------------------------------------------------------------- running

    def _run(self, work: Any, done: Any, *, label: str, failed: Any) -> None:
        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(done).failure(failed).quietly().owned_by(self)
        operation.run_in_background(self.context.tasks)
