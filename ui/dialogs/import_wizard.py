"""The import wizard: settlement claims and lines, or 进销存 files, into a case or institution.

Five steps on one stacked dialog: what and where (files, case, extraction record); per
file, how it reads and which column fills which field; the first rows as they would be
stored, with their problems; the import itself, in the background on the database worker
with progress and Cancel; and the result with the problem report. Nothing is written
before Import is pressed, and a cancelled or failed import writes no batch (the evidence
items of the files stay recorded: the page says so). The Data page opens it with
:func:`open_import_wizard`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.progress import Progress
from ui.context import ShellContext
from ui.dialogs.import_check_page import ImportCheckPage
from ui.dialogs.import_common import ImportKind, handle_failure, message_label
from ui.dialogs.import_mapping_page import ImportMappingPage
from ui.dialogs.import_result_page import ImportOutcome, ImportResultPage, ImportRunPage
from ui.dialogs.import_source_page import ImportSourcePage, SourceChoice
from ui.workers import Operation

if TYPE_CHECKING:
    from ui.pages.data_page import DataPage

ACCENT = "#1d4f91"
MUTED = "#8a94a3"


class ImportWizardDialog(QDialog):
    """Import settlement or 进销存 export files, step by step."""

    imported = Signal(str)  # the new load's id
    open_batch_requested = Signal(str)

    def __init__(
        self, context: ShellContext, parent: QWidget | None = None, *, case_id: str | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("importWizard")
        self.setMinimumSize(1080, 720)
        self.resize(1200, 800)
        self.mapping_pages: list[ImportMappingPage] = []
        self.choice: SourceChoice | None = None
        self.operation: Operation[Any] | None = None
        self.running = False
        self.outcome: ImportOutcome | None = None
        self.source_page = ImportSourcePage(context, self, case_id=case_id)
        self.source_page.changed.connect(self._update)
        self.check_page = ImportCheckPage(self)
        self.run_page = ImportRunPage(self)
        self.run_page.cancel_requested.connect(self.cancel_import)
        self.result_page = ImportResultPage(context, self)
        self.stack = QStackedWidget(self)
        for page in (self.source_page, self.check_page, self.run_page, self.result_page):
            self.stack.addWidget(page)
        self.steps_label = QLabel(self)
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.problem_label = message_label(self, "errorText")
        self.back_button = QPushButton(self)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(self)
        self.next_button.setObjectName("importNext")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem_label, 100)
        buttons.addStretch(1)  # keeps the buttons their size while the label is hidden
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(self.steps_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self.retranslate()
        self._update()

    # ----------------------------------------------------------------- texts

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.setWindowTitle(_("Import settlement or 进销存 data"))
        self.back_button.setText(_("Back"))
        self.source_page.retranslate()
        for page in self.mapping_pages:
            page.retranslate()
        self.check_page.retranslate()
        self.run_page.retranslate()
        self.result_page.retranslate()
        self._update()

    def _steps_text(self) -> str:
        current = self.stack.currentWidget()
        pages = self.mapping_pages
        columns = _("Columns")
        if current in pages:
            columns = _("Columns ({n} of {total})").format(
                n=pages.index(current) + 1, total=len(pages)
            )
        steps = [
            (_("What and where"), current is self.source_page),
            (columns, current in pages),
            (_("Check the rows"), current is self.check_page),
            (_("Import"), current is self.run_page),
            (_("Result"), current is self.result_page),
        ]
        parts = []
        for number, (name, active) in enumerate(steps, start=1):
            text = f"{number} {name}"
            if active:
                parts.append(f'<span style="color:{ACCENT}; font-weight:600;">{text}</span>')
            else:
                parts.append(f'<span style="color:{MUTED};">{text}</span>')
        return f'<span style="font-size:11pt;">{"&nbsp;&nbsp;›&nbsp;&nbsp;".join(parts)}</span>'

    # ----------------------------------------------------------------- navigation

    def _sequence(self) -> list[QWidget]:
        return [self.source_page, *self.mapping_pages, self.check_page]

    def _update(self) -> None:
        current = self.stack.currentWidget()
        self.steps_label.setText(self._steps_text())
        problems: list[str] = []
        can_go = False
        if current is self.source_page:
            choice = self.source_page.choice()
            problems = list(choice.problems)
            can_go = not problems
        elif isinstance(current, ImportMappingPage):
            can_go = current.ready
        elif current is self.check_page:
            can_go = not self.running
        sequence = self._sequence()
        editing = current in sequence
        self.back_button.setVisible(editing or (current is self.run_page and not self.running))
        self.back_button.setEnabled(current is not self.source_page and not self.running)
        outcome = self.outcome
        opens = (
            current is self.result_page
            and outcome is not None
            and outcome.kind is ImportKind.SETTLEMENT
        )
        self.next_button.setVisible(editing or opens)
        self.next_button.setEnabled(can_go or opens)
        if opens:
            self.next_button.setText(_("Open the batch"))
        elif current is self.check_page:
            self.next_button.setText(_("Import"))
        elif self.mapping_pages and current is self.mapping_pages[-1]:
            self.next_button.setText(_("Check the rows"))
        else:
            self.next_button.setText(_("Next"))
        finished = current is self.result_page or (current is self.run_page and not self.running)
        self.close_button.setText(_("Close") if finished else _("Cancel"))
        self.close_button.setEnabled(not self.running)
        shown = problems[:1] if current is self.source_page and self.source_page.targets else []
        self.problem_label.setText(shown[0] if shown else "")
        self.problem_label.setVisible(bool(shown))

    def _go(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        self._update()

    def next(self) -> None:
        """Go to the next step (or start the import from the check step)."""
        current = self.stack.currentWidget()
        if not self.next_button.isEnabled():
            return
        if current is self.result_page and self.outcome is not None:
            self._open_batch(self.outcome.batch_id)
        elif current is self.source_page:
            self._enter_mapping(self.source_page.choice())
        elif current is self.check_page:
            self.start_import()
        elif isinstance(current, ImportMappingPage):
            position = self.mapping_pages.index(current)
            if position + 1 < len(self.mapping_pages):
                self._go(self.mapping_pages[position + 1])
            else:
                self.check_page.show_previews(
                    [(f"{page.spec.title_text()} · {page.path.name}", page.preview)
                     for page in self.mapping_pages if page.preview is not None]
                )  # fmt: skip
                self._go(self.check_page)

    def back(self) -> None:
        """Go back one step (from a stopped import: to the check step)."""
        current = self.stack.currentWidget()
        if current is self.run_page:
            self._go(self.check_page)
            return
        sequence = self._sequence()
        if current in sequence and sequence.index(current) > 0:
            self._go(sequence[sequence.index(current) - 1])

    def _enter_mapping(self, choice: SourceChoice) -> None:
        """One mapping page per file; pages of files still chosen keep their choices."""
        self.choice = choice
        kept = {(page.spec.key, page.path): page for page in self.mapping_pages}
        pages = []
        for spec, path in choice.files:
            page = kept.pop((spec.key, path), None)
            if page is None:
                page = ImportMappingPage(self.context, spec, path, self.stack)
                page.state_changed.connect(self._update)
                self.stack.insertWidget(self.stack.indexOf(self.check_page), page)
            pages.append(page)
        for page in kept.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.mapping_pages = pages
        self._go(pages[0])

    def page_for(self, key: str) -> ImportMappingPage:
        """The mapping page of file slot ``key``."""
        return next(page for page in self.mapping_pages if page.spec.key == key)

    # ----------------------------------------------------------------- import

    def start_import(self) -> None:
        """Run the import in the background on the database worker."""
        choice = self.choice
        if choice is None or choice.target is None or self.running:
            return
        work = self._work(choice)
        self.running = True
        self.run_page.start([page.path for page in self.mapping_pages])
        self._go(self.run_page)
        operation: Operation[ImportOutcome] = Operation(work, label=_("Importing data"))
        operation.success(self._finished).failure(self._failed).on_cancelled(self._cancelled)
        operation.on_progress(self.run_page.set_progress).quietly().owned_by(self)
        self.operation = operation
        operation.run_in_background(self.context.tasks, writes=True)

    def _work(self, choice: SourceChoice) -> Any:
        """The import as a function of plain values (nothing of a widget reaches the worker)."""
        from inspector_app.settlement_import import (
            InventoryFile,
            import_inventory,
            import_settlement,
        )

        assert choice.target is not None
        profile = self.context.profile
        case_id, task_id = choice.target.case_id, choice.target.task_id
        institution_id = None if case_id or task_id else choice.target.institution_id
        extraction = choice.extraction
        if choice.kind is ImportKind.SETTLEMENT:
            claims = self.page_for("claims")
            lines = next((p for p in self.mapping_pages if p.spec.key == "lines"), None)
            claims_source, claims_mapping = claims.source(), claims.import_mapping()
            lines_source = lines.source() if lines else None
            lines_mapping = lines.import_mapping() if lines else None

            def settle(progress: Progress) -> ImportOutcome:
                summary = import_settlement(
                    profile, claims=claims_source, lines=lines_source,
                    claims_mapping=claims_mapping, lines_mapping=lines_mapping,
                    case_id=case_id, institution_id=institution_id, task_id=task_id,
                    extraction=extraction, progress=progress,
                )  # fmt: skip
                return ImportOutcome.of_settlement(summary)

            return settle
        files = [
            InventoryFile(
                role=page.spec.role, source=page.source(), mapping=page.import_mapping(),
                count_kind=page.spec.count_kind,
            )
            for page in self.mapping_pages
        ]  # fmt: skip
        start, end = choice.period_start, choice.period_end

        def stock(progress: Progress) -> ImportOutcome:
            summary = import_inventory(
                profile, files=files, case_id=case_id, institution_id=institution_id,
                period_start=start, period_end=end, extraction=extraction, progress=progress,
            )  # fmt: skip
            return ImportOutcome.of_inventory(summary)

        return stock

    def cancel_import(self) -> None:
        """Ask the running import to stop; it rolls back and writes nothing."""
        if self.operation is not None and self.running:
            self.operation.cancel()
            self.run_page.show_cancelling()

    def _finished(self, outcome: ImportOutcome) -> None:
        self.running = False
        self.operation = None
        self.outcome = outcome
        self.result_page.show_outcome(outcome)
        self._go(self.result_page)
        self.imported.emit(outcome.batch_id)

    def _stopped_text(self, *, said_nothing_written: bool = False) -> str:
        """What a stopped import left: no data; the evidence items already recorded."""
        choice = self.choice
        with_case = choice is not None and choice.target is not None and choice.target.case_id
        parts = []
        if not said_nothing_written:
            parts.append(
                _("Nothing was imported: no batch, claim or line was written.")
                if choice is None or choice.kind is ImportKind.SETTLEMENT
                else _("Nothing was imported: no 进销存 record was written.")
            )
        if with_case:
            parts.append(
                _("Files already recorded as evidence items of the case stay recorded — they "
                  "were handed over and hashed — and importing them again reuses those items.")
            )  # fmt: skip
        return " ".join(parts)

    def _cancelled(self) -> None:
        self.running = False
        self.operation = None
        self.run_page.show_outcome(self._stopped_text(), error=False)
        self._update()

    def _failed(self, error: BaseException) -> None:
        from inspector_app.settlement_import import ImportRefusedError

        self.running = False
        self.operation = None
        # A refusal's own message already says that nothing was written.
        stopped = self._stopped_text(said_nothing_written=isinstance(error, ImportRefusedError))

        def show(message: str) -> None:
            self.run_page.show_outcome(f"{message}\n\n{stopped}".strip(), error=True)

        handle_failure(error, show)
        self._update()

    def _open_batch(self, batch_id: str) -> None:
        self.open_batch_requested.emit(batch_id)
        self.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The window's close button: like Cancel, never while an import is running."""
        if self.running:
            self.cancel_import()
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        """Close, unless an import is running (then Escape asks it to stop first)."""
        if self.running:
            self.cancel_import()
            return
        super().reject()


def open_import_wizard(page: DataPage) -> ImportWizardDialog:
    """Open the wizard over the Data page; a finished import reloads the page.

    "Open the batch" reloads the page's list and opens the new batch in its workspace.
    """
    dialog = ImportWizardDialog(page.context, page)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.imported.connect(lambda _batch_id: page.reload())
    dialog.open_batch_requested.connect(lambda batch_id: open_loaded_batch(page, batch_id))
    dialog.open()
    return dialog


def open_loaded_batch(page: DataPage, batch_id: str) -> None:
    """Reload the Data page and open batch ``batch_id`` once the list has it."""
    from inspector_app.services.settlement_summary import DataSummary, data_summary

    profile = page.context.profile

    def shown(summary: DataSummary) -> None:
        page.show_summary(summary)
        row = next((batch for batch in summary.batches if batch.id == batch_id), None)
        if row is not None:
            page.open_batch(row)

    page.load(lambda: data_summary(profile=profile), shown, label=_("Loading settlement data"))
