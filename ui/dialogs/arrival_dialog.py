"""Record the team's arrival on site: when, who of the team, who of the institution, what shown.

Recording it opens the case file (if the task has none) and puts the task on site. The
common documents (enforcement IDs, inspection notice, letter of authorisation) are check
boxes; anything else is typed, one per line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.progress import Progress
from inspector_app.services.arrival import COMMON_DOCUMENTS, Representative, document_label
from inspector_app.vocabulary import team_role_label
from ui import error_report
from ui.context import ShellContext
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.services.arrival import ArrivalSummary
    from inspector_app.services.overview import InspectionOverview

ID_ROLE = Qt.ItemDataRole.UserRole


class ArrivalDialog(QDialog):
    """Edits the arrival record of one task and saves it on the DB worker."""

    def __init__(
        self, context: ShellContext, overview: InspectionOverview, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.overview = overview
        self.saved: ArrivalSummary | None = None
        self.setMinimumWidth(620)
        existing = overview.arrival
        self.arrived_at = QDateTimeEdit(self)
        self.arrived_at.setCalendarPopup(True)
        self.arrived_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.arrived_at.setDateTime(
            QDateTime.fromSecsSinceEpoch(int(existing.arrived_at.timestamp()))
            if existing
            else QDateTime.currentDateTime()
        )
        self.team = QListWidget(self)
        present = set(existing.team_present) if existing else None
        for member in overview.team:
            item = QListWidgetItem(self.team)
            item.setData(ID_ROLE, member.inspector_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = member.inspector_id in present if present is not None else True
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.team.setMaximumHeight(120)
        self.representatives = QTableWidget(0, 2, self)
        self.representatives.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.representatives.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.representatives.setMaximumHeight(140)
        for person in existing.representatives if existing else [Representative("", "")]:
            self.add_representative(person.name, person.position)
        self.add_button, self.remove_button = QPushButton(self), QPushButton(self)
        self.add_button.clicked.connect(lambda: self.add_representative("", ""))
        self.remove_button.clicked.connect(self.remove_representative)
        shown = set(existing.documents_shown) if existing else set(COMMON_DOCUMENTS[:2])
        self.documents = {code: QCheckBox(self) for code in COMMON_DOCUMENTS}
        for code, box in self.documents.items():
            box.setChecked(code in shown)
        self.other_documents = QPlainTextEdit(self)
        self.other_documents.setMaximumHeight(60)
        if existing:
            others = [d for d in existing.documents_shown if d not in COMMON_DOCUMENTS]
            self.other_documents.setPlainText("\n".join(others))
        self.location = QLineEdit(self)
        self.location.setMaxLength(256)
        institution = overview.institution
        self.location.setText(
            existing.location if existing else (institution.address if institution else "")
        )
        self.notes = QPlainTextEdit(existing.notes if existing else "", self)
        self.notes.setMaximumHeight(70)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._build_layout()
        self.retranslate()

    def _build_layout(self) -> None:
        rows = QHBoxLayout()
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        people = QVBoxLayout()
        people.addWidget(self.representatives)
        people.addLayout(rows)
        documents = QVBoxLayout()
        for box in self.documents.values():
            documents.addWidget(box)
        documents.addWidget(self.other_documents)
        self.form = QFormLayout()
        self.labels = [QLabel(self) for _ in range(6)]
        fields: list[QWidget | QVBoxLayout] = [
            self.arrived_at, self.team, people, documents, self.location, self.notes,
        ]  # fmt: skip
        for label, field in zip(self.labels, fields, strict=True):
            if isinstance(field, QWidget):
                self.form.addRow(label, field)
            else:
                self.form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(
            _("Arrival on site — {number}").format(number=self.overview.task.number)
        )
        for label, text in zip(
            self.labels,
            [_("Arrived at"), _("Team present"), _("Institution representatives"),
             _("Documents shown"), _("Location"), _("Notes")],
            strict=True,
        ):  # fmt: skip
            label.setText(text)
        for row, member in enumerate(self.overview.team):
            self.team.item(row).setText(
                _("{name} ({role})").format(name=member.name, role=team_role_label(member.role))
            )
        self.representatives.setHorizontalHeaderLabels([_("Name"), _("Position")])
        self.add_button.setText(_("Add person"))
        self.remove_button.setText(_("Remove selected"))
        for code, box in self.documents.items():
            box.setText(document_label(code))
        self.other_documents.setPlaceholderText(_("Other documents shown, one per line"))
        self.save_button.setText(_("Save arrival"))

    # ------------------------------------------------------------------ rows

    def add_representative(self, name: str, position: str) -> None:
        """Append a row for one person of the institution."""
        row = self.representatives.rowCount()
        self.representatives.insertRow(row)
        self.representatives.setItem(row, 0, QTableWidgetItem(name))
        self.representatives.setItem(row, 1, QTableWidgetItem(position))

    def remove_representative(self) -> None:
        """Remove the selected rows."""
        rows = sorted({index.row() for index in self.representatives.selectedIndexes()})
        for row in reversed(rows):
            self.representatives.removeRow(row)

    def team_present(self) -> list[str]:
        """Inspector ids of the checked team members."""
        return [
            self.team.item(row).data(ID_ROLE)
            for row in range(self.team.count())
            if self.team.item(row).checkState() == Qt.CheckState.Checked
        ]

    def representative_rows(self) -> list[Representative]:
        """The people of the institution as entered (blank rows dropped by the service)."""
        people = []
        for row in range(self.representatives.rowCount()):
            cells = [self.representatives.item(row, column) for column in (0, 1)]
            name, position = (cell.text() if cell is not None else "" for cell in cells)
            people.append(Representative(name, position))
        return people

    def documents_shown(self) -> list[str]:
        """Codes of the checked common documents, then the typed ones."""
        codes = [code for code, box in self.documents.items() if box.isChecked()]
        typed = self.other_documents.toPlainText().splitlines()
        return codes + [line.strip() for line in typed if line.strip()]

    # ------------------------------------------------------------------ submit

    def submit(self) -> None:
        """Save in the background; the dialog closes once saved."""
        from inspector_app.services.arrival import record_arrival

        profile, task_id = self.context.profile, self.overview.task.id
        arrived_at = datetime.fromtimestamp(self.arrived_at.dateTime().toSecsSinceEpoch(), UTC)
        team, people = self.team_present(), self.representative_rows()
        documents, location = self.documents_shown(), self.location.text()
        notes = self.notes.toPlainText()
        self.save_button.setEnabled(False)
        self.error_label.hide()

        def run(_progress: Progress) -> ArrivalSummary:
            return record_arrival(
                profile=profile,
                task_id=task_id,
                arrived_at=arrived_at,
                team_present=team,
                representatives=people,
                documents_shown=documents,
                location=location,
                notes=notes,
            )

        operation: Operation[ArrivalSummary] = Operation(run, label=_("Saving the arrival"))
        operation.success(self._saved).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks, writes=True)

    def _saved(self, summary: ArrivalSummary) -> None:
        self.saved = summary
        self.accept()

    def _failed(self, error: BaseException) -> None:
        error_report.handle_failure(error, self.error_label.setText, always_show=True)
        self.error_label.show()
        self.save_button.setEnabled(True)
