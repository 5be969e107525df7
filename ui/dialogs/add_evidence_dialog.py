"""Add evidence to a case: files (picked, dropped or given) or a camera capture.

The caller passes what the evidence supports (e.g. the checklist item being answered) and
optionally the files; the user picks the kind (guessed from the media type), a caption and,
for electronic data, how it was extracted. Recording runs on the serialized database worker
with progress; the dialog accepts when every file is recorded, and :attr:`added` lists them.

Tests drive it without a native file dialog: :meth:`set_files` / :meth:`set_capture`, the
public fields, then :meth:`start` (or :meth:`add_files_now`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.casework.access import NotAllowedError
from inspector_app.casework.links import LinkRef
from inspector_app.evidence.catalog import EvidenceSummary
from inspector_app.evidence.kinds import evidence_kind_label, guess_kind, guess_media_type
from inspector_app.evidence.recording import ExtractionInput
from inspector_app.i18n import _, ngettext
from inspector_app.progress import Progress
from local_db.enums import EvidenceKind, LinkKind
from ui import error_report
from ui.context import ShellContext
from ui.workers import Operation


@dataclass(frozen=True)
class Capture:
    """Bytes captured in memory (a camera photo): recorded without a temporary file."""

    data: bytes
    media_type: str
    name: str


def support_label(target: LinkRef) -> str:
    """What a link target is, for the user."""
    labels = {
        LinkKind.CHECKLIST_ITEM: _("checklist item {ref}"),
        LinkKind.FINDING: _("finding {ref}"),
        LinkKind.CLAIM: _("claim {ref}"),
        LinkKind.INTERVIEW: _("interview {ref}"),
    }
    return labels.get(target.kind, "{ref}").format(ref=target.ref)


class AddEvidenceDialog(QDialog):
    """Choose files, kind and caption, then record them in ``case_id``."""

    def __init__(
        self,
        context: ShellContext,
        case_id: str,
        supports: Sequence[LinkRef] = (),
        files: Sequence[Path] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        self.supports = list(supports)
        self.files: list[Path] = []
        self.capture: Capture | None = None
        self.added: list[EvidenceSummary] = []
        self.operation: Operation[Any] | None = None
        self.setWindowTitle(_("Add evidence"))
        self.setMinimumWidth(560)
        self._build()
        self.set_files(files)

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.file_list = QListWidget(self)
        self.file_list.setMaximumHeight(110)
        self.choose_button = QPushButton(_("Choose files…"), self)
        self.choose_button.clicked.connect(self.choose_files)
        self.kind_combo = QComboBox(self)
        for kind in EvidenceKind:
            self.kind_combo.addItem(evidence_kind_label(kind), kind.value)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.caption_edit = QLineEdit(self)
        self.caption_edit.setMaxLength(256)
        self.supports_label = QLabel(self)
        self.supports_label.setWordWrap(True)
        form = QFormLayout()
        files_row = QHBoxLayout()
        files_row.addWidget(self.file_list, 1)
        files_row.addWidget(self.choose_button)
        form.addRow(_("Files"), files_row)
        form.addRow(_("Kind"), self.kind_combo)
        form.addRow(_("Caption"), self.caption_edit)
        form.addRow(_("Supports"), self.supports_label)
        self._build_extraction()
        self.progress_bar = QProgressBar(self)
        self.progress_bar.hide()
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText(_("Add"))
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.extraction_group)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self._render_supports()
        self._kind_changed()

    def _build_extraction(self) -> None:
        self.extraction_group = QGroupBox(_("Extraction record (electronic data)"), self)
        self.source_system_edit = QLineEdit(self.extraction_group)
        self.source_system_edit.setPlaceholderText(_("e.g. HIS charging system"))
        self.query_edit = QPlainTextEdit(self.extraction_group)
        self.query_edit.setPlaceholderText(_("The query run or the screen copied"))
        self.query_edit.setMaximumHeight(70)
        self.extracted_at_edit = QDateTimeEdit(QDateTime.currentDateTime(), self.extraction_group)
        self.extracted_at_edit.setCalendarPopup(True)
        self.extracted_at_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.method_edit = QLineEdit(self.extraction_group)
        self.method_edit.setPlaceholderText(_("e.g. export to CSV, screenshot, database copy"))
        self.holder_name_edit = QLineEdit(self.extraction_group)
        self.holder_position_edit = QLineEdit(self.extraction_group)
        extraction = QFormLayout(self.extraction_group)
        extraction.addRow(_("Source system"), self.source_system_edit)
        extraction.addRow(_("Query or screen"), self.query_edit)
        extraction.addRow(_("Extracted at"), self.extracted_at_edit)
        extraction.addRow(_("Method"), self.method_edit)
        extraction.addRow(_("Holder's name"), self.holder_name_edit)
        extraction.addRow(_("Holder's position"), self.holder_position_edit)

    def _render_supports(self) -> None:
        self.supports_label.setText(
            ", ".join(support_label(t) for t in self.supports) if self.supports else "—"
        )

    # ---------------------------------------------------------------- inputs

    def choose_files(self) -> None:
        """Pick files with the file dialog (the last folder is remembered by Qt)."""
        names, _filter = QFileDialog.getOpenFileNames(self, _("Choose evidence files"))
        if names:
            self.set_files([Path(name) for name in names])

    def set_files(self, files: Sequence[Path]) -> None:
        """Add these files (replacing a capture); prefill kind and caption from the first."""
        self.capture = None
        self.files = list(files)
        self.file_list.clear()
        for path in self.files:
            self.file_list.addItem(path.name)
        if self.files:
            first = self.files[0]
            self.set_kind(guess_kind(guess_media_type(first.name, _head(first))))
            self.caption_edit.setText(first.stem if len(self.files) == 1 else "")
        self.caption_edit.setPlaceholderText(
            _("Each file's name is used when left empty") if len(self.files) > 1 else ""
        )
        self._update_buttons()

    def set_capture(
        self, data: bytes, *, media_type: str, name: str, kind: EvidenceKind = EvidenceKind.PHOTO
    ) -> None:
        """Record bytes captured in memory (e.g. a camera photo) instead of files."""
        self.files = []
        self.capture = Capture(data, media_type, name)
        self.file_list.clear()
        self.file_list.addItem(name)
        self.choose_button.setEnabled(False)
        self.set_kind(kind)
        self._update_buttons()

    def set_kind(self, kind: EvidenceKind) -> None:
        """Select ``kind`` in the combo box."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind.value))

    def kind(self) -> EvidenceKind:
        """The chosen kind."""
        return EvidenceKind(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        self.extraction_group.setVisible(self.kind() is EvidenceKind.ELECTRONIC_DATA)
        self.adjustSize()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(bool(self.files) or self.capture is not None)

    def extraction(self) -> ExtractionInput | None:
        """The extraction record typed in (electronic data only)."""
        if self.kind() is not EvidenceKind.ELECTRONIC_DATA:
            return None
        return ExtractionInput(
            source_system=self.source_system_edit.text(),
            query_or_screen=self.query_edit.toPlainText(),
            extracted_at=_aware(self.extracted_at_edit.dateTime().toPython()),
            method=self.method_edit.text(),
            holder_name=self.holder_name_edit.text(),
            holder_position=self.holder_position_edit.text(),
        )

    # -------------------------------------------------------------- recording

    def add_files_now(self, paths: Sequence[Path], kind: EvidenceKind, caption: str) -> None:
        """Set files, kind and caption and start recording (for callers and tests)."""
        self.set_files(paths)
        self.set_kind(kind)
        self.caption_edit.setText(caption)
        self.start()

    def start(self) -> None:
        """Validate and record everything in the background; accept when done."""
        if self.operation is not None:
            return
        extraction = self.extraction()
        if extraction is not None and (
            not extraction.source_system.strip() or not extraction.query_or_screen.strip()
        ):
            self.status_label.setText(
                _("Electronic data needs its source system and the query or screen used.")
            )
            return
        sources: list[tuple[Path | bytes, str | None, str]] = [
            (path, None, path.name) for path in self.files
        ]
        if self.capture is not None:
            sources.append((self.capture.data, self.capture.media_type, self.capture.name))
        if not sources:
            return
        profile, case_id, kind = self.context.profile, self.case_id, self.kind()
        caption, supports = self.caption_edit.text(), list(self.supports)
        total = len(sources)

        def work(sink: Progress) -> list[EvidenceSummary]:
            from inspector_app.evidence.recording import add_evidence

            added = []
            for number, (source, media_type, name) in enumerate(sources, start=1):
                prefix = _("File {n} of {total}").format(n=number, total=total)

                def forward(done: int, size: int | None, label: str, prefix: str = prefix) -> None:
                    sink.check()
                    if sink.callback is not None:
                        sink.callback(done, size, f"{prefix}: {label}")

                added.append(
                    add_evidence(
                        profile=profile,
                        case_id=case_id,
                        source=source,
                        kind=kind,
                        caption=caption,
                        media_type=media_type,
                        original_name=name,
                        supports=supports,
                        extraction=extraction,
                        progress=Progress(callback=forward),
                    )
                )
            return added

        self._set_busy(True)
        operation: Operation[list[EvidenceSummary]] = Operation(work, label=_("Adding evidence"))
        operation.success(self._finished).failure(self._failed).on_cancelled(self._cancelled)
        operation.on_progress(self._progress).owned_by(self)
        self.operation = operation
        operation.run_in_background(self.context.tasks, writes=True)

    def _set_busy(self, busy: bool) -> None:
        for widget in (
            self.file_list,
            self.choose_button,
            self.kind_combo,
            self.caption_edit,
            self.extraction_group,
            self.add_button,
        ):
            widget.setEnabled(not busy)
        if busy:
            self.choose_button.setEnabled(False)
        else:
            self.choose_button.setEnabled(self.capture is None)
        self.progress_bar.setVisible(busy)
        self.progress_bar.setRange(0, 0)
        self.status_label.setText(_("Encrypting and recording…") if busy else "")

    def _progress(self, done: int, total: int | None, label: str) -> None:
        if total:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(int(1000 * min(done, total) / total))
        self.status_label.setText(label)

    def _finished(self, added: list[EvidenceSummary]) -> None:
        self.operation = None
        self.added = added
        self.status_label.setText(
            ngettext("{n} item recorded.", "{n} items recorded.", len(added)).format(n=len(added))
        )
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.operation = None
        self._set_busy(False)
        # A refusal (closed case, role) is a PermissionError, so an OSError: say it first.
        if isinstance(error, OSError) and not isinstance(error, NotAllowedError):
            error_report.log_error(error)
            self.status_label.setText(_("The file could not be read or stored."))
            return
        error_report.handle_failure(error, self._show_refusal)

    def _show_refusal(self, message: str) -> None:
        self.status_label.setText(message)
        QMessageBox.warning(self, self.windowTitle(), message)

    def _cancelled(self) -> None:
        self.operation = None
        self._set_busy(False)
        self.status_label.setText(
            _("Stopped. Files recorded before stopping stay in the case; the others were not.")
        )

    def reject(self) -> None:
        """Cancel stops a recording in progress first; a second Cancel closes."""
        if self.operation is not None:
            self.operation.cancel()
            return
        super().reject()


def _aware(value: object) -> datetime | None:
    """A QDateTimeEdit's local time as an aware datetime."""
    return value.astimezone() if isinstance(value, datetime) else None


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except OSError:
        return b""
