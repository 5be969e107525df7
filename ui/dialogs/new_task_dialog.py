"""New task: type, origin, title, target (a register institution, or sealed), dates, team.

A sealed target is only offered for a flying inspection; its institution is typed here and
sealed at once (it never enters the register), and the dialog then shows the opening code
once, to be handed to the team leader out of band. A follow-up check picks the earlier case
it follows, which also fixes the institution. The registers are read in the background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.progress import Progress
from inspector_app.vocabulary import (
    institution_kind_label,
    institution_level_label,
    task_origin_label,
    task_type_label,
    team_role_label,
)
from local_db.enums import InstitutionKind, InstitutionLevel, TaskOrigin, TaskType, TeamRole
from ui import error_report
from ui.context import ShellContext
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.services.task_admin import CreatedTask, TaskFormChoices, TaskInput

ID_ROLE = Qt.ItemDataRole.UserRole


class NewTaskDialog(QDialog):
    """Collects a new task and creates it on the DB worker."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.choices: TaskFormChoices | None = None
        self.created: CreatedTask | None = None
        self.setMinimumWidth(680)
        self.task_type = QComboBox(self)
        for task_type in TaskType:
            self.task_type.addItem(task_type_label(task_type), task_type)
        self.origin = QComboBox(self)
        for origin in TaskOrigin:
            self.origin.addItem(task_origin_label(origin), origin)
        self.title_edit = QLineEdit(self)
        self.title_edit.setMaxLength(128)
        self.sealed = QCheckBox(self)
        self.institution = QComboBox(self)
        self.region = QComboBox(self)
        self.follows = QComboBox(self)
        today = QDate.currentDate()
        self.start, self.end = QDateEdit(today, self), QDateEdit(today, self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.team = QTableWidget(0, 2, self)
        self.team.horizontalHeader().setStretchLastSection(True)
        self.team.setMinimumHeight(160)
        self.leads = QPlainTextEdit(self)
        self.leads.setMaximumHeight(70)
        self._build_target_group()
        self._build_feedback()
        self._build_layout()

    def _build_feedback(self) -> None:
        self.code_label = QLabel(self)
        self.code_label.setObjectName("pageTitle")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setEnabled(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def _build_layout(self) -> None:
        self.form = QFormLayout()
        self.form_labels: list[QLabel] = []
        for field in (self.task_type, self.origin, self.title_edit, self.sealed,
                      self.institution, self.region, self.follows, self.start, self.end,
                      self.team, self.leads):  # fmt: skip
            label = QLabel(self)
            self.form_labels.append(label)
            self.form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addLayout(self.form)
        layout.addWidget(self.target_group)
        layout.addWidget(self.code_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        for signal in (self.task_type.currentIndexChanged, self.origin.currentIndexChanged,
                       self.sealed.toggled, self.follows.currentIndexChanged,
                       self.institution.currentIndexChanged):  # fmt: skip
            signal.connect(self._update)
        self.retranslate()
        self._update()
        self._load_choices()

    def _build_target_group(self) -> None:
        self.target_group = QGroupBox(self)
        self.target_code, self.target_name = QLineEdit(self), QLineEdit(self)
        self.target_address = QLineEdit(self)
        self.target_kind, self.target_level = QComboBox(self), QComboBox(self)
        for kind in InstitutionKind:
            self.target_kind.addItem(institution_kind_label(kind), kind)
        for level in InstitutionLevel:
            self.target_level.addItem(institution_level_label(level), level)
        form = QFormLayout(self.target_group)
        self.target_labels = [QLabel(self) for _ in range(5)]
        for label, field in zip(
            self.target_labels,
            (self.target_code, self.target_name, self.target_kind, self.target_level,
             self.target_address),
            strict=True,
        ):  # fmt: skip
            form.addRow(label, field)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("New inspection task"))
        texts = [_("Type"), _("Origin"), _("Title"), _("Target"), _("Institution"), _("Region"),
                 _("Follows case"), _("Planned start"), _("Planned end"), _("Team"),
                 _("Leads (one per line)")]  # fmt: skip
        for label, text in zip(self.form_labels, texts, strict=True):
            label.setText(text)
        self.sealed.setText(_("Sealed: the team sees only the region and the dates until opened"))
        self.target_group.setTitle(_("Sealed target (never stored in clear before opening)"))
        for label, text in zip(
            self.target_labels,
            [_("Institution code"), _("Name"), _("Kind"), _("Grade"), _("Address")],
            strict=True,
        ):
            label.setText(text)
        self.leads.setPlaceholderText(_("What to check; never who reported it"))
        self.team.setHorizontalHeaderLabels([_("Inspector"), _("Role")])
        self.create_button.setText(_("Create task"))

    # ----------------------------------------------------------------- choices

    def _load_choices(self) -> None:
        from inspector_app.services.task_admin import task_form_choices

        profile = self.context.profile

        def run(_progress: Progress) -> TaskFormChoices:
            return task_form_choices(profile=profile)

        operation: Operation[TaskFormChoices] = Operation(run, label=_("Reading the registers"))
        operation.success(self.set_choices).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks)

    def set_choices(self, choices: TaskFormChoices) -> None:
        """Fill the pickers from the registers."""
        self.choices = choices
        for place in choices.institutions:
            self.institution.addItem(f"{place.label} ({place.detail})", place.id)
        for region in choices.regions:
            self.region.addItem(f"{region.label} ({region.id})", region.id)
        self.follows.addItem(_("(none)"), None)
        for case in choices.cases:
            self.follows.addItem(f"{case.case_number} · {case.title}", case.case_id)
        self.team.setRowCount(len(choices.inspectors))
        for row, person in enumerate(choices.inspectors):
            cell = QTableWidgetItem(f"{person.label} · {person.detail}")
            cell.setData(ID_ROLE, person.id)
            cell.setFlags(cell.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            cell.setCheckState(Qt.CheckState.Unchecked)
            self.team.setItem(row, 0, cell)
            role = QComboBox(self.team)
            for team_role in TeamRole:
                role.addItem(team_role_label(team_role), team_role)
            role.setCurrentIndex(role.findData(TeamRole.MEMBER))
            self.team.setCellWidget(row, 1, role)
        self.team.resizeColumnToContents(0)
        self._update()

    def _update(self) -> None:
        flying = self.task_type.currentData() == TaskType.FLYING
        if not flying and self.sealed.isChecked():
            self.sealed.setChecked(False)
        self.sealed.setEnabled(flying)
        sealed = self.sealed.isChecked()
        follow_up = self.origin.currentData() == TaskOrigin.FOLLOW_UP
        self.follows.setEnabled(follow_up)
        self.target_group.setVisible(sealed)
        self.institution.setEnabled(not sealed and not (follow_up and self.follows.currentData()))
        self.region.setEnabled(sealed)
        choices = self.choices
        if choices is not None and follow_up and self.follows.currentData():
            case = next(c for c in choices.cases if c.case_id == self.follows.currentData())
            if case.institution_id is not None:
                self.institution.setCurrentIndex(self.institution.findData(case.institution_id))
        if choices is not None and not sealed and self.institution.currentData():
            region = choices.institution_regions.get(self.institution.currentData(), "")
            self.region.setCurrentIndex(max(0, self.region.findData(region)))
        self.create_button.setEnabled(choices is not None and self.created is None)

    # ------------------------------------------------------------------ input

    def set_member(self, inspector_id: str, role: TeamRole) -> None:
        """Put an inspector in the team with ``role`` (also used by tests)."""
        for row in range(self.team.rowCount()):
            item = self.team.item(row, 0)
            if item is not None and item.data(ID_ROLE) == inspector_id:
                item.setCheckState(Qt.CheckState.Checked)
                combo = self.team.cellWidget(row, 1)
                assert isinstance(combo, QComboBox)
                combo.setCurrentIndex(combo.findData(role))
                return
        raise LookupError(inspector_id)

    def task_input(self) -> TaskInput:
        """The form as a service input (validation is the service's)."""
        from inspector_app.sealing import SealedInstitution, SealedPayload
        from inspector_app.services.task_admin import TaskInput, TeamMemberInput

        team = []
        for row in range(self.team.rowCount()):
            item = self.team.item(row, 0)
            combo = self.team.cellWidget(row, 1)
            checked = item is not None and item.checkState() == Qt.CheckState.Checked
            if item is not None and checked and isinstance(combo, QComboBox):
                team.append(TeamMemberInput(item.data(ID_ROLE), TeamRole(combo.currentData())))
        sealed = None
        if self.sealed.isChecked():
            sealed = SealedPayload(
                SealedInstitution(
                    code=self.target_code.text().strip(),
                    name=self.target_name.text().strip(),
                    kind=InstitutionKind(self.target_kind.currentData()),
                    level=InstitutionLevel(self.target_level.currentData()),
                    region_code=self.region.currentData() or "",
                    address=self.target_address.text().strip(),
                )
            )
        follow_up = self.origin.currentData() == TaskOrigin.FOLLOW_UP
        return TaskInput(
            task_type=TaskType(self.task_type.currentData()),
            origin=TaskOrigin(self.origin.currentData()),
            title=self.title_edit.text(),
            region_code=self.region.currentData() or "",
            planned_start=self.start.date().toPython(),  # type: ignore[arg-type]
            planned_end=self.end.date().toPython(),  # type: ignore[arg-type]
            team=team,
            institution_id=None if sealed else self.institution.currentData(),
            sealed=sealed,
            follows_case_id=self.follows.currentData() if follow_up else None,
            leads=self.leads.toPlainText().splitlines(),
        )

    # ------------------------------------------------------------------ submit

    def submit(self) -> None:
        """Create the task in the background (a second click after success closes)."""
        from inspector_app.services.task_admin import create_task

        if self.created is not None:
            self.accept()
            return
        try:
            task = self.task_input()
        except ValueError as exc:
            self._failed(exc)
            return
        profile = self.context.profile
        self.create_button.setEnabled(False)
        self.error_label.hide()

        def run(_progress: Progress) -> CreatedTask:
            return create_task(profile=profile, task=task)

        operation: Operation[CreatedTask] = Operation(run, label=_("Creating the task"))
        operation.success(self._created).failure(self._failed).owned_by(self).with_dialog(self)
        operation.run_in_background(self.context.tasks, writes=True)

    def _created(self, created: CreatedTask) -> None:
        self.created = created
        if created.opening_code is None:
            self.accept()
            return
        # Shown once: the code is not stored anywhere on this computer.
        self.code_label.setText(
            _("Task {number} is sealed. Opening code for the team leader: {code}").format(
                number=created.task_number, code=created.opening_code
            )
        )
        self.code_label.show()
        self.create_button.setText(_("Close"))
        self.create_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()

    def _failed(self, error: BaseException) -> None:
        error_report.handle_failure(error, self.error_label.setText, always_show=True)
        self.error_label.show()
        self._update()
