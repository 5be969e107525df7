"""The task's next steps in the inspection page header, shown by state and by role.

* "Open sealed task…" — the team leader, while a flying inspection is sealed;
* "Record arrival…" / "Edit arrival…" — a recording member, once the target is known and
  until the on-site phase ends;
* "Finish on-site work" — the team leader, while on site (asks for confirmation).

Each action runs its service on the serialized database worker (through its dialog) and
emits ``changed`` so the page reads the inspection again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QMessageBox, QPushButton, QWidget

from inspector_app.i18n import _
from inspector_app.progress import Progress
from local_db.enums import TaskStatus
from ui import error_report
from ui.context import ShellContext
from ui.icons import icon
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.services.overview import InspectionOverview


class TaskActionsBar(QWidget):
    """Buttons for the task's next step."""

    changed = Signal()

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.overview: InspectionOverview | None = None
        self.dialog: QDialog | None = None
        self.confirmation: QMessageBox | None = None
        self.locate = True  # ask the OS location service when opening a sealed task
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.open_button = QPushButton(icon("lock"), "", self)
        self.arrival_button = QPushButton(self)
        self.finish_button = QPushButton(self)
        for button in (self.open_button, self.arrival_button, self.finish_button):
            layout.addWidget(button)
            button.hide()
        self.open_button.clicked.connect(self.open_sealed)
        self.arrival_button.clicked.connect(self.record_arrival)
        self.finish_button.clicked.connect(self.finish_on_site)
        self.retranslate()

    def set_overview(self, overview: InspectionOverview) -> None:
        """Show the actions that fit ``overview``'s state and the viewer's role."""
        self.overview = overview
        self._update()

    def _update(self) -> None:
        overview = self.overview
        if overview is None:
            for button in (self.open_button, self.arrival_button, self.finish_button):
                button.hide()
            return
        status = overview.task.status
        self.open_button.setVisible(overview.sealed_unopened and overview.viewer_is_leader)
        self.arrival_button.setVisible(
            not overview.sealed_unopened
            and overview.viewer_can_record
            and status in (TaskStatus.ASSIGNED, TaskStatus.ON_SITE)
        )
        self.finish_button.setVisible(
            overview.viewer_is_leader and status is TaskStatus.ON_SITE and overview.case is not None
        )
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.open_button.setText(_("Open sealed task…"))
        self.open_button.setToolTip(
            _("Reveal the institution and the leads with the opening code (logged, irreversible)")
        )
        has_arrival = self.overview is not None and self.overview.arrival is not None
        self.arrival_button.setText(_("Edit arrival…") if has_arrival else _("Record arrival…"))
        self.arrival_button.setToolTip(
            _("When the team arrived, who was present, which documents were shown")
        )
        self.finish_button.setText(_("Finish on-site work"))
        self.finish_button.setToolTip(_("End the on-site phase; the team goes on drafting"))

    # ---------------------------------------------------------------- actions

    def _show(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(self.changed.emit)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def open_sealed(self) -> None:
        """Ask for the opening code and open the task."""
        from ui.dialogs.open_sealed_dialog import OpenSealedDialog

        if self.overview is not None:
            self._show(OpenSealedDialog(self.context, self.overview, self, locate=self.locate))

    def record_arrival(self) -> None:
        """Record (or correct) the arrival on site."""
        from ui.dialogs.arrival_dialog import ArrivalDialog

        if self.overview is not None:
            self._show(ArrivalDialog(self.context, self.overview, self))

    def finish_on_site(self) -> None:
        """Confirm, then end the on-site phase."""
        if self.overview is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Finish on-site work"),
            _(
                "Finish the on-site work of {number}? The task moves to drafting; arrival and "
                "on-site records can no longer be added."
            ).format(number=self.overview.task.number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(box.deleteLater)
        box.accepted.connect(self._finish_confirmed)
        self.confirmation = box
        box.open()

    def _finish_confirmed(self) -> None:
        from inspector_app.services.task_status import finish_on_site_work

        if self.overview is None:
            return
        profile, task_id = self.context.profile, self.overview.task.id

        def run(_progress: Progress) -> TaskStatus:
            return finish_on_site_work(profile=profile, task_id=task_id)

        operation: Operation[Any] = Operation(run, label=_("Finishing on-site work"))
        operation.success(lambda _status: self.changed.emit()).failure(self._report)
        operation.owned_by(self).quietly().run_in_background(self.context.tasks, writes=True)

    def _report(self, error: BaseException) -> None:
        error_report.handle_failure(
            error, lambda message: QMessageBox.warning(self, _("Finish on-site work"), message)
        )
