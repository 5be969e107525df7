"""Sign in to the central server once: the password is asked here and used for one run.

The sync engine turns it into tokens that it keeps in the OS keyring; the password itself is
never stored. Later runs (and background sync) use the kept sign-in until it is refused.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _


class ServerSignInDialog(QDialog):
    """Asks the profile user's server password; OK stays disabled until one is typed."""

    def __init__(
        self, server_url: str, username: str, message: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign in to the central server"))
        self.setMinimumWidth(460)
        self.explanation = QLabel(
            _(
                "The server needs your password once. This computer then keeps a sign-in in "
                "the system keyring and synchronises by itself; the password is not stored."
            ),
            self,
        )
        self.explanation.setWordWrap(True)
        self.server_value = QLabel(server_url, self)
        self.username_value = QLabel(username, self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message_label = QLabel(message, self)
        self.message_label.setObjectName("errorText")
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(bool(message))
        form = QFormLayout()
        form.addRow(_("Server"), self.server_value)
        form.addRow(_("User name"), self.username_value)
        password_label = QLabel(_("&Password"), self)
        password_label.setBuddy(self.password_edit)
        form.addRow(password_label, self.password_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        # Our own button: Qt would reset a standard button's text on a language change.
        self.ok_button = QPushButton(_("Sign in and sync"), self)
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.password_edit.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        self._update()

    def take_password(self) -> str:
        """The typed password, cleared from the field as it is handed over."""
        password = self.password_edit.text()
        self.password_edit.clear()
        return password

    def reject(self) -> None:
        self.password_edit.clear()
        super().reject()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.password_edit.text()))
