"""Preview a case's documents before sealing (drafts) or as issued (sealed), from memory.

The PDFs are built or decrypted in the background and kept in the dialog's memory only: no
temporary file ever holds them. "Export…" writes the one shown to a file the user picks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from ui import error_report
from ui.context import ShellContext
from ui.documents import pickers
from ui.translation import follow_language
from ui.widgets.pdf_preview import PdfPreviewWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.documents.service import DocumentState, IssuedRow


@dataclass(frozen=True)
class LoadedPdf:
    """A document's bytes and the file name an export suggests."""

    data: bytes
    file_name: str


@dataclass(frozen=True)
class PreviewItem:
    """One entry of the list: its name and how to get its PDF (run off the GUI thread)."""

    name: str
    load: Callable[[], LoadedPdf]


class DocumentPreviewDialog(QDialog):
    """Documents on the left, the chosen one on the right; built on demand, cached in memory."""

    def __init__(
        self,
        context: ShellContext,
        items: Sequence[PreviewItem],
        *,
        sealed: bool,
        initial: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.items = list(items)
        self.sealed = sealed
        self.loaded: dict[int, LoadedPdf] = {}
        self.building: set[int] = set()  # documents whose layout is under way
        self.export_dialog: QWidget | None = None
        self.setMinimumSize(980, 700)
        self.document_list = QListWidget(self)
        self.document_list.setMinimumWidth(220)
        self.document_list.setSpacing(2)
        self.preview = PdfPreviewWidget(self)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("fieldHelp")
        self.status_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.export_button = QPushButton(self)
        self.export_button.setAutoDefault(False)
        self.export_button.clicked.connect(self.export_current)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.document_list.currentRowChanged.connect(self.show_item)
        self._build_layout()
        self.retranslate()
        follow_language(self, self.retranslate)
        for item in self.items:
            self.document_list.addItem(item.name)
        if self.items:
            self.document_list.setCurrentRow(max(0, min(initial, len(self.items) - 1)))
        self._update_buttons()

    @classmethod
    def drafts(
        cls,
        context: ShellContext,
        case_id: str,
        documents: Sequence[DocumentState],
        *,
        language: str,
        initial: int = 0,
        parent: QWidget | None = None,
    ) -> DocumentPreviewDialog:
        """The set as it stands, laid out in ``language`` (nothing stored)."""
        from inspector_app.documents.service import build_document

        profile = context.profile

        def loader(document: DocumentState) -> Callable[[], LoadedPdf]:
            def load() -> LoadedPdf:
                rendered = build_document(
                    profile=profile, case_id=case_id, ref=document.ref, language=language
                )
                return LoadedPdf(rendered.pdf, f"{rendered.file_stem}-draft.pdf")

            return load

        items = [PreviewItem(doc.ref.name(), loader(doc)) for doc in documents]
        return cls(context, items, sealed=False, initial=initial, parent=parent)

    @classmethod
    def issued(
        cls,
        context: ShellContext,
        rows: Sequence[IssuedRow],
        *,
        initial: int = 0,
        parent: QWidget | None = None,
    ) -> DocumentPreviewDialog:
        """The sealed files exactly as issued (decrypted from the store)."""
        from inspector_app.documents.service import issued_bytes

        profile = context.profile

        def loader(row: IssuedRow) -> Callable[[], LoadedPdf]:
            return lambda: LoadedPdf(issued_bytes(profile, row), row.file_name)

        items = [PreviewItem(row.title or row.file_name, loader(row)) for row in rows]
        return cls(context, items, sealed=True, initial=initial, parent=parent)

    def _build_layout(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list_title = QLabel(left)
        self.list_title.setObjectName("sectionTitle")
        left_layout.addWidget(self.list_title)
        left_layout.addWidget(self.document_list, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.preview)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 740])
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(bottom)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(
            _("Sealed documents") if self.sealed else _("Document preview — draft, not sealed")
        )
        self.list_title.setText(_("Documents"))
        self.export_button.setText(_("Export…"))
        self.export_button.setToolTip(_("Save the document shown as a PDF file"))
        self.preview.retranslate()
        self._show_title()

    # ------------------------------------------------------------------ loading

    def current_index(self) -> int:
        """The row chosen in the list (-1: none)."""
        return self.document_list.currentRow()

    def show_item(self, index: int) -> None:
        """Show document ``index``, building it in the background the first time."""
        self.error_label.hide()
        if not 0 <= index < len(self.items):
            self.preview.clear()
            self._update_buttons()
            return
        if index in self.loaded:
            self._display(index)
            return
        self.preview.clear()
        self.status_label.setText(_("Laying out {name}…").format(name=self.items[index].name))
        self._update_buttons()
        if index in self.building:  # already under way: it shows itself when it arrives
            return
        self.building.add(index)
        operation: Operation[LoadedPdf] = Operation.of(
            self.items[index].load, label=_("Preparing the preview")
        )
        operation.success(lambda pdf: self._loaded(index, pdf)).failure(
            lambda error: self._failed(index, error)
        ).owned_by(self).quietly().run_in_background(self.context.tasks)

    def _loaded(self, index: int, pdf: LoadedPdf) -> None:
        self.building.discard(index)
        self.loaded[index] = pdf
        if index == self.current_index():
            self._display(index)

    def _failed(self, index: int, error: BaseException) -> None:
        self.building.discard(index)
        if index != self.current_index():
            return
        self.status_label.setText("")
        error_report.handle_failure(error, self.error_label.setText, always_show=True)
        self.error_label.show()

    def _display(self, index: int) -> None:
        self.preview.load_pdf(self.loaded[index].data, self._title(index))
        self.status_label.setText("")
        self._update_buttons()

    def _title(self, index: int) -> str:
        name = self.items[index].name
        return name if self.sealed else _("{name} — draft, not sealed").format(name=name)

    def _show_title(self) -> None:
        index = self.current_index()
        if index in self.loaded and self.preview.is_ready():
            self.preview.title_label.setText(self._title(index))

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(self.current_index() in self.loaded)

    # ------------------------------------------------------------------ export

    def export_current(self) -> QWidget | None:
        """Ask where to save the document shown (non-blocking), then write it."""
        pdf = self.loaded.get(self.current_index())
        if pdf is None:
            return None
        self.export_dialog = pickers.save_file(
            self,
            _("Export the document"),
            pdf.file_name,
            _("PDF documents (*.pdf)"),
            lambda path: self.export_to(path, pdf.data),
        )
        return self.export_dialog

    def export_to(self, path: Path, data: bytes) -> None:
        """Write ``data`` to ``path`` in the background and say where it went."""

        def work() -> Path:
            path.write_bytes(data)
            return path

        self.error_label.hide()
        operation: Operation[Path] = Operation.of(work, label=_("Exporting the document"))
        operation.success(
            lambda where: self.status_label.setText(_("Saved to {path}").format(path=where))
        ).failure(self._export_failed).owned_by(self).quietly().run_in_background(
            self.context.tasks
        )

    def _export_failed(self, error: BaseException) -> None:
        if isinstance(error, OSError) and error.strerror:
            error_report.log_error(error)
            self.error_label.setText(
                _("The file could not be written: {reason}").format(reason=error.strerror or error)
            )
        else:
            error_report.handle_failure(error, self.error_label.setText, always_show=True)
        self.error_label.show()
