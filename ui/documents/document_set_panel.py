"""The document set of a case: each document's signature counts, its preview, the on-site text."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector_app.i18n import _
from ui.context import ShellContext
from ui.documents.summary import DocumentSummary, Workspace, document_status
from ui.widgets.data_table import RIGHT, Column, DataTableWidget


def _columns(sealed: Callable[[], bool]) -> list[Column[DocumentSummary]]:
    return [
        Column(lambda: _("Document"), lambda d: d.name, stretch=True),
        Column(lambda: _("Signers"), lambda d: str(d.signers), align=RIGHT, width=70),
        Column(lambda: _("Signed"), lambda d: str(d.signed), align=RIGHT, width=70),
        Column(lambda: _("Refused"), lambda d: str(d.refused), align=RIGHT, width=70),
        Column(
            lambda: _("Missing"),
            lambda d: str(d.missing),
            align=RIGHT,
            muted=lambda d: d.missing == 0,
            width=70,
        ),
        Column(lambda: _("Status"), lambda d: document_status(d, sealed=sealed()), width=140),
    ]


class DocumentSetPanel(QWidget):
    """The set's table with Preview and the on-site record editor."""

    changed = Signal()

    def __init__(
        self,
        context: ShellContext,
        language: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.language = language
        self.workspace: Workspace | None = None
        self.dialog: QDialog | None = None
        self.table = DataTableWidget(_columns(self._sealed), self)
        self.table.row_activated.connect(lambda _row: self.preview())
        self.table.selectionModel().currentRowChanged.connect(self._update)
        self.hint = QLabel(self)
        self.hint.setObjectName("fieldHelp")
        self.hint.setWordWrap(True)
        self.preview_button = QPushButton(self)
        self.preview_button.clicked.connect(self.preview)
        self.onsite_button = QPushButton(self)
        self.onsite_button.clicked.connect(self.edit_onsite_record)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.onsite_button)
        buttons.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def _sealed(self) -> bool:
        return self.workspace is not None and bool(self.workspace.case.issued)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.preview_button.setText(_("Preview"))
        self.onsite_button.setText(_("Edit on-site record…"))
        self.onsite_button.setToolTip(
            _("The team's narrative, the representative and their statement, the times")
        )
        self.table.retranslate()
        self._update()

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show the set of ``workspace``'s case (None: no case)."""
        selected = self.table.currentIndex().row()
        self.workspace = workspace
        rows = [DocumentSummary(doc) for doc in workspace.case.documents] if workspace else []
        self.table.set_rows(rows)
        if rows:
            self.table.selectRow(min(max(selected, 0), len(rows) - 1))
        self._update()

    def _update(self) -> None:
        workspace = self.workspace
        self.preview_button.setToolTip(
            _("Show the sealed files as issued")
            if self._sealed()
            else _("Lay out the documents as they stand (not sealed)")
        )
        self.preview_button.setEnabled(workspace is not None and bool(workspace.case.documents))
        self.onsite_button.setEnabled(workspace is not None and workspace.may_sign)
        if workspace is None:
            self.hint.setText("")
        elif workspace.case.read_only:
            self.hint.setText(
                _("The set is sealed: Preview shows the sealed files as they were issued.")
            )
        else:
            self.hint.setText(
                _("Previews show the documents as they stand now, in the document language.")
            )

    # ------------------------------------------------------------------ actions

    def preview(self) -> QDialog | None:
        """Open the preview on the selected document (the whole set is listed).

        Once the set is sealed, the preview shows the sealed files as issued instead.
        """
        from ui.documents.preview_dialog import DocumentPreviewDialog

        workspace = self.workspace
        if workspace is None or not workspace.case.documents:
            return None
        selected = self.table.current_row()
        issued = list(workspace.case.issued)
        if issued:
            keys = [(row.kind, row.subject_id) for row in issued]
            ref = selected.document.ref if selected is not None else None
            wanted = (ref.kind.value, ref.subject_id) if ref is not None else None
            initial = keys.index(wanted) if wanted in keys else 0
            return self._open(
                DocumentPreviewDialog.issued(self.context, issued, initial=initial, parent=self)
            )
        # The table may be sorted: find the selected document in the set's own order.
        refs = [document.ref for document in workspace.case.documents]
        chosen = selected.document.ref if selected is not None else None
        dialog = DocumentPreviewDialog.drafts(
            self.context,
            workspace.case.case_id,
            workspace.case.documents,
            language=self.language(),
            initial=refs.index(chosen) if chosen in refs else 0,
            parent=self,
        )
        return self._open(dialog)

    def edit_onsite_record(self) -> QDialog | None:
        """Open the on-site record's editor; the set is read again once it is saved."""
        from ui.documents.onsite_record_dialog import OnsiteRecordDialog

        workspace = self.workspace
        if workspace is None or not workspace.may_sign:
            return None
        dialog = OnsiteRecordDialog(self.context, workspace.case.case_id, self)
        dialog.accepted.connect(self.changed.emit)
        return self._open(dialog)

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog
