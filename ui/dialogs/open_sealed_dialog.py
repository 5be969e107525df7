"""Open a sealed flying inspection on site: the code, where the team is, and a confirmation.

Opening is logged (who, when, where) and cannot be undone, so the dialog says so, checks the
code's check character while it is typed (a typo is shown before the slow key derivation
runs) and asks the leader to confirm being on site. The laptop's position comes from the
operating system's location service when Qt has one (asked once, with a short timeout);
otherwise, or as well, the team states the place in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.progress import Progress
from inspector_app.sealing.opening_code import (
    CODE_SYMBOLS,
    MistypedOpeningCodeError,
    normalise_opening_code,
)
from ui import error_report
from ui.context import ShellContext
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.sealing.opening import Location, OpenedTask
    from inspector_app.services.overview import InspectionOverview

POSITION_TIMEOUT_MS = 3_000


class OpenSealedDialog(QDialog):
    """Collects the opening code and the location, then opens the task on the DB worker."""

    def __init__(
        self,
        context: ShellContext,
        overview: InspectionOverview,
        parent: QWidget | None = None,
        *,
        locate: bool = True,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.overview = overview
        self.opened: OpenedTask | None = None
        self.position: tuple[float, float, float | None] | None = None
        self._source: Any = None
        self.setMinimumWidth(560)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.code = QLineEdit(self)
        self.code.setInputMask(">NNNN-NNNN-NNNN-NNNN;_")
        self.code_feedback = QLabel(self)
        self.code_feedback.setObjectName("fieldHelp")
        self.location = QLineEdit(self)
        self.location.setMaxLength(200)
        self.position_label = QLabel(self)
        self.position_label.setObjectName("fieldHelp")
        self.position_label.setWordWrap(True)
        self.confirm = QCheckBox(self)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.open_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout()
        self.code_label, self.location_label = QLabel(self), QLabel(self)
        self.form.addRow(self.code_label, self.code)
        self.form.addRow("", self.code_feedback)
        self.form.addRow(self.location_label, self.location)
        self.form.addRow("", self.position_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addWidget(self.explanation)
        layout.addLayout(self.form)
        layout.addWidget(self.confirm)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.code.textChanged.connect(self._update)
        self.confirm.toggled.connect(self._update)
        self.retranslate()
        if locate:
            self._start_positioning()
        self._update()

    # ------------------------------------------------------------------ texts

    def retranslate(self) -> None:
        """Re-read every text."""
        task = self.overview.task
        self.setWindowTitle(_("Open sealed task {number}").format(number=task.number))
        self.explanation.setText(
            _(
                "Opening reveals the inspected institution and the leads of this flying "
                "inspection (region: {region}). It is recorded in the case history with your "
                "name, the time and the place, and it cannot be undone. Open it only on site, "
                "with the code the organiser gave you."
            ).format(region=task.region_name)
        )
        self.code_label.setText(_("Opening code"))
        self.location_label.setText(_("Location"))
        self.location.setPlaceholderText(_("Where the team is, as it states it"))
        self.confirm.setText(_("I am on site at the institution and open this task now"))
        self.open_button.setText(_("Open task"))
        self._show_position_text()
        self._update()

    def _show_position_text(self) -> None:
        if self.position is not None:
            latitude, longitude, accuracy = self.position
            text = _("This computer reports {lat:.5f}, {lon:.5f}").format(
                lat=latitude, lon=longitude
            )
            if accuracy is not None:
                text += " " + _("(± {metres} m)").format(metres=round(accuracy))
            self.position_label.setText(text)
        elif self._source is not None:
            self.position_label.setText(_("Asking this computer for its position…"))
        else:
            self.position_label.setText(
                _("This computer cannot tell its position; state the place in words.")
            )

    # ------------------------------------------------------------- validation

    def symbols_typed(self) -> str:
        """The code as typed, without separators and mask blanks."""
        return "".join(ch for ch in self.code.text() if ch.isalnum())

    def _update(self) -> None:
        typed = self.symbols_typed()
        valid = False
        if len(typed) < CODE_SYMBOLS:
            self.code_feedback.setText(
                _("{typed} of {n} characters").format(typed=len(typed), n=CODE_SYMBOLS)
            )
        else:
            try:
                normalise_opening_code(typed)
            except MistypedOpeningCodeError as exc:
                self.code_feedback.setText(str(exc))
            else:
                valid = True
                self.code_feedback.setText(_("The code is well formed."))
        self.open_button.setEnabled(valid and self.confirm.isChecked())

    # ------------------------------------------------------------- positioning

    def _start_positioning(self) -> None:
        # Headless runs have no location service; asking would only wait for a timeout.
        if QGuiApplication.platformName() == "offscreen":
            return
        try:
            from PySide6.QtPositioning import QGeoPositionInfoSource
        except ImportError:
            return
        source = QGeoPositionInfoSource.createDefaultSource({"desktopId": "fund-inspector"}, self)
        if source is None:
            return
        self._source = source
        source.positionUpdated.connect(self._position_arrived)
        source.errorOccurred.connect(self._position_failed)
        source.requestUpdate(POSITION_TIMEOUT_MS)

    def _position_arrived(self, info: Any) -> None:
        coordinate = info.coordinate()
        if not coordinate.isValid():
            self._position_failed()
            return
        accuracy = None
        from PySide6.QtPositioning import QGeoPositionInfo

        if info.hasAttribute(QGeoPositionInfo.Attribute.HorizontalAccuracy):
            accuracy = float(info.attribute(QGeoPositionInfo.Attribute.HorizontalAccuracy))
        self.position = (coordinate.latitude(), coordinate.longitude(), accuracy)
        self._show_position_text()

    def _position_failed(self, *_args: object) -> None:
        self._source = None
        self._show_position_text()

    def location_value(self) -> Location | None:
        """What will be recorded as the place of opening (None: unknown)."""
        from inspector_app.sealing.opening import Location

        text = self.location.text().strip()
        if self.position is not None:
            latitude, longitude, accuracy = self.position
            return Location(text, latitude, longitude, accuracy, source="positioning")
        return Location(text=text, source="stated") if text else None

    # ------------------------------------------------------------------ submit

    def submit(self) -> None:
        """Open the task in the background; the dialog closes when it is open."""
        from inspector_app.sealing.opening import open_sealed_task

        if not self.open_button.isEnabled():
            return
        profile, task_id = self.context.profile, self.overview.task.id
        code, location = self.symbols_typed(), self.location_value()
        self.open_button.setEnabled(False)
        self.error_label.hide()

        def run(_progress: Progress) -> OpenedTask:
            return open_sealed_task(
                profile=profile, task_id=task_id, opening_code=code, location=location
            )

        operation: Operation[OpenedTask] = Operation(run, label=_("Opening the sealed task"))
        operation.success(self._opened).failure(self._failed).owned_by(self).with_dialog(self)
        operation.run_in_background(self.context.tasks, writes=True)

    def _opened(self, opened: OpenedTask) -> None:
        self.opened = opened
        self.accept()

    def _failed(self, error: BaseException) -> None:
        error_report.handle_failure(error, self.error_label.setText, always_show=True)
        self.error_label.show()
        self._update()
