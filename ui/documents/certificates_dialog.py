"""The profile's signing certificates and trusted roots: import, create for training, trust.

A PKCS#12 file's password is asked here and never stored; a wrong password or a file that is
not PKCS#12 is said in place, under the form. A test certificate is clearly for training and
demonstrations: documents sealed with it say TEST, and verification says so too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from ui import error_report
from ui.context import ShellContext
from ui.documents import pickers
from ui.translation import follow_language
from ui.widgets.data_table import Column, DataTableWidget

if TYPE_CHECKING:
    from inspector_app.services.signing_keys import CredentialRow, TrustedRootRow

R = TypeVar("R")
Lists = tuple[list["CredentialRow"], list["TrustedRootRow"]]


def _test_mark(is_test: bool) -> str:
    return _("TEST") if is_test else ""


def _source(source: str) -> str:
    labels = {
        "pkcs12": _("PKCS#12 import"),
        "test-ca": _("Test certificate"),
        "imported": _("Certificate file"),
    }
    return labels.get(source, source)


CREDENTIAL_COLUMNS: list[Column[CredentialRow]] = [
    Column(lambda: _("Holder"), lambda c: c.subject_name, stretch=True),
    Column(lambda: _("Organisation"), lambda c: c.organisation, width=150),
    Column(lambda: _("Issued by"), lambda c: c.issuer_name, width=150),
    Column(
        lambda: _("Valid until"),
        lambda c: c.not_after.date().isoformat(),
        sort_key=lambda c: c.not_after,
        muted=lambda c: c.expired,
        width=90,
    ),
    Column(lambda: _("Kind"), lambda c: _test_mark(c.is_test) or _("Organisation CA"), width=80),
    Column(
        lambda: _("In use"),
        lambda c: _("expired") if c.expired else (_("signs") if c.is_default else ""),
        width=60,
    ),
]
ROOT_COLUMNS: list[Column[TrustedRootRow]] = [
    Column(lambda: _("Root certificate"), lambda r: r.subject_name, stretch=True),
    Column(lambda: _("Kind"), lambda r: _test_mark(r.is_test) or _("Organisation CA"), width=80),
    Column(lambda: _("Added from"), lambda r: _source(r.source), width=110),
    Column(
        lambda: _("SHA-256"),
        lambda r: r.fingerprint[:16],
        tooltip=lambda r: r.fingerprint,
        width=140,
    ),
]


class Pkcs12Form(QFrame):
    """File, optional label and password for one PKCS#12 import, with its error in place."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.path: Path | None = None
        self.title = QLabel(self)
        self.title.setObjectName("cardSubtitle")
        self.file_label = QLabel(self)
        self.file_label.setWordWrap(True)
        self.label_edit = QLineEdit(self)
        self.label_edit.setMaxLength(64)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("primaryButton")
        self.cancel_button = QPushButton(self)
        self.form = QFormLayout()
        self.form_labels = [QLabel(self) for _ in range(3)]
        for label, field in zip(
            self.form_labels, [self.file_label, self.label_edit, self.password_edit], strict=True
        ):
            self.form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.password_edit.returnPressed.connect(self.import_button.click)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.title.setText(_("Import a signing certificate (PKCS#12)"))
        for label, text in zip(
            self.form_labels, [_("File"), _("Name in lists"), _("Password")], strict=True
        ):
            label.setText(text)
        self.label_edit.setPlaceholderText(_("Optional; the certificate's holder by default"))
        self.password_edit.setPlaceholderText(_("The password the file was issued with"))
        self.import_button.setText(_("Import"))
        self.cancel_button.setText(_("Cancel"))

    def start(self, path: Path) -> None:
        """Show the form for ``path``, password empty."""
        self.path = path
        self.file_label.setText(str(path))
        self.label_edit.clear()
        self.password_edit.clear()
        self.error_label.hide()
        self.import_button.setEnabled(True)
        self.show()
        self.password_edit.setFocus()

    def show_error(self, message: str) -> None:
        """Say what went wrong, under the form; the password is cleared to try again."""
        self.error_label.setText(message)
        self.error_label.show()
        self.import_button.setEnabled(True)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def discard(self) -> None:
        """Cancel: hide the form and forget what was typed (the password above all)."""
        self.label_edit.clear()
        self.password_edit.clear()
        self.hide()


class CertificatesDialog(QDialog):
    """Lists certificates and roots; every change runs on the database worker."""

    changed = Signal()

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.credentials: list[CredentialRow] = []
        self.roots: list[TrustedRootRow] = []
        self.loading = False
        self.busy = False
        self.picker: QWidget | None = None
        self.setMinimumSize(820, 600)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.credentials_title = QLabel(self)
        self.credentials_title.setObjectName("sectionTitle")
        self.credential_table = DataTableWidget(CREDENTIAL_COLUMNS, self)
        self.roots_title = QLabel(self)
        self.roots_title.setObjectName("sectionTitle")
        self.root_table = DataTableWidget(ROOT_COLUMNS, self)
        self.import_button = QPushButton(self)
        self.import_button.clicked.connect(self.choose_pkcs12)
        self.test_button = QPushButton(self)
        self.test_button.clicked.connect(self.create_test_certificate)
        self.trust_button = QPushButton(self)
        self.trust_button.clicked.connect(self.choose_root)
        self.test_note = QLabel(self)
        self.test_note.setObjectName("sealedNote")
        self.test_note.setWordWrap(True)
        self.form = Pkcs12Form(self)
        self.form.hide()
        buttons = [self.import_button, self.test_button, self.trust_button]
        for button in [*buttons, self.form.import_button, self.form.cancel_button]:
            button.setAutoDefault(False)
        self.form.import_button.clicked.connect(self.import_chosen)
        self.form.cancel_button.clicked.connect(self.form.discard)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("fieldHelp")
        self.status_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self._build_layout()
        self.retranslate()
        follow_language(self, self.retranslate)
        self.reload()

    def _build_layout(self) -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.import_button)
        actions.addWidget(self.trust_button)
        actions.addStretch(1)
        actions.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 12)
        layout.setSpacing(8)
        layout.addWidget(self.intro)
        layout.addWidget(self.credentials_title)
        layout.addWidget(self.credential_table, 2)
        layout.addLayout(actions)
        layout.addWidget(self.test_note)
        layout.addWidget(self.form)
        layout.addSpacing(6)
        layout.addWidget(self.roots_title)
        layout.addWidget(self.root_table, 2)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Signing certificates"))
        self.intro.setText(
            _(
                "The team leader seals a case's documents with the certificate marked “signs”. "
                "Documents are verified against the trusted root certificates below."
            )
        )
        self.credentials_title.setText(_("Signing certificates"))
        self.roots_title.setText(_("Trusted root certificates"))
        self.import_button.setText(_("Import PKCS#12…"))
        self.import_button.setToolTip(_("A .p12 or .pfx file issued by your organisation's CA"))
        self.trust_button.setText(_("Trust a root certificate…"))
        self.test_button.setText(_("Create test certificate (training only)"))
        self.test_note.setText(
            _(
                "A test certificate is for training and demonstrations only: documents sealed "
                "with it are marked TEST and are not valid for real cases."
            )
        )
        self.credential_table.retranslate()
        self.root_table.retranslate()
        self.form.retranslate()

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Read both lists again in the background."""
        from inspector_app.services.signing_keys import list_credentials, list_trusted_roots

        profile = self.context.profile

        def work() -> Lists:
            return list_credentials(profile=profile), list_trusted_roots(profile=profile)

        self.loading = True
        self._run(work, self._show, label=_("Reading the certificates"), writes=False)

    def _show(self, lists: Lists) -> None:
        self.loading = False
        self.credentials, self.roots = lists
        self.credential_table.set_rows(self.credentials)
        self.root_table.set_rows(self.roots)

    def _run(
        self, work: Callable[[], R], done: Callable[[R], None], *, label: str, writes: bool
    ) -> None:
        from ui.workers import Operation

        if writes:
            self.busy = True
            self.error_label.hide()
            self._update_buttons()

        def deliver(result: R) -> None:
            if writes:  # a list read finishing never re-enables buttons during a write
                self.busy = False
                self._update_buttons()
            done(result)

        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(deliver).failure(self._failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks, writes=writes)

    def reject(self) -> None:
        """Close waits for a change under way (the page must hear that it happened)."""
        if self.busy:
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window waits for a change under way, like Close."""
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)

    def _update_buttons(self) -> None:
        for button in (self.import_button, self.test_button, self.trust_button):
            button.setEnabled(not self.busy)
        self.form.import_button.setEnabled(not self.busy)

    def _failed(self, error: BaseException) -> None:
        from inspector_app.signing.errors import CredentialError

        self.busy = self.loading = False
        self._update_buttons()
        if isinstance(error, OSError) and error.strerror:  # the chosen file, not a refusal
            error_report.log_error(error)
            self._show_error(
                _("The file could not be read: {reason}").format(reason=error.strerror)
            )
        elif isinstance(error, CredentialError):  # wrong password, not PKCS#12, expired …
            error_report.log_error(error)
            self._show_error(str(error))
        else:
            error_report.handle_failure(error, self._show_error, always_show=True)

    def _show_error(self, message: str) -> None:
        if self.form.isVisible():
            self.form.show_error(message)
        else:
            self.error_label.setText(message)
            self.error_label.show()

    def _changed(self, message: str) -> None:
        self.status_label.setText(message)
        self.changed.emit()
        self.reload()

    # ------------------------------------------------------------------ actions

    def choose_pkcs12(self) -> QWidget:
        """Pick a PKCS#12 file (non-blocking); the form then asks its password."""
        self.picker = pickers.open_file(
            self,
            _("Import a signing certificate"),
            _("PKCS#12 files (*.p12 *.pfx);;All files (*)"),
            self.form.start,
        )
        return self.picker

    def import_chosen(self) -> None:
        """Import the file in the form with the password typed."""
        from inspector_app.services.signing_keys import import_pkcs12

        path = self.form.path
        if path is None:
            return
        profile = self.context.profile
        password, label = self.form.password_edit.text(), self.form.label_edit.text()
        self.form.error_label.hide()

        def work() -> CredentialRow:
            return import_pkcs12(
                profile=profile, data=path.read_bytes(), password=password, label=label
            )

        def done(row: CredentialRow) -> None:
            self.form.hide()
            self.form.password_edit.clear()
            self._changed(
                _("Imported the certificate of {name}; it now seals documents.").format(
                    name=row.subject_name
                )
            )

        self._run(work, done, label=_("Importing the certificate"), writes=True)

    def create_test_certificate(self) -> None:
        """Issue a local TEST certificate for the profile's owner."""
        from inspector_app.services.signing_keys import create_test_credentials

        profile = self.context.profile
        self.form.hide()

        def done(row: CredentialRow) -> None:
            self._changed(
                _(
                    "Created a TEST certificate for {name} (training and demonstrations only)."
                ).format(name=row.subject_name)
            )

        self._run(
            lambda: create_test_credentials(profile=profile),
            done,
            label=_("Creating a test certificate"),
            writes=True,
        )

    def choose_root(self) -> QWidget:
        """Pick a root certificate file to trust (non-blocking)."""
        self.picker = pickers.open_file(
            self,
            _("Trust a root certificate"),
            _("Certificates (*.cer *.crt *.pem *.der);;All files (*)"),
            self.trust_file,
        )
        return self.picker

    def trust_file(self, path: Path) -> None:
        """Trust the root certificate in ``path``."""
        from inspector_app.services.signing_keys import trust_root

        profile = self.context.profile
        self.form.hide()

        def done(row: TrustedRootRow) -> None:
            message = _("Documents signed under {name} are now trusted.")
            self._changed(message.format(name=row.subject_name))

        self._run(
            lambda: trust_root(profile=profile, certificate=path.read_bytes()),
            done,
            label=_("Trusting the root certificate"),
            writes=True,
        )
