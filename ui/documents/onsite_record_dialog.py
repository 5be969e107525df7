"""Write the on-site record's own words: times, the team's narrative, the representative's say.

The rest of the record (team, checklist, findings) comes from the case file. The text is read
and saved in the background; a refusal (closed case) or a validation error is said in place
and the dialog stays open.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from ui import error_report
from ui.context import ShellContext
from ui.translation import follow_language
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.documents.onsite import OnsiteRecordForm, OnsiteRecordText


class _OptionalTime(QWidget):
    """A date and time that may be left out (None): a check box enables the editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.given = QCheckBox(self)
        self.edit = QDateTimeEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setDateTime(QDateTime.currentDateTime())
        self.given.toggled.connect(self.edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.given)
        layout.addWidget(self.edit, 1)
        self.set_value(None)

    def set_value(self, value: datetime | None) -> None:
        self.given.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        if value is not None:
            self.edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(value.timestamp())))

    def value(self) -> datetime | None:
        if not self.given.isChecked():
            return None
        return datetime.fromtimestamp(self.edit.dateTime().toSecsSinceEpoch(), UTC)


class OnsiteRecordDialog(QDialog):
    """Edits the on-site record text of one case."""

    def __init__(self, context: ShellContext, case_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        self.form_data: OnsiteRecordForm | None = None
        self.saved: OnsiteRecordText | None = None
        self.saving = False
        self.setMinimumSize(640, 620)
        self.started = _OptionalTime(self)
        self.ended = _OptionalTime(self)
        self.narrative = QPlainTextEdit(self)
        self.representative_name = QLineEdit(self)
        self.representative_name.setMaxLength(64)
        self.representative_position = QLineEdit(self)
        self.representative_position.setMaxLength(64)
        self.statement = QPlainTextEdit(self)
        self.statement.setMaximumHeight(110)
        self.help_label = QLabel(self)
        self.help_label.setObjectName("fieldHelp")
        self.help_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout()
        self.labels = [QLabel(self) for _ in range(6)]
        fields: list[QWidget] = [
            self.started, self.ended, self.narrative, self.representative_name,
            self.representative_position, self.statement,
        ]  # fmt: skip
        for label, field in zip(self.labels, fields, strict=True):
            self.form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addWidget(self.help_label)
        layout.addLayout(self.form, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.retranslate()
        follow_language(self, self.retranslate)
        self._load()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("On-site inspection record"))
        self.help_label.setText(
            _(
                "What the team writes at the end of the visit, with the institution's "
                "representative reading along. The team, the checklist and the findings are "
                "taken from the case file."
            )
        )
        texts = [
            _("Started"), _("Ended"), _("What the team did and found"),
            _("Representative"), _("Position"), _("Representative's statement"),
        ]  # fmt: skip
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        for widget in (self.started, self.ended):
            widget.given.setToolTip(_("Untick when the time is not known"))
        self.narrative.setPlaceholderText(
            _("E.g. the team checked the dialysis ward's records and the pharmacy's stock …")
        )
        self.statement.setPlaceholderText(
            _("What the representative says about the record, in their words (optional)")
        )
        self.save_button.setText(_("Save"))

    def _load(self) -> None:
        from inspector_app.documents.onsite import onsite_record

        profile, case_id = self.context.profile, self.case_id
        operation: Operation[OnsiteRecordForm] = Operation.of(
            lambda: onsite_record(profile=profile, case_id=case_id),
            label=_("Reading the on-site record"),
        )
        operation.success(self._show).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks)

    def is_loaded(self) -> bool:
        """The record's text has arrived."""
        return self.form_data is not None

    def _show(self, form: OnsiteRecordForm) -> None:
        self.form_data = form
        text = form.text
        self.started.set_value(text.started_at)
        self.ended.set_value(text.ended_at)
        self.narrative.setPlainText(text.narrative)
        self.representative_name.setText(text.representative_name)
        self.representative_position.setText(text.representative_position)
        self.statement.setPlainText(text.representative_statement)
        for widget in (self.narrative, self.statement):
            widget.setReadOnly(not form.can_record)
        for line in (self.representative_name, self.representative_position):
            line.setReadOnly(not form.can_record)
        self.started.setEnabled(form.can_record)
        self.ended.setEnabled(form.can_record)
        self.save_button.setEnabled(form.can_record)
        if not form.can_record:
            self.error_label.setText(
                _("This case file is closed or you do not record in it; the text is shown only.")
            )
            self.error_label.show()

    def text(self) -> OnsiteRecordText:
        """The record as typed."""
        from inspector_app.documents.onsite import OnsiteRecordText

        return OnsiteRecordText(
            started_at=self.started.value(),
            ended_at=self.ended.value(),
            narrative=self.narrative.toPlainText(),
            representative_name=self.representative_name.text(),
            representative_position=self.representative_position.text(),
            representative_statement=self.statement.toPlainText(),
        )

    def submit(self) -> None:
        """Save on the database worker; close when it is stored."""
        from inspector_app.documents.onsite import save_onsite_record

        if self.form_data is None or not self.form_data.can_record:
            return
        profile, case_id, text = self.context.profile, self.case_id, self.text()
        self.save_button.setEnabled(False)
        self.error_label.hide()
        self.saving = True  # a save under way finishes here: the workspace must hear of it

        def work() -> OnsiteRecordText:
            save_onsite_record(profile=profile, case_id=case_id, text=text)
            return text

        operation: Operation[OnsiteRecordText] = Operation.of(
            work, label=_("Saving the on-site record")
        )
        operation.success(self._saved).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks, writes=True)

    def _saved(self, text: OnsiteRecordText) -> None:
        self.saving = False
        self.saved = text
        self.accept()

    def reject(self) -> None:
        """Cancel and Esc wait for a save under way (its result must reach the workspace)."""
        if self.saving:
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window waits for a save under way, like Cancel."""
        if self.saving:
            event.ignore()
            return
        super().closeEvent(event)

    def _failed(self, error: BaseException) -> None:
        self.saving = False
        error_report.handle_failure(error, self.error_label.setText, always_show=True)
        self.error_label.show()
        self.save_button.setEnabled(self.form_data is not None and self.form_data.can_record)
