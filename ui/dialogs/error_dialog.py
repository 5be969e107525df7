"""The dialog an unexpected error produces: what happened in one line, where the log is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from inspector_app.i18n import _


class ErrorDialog(QMessageBox):
    """A warning box naming the error type and the log file; details stay in the log."""

    def __init__(self, error: BaseException, log_path: Path, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(_("Unexpected error"))
        self.setText(_("Fund Inspector ran into an unexpected problem and stopped that action."))
        self.setInformativeText(
            _(
                "Error type: {kind}.\nDetails (without patient data) were written to {path}. "
                "If this happens again, send that file to your administrator."
            ).format(kind=type(error).__name__, path=log_path)
        )
        self._log_path = log_path
        self.setStandardButtons(QMessageBox.StandardButton.Ok)
        open_button = self.addButton(_("Open log folder"), QMessageBox.ButtonRole.ActionRole)
        open_button.clicked.connect(self._open_log_folder)

    def _open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._log_path.parent)))
