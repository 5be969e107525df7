"""证据 Evidence: the case's photos, scans, recordings and data, with their custody facts.

A grid of thumbnails (decoded from the database with QImage; a placeholder per kind for
non-images) and a detail panel: full SHA-256, signature status, the extraction record, links,
export and withdrawal. Files dropped on the tab open the add dialog prefilled; the camera
button is disabled, saying why, when the computer has none. Withdrawn items stay listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from inspector_app.evidence.catalog import EvidenceSummary
from inspector_app.evidence.kinds import evidence_kind_label
from inspector_app.i18n import _, ngettext, pgettext
from inspector_app.progress import Progress
from local_db.enums import EvidenceKind
from ui import formatting
from ui.context import ShellContext
from ui.dialogs.add_evidence_dialog import AddEvidenceDialog, support_label
from ui.dialogs.camera_dialog import CameraDialog, camera_available, no_camera_message
from ui.dialogs.withdraw_evidence_dialog import WithdrawEvidenceDialog
from ui.inspection.case_tab import CaseTab
from ui.widgets.card import FactsWidget
from ui.widgets.data_table import MUTED, ROW_ROLE
from ui.workers import Operation

Index = QModelIndex | QPersistentModelIndex
ICON_SIZE = QSize(160, 120)
GRID_SIZE = QSize(200, 230)
_PLACEHOLDERS = {
    EvidenceKind.PHOTO: QStyle.StandardPixmap.SP_FileDialogContentsView,
    EvidenceKind.SCAN: QStyle.StandardPixmap.SP_FileIcon,
    EvidenceKind.SCREENSHOT: QStyle.StandardPixmap.SP_ComputerIcon,
    EvidenceKind.DOCUMENT: QStyle.StandardPixmap.SP_FileIcon,
    EvidenceKind.AUDIO: QStyle.StandardPixmap.SP_MediaVolume,
    EvidenceKind.VIDEO: QStyle.StandardPixmap.SP_MediaPlay,
    EvidenceKind.ELECTRONIC_DATA: QStyle.StandardPixmap.SP_FileDialogDetailedView,
    EvidenceKind.SIGNATURE: QStyle.StandardPixmap.SP_DialogApplyButton,
}


def short_hash(sha256: str) -> str:
    """The first 12 hex digits, enough to tell items apart on screen."""
    return sha256[:12]


class EvidenceListModel(QAbstractListModel):
    """Evidence summaries as icon-view items; thumbnails are decoded once per item."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.rows: list[EvidenceSummary] = []
        self._icons: dict[str, QIcon] = {}
        self._style = parent.style()

    def set_rows(self, rows: Sequence[EvidenceSummary]) -> None:
        """Replace every item."""
        self.beginResetModel()
        self.rows = list(rows)
        self._icons = {k: v for k, v in self._icons.items() if k in {r.id for r in rows}}
        self.endResetModel()

    def retranslate(self) -> None:
        """Texts re-read in the active language."""
        if self.rows:
            self.dataChanged.emit(self.index(0), self.index(len(self.rows) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def icon_for(self, row: EvidenceSummary) -> QIcon:
        """The item's thumbnail, or its kind's placeholder."""
        cached = self._icons.get(row.id)
        if cached is not None:
            return cached
        image = QImage.fromData(row.thumbnail) if row.thumbnail else QImage()
        if not image.isNull():
            made = QIcon(QPixmap.fromImage(image))
        else:
            made = self._style.standardIcon(_PLACEHOLDERS[row.kind])
        self._icons[row.id] = made
        return made

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            lines = [
                row.caption,
                _("{kind} · {time}").format(
                    kind=evidence_kind_label(row.kind), time=formatting.local_time(row.captured_at)
                ),
                _("{who} · {hash}").format(who=row.captured_by, hash=short_hash(row.sha256)),
            ]
            if row.withdrawn:
                lines.append(pgettext("evidence badge", "Withdrawn"))
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icon_for(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                [
                    row.caption,
                    _("Device: {device}").format(device=row.device_label or row.device_id),
                    _("SHA-256: {hash}").format(hash=row.sha256),
                    _("Supports: {targets}").format(
                        targets=", ".join(support_label(t) for t in row.supports) or "—"
                    ),
                ]
            )
        if role == Qt.ItemDataRole.ForegroundRole and row.withdrawn:
            return QColor(MUTED)
        if role == ROW_ROLE:
            return row
        return None


class EvidenceTab(CaseTab):
    """The evidence of the case: add, inspect, export, withdraw."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.rows: list[EvidenceSummary] = []
        self.add_dialog: AddEvidenceDialog | None = None
        self.withdraw_dialog: WithdrawEvidenceDialog | None = None
        self.has_camera: bool | None = None
        self._select_after_load: str | None = None
        self.setAcceptDrops(True)
        toolbar = QHBoxLayout()
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(lambda: self.add_files([]))
        self.camera_button = QPushButton(self)
        self.camera_button.clicked.connect(self.take_photo)
        self.electronic_button = QPushButton(self)
        self.electronic_button.clicked.connect(self.add_electronic_data)
        self.verify_button = QPushButton(self)
        self.verify_button.clicked.connect(self.verify)
        for button in (self.add_button, self.camera_button, self.electronic_button):
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        toolbar.addWidget(self.verify_button)
        self.layout_.addLayout(toolbar)
        self.note = QLabel(self)
        self.note.setObjectName("cardNote")
        self.note.setWordWrap(True)
        self.layout_.addWidget(self.note)
        self.model = EvidenceListModel(self)
        self.view = QListView(self)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setIconSize(ICON_SIZE)
        self.view.setGridSize(GRID_SIZE)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(False)
        self.view.setAcceptDrops(False)  # drops go to the tab, which opens the add dialog
        self.view.viewport().setAcceptDrops(False)
        self.view.setModel(self.model)
        self.view.selectionModel().currentChanged.connect(lambda *_args: self._render_detail())
        self._build_detail()
        splitter = QSplitter(self)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail_area)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.layout_.addWidget(splitter, 1)
        self.retranslate()

    def _build_detail(self) -> None:
        self.detail_area = QScrollArea(self)
        self.detail_area.setWidgetResizable(True)
        # Values wrap (hashes in groups of 16) rather than scroll sideways.
        self.detail_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panel = QWidget(self.detail_area)
        layout = QVBoxLayout(panel)
        self.facts = FactsWidget(panel)
        for key, label in (
            ("caption", lambda: _("Caption")),
            ("kind", lambda: _("Kind")),
            ("state", lambda: _("State")),
            ("file", lambda: _("Original file")),
            ("captured", lambda: _("Recorded (device clock)")),
            ("received", lambda: _("Received by the server")),
            ("who", lambda: _("Recorded by")),
            ("device", lambda: _("Device")),
            ("sha256", lambda: _("SHA-256")),
            ("signature", lambda: _("Device signature")),
            ("chain", lambda: _("Chain position")),
            ("supports", lambda: _("Supports")),
            ("extraction", lambda: _("Extraction record")),
        ):
            self.facts.add(key, label)
        self.export_button = QPushButton(panel)
        self.export_button.clicked.connect(self.export_selected)
        self.withdraw_button = QPushButton(panel)
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        layout.addWidget(self.facts)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.detail_area.setWidget(panel)

    # --------------------------------------------------------------- CaseTab

    def title(self) -> str:
        return _("Evidence")

    def retranslate(self) -> None:
        self.add_button.setText(_("Add files…"))
        self.camera_button.setText(_("Take photo…"))
        self.electronic_button.setText(_("Electronic data…"))
        self.verify_button.setText(_("Check chain of custody"))
        self.export_button.setText(_("Export original…"))
        self.withdraw_button.setText(_("Withdraw…"))
        self.facts.retranslate()
        self.model.retranslate()
        self._update_camera_button()
        self._render()

    def activate(self) -> None:
        self.refresh_camera()
        super().activate()

    def reload(self) -> None:
        case_id = self.case_id
        if case_id is None:
            self.rows = []
            self.stale = False
            self._render()
            return
        from inspector_app.evidence.catalog import list_evidence

        profile = self.context.profile
        self.load_with_rights(
            lambda case: list_evidence(profile=profile, case_id=case),
            self._show,
            label=_("Loading the evidence"),
        )

    def _show(self, rows: list[EvidenceSummary]) -> None:
        current = self.selected()
        self.rows = rows
        self.model.set_rows(rows)
        wanted = self._select_after_load or (current.id if current is not None else None)
        if wanted is None and rows:
            wanted = rows[0].id  # the detail panel is never empty when there is evidence
        self._select_after_load = None
        if wanted is not None:
            self.select(wanted)
        self._render()

    # ----------------------------------------------------------------- camera

    def refresh_camera(self) -> None:
        """Look for a camera again and enable or explain the button."""
        self.has_camera = camera_available()
        self._render()

    def _update_camera_button(self) -> None:
        usable = self.case_id is not None and self.can_record and self.has_camera is not False
        self.camera_button.setEnabled(usable)
        self.camera_button.setToolTip(
            no_camera_message()
            if self.has_camera is False
            else _("Take a photo with this computer's camera")
        )

    # --------------------------------------------------------------- rendering

    def _render(self) -> None:
        has_case = self.case_id is not None
        recording = has_case and self.can_record
        for button in (self.add_button, self.electronic_button):
            button.setEnabled(recording)
        self.verify_button.setEnabled(has_case)
        self._update_camera_button()
        if not has_case:
            self.note.setText(_("Evidence is recorded in the case file; none is open yet."))
        elif not self.rows:
            self.note.setText(
                _("No evidence yet. Add files, drop them here, or take a photo.")
                if self.has_camera is not False
                else _("No evidence yet. Add files or drop them here. {camera}.").format(
                    camera=no_camera_message()
                )
            )
        else:
            withdrawn = sum(1 for row in self.rows if row.withdrawn)
            text = ngettext("{n} evidence item", "{n} evidence items", len(self.rows)).format(
                n=len(self.rows)
            )
            if withdrawn:
                text = _("{items}, {n} withdrawn").format(items=text, n=withdrawn)
            self.note.setText(text + " · " + _("Drop files here to add them."))
        self._render_detail()

    def selected(self) -> EvidenceSummary | None:
        """The item shown in the detail panel."""
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def select(self, evidence_id: str) -> None:
        """Make ``evidence_id`` the current item."""
        for number, row in enumerate(self.model.rows):
            if row.id == evidence_id:
                self.view.setCurrentIndex(self.model.index(number))
                return

    def _render_detail(self) -> None:
        row = self.selected()
        self.detail_area.setEnabled(row is not None)
        self.export_button.setEnabled(row is not None)
        self.withdraw_button.setEnabled(row is not None and not row.withdrawn and self.can_record)
        if row is None:
            for key in self.facts.values:
                self.facts.set(key, "—")
            return
        self.facts.set("caption", row.caption)
        self.facts.set("kind", evidence_kind_label(row.kind))
        self.facts.set(
            "state",
            _("Withdrawn {when} by {who}: {reason}").format(
                when=formatting.local_time(row.withdrawn_at),
                who=row.withdrawn_by or "—",
                reason=row.withdrawn_reason or "",
            )
            if row.withdrawn
            else _("Recorded"),
        )
        self.facts.set(
            "file",
            _("{name} ({type}, {size})").format(
                name=row.original_name or "—",
                type=row.media_type,
                size=formatting.file_size(row.size_bytes),
            ),
        )
        self.facts.set("captured", formatting.local_time(row.captured_at))
        self.facts.set(
            "received",
            formatting.local_time(row.server_received_at)
            if row.server_received_at
            else _("Not yet synchronised"),
        )
        self.facts.set("who", row.captured_by)
        self.facts.set("device", f"{row.device_label}\n{row.device_id}")
        self.facts.set(
            "sha256", "\n".join(row.sha256[i : i + 16] for i in range(0, len(row.sha256), 16))
        )
        self.facts.set(
            "signature",
            _("Valid for this device's public key")
            if row.signature_valid
            else _("NOT valid — check the chain of custody"),
        )
        self.facts.set(
            "chain",
            _("Event {seq} of the device's lane").format(seq=row.chain_index)
            if row.chain_index is not None
            else "—",
        )
        self.facts.set("supports", ", ".join(support_label(t) for t in row.supports) or "—")
        extraction = row.extraction
        self.facts.set(
            "extraction",
            "—"
            if extraction is None
            else _(
                "{system}; {query}; {when} by {who}; method: {method}; holder: {holder} {position}"
            ).format(
                system=extraction.source_system,
                query=extraction.query_or_screen,
                when=formatting.local_time(extraction.extracted_at),
                who=extraction.extracted_by,
                method=extraction.method or "—",
                holder=extraction.holder_name or "—",
                position=extraction.holder_position,
            ),
        )

    # ----------------------------------------------------------------- adding

    def add_files(
        self, files: Sequence[Path], *, kind: EvidenceKind | None = None
    ) -> AddEvidenceDialog | None:
        """Open the add dialog (non-blocking) with ``files`` prefilled."""
        if self.case_id is None:
            return None
        dialog = AddEvidenceDialog(self.context, self.case_id, files=files, parent=self)
        if kind is not None:
            dialog.set_kind(kind)
        self._open_add_dialog(dialog)
        return dialog

    def add_electronic_data(self) -> None:
        """The add dialog with the extraction record showing."""
        self.add_files([], kind=EvidenceKind.ELECTRONIC_DATA)

    def take_photo(self) -> None:
        """Capture with the camera, then caption and record the photo."""
        if self.case_id is None:
            return
        camera = CameraDialog(self)
        accepted = camera.exec() == CameraDialog.DialogCode.Accepted
        captured = camera.captured
        camera.deleteLater()  # exec() leaves it to the GC, which may run on a worker thread
        if not accepted or captured is None:
            return
        from local_db.types import utc_now

        name = utc_now().astimezone().strftime("photo-%Y%m%d-%H%M%S.jpg")
        dialog = AddEvidenceDialog(self.context, self.case_id, parent=self)
        dialog.set_capture(captured, media_type="image/jpeg", name=name)
        self._open_add_dialog(dialog)

    def _open_add_dialog(self, dialog: AddEvidenceDialog) -> None:
        self.add_dialog = dialog
        dialog.finished.connect(lambda _result: self._add_dialog_closed(dialog))
        dialog.open()

    def _add_dialog_closed(self, dialog: AddEvidenceDialog) -> None:
        if self.add_dialog is dialog:
            self.add_dialog = None
        dialog.deleteLater()
        if dialog.added:
            self._select_after_load = dialog.added[-1].id
        self.reload()
        if dialog.added:
            self.changed.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.case_id is not None and self.can_record and _local_files(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = _local_files(event.mimeData().urls())
        if self.case_id is None or not self.can_record or not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(files)

    # ------------------------------------------------------- export, withdraw

    def export_selected(self) -> None:
        """Ask where, then write a verified copy of the original there."""
        row = self.selected()
        if row is None:
            return
        suggested = row.original_name or f"{row.id}"
        name, _filter = QFileDialog.getSaveFileName(self, _("Export original"), suggested)
        if name:
            self.export_to(row.id, Path(name))

    def export_to(self, evidence_id: str, dest: Path) -> None:
        """Export in the background (the original is decrypted straight into ``dest``)."""
        from inspector_app.evidence.recording import export_evidence

        profile = self.context.profile

        def run(_progress: Progress) -> int:
            return export_evidence(profile=profile, evidence_id=evidence_id, dest=dest)

        operation: Operation[int] = Operation(run, label=_("Exporting the original"))
        operation.success(lambda _size: None).failure(self._report).owned_by(self)
        operation.with_dialog(self).run_in_background(self.context.tasks, writes=True)

    def withdraw_selected(self) -> WithdrawEvidenceDialog | None:
        """Ask for a reason (non-blocking dialog), then withdraw the selected item."""
        row = self.selected()
        if row is None or row.withdrawn:
            return None
        dialog = WithdrawEvidenceDialog(row.caption, self)
        self.withdraw_dialog = dialog
        dialog.accepted.connect(lambda: self.withdraw(row.id, dialog.reason()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def withdraw(self, evidence_id: str, reason: str) -> None:
        """Withdraw ``evidence_id`` with ``reason`` on the database worker."""
        from inspector_app.evidence.recording import withdraw_evidence

        profile = self.context.profile
        self.write(
            lambda: withdraw_evidence(profile=profile, evidence_id=evidence_id, reason=reason),
            lambda _summary: self.reload(),
            label=_("Withdrawing evidence"),
        )

    # ----------------------------------------------------------------- verify

    def verify(self) -> None:
        """Check the case's chain of custody and originals, then say what was found."""
        case_id = self.case_id
        if case_id is None:
            return
        from inspector_app.evidence.verify import VerifyReport, verify_case

        profile = self.context.profile

        def run(progress: Progress) -> VerifyReport:
            return verify_case(profile=profile, case_ref=case_id, progress=progress)

        operation: Operation[VerifyReport] = Operation(run, label=_("Checking the evidence"))
        operation.success(self._show_report).failure(self._report).owned_by(self)
        operation.with_dialog(self).run_in_background(self.context.tasks)

    def _show_report(self, report: Any) -> None:
        self.last_report = report
        text = "\n".join(report.lines())
        if report.ok:
            QMessageBox.information(self, _("Chain of custody"), text)
        else:
            QMessageBox.warning(self, _("Chain of custody"), text)


def _local_files(urls: Sequence[Any]) -> list[Path]:
    files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [path for path in files if path.is_file()]
