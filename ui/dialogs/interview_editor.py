"""The interview record editor (询问笔录): interviewee, inspectors present, times, Q&A.

The Q&A is a master-detail pair: the list of entries (add, move up, move down, remove) and two
text boxes for the selected entry's question and answer; the preview below renders the record
as it prints (问：… / 答：…). The ID number is shown in full here only (the editor of a team
member); social supervisors see it masked and cannot change the record. Drafts save even
without two inspectors or an end time: the service returns those as warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.interviews.service import (
    ID_TYPES,
    QA,
    InterviewEditorData,
    InterviewInput,
    id_type_label,
    transcript,
)
from inspector_app.vocabulary import team_role_label
from ui import error_report
from ui.context import ShellContext
from ui.workers import Operation

R = TypeVar("R")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _qt_time(value: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(value.timestamp()))


def _py_time(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), tz=UTC)


class InterviewEditorDialog(QDialog):
    """Create or edit one interview record of a case."""

    saved = Signal(str)

    def __init__(
        self,
        context: ShellContext,
        case_id: str,
        interview_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        self.interview_id = interview_id
        self.loaded = False
        self.saving = False
        self.entries: list[QA] = []
        self.identifiers_editable = True
        self.read_only = False
        self._current = -1
        self.setObjectName("interviewEditor")
        self.setMinimumSize(980, 720)
        self._build()
        self.retranslate()
        self.setEnabled(False)
        self._load()

    # ----------------------------------------------------------------- set-up

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        return edit

    def _time(self, name: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(QDateTime.currentDateTime(), self)  # the start defaults to now
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        return edit

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(self._build_forms())
        layout.addLayout(self._build_questions(), 1)
        self._build_footer(layout)

    def _build_forms(self) -> QGridLayout:
        self.name = self._line("intervieweeName")
        self.role = self._line("intervieweeRole")
        self.organisation = self._line("intervieweeOrganisation")
        self.id_type = QComboBox(self)
        self.id_type.setObjectName("intervieweeIdType")
        self.id_number = self._line("intervieweeIdNumber")
        self.id_number.setMaxLength(32)
        self.phone = self._line("intervieweePhone")
        self.location = self._line("interviewLocation")
        self.started = self._time("interviewStart")
        self.ended = self._time("interviewEnd")
        self.has_end = QCheckBox(self)
        self.has_end.setObjectName("interviewHasEnd")
        self.has_end.toggled.connect(self.ended.setEnabled)
        self.ended.setEnabled(False)
        end_row = QHBoxLayout()
        end_row.addWidget(self.has_end)
        end_row.addWidget(self.ended, 1)
        self.present = QListWidget(self)
        self.present.setObjectName("inspectorsPresent")
        self.present.setMaximumHeight(110)
        self.recorder = QComboBox(self)
        self.recorder.setObjectName("interviewRecorder")
        self.identity_form = QFormLayout()
        self.session_form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        sections: list[tuple[QFormLayout, list[tuple[str, Any]]]] = [
            (
                self.identity_form,
                [
                    ("name", self.name),
                    ("role", self.role),
                    ("organisation", self.organisation),
                    ("id_type", self.id_type),
                    ("id_number", self.id_number),
                    ("phone", self.phone),
                ],
            ),
            (
                self.session_form,
                [
                    ("location", self.location),
                    ("start", self.started),
                    ("end", end_row),
                    ("present", self.present),
                    ("recorder", self.recorder),
                ],
            ),
        ]
        for form, rows in sections:
            form.setVerticalSpacing(6)
            for key, field in rows:
                label = QLabel(self)
                self.labels[key] = label
                form.addRow(label, field)
        self.identity_title = QLabel(self)
        self.identity_title.setObjectName("cardTitle")
        self.session_title = QLabel(self)
        self.session_title.setObjectName("cardTitle")
        top = QGridLayout()
        top.setHorizontalSpacing(24)
        top.addWidget(self.identity_title, 0, 0)
        top.addWidget(self.session_title, 0, 1)
        top.addLayout(self.identity_form, 1, 0)
        top.addLayout(self.session_form, 1, 1)
        top.setColumnStretch(0, 1)
        top.setColumnStretch(1, 1)
        return top

    def _build_footer(self, layout: QVBoxLayout) -> None:
        self.warnings = QLabel(self)
        self.warnings.setObjectName("sealedNote")
        self.warnings.setWordWrap(True)
        self.warnings.hide()
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveInterview")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addWidget(self.warnings)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    def _build_questions(self) -> QGridLayout:
        self.qa_title = QLabel(self)
        self.qa_title.setObjectName("cardTitle")
        self.qa_list = QListWidget(self)
        self.qa_list.setObjectName("questionList")
        self.qa_list.currentRowChanged.connect(self._row_changed)
        self.add_button = QPushButton(self)
        self.add_button.setObjectName("addQuestion")
        self.add_button.clicked.connect(self.add_question)
        self.up_button = QPushButton(self)
        self.up_button.setObjectName("moveQuestionUp")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QPushButton(self)
        self.down_button.setObjectName("moveQuestionDown")
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.remove_button = QPushButton(self)
        self.remove_button.setObjectName("removeQuestion")
        self.remove_button.clicked.connect(self.remove_current)
        self.question = QPlainTextEdit(self)
        self.question.setObjectName("questionEdit")
        self.question.setTabChangesFocus(True)
        self.answer = QPlainTextEdit(self)
        self.answer.setObjectName("answerEdit")
        self.answer.setTabChangesFocus(True)
        self.question.textChanged.connect(self._text_edited)
        self.answer.textChanged.connect(self._text_edited)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("transcriptPreview")
        self.preview.setReadOnly(True)
        self.question_label = QLabel(self)
        self.answer_label = QLabel(self)
        self.preview_label = QLabel(self)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        editors = QVBoxLayout()
        editors.addWidget(self.question_label)
        editors.addWidget(self.question, 1)
        editors.addWidget(self.answer_label)
        editors.addWidget(self.answer, 2)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.addWidget(self.qa_title, 0, 0, 1, 3)
        grid.addLayout(buttons, 1, 0, 1, 2)
        grid.addWidget(self.preview_label, 1, 2)
        grid.addWidget(self.qa_list, 2, 0)
        grid.addLayout(editors, 2, 1)
        grid.addWidget(self.preview, 2, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 3)
        return grid

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(
            _("New interview record") if self.interview_id is None else _("Interview record")
        )
        self.identity_title.setText(_("Interviewee"))
        self.session_title.setText(_("Interview"))
        self.qa_title.setText(_("Questions and answers"))
        texts = {
            "name": _("Name"),
            "role": _("Position"),
            "organisation": _("Organisation"),
            "id_type": _("Identity document"),
            "id_number": _("Document number"),
            "phone": _("Phone"),
            "location": _("Location"),
            "start": _("Started"),
            "end": _("Ended"),
            "present": _("Inspectors present"),
            "recorder": _("Recorded by"),
        }
        for key, label in self.labels.items():
            label.setText(texts[key])
        self.has_end.setText(_("Finished at"))
        self.add_button.setText(_("Add question"))
        self.up_button.setText(_("Move up"))
        self.down_button.setText(_("Move down"))
        self.remove_button.setText(_("Remove"))
        self.question_label.setText(_("Question"))
        self.answer_label.setText(_("Answer"))
        self.preview_label.setText(_("Record preview"))
        self.cancel_button.setText(_("Close") if self.read_only else _("Cancel"))
        self.save_button.setText(_("Save"))
        current = self.id_type.currentData()
        self.id_type.clear()
        self.id_type.addItem("—", "")
        for code in ID_TYPES:
            self.id_type.addItem(id_type_label(code), code)
        self.id_type.setCurrentIndex(max(0, self.id_type.findData(current or "resident_id")))

    # ------------------------------------------------------------- background

    def _run(
        self, work: Callable[[], R], done: Callable[[R], None], *, label: str, writes: bool
    ) -> None:
        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(done).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks, writes=writes)

    def _failed(self, error: BaseException) -> None:
        self.saving = False
        self.setEnabled(self.loaded)
        error_report.handle_failure(error, self.show_error)

    def _load(self) -> None:
        from inspector_app.interviews.service import interview_editor_data

        profile, case_id, interview_id = self.context.profile, self.case_id, self.interview_id
        self._run(
            lambda: interview_editor_data(
                profile=profile, case_id=case_id, interview_id=interview_id
            ),
            self._show,
            label=_("Loading the interview record"),
            writes=False,
        )

    def _show(self, data: InterviewEditorData) -> None:
        detail = data.detail
        present = set(detail.inspectors_present) if detail else set()
        if detail is None and data.current_inspector_id:
            present.add(data.current_inspector_id)
        self.present.clear()
        self.recorder.clear()
        self.recorder.addItem("—", "")
        for member in data.team:
            item = QListWidgetItem(
                f"{member.name}  ·  {team_role_label(member.role)}", self.present
            )
            item.setData(ID_ROLE, member.inspector_id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            checked = member.inspector_id in present
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.recorder.addItem(member.name, member.inspector_id)
        recorder = detail.recorder_id if detail else data.current_inspector_id
        self.recorder.setCurrentIndex(max(0, self.recorder.findData(recorder or "")))
        if detail is not None:
            self.name.setText(detail.interviewee_name)
            self.role.setText(detail.interviewee_role)
            self.organisation.setText(detail.interviewee_organisation)
            self.id_type.setCurrentIndex(max(0, self.id_type.findData(detail.interviewee_id_type)))
            self.id_number.setText(detail.interviewee_id_number)
            self.phone.setText(detail.interviewee_phone)
            self.location.setText(detail.location)
            self.started.setDateTime(_qt_time(detail.started_at))
            self.has_end.setChecked(detail.ended_at is not None)
            if detail.ended_at is not None:
                self.ended.setDateTime(_qt_time(detail.ended_at))
            self.entries = list(detail.entries)
            self._show_warnings(list(detail.warnings))
        # Identifiers a viewer may not see arrive masked: they must not be saved back.
        self.identifiers_editable = detail is None or detail.revealed
        for edit in (self.id_number, self.phone):
            edit.setReadOnly(not self.identifiers_editable)
        self._refresh_list(0 if self.entries else -1)
        self.loaded = True
        self.setEnabled(True)
        if not data.can_record:
            self._read_only()
        self.name.setFocus()

    def _read_only(self) -> None:
        """A closed case (or an observer): the record can be read and closed, not changed."""
        for edit in self.findChildren(QLineEdit) + self.findChildren(QPlainTextEdit):
            edit.setReadOnly(True)
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QLineEdit | QPlainTextEdit | QLabel | QListWidget):
                continue
            if widget is not self.cancel_button and isinstance(
                widget, QPushButton | QComboBox | QDateTimeEdit | QCheckBox
            ):
                widget.setEnabled(False)
        self.cancel_button.setText(_("Close"))
        self.read_only = True

    # ------------------------------------------------------------------- Q&A

    def _label(self, number: int, entry: QA) -> str:
        text = " ".join(entry.question.split()) or _("(no question yet)")
        return f"{number}. {text[:60]}"

    def _refresh_list(self, current: int) -> None:
        self.qa_list.blockSignals(True)
        self.qa_list.clear()
        for number, entry in enumerate(self.entries, start=1):
            self.qa_list.addItem(self._label(number, entry))
        self.qa_list.blockSignals(False)
        self._current = -1
        self.qa_list.setCurrentRow(current)
        self._row_changed(current)
        self._update_preview()

    def _row_changed(self, row: int) -> None:
        self._current = -1  # no edits flow back while the editors are refilled
        valid = 0 <= row < len(self.entries)
        self.question.setPlainText(self.entries[row].question if valid else "")
        self.answer.setPlainText(self.entries[row].answer if valid else "")
        for widget in (self.question, self.answer, self.remove_button):
            widget.setEnabled(valid)
        self.up_button.setEnabled(valid and row > 0)
        self.down_button.setEnabled(valid and row < len(self.entries) - 1)
        self._current = row if valid else -1

    def _text_edited(self) -> None:
        row = self._current
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        self.entries[row] = QA(self.question.toPlainText(), self.answer.toPlainText(), entry.id)
        item = self.qa_list.item(row)
        if item is not None:
            item.setText(self._label(row + 1, self.entries[row]))
        self._update_preview()

    def _update_preview(self) -> None:
        self.preview.setPlainText(transcript(self.entries))

    def add_question(self) -> None:
        """Append an empty entry and put the cursor in its question."""
        self.entries.append(QA(""))
        self._refresh_list(len(self.entries) - 1)
        self.question.setFocus()

    def move_current(self, step: int) -> None:
        """Move the selected entry up (-1) or down (+1)."""
        row, target = self._current, self._current + step
        if not (0 <= row < len(self.entries) and 0 <= target < len(self.entries)):
            return
        self.entries[row], self.entries[target] = self.entries[target], self.entries[row]
        self._refresh_list(target)

    def remove_current(self) -> None:
        """Remove the selected entry (stored entries are tombstoned on save)."""
        row = self._current
        if 0 <= row < len(self.entries):
            del self.entries[row]
            self._refresh_list(min(row, len(self.entries) - 1))

    # ------------------------------------------------------------------ save

    def show_error(self, message: str) -> None:
        """Show ``message`` above the buttons (empty hides it)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _show_warnings(self, warnings: list[str]) -> None:
        self.warnings.setText("\n".join(f"• {w}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def collect(self) -> InterviewInput:
        """The form as the service's input."""
        present = []
        for row in range(self.present.count()):
            item = self.present.item(row)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                present.append(str(item.data(ID_ROLE)))
        recorder = str(self.recorder.currentData() or "") or None
        return InterviewInput(
            interviewee_name=self.name.text(),
            started_at=_py_time(self.started.dateTime()),
            interviewee_role=self.role.text(),
            interviewee_organisation=self.organisation.text(),
            interviewee_id_type=str(self.id_type.currentData() or ""),
            interviewee_id_number=self.id_number.text(),
            interviewee_phone=self.phone.text(),
            inspectors_present=tuple(present),
            recorder_id=recorder,
            location=self.location.text(),
            ended_at=_py_time(self.ended.dateTime()) if self.has_end.isChecked() else None,
            entries=tuple(self.entries),
        )

    def save(self) -> None:
        """Validate and save in the background; the dialog closes when the write succeeded."""
        if not self.loaded or self.saving:
            return
        if not self.identifiers_editable:
            self.show_error(_("Your role in this inspection team does not allow changes."))
            return
        data = self.collect()
        if not data.interviewee_name.strip():
            self.show_error(_("Enter the interviewee's name."))
            self.name.setFocus()
            return
        if data.ended_at is not None and data.ended_at < data.started_at:
            self.show_error(_("The interview cannot end before it started."))
            return
        from inspector_app.interviews.service import create_interview, update_interview

        profile, case_id, interview_id = self.context.profile, self.case_id, self.interview_id

        def work() -> str:
            if interview_id is None:
                return create_interview(profile=profile, case_id=case_id, data=data)
            update_interview(profile=profile, interview_id=interview_id, data=data)
            return interview_id

        self.show_error("")
        self.saving = True
        self.setEnabled(False)
        self._run(work, self._saved, label=_("Saving the interview record"), writes=True)

    def _saved(self, interview_id: str) -> None:
        self.saving = False
        self.interview_id = interview_id
        self.saved.emit(interview_id)
        self.accept()
