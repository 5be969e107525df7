"""The files exported for a case under ``exports/<case>``; they open in the system's viewer.

Sealed copies land here when the leader asks for them at sealing (or exports them later);
anything else put in the folder is listed too. Nothing here is read by the application.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from ui import formatting
from ui.context import ShellContext
from ui.icons import icon
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.case_files import CaseFileRow, ExportedDocument

DOCUMENT_COLUMNS: list[Column[ExportedDocument]] = [
    Column(lambda: _("File"), lambda d: d.name, stretch=True, tooltip=lambda d: str(d.path)),
    Column(lambda: _("Size"), lambda d: formatting.file_size(d.size_bytes),
           sort_key=lambda d: d.size_bytes, align=RIGHT, width=100),
    Column(lambda: _("Modified"), lambda d: formatting.local_time(d.modified_at),
           sort_key=lambda d: d.modified_at, width=140),
]  # fmt: skip


def open_path(path: Path) -> bool:
    """Open a file or folder with the desktop's default application."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class ExportedFilesWidget(QWidget):
    """A title with Open / Open folder over the files, or a note when there are none."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.case: CaseFileRow | None = None
        self.documents_title = QLabel(self)
        self.documents_title.setObjectName("sectionTitle")
        self.open_button = QPushButton(icon("open-file"), "", self)
        self.open_button.clicked.connect(self._open_selected)
        self.folder_button = QPushButton(icon("folder-open"), "", self)
        self.folder_button.clicked.connect(self._open_folder)
        self.document_table = DataTableWidget(DOCUMENT_COLUMNS, self)
        self.document_table.row_activated.connect(lambda doc: open_path(doc.path))
        self.no_documents = EmptyStateWidget("documents", self)
        margins = self.no_documents.layout()
        if margins is not None:  # a compact note: this sits under the issued documents
            margins.setContentsMargins(24, 8, 24, 8)
        self.document_stack = QStackedWidget(self)
        self.document_stack.addWidget(self.document_table)
        self.document_stack.addWidget(self.no_documents)
        row = QHBoxLayout()
        row.addWidget(self.documents_title, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.document_stack, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.open_button.setText(_("Open"))
        self.folder_button.setText(_("Open folder"))
        self.document_table.retranslate()
        self.set_case(self.case)

    def folder(self) -> Path | None:
        """Where the case's files are exported (None: no case)."""
        from inspector_app.services.case_files import case_export_folder

        if self.case is None:
            return None
        return case_export_folder(profile=self.context.profile, case_number=self.case.number)

    def set_case(self, case: CaseFileRow | None) -> None:
        """Show the files exported for ``case``."""
        self.case = case
        has_documents = case is not None and bool(case.documents)
        self.open_button.setEnabled(has_documents)
        self.folder_button.setEnabled(case is not None)
        if case is None:
            self.documents_title.setText(_("Choose a case file to see its documents."))
            self.document_table.set_rows([])
            return
        count = len(case.documents)
        self.documents_title.setText(
            ngettext(
                "{n} document exported for case {number}",
                "{n} documents exported for case {number}",
                count,
            ).format(n=count, number=case.number)
            if count
            else _("Documents of case {number}").format(number=case.number)
        )
        self.document_table.set_rows(case.documents)
        self.document_stack.setCurrentIndex(0 if has_documents else 1)
        if has_documents:
            self.document_table.select_first()
        else:
            self.no_documents.set_texts(
                _("No exported documents for case {number} yet").format(number=case.number),
                _(
                    "Copies of the sealed documents are saved in {folder} when you ask for "
                    "them (when sealing, or with Export…) and appear here."
                ).format(folder=self.folder()),
            )

    def _open_selected(self) -> None:
        document = self.document_table.current_row()
        if document is not None:
            open_path(document.path)

    def _open_folder(self) -> None:
        folder = self.folder()
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)  # the place exports will go; harmless
        open_path(folder)
