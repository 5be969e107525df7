"""Import steps 4 and 5: the import running (progress, cancel) and what it wrote.

The running page shows the phase, a bar over the bytes (CSV) or rows (workbook) of the
file being read, and the time; cancelling rolls the load back, and the page says plainly
what remains (nothing of the data; the files' evidence items, which a retry reuses). The
result page shows the counts, each file's fate, and the full problem report as a paged
table — a file with a hundred thousand refused rows still opens at once — with an export
to CSV or XLSX.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.progress import Progress
from inspector_app.settlement_import import (
    ImportSummary,
    InventorySummary,
    Problem,
    Severity,
    role_label,
)
from inspector_app.settlement_import.problems import severity_label
from local_db.enums import ImportFileRole
from ui import formatting
from ui.context import ShellContext
from ui.dialogs.import_common import ImportKind, encoding_text, handle_failure, message_label
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.lazy_table import LazyTableWidget, Page
from ui.widgets.stat_tile import StatTileWidget
from ui.workers import Operation

PROBLEM_PAGE = 500
PROGRESS_STEPS = 1000
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file."""

    role: ImportFileRole
    name: str
    rows: int
    loaded: int
    refused: int
    skipped: int
    warnings: int
    encoding: str | None
    header_row: int
    evidence_id: str | None


@dataclass(frozen=True)
class ImportOutcome:
    """A settlement or 进销存 import's result, in one shape for the page."""

    kind: ImportKind
    batch_id: str
    records: int  # claims, or 进销存 movements
    lines: int
    refused: int
    warnings: int
    problems: int
    seconds: float
    period_start: str
    period_end: str
    files: tuple[FileOutcome, ...]

    @classmethod
    def of_settlement(cls, summary: ImportSummary) -> ImportOutcome:
        """From :func:`import_settlement`'s summary."""
        return cls(
            kind=ImportKind.SETTLEMENT, batch_id=summary.batch_id, records=summary.claims,
            lines=summary.lines, refused=summary.rejected, warnings=summary.warnings,
            problems=summary.problems, seconds=summary.seconds,
            period_start=summary.period_start, period_end=summary.period_end,
            files=tuple(
                FileOutcome(
                    role=f.role, name=f.name, rows=f.counts.rows, loaded=f.counts.loaded,
                    refused=f.counts.refused, skipped=f.counts.skipped,
                    warnings=f.counts.warnings, encoding=f.encoding, header_row=f.header_row,
                    evidence_id=f.evidence_id,
                )
                for f in summary.files
            ),
        )  # fmt: skip

    @classmethod
    def of_inventory(cls, summary: InventorySummary) -> ImportOutcome:
        """From :func:`import_inventory`'s summary."""
        files = tuple(
            FileOutcome(
                role=ImportFileRole(f["role"]), name=str(f["name"]), rows=int(f["rows"]),
                loaded=int(f["loaded"]), refused=int(f["rejected"]),
                skipped=int(f["skipped"]), warnings=int(f["warnings"]),
                encoding=f.get("encoding"), header_row=int(f["header_row"]),
                evidence_id=f.get("evidence_id"),
            )
            for f in summary.files
        )  # fmt: skip
        return cls(
            kind=ImportKind.INVENTORY, batch_id=summary.batch_id, records=summary.movements,
            lines=0, refused=summary.rejected, warnings=summary.warnings,
            problems=sum(int(f.get("problem_count", 0)) for f in summary.files),
            seconds=summary.seconds, period_start=summary.period_start,
            period_end=summary.period_end, files=files,
        )  # fmt: skip


def duration(seconds: float) -> str:
    """``75.2`` → ``1:15``; under a minute in seconds (two decimals under one)."""
    if seconds < 1:
        return _("{s:.2f} s").format(s=seconds)
    if seconds < 60:
        return _("{s:.1f} s").format(s=seconds)
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


class ImportRunPage(QWidget):
    """Step 4: the import running, with its progress and Cancel."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files: list[Path] = []
        self._row_phases: set[str] = set()
        self.started = time.monotonic()
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.phase = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.detail = QLabel(self)
        self.detail.setObjectName("muted")
        self.message = message_label(self, "errorText")  # the import failed
        self.message.hide()
        self.note = message_label(self, "sealedNote")  # the import was cancelled
        self.note.hide()
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.phase)
        layout.addWidget(self.bar)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.title.setText(_("Importing"))
        self.cancel_button.setText(_("Cancel the import"))

    def start(self, files: list[Path]) -> None:
        """Show a fresh run over ``files``."""
        self.files = files
        # A workbook is read row by row (its progress counts rows); every other phase
        # (hashing, storing the evidence copy, reading a CSV file) counts bytes.
        self._row_phases = {
            phase.format(name=path.name)
            for path in files
            if path.suffix.lower() not in CSV_SUFFIXES
            for phase in (
                _("Importing claims from {name}"),
                _("Importing lines from {name}"),
                _("Importing {name}"),
            )
        }
        self.started = time.monotonic()
        self.bar.setRange(0, 0)
        self.phase.setText(_("Starting…"))
        self.detail.setText("")
        self.message.hide()
        self.note.hide()
        self.title.setText(_("Importing"))
        for widget in (self.bar, self.phase, self.detail, self.cancel_button):
            widget.show()
        self.cancel_button.setEnabled(True)

    def set_progress(self, done: int, total: int | None, label: str) -> None:
        """One progress report of the import."""
        if label:
            self.phase.setText(label)
        elapsed = duration(time.monotonic() - self.started)
        if not total:
            self.bar.setRange(0, 0)
            self.detail.setText(_("{time} elapsed").format(time=elapsed))
            return
        self.bar.setRange(0, PROGRESS_STEPS)
        self.bar.setValue(min(PROGRESS_STEPS, done * PROGRESS_STEPS // total))
        if label not in self._row_phases:
            amount = _("{done} of {total}").format(
                done=formatting.file_size(done), total=formatting.file_size(total)
            )
        else:
            amount = _("{done} of {total} rows").format(
                done=formatting.count(done), total=formatting.count(total)
            )
        self.detail.setText(_("{amount} · {time} elapsed").format(amount=amount, time=elapsed))

    def show_cancelling(self) -> None:
        """The user asked to stop."""
        self.cancel_button.setEnabled(False)
        self.phase.setText(_("Cancelling: the rows read so far are being rolled back…"))

    def show_outcome(self, text: str, *, error: bool) -> None:
        """The run ended without a result (cancelled or refused)."""
        for widget in (self.bar, self.phase, self.detail, self.cancel_button):
            widget.hide()
        self.title.setText(_("Import failed") if error else _("Import cancelled"))
        shown, other = (self.message, self.note) if error else (self.note, self.message)
        shown.setText(text)
        shown.show()
        other.hide()


FILE_COLUMNS: list[Column[FileOutcome]] = [
    Column(lambda: _("File"), lambda f: f.name, stretch=True, tooltip=lambda f: f.name),
    Column(lambda: _("Holds"), lambda f: role_label(f.role), width=90),
    Column(lambda: _("Rows read"), lambda f: formatting.count(f.rows), align=RIGHT, width=80),
    Column(lambda: _("Loaded"), lambda f: formatting.count(f.loaded), align=RIGHT, width=80),
    Column(lambda: _("Refused"), lambda f: formatting.count(f.refused), align=RIGHT, width=70),
    Column(lambda: _("Warnings"), lambda f: formatting.count(f.warnings), align=RIGHT, width=70),
    Column(
        lambda: _("Skipped"),
        lambda f: formatting.count(f.skipped),
        align=RIGHT,
        width=70,
        tooltip=lambda f: _("Blank rows and total (合计) rows are not data."),
    ),
    Column(lambda: _("Encoding"), lambda f: encoding_text(f.encoding), width=90),
    Column(lambda: _("Header row"), lambda f: str(f.header_row), align=RIGHT, width=70),
    Column(
        lambda: _("Evidence"),
        lambda f: _("recorded") if f.evidence_id else _("none (no case)"),
        width=90,
    ),
]
ProblemRow = tuple[ImportFileRole, Problem]
PROBLEM_COLUMNS: list[Column[ProblemRow]] = [
    Column(lambda: _("File"), lambda r: role_label(r[0]), width=90),
    Column(lambda: _("Row"), lambda r: str(r[1].row_no), align=RIGHT, width=60),
    Column(lambda: _("Column"), lambda r: r[1].column, width=100),
    Column(
        lambda: _("Value"),
        lambda r: r[1].value,
        width=120,
        max_width=220,
        tooltip=lambda r: r[1].value,
    ),
    Column(
        lambda: _("Severity"),
        lambda r: severity_label(r[1].severity),
        width=110,
        muted=lambda r: r[1].severity is Severity.WARNING,
    ),
    Column(
        lambda: _("Problem"), lambda r: r[1].text(), stretch=True, tooltip=lambda r: r[1].text()
    ),
]


class ImportResultPage(QWidget):
    """Step 5: the counts, the files and the problem report of a finished import."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.outcome: ImportOutcome | None = None
        self.exporting = False
        self.headline = QLabel(self)
        self.headline.setObjectName("sectionTitle")
        self.headline.setWordWrap(True)
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        self.tiles = [StatTileWidget(self) for _n in range(5)]
        for tile in self.tiles:
            tiles.addWidget(tile, 1)
        self.files = DataTableWidget(FILE_COLUMNS, self)
        self.files.setObjectName("importedFiles")
        self.files.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.evidence_note = QLabel(self)
        self.evidence_note.setObjectName("fieldHelp")
        self.evidence_note.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.problems_title = QLabel(self)
        self.problems_title.setObjectName("sectionTitle")
        self.problems: LazyTableWidget[ProblemRow] = LazyTableWidget(PROBLEM_COLUMNS, self)
        self.problems.setObjectName("importProblems")
        self.problems.lazy_model.page_failed.connect(lambda error: handle_failure(error, self._say))
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self._ask_export)
        problems_bar = QHBoxLayout()
        problems_bar.addWidget(self.problems_title, 1)
        problems_bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.headline)
        layout.addLayout(tiles)
        layout.addWidget(self.files)
        layout.addWidget(self.evidence_note)
        layout.addLayout(problems_bar)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.status)
        self.retranslate()

    def show_outcome(self, outcome: ImportOutcome) -> None:
        """Render a finished import and start listing its problems."""
        from inspector_app.settlement_import import list_problems

        self.outcome = outcome
        self.files.set_rows(list(outcome.files))
        self.files.setFixedHeight(38 + 30 * max(1, len(outcome.files)))
        profile, batch_id = self.context.profile, outcome.batch_id

        def fetch(cursor: Any) -> Page[ProblemRow]:
            offset = int(cursor or 0)
            rows = list_problems(
                profile=profile, batch_id=batch_id, offset=offset, limit=PROBLEM_PAGE
            )
            return Page(rows=rows, cursor=offset + len(rows) if len(rows) == PROBLEM_PAGE else None)

        def runner(work: Any, done: Any, failed: Any) -> None:
            operation: Operation[Any] = Operation.of(work, label=_("Reading the import's problems"))
            operation.success(done).failure(failed).quietly().owned_by(self)
            operation.run_in_background(self.context.tasks)

        self.problems.lazy_model.restart(fetch, runner)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.export_button.setText(_("Export report…"))
        self.files.retranslate()
        self.problems.retranslate()
        outcome = self.outcome
        if outcome is None:
            return
        settlement = outcome.kind is ImportKind.SETTLEMENT
        period = formatting.period(outcome.period_start, outcome.period_end)
        if settlement:
            self.headline.setText(
                _("Imported {claims} claims with {lines} detail lines, {period}.").format(
                    claims=formatting.count(outcome.records),
                    lines=formatting.count(outcome.lines), period=period,
                )
            )  # fmt: skip
            figures = [
                (formatting.count(outcome.records), _("Claims")),
                (formatting.count(outcome.lines), _("Detail lines")),
            ]
        else:
            self.headline.setText(
                _("Imported {n} 进销存 records, {period}.").format(
                    n=formatting.count(outcome.records), period=period
                )
            )
            figures = [
                (formatting.count(outcome.records), _("进销存 records")),
                (str(len(outcome.files)), _("Files")),
            ]
        figures += [
            (formatting.count(outcome.refused), _("Rows refused")),
            (formatting.count(outcome.warnings), _("Warnings (rows kept)")),
            (duration(outcome.seconds), _("Time")),
        ]
        for tile, (value, caption) in zip(self.tiles, figures, strict=True):
            tile.set_value(value)
            tile.set_caption(caption)
        recorded = any(f.evidence_id for f in outcome.files)
        self.evidence_note.setText(
            _("Each file is an evidence item of the case, with its SHA-256 and the "
              "extraction record.")
            if recorded
            else _("No evidence was recorded: the data was loaded without a case.")
        )  # fmt: skip
        self.problems_title.setText(
            _("Problem report: {n} problems (rows refused and warnings)").format(
                n=formatting.count(outcome.problems)
            )
            if outcome.problems
            else _("Problem report: no problem in these files")
        )
        self.export_button.setEnabled(bool(outcome.problems) and not self.exporting)

    # ----------------------------------------------------------------- actions

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _ask_export(self) -> None:
        outcome = self.outcome
        if outcome is None:
            return
        xlsx, csv = _("Excel workbook (*.xlsx)"), _("CSV, UTF-8 (*.csv)")
        name, chosen = QFileDialog.getSaveFileName(
            self,
            _("Export the problem report"),
            _("import-problems-{batch}.xlsx").format(batch=outcome.batch_id[:8]),
            f"{xlsx};;{csv}",
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".csv" if chosen == csv else ".xlsx")
        self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the problem report to ``path`` (.xlsx, else CSV) in the background."""
        from inspector_app.settlement_import import export_problems

        outcome = self.outcome
        if outcome is None:
            return
        profile, batch_id = self.context.profile, outcome.batch_id
        self.exporting = True
        self.export_button.setEnabled(False)
        self._say(_("Writing {name}…").format(name=path.name))

        def run(_progress: Progress) -> int:
            return export_problems(profile=profile, batch_id=batch_id, dest=path)

        def done(written: int) -> None:
            self.exporting = False
            self.retranslate()
            self._say(
                _("{n} problems written to {path}").format(n=formatting.count(written), path=path)
            )

        def failed(error: BaseException) -> None:
            self.exporting = False
            self.retranslate()
            handle_failure(error, self._say)

        operation: Operation[int] = Operation(run, label=_("Exporting the problem report"))
        operation.success(done).failure(failed).quietly().owned_by(self)
        operation.run_in_background(self.context.tasks, writes=True)
