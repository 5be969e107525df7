"""文书 Documents: the case files above, the selected case's documents workspace below.

The workspace (``ui.documents``) shows the document set, who signs it, sealing and the issued
files. The header checks any signed PDF and manages the signing certificates; exported files
live under the profile's ``exports/`` folder and open in the system's viewer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.vocabulary import case_status_label
from ui import formatting
from ui.context import ShellContext
from ui.documents import pickers
from ui.documents.case_documents_view import CaseDocumentsView
from ui.documents.exported_files import ExportedFilesWidget, open_path
from ui.icons import icon
from ui.pages.base_page import BasePage
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.case_files import CaseFileRow

__all__ = ["CASE_COLUMNS", "DocumentsPage", "open_path"]

CASE_COLUMNS: list[Column[CaseFileRow]] = [
    Column(lambda: _("Case number"), lambda c: c.number, width=150),
    Column(lambda: _("Task"), lambda c: f"{c.task_number} {c.task_title}", stretch=True),
    Column(
        lambda: _("Institution"),
        lambda c: c.institution_name or _("sealed (opened on site)"),
        muted=lambda c: c.institution_name is None,
        width=220,
    ),
    Column(lambda: _("Status"), lambda c: case_status_label(c.status), width=90),
    Column(
        lambda: _("Exported files"),
        lambda c: formatting.count(len(c.documents)),
        sort_key=lambda c: len(c.documents),
        align=RIGHT,
        width=90,
    ),
]


class DocumentsPage(BasePage):
    """Case files above, the selected case's documents workspace below."""

    icon_name = "documents"

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.cases: list[CaseFileRow] = []
        self.dialog: QWidget | None = None
        self.refresh_button = QPushButton(icon("refresh"), "", self)
        self.refresh_button.clicked.connect(self.reload)
        self.verify_button = QPushButton(icon("integrity"), "", self)
        self.verify_button.clicked.connect(self.choose_pdf_to_verify)
        self.certificates_button = QPushButton(icon("lock"), "", self)
        self.certificates_button.clicked.connect(self.open_certificates)
        for button in (self.verify_button, self.certificates_button, self.refresh_button):
            self.header_actions.addWidget(button)
        self.case_table = DataTableWidget(CASE_COLUMNS, self)
        self.case_table.selectionModel().currentRowChanged.connect(self._case_changed)
        self._restoring = False
        self.workspace = CaseDocumentsView(context, self)
        self.workspace.sealed.connect(self.reload)
        self.workspace.certificates_requested.connect(self.open_certificates)
        self.no_cases = EmptyStateWidget("documents", self)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.case_table)
        splitter.addWidget(self.workspace)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 520])
        self.stack = QStackedWidget(self)
        self.stack.addWidget(splitter)
        self.stack.addWidget(self.no_cases)
        self.body.addWidget(self.stack, 1)
        self.retranslate()

    def title(self) -> str:
        return _("Documents")

    def retranslate(self) -> None:
        super().retranslate()
        self.refresh_button.setText(_("Refresh"))
        self.verify_button.setText(_("Verify a PDF…"))
        self.verify_button.setToolTip(_("Check the signatures of any PDF file"))
        self.certificates_button.setText(_("Certificates…"))
        self.certificates_button.setToolTip(
            _("The certificates you seal with and the roots documents are checked against")
        )
        self.summary_label.setText(
            _(
                "Each case's documents of record: signed on screen by everyone involved, then "
                "sealed by the team leader, which closes the case. Files are exported to {folder}."
            ).format(folder=self._exports_folder())
        )
        self.no_cases.set_texts(
            _("No case files yet"),
            _(
                "A case file is opened when an inspection starts on site. Its documents "
                "(inspection notice, on-site inspection record, interview records, findings "
                "list, evidence list) are signed and sealed here."
            ),
        )
        self.case_table.retranslate()
        self.workspace.retranslate()

    def _exports_folder(self) -> Path:
        from inspector_app.services.case_files import exports_folder

        return exports_folder(self.context.profile)

    def reload(self) -> None:
        from inspector_app.services.case_files import list_case_files

        profile = self.context.profile
        self.load(
            lambda: list_case_files(profile=profile), self.show_cases, label=_("Loading case files")
        )

    def show_cases(self, cases: list[CaseFileRow]) -> None:
        """Render ``cases`` (the service's result), keeping the selected case if possible."""
        selected = self.case_table.current_row()
        self.cases = cases
        self.case_table.set_rows(cases)
        self.stack.setCurrentIndex(0 if cases else 1)
        ids = [case.id for case in self.case_table.visible_rows()]
        self._restoring = True  # one workspace load below, not one more per selection signal
        try:
            if selected is not None and selected.id in ids:
                self.case_table.selectRow(ids.index(selected.id))
            else:
                self.case_table.select_first()
        finally:
            self._restoring = False
        self.workspace.set_case(self.case_table.current_row())

    def select_case(self, case_id: str) -> bool:
        """Select the case ``case_id`` in the table; False when it is not listed."""
        ids = [case.id for case in self.case_table.visible_rows()]
        if case_id not in ids:
            return False
        self.case_table.selectRow(ids.index(case_id))
        return True

    def _case_changed(self) -> None:
        if not self._restoring:
            self.workspace.set_case(self.case_table.current_row())

    @property
    def exported_files(self) -> ExportedFilesWidget:
        """The selected case's files under ``exports/<case>`` (in the Issued documents tab)."""
        return self.workspace.issued.files

    # ------------------------------------------------------------------ header actions

    def choose_pdf_to_verify(self) -> QWidget:
        """Pick any PDF (non-blocking); its signatures are then checked in a dialog."""
        self.dialog = pickers.open_file(
            self, _("Verify a signed PDF"), _("PDF documents (*.pdf)"), self.verify_pdf
        )
        return self.dialog

    def verify_pdf(self, path: Path) -> QDialog:
        """Check ``path``'s signatures (pyHanko and pdfsig) and show the verdict."""
        from ui.documents.verify_dialog import VerificationDialog

        dialog = VerificationDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.verify_file(path)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_certificates(self) -> QDialog:
        """The signing certificates and trusted roots (the workspace re-reads on a change)."""
        from ui.documents.certificates_dialog import CertificatesDialog

        dialog = CertificatesDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.workspace.reload)
        self.dialog = dialog
        dialog.open()
        return dialog
