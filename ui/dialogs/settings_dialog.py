"""File → Settings: language and data folder (this computer), server address (this profile).

Each field shows the description declared in ``inspector_app.settings``. Language applies
at once, without a restart; the server address is validated by its declaration and written
to the profile on the serialized database worker.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app import settings
from inspector_app.i18n import LANGUAGES, _, current_language
from inspector_app.progress import Progress
from ui import error_report
from ui.context import ShellContext
from ui.machine_settings import default_data_folder
from ui.translation import apply_language
from ui.workers import Operation


def _help(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("fieldHelp")
    label.setWordWrap(True)
    return label


class SettingsDialog(QDialog):
    """Edit the user-visible settings of both tiers."""

    server_url_saved = Signal(str)

    def __init__(self, context: ShellContext, server_url: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.initial_server_url = server_url
        self.initial_language = current_language()
        self.setMinimumWidth(620)
        self.language = QComboBox(self)
        for language in LANGUAGES:
            self.language.addItem(language.native_name, language.code)
        self.language.setCurrentIndex(max(0, self.language.findData(current_language())))
        self.data_folder = QLineEdit(context.settings.get(settings.DATA_FOLDER), self)
        self.browse_button = QPushButton(self)
        self.browse_button.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_folder, 1)
        folder_row.addWidget(self.browse_button)
        self.server_url = QLineEdit(server_url, self)
        self.server_url.setPlaceholderText("https://")
        self.language_help = _help(self)
        self.folder_help = _help(self)
        self.server_help = _help(self)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.setVerticalSpacing(4)
        self.language_label = QLabel(self)
        self.folder_label = QLabel(self)
        self.server_label = QLabel(self)
        form.addRow(self.language_label, self.language)
        form.addRow("", self.language_help)
        form.addRow(self.folder_label, folder_row)
        form.addRow("", self.folder_help)
        form.addRow(self.server_label, self.server_url)
        form.addRow("", self.server_help)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.language.currentIndexChanged.connect(self._language_picked)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Settings"))
        self.language_label.setText(_("Language"))
        self.folder_label.setText(_("Data folder"))
        self.server_label.setText(_("Server address"))
        self.browse_button.setText(_("Browse…"))
        self.data_folder.setPlaceholderText(_("Default: {path}").format(path=default_data_folder()))
        self.language_help.setText(settings.LANGUAGE.describe())
        self.folder_help.setText(
            _("{description} Applies at the next login.").format(
                description=settings.DATA_FOLDER.describe()
            )
        )
        self.server_help.setText(settings.SERVER_URL.describe())

    def _language_picked(self) -> None:
        # Applied at once, so the user sees the choice; Cancel switches back.
        apply_language(str(self.language.currentData()))
        self.retranslate()

    def _browse(self) -> None:
        start = self.data_folder.text() or str(default_data_folder())
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the data folder"), start)
        if chosen:
            self.data_folder.setText(chosen)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def reject(self) -> None:
        if current_language() != self.initial_language:
            apply_language(self.initial_language)
        super().reject()

    def save(self) -> None:
        """Validate, store both tiers, and close when the profile write succeeded."""
        url = self.server_url.text().strip()
        error = settings.SERVER_URL.error_for(url)
        if error is not None:
            self._show_error(error)
            self.server_url.setFocus()
            return
        folder = self.data_folder.text().strip()
        if folder and not Path(folder).expanduser().is_absolute():
            self._show_error(_("The data folder must be an absolute path."))
            return
        self.context.settings.set(settings.LANGUAGE, str(self.language.currentData()))
        self.context.settings.set(settings.DATA_FOLDER, folder)
        self.context.settings.sync()
        if url == self.initial_server_url:
            self.accept()
            return
        self._write_server_url(url)

    def _write_server_url(self, url: str) -> None:
        from inspector_app.services.profile_settings import write_profile_setting

        profile = self.context.profile
        self.buttons.setEnabled(False)

        def work(_progress: Progress) -> bool:
            return write_profile_setting(profile=profile, setting=settings.SERVER_URL, value=url)

        def saved(_changed: bool) -> None:
            self.server_url_saved.emit(url)
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            error_report.log_error(error)
            self._show_error(str(error))

        Operation(work, label=_("Saving settings")).success(saved).failure(failed).owned_by(
            self
        ).run_in_background(self.context.tasks, writes=True)
