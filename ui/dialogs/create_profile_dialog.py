"""Create a profile: who the inspector is, a password they will type offline, where it lives.

The creation itself (argon2id, a new encrypted database, migrations) runs on the serialized
database worker; errors such as "a profile already exists there" are shown in the dialog so
the user can correct them without starting over.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

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

from inspector_app.i18n import _
from inspector_app.progress import Progress
from inspector_app.vocabulary import user_role_label
from local_db.enums import UserRole
from ui import error_report
from ui.workers import Operation, TaskManager

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile
    from inspector_app.security.key_wrap import KdfParams

USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,64}$")


class CreateProfileDialog(QDialog):
    """Collects the new profile's details and creates it in the background."""

    created = Signal(object)

    def __init__(
        self,
        tasks: TaskManager,
        data_folder: Path,
        parent: QWidget | None = None,
        *,
        kdf: KdfParams | None = None,
    ) -> None:
        super().__init__(parent)
        from inspector_app.profiles import MIN_PASSWORD_LENGTH

        self.tasks = tasks
        self.data_folder = data_folder
        self.kdf = kdf
        self.min_length = MIN_PASSWORD_LENGTH
        self.profile: OpenProfile | None = None
        self._folder_edited = False
        self.setMinimumWidth(560)
        form = self._build_form()
        self.hint = QLabel(self)
        self.hint.setObjectName("fieldHelp")
        self.hint.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.username.textChanged.connect(self._suggest_folder)
        self.folder.textEdited.connect(self._folder_typed)
        self.retranslate()
        self._suggest_folder()

    def _build_form(self) -> QFormLayout:
        self.display_name = QLineEdit(self)
        self.display_name.setMaxLength(64)
        self.username = QLineEdit(self)
        self.username.setMaxLength(64)
        self.role = QComboBox(self)
        for role in UserRole:
            self.role.addItem("", role)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirmation = QLineEdit(self)
        self.confirmation.setEchoMode(QLineEdit.EchoMode.Password)
        self.folder = QLineEdit(self)
        self.browse_button = QPushButton(self)
        self.browse_button.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse_button)
        form = QFormLayout()
        self._labels: list[tuple[QLabel, Callable[[], str]]] = []
        for label, field in (
            (lambda: _("Display name"), self.display_name),
            (lambda: _("Username"), self.username),
            (lambda: _("Role"), self.role),
            (lambda: _("Password"), self.password),
            (lambda: _("Confirm password"), self.confirmation),
        ):
            self._labels.append((QLabel(self), label))
            form.addRow(self._labels[-1][0], field)
        self._labels.append((QLabel(self), lambda: _("Profile folder")))
        form.addRow(self._labels[-1][0], folder_row)
        return form

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Create profile"))
        for widget, label in self._labels:
            widget.setText(label())
        for row, role in enumerate(UserRole):
            self.role.setItemText(row, user_role_label(role))
        self.browse_button.setText(_("Browse…"))
        self.create_button.setText(_("Create profile"))
        self.hint.setText(
            _(
                "The password protects the encrypted profile on this computer and works "
                "offline. Use at least {n} characters; it cannot be recovered if forgotten."
            ).format(n=self.min_length)
        )

    def _folder_typed(self) -> None:
        self._folder_edited = True

    def _suggest_folder(self) -> None:
        if not self._folder_edited:
            name = self.username.text().strip() or "profile"  # a folder name: never translated
            self.folder.setText(str(self.data_folder / name))

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, _("Choose where the profile folder goes"), str(self.data_folder)
        )
        if chosen:
            self._folder_edited = True
            name = self.username.text().strip() or "profile"
            self.folder.setText(str(Path(chosen) / name))

    def problem(self) -> str | None:
        """What is wrong with the form (translated), or None."""
        if not self.display_name.text().strip():
            return _("Enter the display name.")
        if not USERNAME.match(self.username.text().strip()):
            return _(
                "The username needs 2 to 64 characters: Latin letters, digits, “.”, “_” or “-”."
            )
        if len(self.password.text()) < self.min_length:
            return _("The password must have at least {n} characters.").format(n=self.min_length)
        if self.password.text() != self.confirmation.text():
            return _("The two passwords differ.")
        folder = Path(self.folder.text().strip()).expanduser()
        if not folder.is_absolute():
            return _("The profile folder must be an absolute path.")
        return None

    def show_error(self, message: str) -> None:
        """Show ``message`` above the buttons."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def submit(self) -> None:
        """Validate, then create the profile on the database worker."""
        problem = self.problem()
        if problem is not None:
            self.show_error(problem)
            return
        from inspector_app.profiles import create_profile

        self.show_error("")
        self._set_busy(True)
        path = Path(self.folder.text().strip()).expanduser()
        password, kdf = self.password.text(), self.kdf
        display_name, username = self.display_name.text().strip(), self.username.text().strip()
        role = UserRole(self.role.currentData())

        def work(_progress: Progress) -> OpenProfile:
            return create_profile(
                path=path,
                password=password,
                display_name=display_name,
                username=username,
                role=role,
                kdf=kdf,
            )

        Operation(work, label=_("Creating the encrypted profile…")).success(self._created).failure(
            self._failed
        ).with_dialog(self).owned_by(self).run_in_background(self.tasks, writes=True)

    def _set_busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        for field in (self.display_name, self.username, self.password, self.confirmation):
            field.setEnabled(not busy)

    def _created(self, profile: OpenProfile) -> None:
        self.profile = profile
        self._set_busy(False)
        self.password.clear()
        self.confirmation.clear()
        self.created.emit(profile)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        from inspector_app.profiles import ProfileError

        self._set_busy(False)
        if isinstance(error, ProfileError):
            self.show_error(str(error))
        elif isinstance(error, OSError):
            error_report.log_error(error)
            self.show_error(
                _("The profile folder cannot be written: {reason}").format(
                    reason=error.strerror or type(error).__name__
                )
            )
        else:
            error_report.report(error)
