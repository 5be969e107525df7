"""文书 Documents: the case files and the documents exported for each.

Exported files live under the profile's ``exports/`` folder (see
``inspector_app.services.case_files``); they open in the system's viewer. When a case has
no exported document yet, the page says so instead of showing an empty table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from inspector_app.vocabulary import case_status_label
from ui import formatting
from ui.context import ShellContext
from ui.icons import icon
from ui.pages.base_page import BasePage
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.case_files import CaseFileRow, ExportedDocument

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
        lambda: _("Documents"),
        lambda c: formatting.count(len(c.documents)),
        sort_key=lambda c: len(c.documents),
        align=RIGHT,
        width=90,
    ),
]
DOCUMENT_COLUMNS: list[Column[ExportedDocument]] = [
    Column(lambda: _("File"), lambda d: d.name, stretch=True, tooltip=lambda d: str(d.path)),
    Column(
        lambda: _("Size"),
        lambda d: formatting.file_size(d.size_bytes),
        sort_key=lambda d: d.size_bytes,
        align=RIGHT,
        width=100,
    ),
    Column(
        lambda: _("Modified"),
        lambda d: formatting.local_time(d.modified_at),
        sort_key=lambda d: d.modified_at,
        width=140,
    ),
]


def open_path(path: Path) -> bool:
    """Open a file or folder with the desktop's default application."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class DocumentsPage(BasePage):
    """Case files above, the selected case's exported documents below."""

    icon_name = "documents"

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.cases: list[CaseFileRow] = []
        self.refresh_button = QPushButton(icon("refresh"), "", self)
        self.refresh_button.clicked.connect(self.reload)
        self.header_actions.addWidget(self.refresh_button)
        self.case_table = DataTableWidget(CASE_COLUMNS, self)
        self.case_table.selectionModel().currentRowChanged.connect(self._case_changed)
        self.document_table = DataTableWidget(DOCUMENT_COLUMNS, self)
        self.document_table.row_activated.connect(lambda doc: open_path(doc.path))
        self.no_documents = EmptyStateWidget("documents", self)
        self.no_cases = EmptyStateWidget("documents", self)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        self.documents_title = QLabel(lower)
        self.documents_title.setObjectName("sectionTitle")
        self.open_button = QPushButton(icon("open-file"), "", lower)
        self.open_button.clicked.connect(self._open_selected)
        self.folder_button = QPushButton(icon("folder-open"), "", lower)
        self.folder_button.clicked.connect(self._open_folder)
        row.addWidget(self.documents_title, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.folder_button)
        lower_layout.addLayout(row)
        self.document_stack = QStackedWidget(lower)
        self.document_stack.addWidget(self.document_table)
        self.document_stack.addWidget(self.no_documents)
        lower_layout.addWidget(self.document_stack, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.case_table)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([300, 260])
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
        self.open_button.setText(_("Open"))
        self.folder_button.setText(_("Open folder"))
        self.summary_label.setText(
            _("Documents exported for each case file, from {folder}.").format(
                folder=self._exports_folder()
            )
        )
        self.no_cases.set_texts(
            _("No case files yet"),
            _(
                "A case file is opened when an inspection starts on site. Its exported "
                "documents (inspection notice, on-site inspection record, findings list) "
                "are listed here."
            ),
        )
        self.case_table.retranslate()
        self.document_table.retranslate()
        self._show_documents(self.case_table.current_row())

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
        rows = self.case_table.visible_rows()
        ids = [case.id for case in rows]
        if selected is not None and selected.id in ids:
            self.case_table.selectRow(ids.index(selected.id))
        else:
            self.case_table.select_first()
        self._show_documents(self.case_table.current_row())

    def _case_changed(self) -> None:
        self._show_documents(self.case_table.current_row())

    def _show_documents(self, case: CaseFileRow | None) -> None:
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
                    "Documents exported for this case are saved in {folder} and appear here. "
                    "Nothing has been exported for it so far."
                ).format(folder=self._case_folder(case)),
            )

    def _case_folder(self, case: CaseFileRow) -> Path:
        from inspector_app.services.case_files import case_export_folder

        return case_export_folder(profile=self.context.profile, case_number=case.number)

    def _open_selected(self) -> None:
        document = self.document_table.current_row()
        if document is not None:
            open_path(document.path)

    def _open_folder(self) -> None:
        case = self.case_table.current_row()
        if case is None:
            return
        folder = self._case_folder(case)
        folder.mkdir(parents=True, exist_ok=True)  # the place exports will go; harmless
        open_path(folder)
