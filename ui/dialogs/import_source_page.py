"""Import step 1, what and where: the kind of data, its files, the case, the extraction record.

The case list holds the open cases the user may record in (each file then becomes an
evidence item of the case, with the extraction record typed here); an institution can be
chosen instead, and then nothing is recorded as evidence — the page says so. The choices
are read in the background; everything still missing is said in words (``problems``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDate, QDateTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.evidence.recording import ExtractionInput
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.enums import TaskStatus
from ui.context import ShellContext
from ui.dialogs.import_common import SLOTS, FileSlot, ImportKind, handle_failure
from ui.workers import Operation

FILE_FILTER = "*.csv *.txt *.tsv *.xlsx *.xlsm *.xlsb *.xls *.ods"


@dataclass(frozen=True)
class TargetChoice:
    """Where an import may go: a case (files become its evidence) or an institution alone."""

    case_id: str | None
    institution_id: str
    institution_name: str
    case_number: str = ""
    title: str = ""
    institution_code: str = ""
    task_id: str | None = None
    """Set for an upcoming inspection's task: the data is prepared for its team."""
    task_number: str = ""

    def label(self) -> str:
        """How the choice reads in the list."""
        if self.task_id is not None:
            return _("Upcoming inspection {number} · {institution} — {title}").format(
                number=self.task_number, institution=self.institution_name, title=self.title
            )
        if self.case_id is not None:
            return _("Case {number} · {institution} — {title}").format(
                number=self.case_number, institution=self.institution_name, title=self.title
            )
        return _("No case: {institution} ({code})").format(
            institution=self.institution_name, code=self.institution_code
        )


def import_targets(profile: OpenProfile) -> list[TargetChoice]:
    """Open cases the user may record in (newest first), then every institution (when the
    user's role may load data outside a case).

    Each case is checked by the import's own rule (``resolve_target``), so the list offers
    exactly the cases an import would accept.
    """
    from inspector_app.services.case_files import list_case_files
    from inspector_app.services.task_admin import task_form_choices
    from inspector_app.settlement_import import ImportRefusedError, may_import_without_case
    from inspector_app.settlement_import.service import resolve_target

    choices: list[TargetChoice] = []
    for case in list_case_files(profile=profile):
        try:
            target = resolve_target(profile, case_id=case.id, institution_id=None)
        except (ImportRefusedError, PermissionError, LookupError):
            continue
        choices.append(
            TargetChoice(
                case_id=case.id,
                institution_id=target.institution_id,
                institution_name=case.institution_name or "",
                case_number=case.number,
                title=case.task_title,
            )
        )
    choices += _upcoming_tasks(profile)
    if not may_import_without_case(profile):
        return choices  # data outside a case is loaded only by a recording role
    for place in task_form_choices(profile=profile).institutions:
        choices.append(
            TargetChoice(
                case_id=None,
                institution_id=place.id,
                institution_name=place.label,
                institution_code=place.detail,
            )
        )
    return choices


def _upcoming_tasks(profile: OpenProfile) -> list[TargetChoice]:
    """Assigned tasks whose settlement data the user may prepare before the inspection
    (checked by the import's own rule, ``resolve_task_target``)."""
    from inspector_app.services.tasks import list_tasks
    from inspector_app.settlement_import import ImportRefusedError
    from inspector_app.settlement_import.service import resolve_task_target

    choices: list[TargetChoice] = []
    for task in list_tasks(profile=profile):
        if task.status is not TaskStatus.ASSIGNED or task.sealed:
            continue
        try:
            target = resolve_task_target(profile, task.id)
        except (ImportRefusedError, PermissionError, LookupError):
            continue
        choices.append(
            TargetChoice(
                case_id=None,
                institution_id=target.institution_id,
                institution_name=task.institution_name or "",
                title=task.title,
                task_id=task.id,
                task_number=task.number,
            )
        )
    return choices


@dataclass(frozen=True)
class SourceChoice:
    """What step 1 asks for; ``problems`` says in words what is still missing."""

    kind: ImportKind
    files: tuple[tuple[FileSlot, Path], ...]
    target: TargetChoice | None
    extraction: ExtractionInput | None  # None without a case: nothing is recorded
    period_start: str | None
    period_end: str | None
    problems: tuple[str, ...]


class _FileRow:
    """One file slot: its label, the chosen path, Choose… and Clear."""

    def __init__(self, page: ImportSourcePage, grid: QGridLayout, row: int, spec: FileSlot):
        self.spec = spec
        self.label = QLabel(page)
        self.path = QLineEdit(page)
        self.path.setReadOnly(True)
        self.path.setObjectName(f"importFile_{spec.key}")
        self.choose = QPushButton(page)
        self.choose.clicked.connect(lambda: page.choose_file(spec.key))
        self.clear = QPushButton(page)
        self.clear.clicked.connect(lambda: page.set_file(spec.key, None))
        grid.addWidget(self.label, row, 0)
        grid.addWidget(self.path, row, 1)
        grid.addWidget(self.choose, row, 2)
        grid.addWidget(self.clear, row, 3)
        self.file: Path | None = None

    def set_visible(self, visible: bool) -> None:
        for widget in (self.label, self.path, self.choose, self.clear):
            widget.setVisible(visible)

    def retranslate(self) -> None:
        mark = " *" if self.spec.required else ""
        self.label.setText(self.spec.label_text() + mark)
        self.choose.setText(_("Choose…"))
        self.clear.setText(_("Clear"))
        self.path.setPlaceholderText(_("No file chosen"))


class ImportSourcePage(QWidget):
    """Step 1: the kind of data, the files, the target and the extraction record."""

    changed = Signal()

    def __init__(
        self, context: ShellContext, parent: QWidget | None = None, *, case_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.wanted_case = case_id
        self.targets: list[TargetChoice] | None = None
        self._ordered: list[TargetChoice] = []
        self.loading = False
        self.load_error = ""
        self._folder = ""
        self._defaults: dict[QLineEdit, str] = {}
        self._build()
        self.retranslate()
        self._kind_changed()
        self._load_targets()

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        self._build_kind()
        self._build_files()
        self._build_target()
        self._build_extraction()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.kind_box)
        layout.addWidget(self.files_box)
        layout.addWidget(self.target_box)
        layout.addWidget(self.extraction_box)
        layout.addStretch(1)

    def _build_kind(self) -> None:
        self.settlement_radio = QRadioButton(self)
        self.settlement_radio.setChecked(True)
        self.inventory_radio = QRadioButton(self)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.settlement_radio)
        self.kind_group.addButton(self.inventory_radio)
        self.settlement_radio.toggled.connect(self._kind_changed)
        kinds = QHBoxLayout()
        kinds.addWidget(self.settlement_radio)
        kinds.addWidget(self.inventory_radio)
        kinds.addStretch(1)
        self.kind_box = QGroupBox(self)
        self.kind_box.setLayout(kinds)

    def _build_files(self) -> None:
        self.files_box = QGroupBox(self)
        grid = QGridLayout(self.files_box)
        grid.setColumnStretch(1, 1)
        self.rows: dict[str, _FileRow] = {}
        number = 0
        for slots in SLOTS.values():
            for spec in slots:
                self.rows[spec.key] = _FileRow(self, grid, number, spec)
                number += 1
        self.files_note = QLabel(self.files_box)
        self.files_note.setObjectName("fieldHelp")
        self.files_note.setWordWrap(True)
        grid.addWidget(self.files_note, number, 0, 1, 4)
        self.period_check = QCheckBox(self.files_box)
        self.period_start = QDateEdit(self.files_box)
        self.period_end = QDateEdit(self.files_box)
        for day in (self.period_start, self.period_end):
            day.setCalendarPopup(True)
            day.setDisplayFormat("yyyy-MM-dd")
            day.setMinimumWidth(130)
            day.setEnabled(False)
            day.dateChanged.connect(self.changed)
        today = QDate.currentDate()
        self.period_start.setDate(QDate(today.year() - 1, 1, 1))
        self.period_end.setDate(QDate(today.year() - 1, 12, 31))
        self.period_check.toggled.connect(self.period_start.setEnabled)
        self.period_check.toggled.connect(self.period_end.setEnabled)
        self.period_check.toggled.connect(self.changed)
        self.period_to = QLabel(self.files_box)
        period = QHBoxLayout()
        period.addWidget(self.period_check)
        period.addWidget(self.period_start)
        period.addWidget(self.period_to)
        period.addWidget(self.period_end)
        period.addStretch(1)
        grid.addLayout(period, number + 1, 0, 1, 4)

    def _build_target(self) -> None:
        self.target_box = QGroupBox(self)
        self.target_combo = QComboBox(self.target_box)
        self.target_combo.setObjectName("importTarget")
        self.target_combo.setMinimumContentsLength(40)
        self.target_combo.currentIndexChanged.connect(self._target_changed)
        self.target_note = QLabel(self.target_box)
        self.target_note.setWordWrap(True)
        self.target_note.setObjectName("fieldHelp")
        target = QVBoxLayout(self.target_box)
        target.addWidget(self.target_combo)
        target.addWidget(self.target_note)

    def _build_extraction(self) -> None:
        self.extraction_box = QGroupBox(self)
        self.source_system = QLineEdit(self.extraction_box)
        self.query = QLineEdit(self.extraction_box)
        self.extracted_at = QDateTimeEdit(QDateTime.currentDateTime(), self.extraction_box)
        self.extracted_at.setCalendarPopup(True)
        self.extracted_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.extracted_at.setMaximumWidth(200)
        self.method = QLineEdit(self.extraction_box)
        self.holder_name = QLineEdit(self.extraction_box)
        self.holder_position = QLineEdit(self.extraction_box)
        for edit in (self.source_system, self.query, self.method, self.holder_name,
                     self.holder_position):  # fmt: skip
            edit.textChanged.connect(self.changed)
        self.extraction_form = QFormLayout(self.extraction_box)
        self.extraction_labels = [QLabel(self.extraction_box) for _n in range(6)]
        fields = (self.source_system, self.query, self.extracted_at, self.method,
                  self.holder_name, self.holder_position)  # fmt: skip
        for label, field in zip(self.extraction_labels, fields, strict=True):
            self.extraction_form.addRow(label, field)

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.kind_box.setTitle(_("What to import"))
        self.settlement_radio.setText(_("Settlement data: claims and their detail lines"))
        self.inventory_radio.setText(_("进销存: purchases, dispensing and stock counts"))
        self.files_box.setTitle(_("Files (CSV or Excel, as the institution exported them)"))
        for row in self.rows.values():
            row.retranslate()
        self.period_check.setText(_("Reconcile the period from"))
        self.period_to.setText(_("to"))
        self.target_box.setTitle(_("Where the data goes"))
        self.extraction_box.setTitle(_("Extraction record (how the files were obtained)"))
        labels = (_("Source system"), _("Query or screen"), _("Extracted at"), _("Method"),
                  _("Holder's name"), _("Holder's position"))  # fmt: skip
        for label, text in zip(self.extraction_labels, labels, strict=True):
            label.setText(text)
        self.holder_name.setPlaceholderText(_("The institution's staff member who exported it"))
        self.holder_position.setPlaceholderText(_("e.g. information department engineer"))
        self._prefill()
        self._fill_targets()
        self._explain()

    # ----------------------------------------------------------------- inputs

    def kind(self) -> ImportKind:
        """Settlement data or 进销存."""
        return ImportKind.SETTLEMENT if self.settlement_radio.isChecked() else ImportKind.INVENTORY

    def set_kind(self, kind: ImportKind) -> None:
        """Choose what is imported (for callers and tests)."""
        radio = self.settlement_radio if kind is ImportKind.SETTLEMENT else self.inventory_radio
        radio.setChecked(True)

    def _kind_changed(self) -> None:
        kind = self.kind()
        shown = {spec.key for spec in SLOTS[kind]}
        for key, row in self.rows.items():
            row.set_visible(key in shown)
        inventory = kind is ImportKind.INVENTORY
        for widget in (self.period_check, self.period_start, self.period_to, self.period_end):
            widget.setVisible(inventory)
        self._prefill()
        self._fill_targets()  # upcoming tasks are offered for settlement data only
        self._explain()
        self.changed.emit()

    def _prefill(self) -> None:
        """Sensible extraction texts; a text the user typed is kept."""
        settlement = self.kind() is ImportKind.SETTLEMENT
        wanted = {
            self.source_system: _("Hospital information system (HIS)")
            if settlement
            else _("Pharmacy inventory system"),
            self.query: _("Settlement export: claims and detail lines")
            if settlement
            else _("进销存 export: purchases, dispensing and stock counts"),
            self.method: _("Export files handed over by the institution, imported with their "
                           "SHA-256"),
        }  # fmt: skip
        for edit, text in wanted.items():
            if not edit.text() or edit.text() == self._defaults.get(edit):
                edit.blockSignals(True)
                edit.setText(text)
                edit.blockSignals(False)
            self._defaults[edit] = text

    def choose_file(self, key: str) -> None:
        """Pick the file of slot ``key`` with the file dialog."""
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose the file: {what}").format(what=self.rows[key].spec.label_text()),
            self._folder,
            _("Exports ({patterns});;All files (*)").format(patterns=FILE_FILTER),
        )
        if name:
            self.set_file(key, Path(name))

    def set_file(self, key: str, path: Path | None) -> None:
        """Set (or clear, with None) the file of slot ``key``."""
        row = self.rows[key]
        row.file = path
        row.path.setText(str(path) if path is not None else "")
        row.path.setToolTip(str(path) if path is not None else "")
        if path is not None:
            self._folder = str(path.parent)
        self.changed.emit()

    # ----------------------------------------------------------------- targets

    def _load_targets(self) -> None:
        profile = self.context.profile
        self.loading = True

        def run(_progress: Progress) -> list[TargetChoice]:
            return import_targets(profile)

        def arrived(targets: list[TargetChoice]) -> None:
            self.loading = False
            self.targets = targets
            self._fill_targets()
            self.changed.emit()

        def failed(error: BaseException) -> None:
            self.loading = False
            self.targets = []
            handle_failure(error, self._show_load_error)
            self.changed.emit()

        operation: Operation[list[TargetChoice]] = Operation(run, label=_("Reading the cases"))
        operation.success(arrived).failure(failed).quietly().owned_by(self).run_in_background(
            self.context.tasks
        )

    def _show_load_error(self, message: str) -> None:
        self.load_error = message
        self._explain()

    def _fill_targets(self) -> None:
        if self.targets is None:
            return
        current = self.target()
        wanted = current.case_id if current else self.wanted_case
        wanted_task = current.task_id if current else None
        wanted_institution = (
            current.institution_id
            if current and not current.case_id and not current.task_id
            else None
        )
        box = self.target_combo
        box.blockSignals(True)
        box.clear()
        cases = [t for t in self.targets if t.case_id is not None]
        if self.kind() is ImportKind.SETTLEMENT:  # 进销存 is loaded on site, into a case
            cases += [t for t in self.targets if t.task_id is not None]
        places = [t for t in self.targets if t.case_id is None and t.task_id is None]
        for number, choice in enumerate(cases):
            box.addItem(choice.label(), number)
        if cases and places:
            box.insertSeparator(box.count())
        for number, choice in enumerate(places, start=len(cases)):
            box.addItem(choice.label(), number)
        ordered = cases + places
        self._ordered = ordered
        index = 0 if ordered else -1
        for position in range(box.count()):
            data = box.itemData(position)
            if data is None:
                continue
            choice = ordered[data]
            if (
                (wanted is not None and choice.case_id == wanted)
                or (wanted_task is not None and choice.task_id == wanted_task)
                or (
                    wanted_institution is not None
                    and choice.case_id is None
                    and choice.task_id is None
                    and choice.institution_id == wanted_institution
                )
            ):
                index = position
                break
        box.setCurrentIndex(index)
        box.blockSignals(False)
        self._target_changed()

    def target(self) -> TargetChoice | None:
        """The case or institution chosen (None while loading or when there is none)."""
        data = self.target_combo.currentData()
        if data is None or self.targets is None:
            return None
        return self._ordered[int(data)]

    def select_target(
        self,
        *,
        case_id: str | None = None,
        institution_id: str | None = None,
        task_id: str | None = None,
    ) -> bool:
        """Choose a case, an upcoming task, or an institution alone (for callers and tests)."""
        for position in range(self.target_combo.count()):
            data = self.target_combo.itemData(position)
            if data is None:
                continue
            choice = self._ordered[int(data)]
            if (
                (case_id is not None and choice.case_id == case_id)
                or (task_id is not None and choice.task_id == task_id)
                or (
                    case_id is None
                    and task_id is None
                    and choice.case_id is None
                    and choice.task_id is None
                    and choice.institution_id == institution_id
                )
            ):
                self.target_combo.setCurrentIndex(position)
                return True
        return False

    def _target_changed(self) -> None:
        chosen = self.target()
        self.extraction_box.setEnabled(chosen is not None and chosen.case_id is not None)
        self._explain()
        self.changed.emit()

    def _explain(self) -> None:
        chosen = self.target()
        if self.load_error:
            text = self.load_error
        elif self.targets is None:
            text = _("Reading the cases…")
        elif not self.targets:
            text = _("There is no open case you may record in, and no institution.")
        elif chosen is not None and chosen.task_id is not None:
            text = _(
                "Prepared for the upcoming inspection: the data goes to the task's team with the "
                "next sync, and is there for its case on site. Nothing is recorded as evidence "
                "until then."
            )
        elif chosen is not None and chosen.case_id is not None:
            text = _(
                "Each file is recorded as an evidence item of the case (with its SHA-256 and "
                "the extraction record below) before its rows are loaded."
            )
        else:
            text = _(
                "Without a case, nothing is recorded as evidence: the data is loaded for the "
                "institution only, and the extraction record is not kept."
            )
        self.target_note.setText(text)
        if self.kind() is ImportKind.SETTLEMENT:
            self.files_note.setText(
                _("Lines are matched to claims by the settlement number; without a lines "
                  "file only the claims are loaded.")
            )  # fmt: skip
        else:
            self.files_note.setText(
                _("Choose at least one file. Stock counts say opening or closing by their "
                  "file, or row by row in a 期初/期末 column.")
            )  # fmt: skip

    # ----------------------------------------------------------------- result

    def extraction(self) -> ExtractionInput:
        """The extraction record as typed."""
        when = self.extracted_at.dateTime().toPython()
        return ExtractionInput(
            source_system=self.source_system.text().strip(),
            query_or_screen=self.query.text().strip(),
            extracted_at=when.astimezone() if isinstance(when, datetime) else None,
            method=self.method.text().strip(),
            holder_name=self.holder_name.text().strip(),
            holder_position=self.holder_position.text().strip(),
        )

    def choice(self) -> SourceChoice:
        """The step's answers and what is still wrong with them."""
        kind = self.kind()
        problems: list[str] = []
        files: list[tuple[FileSlot, Path]] = []
        for spec in SLOTS[kind]:
            path = self.rows[spec.key].file
            if path is None:
                if spec.required:
                    problems.append(_("Choose the file: {what}.").format(what=spec.label_text()))
                continue
            if not path.is_file():
                problems.append(_("{name} is not a file that can be read.").format(name=path.name))
            files.append((spec, path))
        if kind is ImportKind.INVENTORY and not files:
            problems.append(_("Choose at least one 进销存 file."))
        paths = [path.resolve() for _spec, path in files]
        if len(set(paths)) != len(paths):
            problems.append(_("The same file is chosen twice."))
        target = self.target()
        if target is None:
            problems.append(
                _("Reading the cases…") if self.loading else _("Choose a case or an institution.")
            )
        extraction = None
        if target is not None and target.case_id is not None:
            extraction = self.extraction()
            if not extraction.source_system or not extraction.query_or_screen:
                problems.append(
                    _("The extraction record needs the source system and the query or screen.")
                )
        start = end = None
        if kind is ImportKind.INVENTORY and self.period_check.isChecked():
            start = self.period_start.date().toString("yyyy-MM-dd")
            end = self.period_end.date().toString("yyyy-MM-dd")
            if start > end:
                problems.append(_("The period ends before it starts."))
        return SourceChoice(
            kind=kind,
            files=tuple(files),
            target=target,
            extraction=extraction,
            period_start=start,
            period_end=end,
            problems=tuple(problems),
        )
