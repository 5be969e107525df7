"""One case's documents workspace: the set, its signers, sealing, and the issued files.

The view reads everything for the selected case in one background call (fast: no layout),
and again after each change. Sealing is offered to the team leader once every signature is
on record and the profile has a certificate; otherwise a line says why not. A sealed case
shows a banner saying so, and nothing in it can be signed or edited any more.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import DEFAULT_LANGUAGE, LANGUAGES, _
from inspector_app.vocabulary import case_status_label
from ui import error_report
from ui.context import ShellContext
from ui.documents.document_set_panel import DocumentSetPanel
from ui.documents.issued_panel import IssuedPanel
from ui.documents.signers_panel import SignersPanel
from ui.documents.summary import (
    CERTIFICATES_LINK,
    Workspace,
    load_workspace,
    seal_status,
    sealed_banner,
)
from ui.widgets.empty_state import EmptyStateWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.documents.service import IssueResult
    from inspector_app.services.case_files import CaseFileRow
    from ui.documents.seal_dialog import SealDialog

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


class CaseDocumentsView(QWidget):
    """The selected case's workspace under the page's case table.

    ``sealed`` is emitted after sealing or an approval (the case list changes too);
    ``certificates_requested`` when the user follows the "Certificates…" link.
    """

    sealed = Signal()
    certificates_requested = Signal()

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case_row: CaseFileRow | None = None
        self.workspace: Workspace | None = None
        self.loading = False
        self.sealing = False
        self.seal_dialog: SealDialog | None = None
        self._generation = 0
        self.case_title = QLabel(self)
        self.case_title.setObjectName("sectionTitle")
        self.language_label = QLabel(self)
        self.language_combo = QComboBox(self)
        for language in LANGUAGES:
            name = LANGUAGE_NAMES.get(language.code, language.native_name)
            self.language_combo.addItem(name, language.code)
        self.language_combo.setCurrentIndex(self.language_combo.findData(DEFAULT_LANGUAGE))
        self.seal_button = QPushButton(self)
        self.seal_button.setObjectName("primaryButton")
        self.seal_button.clicked.connect(self.confirm_seal)
        self.seal_status = QLabel(self)
        self.seal_status.setObjectName("fieldHelp")
        self.seal_status.setWordWrap(True)
        self.seal_status.setTextFormat(Qt.TextFormat.RichText)
        self.seal_status.linkActivated.connect(self._link)
        self.banner = QLabel(self)
        self.banner.setObjectName("sealedNote")
        self.banner.setWordWrap(True)
        # Two labels: the stylesheet's padding does not follow an object name change.
        self.notice = QLabel(self)
        self.notice.setObjectName("fieldHelp")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        for label in (self.notice, self.error_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.hide()
        self.document_set = DocumentSetPanel(context, self.language, self)
        self.signers = SignersPanel(context, self)
        self.issued = IssuedPanel(context, self)
        for panel in (self.document_set, self.signers, self.issued):
            panel.changed.connect(self.reload)
        for source in (self.signers, self.issued):
            source.notify.connect(self.show_notice)
        self.issued.changed.connect(self.sealed.emit)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        for panel in (self.document_set, self.signers, self.issued):
            self.tabs.addTab(panel, "")
        self.empty = EmptyStateWidget("documents", self)
        self._build_layout()
        self.retranslate()

    def _build_layout(self) -> None:
        workspace = QWidget(self)
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.case_title, 1)
        header.addWidget(self.language_label)
        header.addWidget(self.language_combo)
        header.addSpacing(12)
        header.addWidget(self.seal_button)
        inner = QVBoxLayout(workspace)
        inner.setContentsMargins(0, 8, 0, 0)
        inner.setSpacing(6)
        inner.addLayout(header)
        inner.addWidget(self.banner)
        inner.addWidget(self.seal_status)
        inner.addWidget(self.notice)
        inner.addWidget(self.error_label)
        inner.addWidget(self.tabs, 1)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(workspace)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def language(self) -> str:
        """The language documents are laid out in (the page's choice, Chinese by default)."""
        return str(self.language_combo.currentData())

    def retranslate(self) -> None:
        """Re-read every text."""
        self.language_label.setText(_("Document language"))
        self.language_combo.setToolTip(
            _("Documents are laid out and sealed in this language, whatever the screen shows")
        )
        self.seal_button.setText(_("Seal and close…"))
        self.seal_button.setToolTip(
            _("Seal every document with your certificate; the case closes and becomes read-only")
        )
        self.tabs.setTabText(0, _("Document set"))
        self.tabs.setTabText(1, _("Signatures"))
        self.tabs.setTabText(2, _("Issued documents"))
        for panel in (self.document_set, self.signers, self.issued):
            panel.retranslate()
        self.empty.set_texts(
            _("Choose a case file"),
            _("Its documents, who signs them and the sealed files are shown here."),
        )
        self._render()

    # ------------------------------------------------------------------ loading

    def set_case(self, row: CaseFileRow | None) -> None:
        """Show ``row``'s case; the same case is read again (it may have changed)."""
        changed = (row.id if row else None) != (self.case_row.id if self.case_row else None)
        self.case_row = row
        self.issued.set_case_row(row)
        if changed:
            self.workspace = None
            self.clear_notice()
            self._show_workspace()
        self.reload()

    def reload(self) -> None:
        """Read the case's documents again in the background (latest call wins)."""
        self._generation += 1
        generation = self._generation
        row = self.case_row
        if row is None:
            self.loading = False
            self._render()
            return
        profile, case_id = self.context.profile, row.id
        self.loading = True

        def deliver(workspace: Workspace) -> None:
            if generation == self._generation:
                self.loading = False
                self.workspace = workspace
                self._show_workspace()

        def fail(error: BaseException) -> None:
            if generation == self._generation:
                self.loading = False
                error_report.handle_failure(
                    error, lambda text: self.show_notice(text, True), always_show=True
                )

        operation: Operation[Workspace] = Operation.of(
            lambda: load_workspace(profile=profile, case_id=case_id),
            label=_("Reading the case's documents"),
        )
        operation.success(deliver).failure(fail).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks)

    def _show_workspace(self) -> None:
        for panel in (self.document_set, self.signers, self.issued):
            panel.set_workspace(self.workspace)
        self._render()

    def _render(self) -> None:
        row, workspace = self.case_row, self.workspace
        self.stack.setCurrentIndex(0 if row is not None else 1)
        if row is None:
            return
        status = workspace.case.status if workspace is not None else row.status
        self.case_title.setText(
            _("Case {number} · {status}").format(
                number=row.number, status=case_status_label(status)
            )
        )
        if workspace is None:
            self.banner.hide()
            self.seal_status.setText(_("Reading the case's documents…"))
            self.seal_button.setEnabled(False)
            return
        read_only = workspace.case.read_only
        self.language_combo.setEnabled(not read_only)  # sealed files keep their language
        self.banner.setVisible(read_only)
        self.banner.setText(sealed_banner(workspace.case) if read_only else "")
        self.seal_status.setVisible(not read_only)
        self.seal_status.setText("" if read_only else seal_status(workspace))
        self.seal_button.setVisible(not read_only)
        self.seal_button.setEnabled(workspace.seal_ready and not self.sealing)

    def show_notice(self, message: str, error: bool) -> None:
        """Say ``message`` above the tabs (red for an error)."""
        shown, hidden = (
            (self.error_label, self.notice) if error else (self.notice, self.error_label)
        )
        hidden.hide()
        shown.setText(message)
        shown.show()

    def clear_notice(self) -> None:
        """Hide the message line."""
        self.notice.hide()
        self.error_label.hide()

    def _link(self, href: str) -> None:
        if href == CERTIFICATES_LINK:
            self.certificates_requested.emit()

    # ------------------------------------------------------------------ sealing

    def confirm_seal(self) -> SealDialog | None:
        """Ask the leader to confirm (non-blocking); sealing starts on "Seal and close"."""
        from inspector_app.services.case_files import case_export_folder
        from ui.documents.seal_dialog import SealDialog

        workspace = self.workspace
        if workspace is None or not workspace.seal_ready or self.sealing:
            return None
        folder = case_export_folder(
            profile=self.context.profile, case_number=workspace.case.case_number
        )
        dialog = SealDialog(workspace, folder, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(
            lambda: self.seal(workspace.case.case_id, export_to=dialog.export_folder())
        )
        self.seal_dialog = dialog
        dialog.open()
        return dialog

    def seal(self, case_id: str, *, export_to: Path | None = None) -> None:
        """Seal the set and close the case (progress dialog over the view); copies go to
        ``export_to`` if given."""
        from ui.documents.seal_dialog import start_sealing

        self.sealing = True
        self.clear_notice()
        self._render()
        start_sealing(
            self.context,
            self,
            case_id=case_id,
            language=self.language(),
            export_to=export_to,
            done=self._sealed,
            failed=self._seal_failed,
            cancelled=self._seal_cancelled,
        )

    def _sealed(self, result: IssueResult) -> None:
        self.sealing = False
        facts = {"n": len(result.documents), "name": result.signer, "number": result.case_number}
        if result.exported:
            message = _(
                "Sealed {n} documents with the certificate of {name}; case {number} is closed. "
                "Copies are saved in {folder}."
            ).format(folder=result.exported[0].parent, **facts)
        else:
            message = _(
                "Sealed {n} documents with the certificate of {name}; case {number} is closed."
            ).format(**facts)
        self.show_notice(message, False)
        if result.export_problem:  # issued all the same; the copies can be exported again
            self.error_label.setText(result.export_problem)
            self.error_label.show()
        showing = (
            self.workspace is not None and self.workspace.case.case_number == result.case_number
        )
        if showing:  # not when the user moved on to another case meanwhile
            self.tabs.setCurrentWidget(self.issued)
        self.reload()
        self.sealed.emit()

    def _seal_failed(self, error: BaseException) -> None:
        from inspector_app.documents.fonts import FontUnavailableError
        from inspector_app.signing.errors import SigningFailure

        self.sealing = False
        self._render()
        if isinstance(error, SigningFailure | FontUnavailableError):  # the message says what
            error_report.log_error(error)
            self.show_notice(str(error), True)
        else:
            error_report.handle_failure(
                error, lambda text: self.show_notice(text, True), always_show=True
            )
        self.reload()

    def _seal_cancelled(self) -> None:
        self.sealing = False
        self.show_notice(_("Sealing was cancelled; nothing was sealed."), False)
        self.reload()
