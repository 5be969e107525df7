"""The sealed files of a case (preview, verify, export, a supervisor's approval), above the
files exported for it under ``exports/<case>``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext, pgettext
from inspector_app.progress import Progress
from local_db.enums import UserRole
from ui import error_report, formatting
from ui.context import ShellContext
from ui.documents import pickers
from ui.documents.exported_files import ExportedFilesWidget
from ui.documents.summary import Workspace
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.documents.service import IssuedRow, IssueResult
    from inspector_app.services.case_files import CaseFileRow

APPROVING_ROLES = frozenset({UserRole.SUPERVISOR, UserRole.ADMIN})

ISSUED_COLUMNS: list[Column[IssuedRow]] = [
    Column(lambda: _("Document"), lambda r: r.title or r.file_name, stretch=True,
           tooltip=lambda r: r.file_name),
    Column(lambda: _("Number"), lambda r: r.number, width=120),
    Column(lambda: _("Signatures"), lambda r: str(r.signature_count), align=RIGHT, width=80),
    Column(lambda: _("Signed by"), lambda r: pgettext("list separator", ", ").join(r.signed_by),
           width=140),
    Column(lambda: _("Sealed at"), lambda r: formatting.local_time(r.sealed_at),
           sort_key=lambda r: r.sealed_at, width=130),
    Column(lambda: _("SHA-256"), lambda r: r.sha256[:12], tooltip=lambda r: r.sha256, width=110),
]  # fmt: skip


class IssuedPanel(QWidget):
    """Issued documents above, the exported files below."""

    changed = Signal()
    notify = Signal(str, bool)  # message, is an error

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.workspace: Workspace | None = None
        self.case_row: CaseFileRow | None = None
        self.dialog: QWidget | None = None
        self.busy = False
        self.issued_title = QLabel(self)
        self.issued_title.setObjectName("sectionTitle")
        self.issued_table = DataTableWidget(ISSUED_COLUMNS, self)
        self.issued_table.row_activated.connect(lambda _row: self.preview())
        self.preview_button = QPushButton(self)
        self.preview_button.clicked.connect(self.preview)
        self.verify_button = QPushButton(self)
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.choose_export_folder)
        self.approve_button = QPushButton(self)
        self.approve_button.clicked.connect(self.confirm_approval)
        self.approve_button.setVisible(context.profile.info.role in APPROVING_ROLES)
        self.files = ExportedFilesWidget(context, self)
        self._build_layout()
        self.retranslate()

    def _build_layout(self) -> None:
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.issued_title, 1)
        buttons = [self.preview_button, self.verify_button, self.export_button]
        for button in [*buttons, self.approve_button]:
            row.addWidget(button)
        top_layout.addLayout(row)
        top_layout.addWidget(self.issued_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.files)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.preview_button.setText(_("Preview"))
        self.verify_button.setText(_("Verify"))
        self.verify_button.setToolTip(_("Check every seal against the trusted roots"))
        self.export_button.setText(_("Export…"))
        self.export_button.setToolTip(_("Copy the sealed PDFs to a folder"))
        self.approve_button.setText(_("Approve…"))
        self.approve_button.setToolTip(_("Add your approval signature to each sealed document"))
        self.issued_table.retranslate()
        self.files.retranslate()
        self._render()

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show the issued documents of ``workspace``'s case."""
        self.workspace = workspace
        self.issued_table.set_rows(workspace.case.issued if workspace is not None else [])
        self.issued_table.select_first()
        self._render()

    def set_case_row(self, row: CaseFileRow | None) -> None:
        """Show the files exported for ``row``'s case."""
        self.case_row = row
        self.files.set_case(row)
        self._render()

    def _render(self) -> None:
        workspace = self.workspace
        issued = list(workspace.case.issued) if workspace is not None else []
        self.issued_title.setText(
            ngettext("{n} sealed document", "{n} sealed documents", len(issued)).format(
                n=len(issued)
            )
            if issued
            else _("Nothing sealed yet: the team leader seals the set once everyone has signed.")
        )
        for button in (self.preview_button, self.verify_button, self.export_button):
            button.setEnabled(bool(issued) and not self.busy)
        approvable = (
            workspace is not None
            and workspace.case.read_only
            and bool(issued)
            and all(r.signature_count < 2 for r in issued)
        )
        self.approve_button.setEnabled(approvable and not self.busy)

    # ------------------------------------------------------------------ actions

    def _issued(self) -> list[IssuedRow]:
        return list(self.issued_table.visible_rows())

    def preview(self) -> QDialog | None:
        """Show the sealed files as issued, from the encrypted store."""
        from ui.documents.preview_dialog import DocumentPreviewDialog

        rows = self._issued()
        if not rows:
            return None
        selected = self.issued_table.current_row()
        initial = rows.index(selected) if selected in rows else 0
        dialog = DocumentPreviewDialog.issued(self.context, rows, initial=initial, parent=self)
        return self._open(dialog)

    def verify(self) -> QDialog | None:
        """Verify every issued document of the case in a results dialog."""
        from ui.documents.verify_dialog import VerificationDialog

        workspace = self.workspace
        if workspace is None or not workspace.case.issued:
            return None
        dialog = VerificationDialog(self.context, self)
        dialog.verify_issued(workspace.case.case_id, workspace.case.case_number)
        return self._open(dialog)

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def choose_export_folder(self) -> QWidget | None:
        """Ask for a folder (non-blocking), then copy the sealed PDFs there."""
        if self.workspace is None or not self.workspace.case.issued:
            return None
        self.dialog = pickers.choose_folder(
            self, _("Export the sealed documents to"), self.export_to
        )
        return self.dialog

    def export_to(self, folder: Path) -> None:
        """Copy the case's sealed PDFs into ``folder`` in the background."""
        from inspector_app.documents.service import export_issued

        if self.workspace is None:
            return
        profile, case_id = self.context.profile, self.workspace.case.case_id

        def done(paths: list[Path]) -> None:
            self.notify.emit(
                ngettext(
                    "Exported {n} sealed document to {folder}.",
                    "Exported {n} sealed documents to {folder}.",
                    len(paths),
                ).format(n=len(paths), folder=folder),
                False,
            )

        operation: Operation[list[Path]] = Operation.of(
            lambda: export_issued(profile=profile, case_id=case_id, folder=folder),
            label=_("Exporting the sealed documents"),
        )
        operation.success(done).failure(self._failed).owned_by(self).with_dialog(self)
        operation.run_in_background(self.context.tasks)

    def confirm_approval(self) -> QMessageBox | None:
        """Ask the supervisor to confirm, then countersign (non-blocking)."""
        if self.workspace is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Approve the sealed documents"),
            _(
                "Add your approval signature to each sealed document of case {number}? The "
                "sealed files stay as they were issued; approved copies are added beside them."
            ).format(number=self.workspace.case.case_number),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(_("Approve"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(self.approve)
        self.dialog = box
        box.open()
        return box

    def approve(self) -> None:
        """Countersign the case's sealed documents on the database worker."""
        from inspector_app.documents.service import countersign_documents

        if self.workspace is None:
            return
        profile, case_id = self.context.profile, self.workspace.case.case_id

        def work(progress: Progress) -> IssueResult:
            return countersign_documents(profile=profile, case_id=case_id, progress=progress)

        def done(result: IssueResult) -> None:
            self.busy = False
            self.notify.emit(
                _("Approved {n} documents with the certificate of {name}.").format(
                    n=len(result.documents), name=result.signer
                ),
                False,
            )
            self.changed.emit()

        self.busy = True
        self._render()
        operation: Operation[IssueResult] = Operation(work, label=_("Signing the documents"))
        operation.success(done).failure(self._failed).owned_by(self).with_dialog(self)
        operation.run_in_background(self.context.tasks, writes=True)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self._render()
        if isinstance(error, OSError) and error.strerror:  # a file problem, not a refusal
            error_report.log_error(error)
            self.notify.emit(
                _("The files could not be written: {reason}").format(
                    reason=error.strerror or error
                ),
                True,
            )
            return
        error_report.handle_failure(
            error, lambda text: self.notify.emit(text, True), always_show=True
        )
