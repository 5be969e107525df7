"""数据筛查 Screening of one batch: runs, per-rule summary, the flags and their review.

The header shows the run on screen (the latest by default) and starts new runs ("Run
screening…": the rules and their parameters, then a background run with a per-rule progress
dialog; a cancelled run records nothing). On the left the run's rules with what each found
and how far its review has come; in the middle the flags, 200 at a time as the user scrolls,
with filters; below them the selected flag in full with the review controls. A flag is a
suspicion: it is confirmed, marked a data-quality issue or dismissed (with a note), and only
a confirmed flag becomes a finding. Keys in the flags table: C / Q / D decide, J / K move.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.progress import Progress
from local_db.enums import FlagReviewStatus
from ui import error_report, formatting
from ui.context import ShellContext
from ui.data.screening_data import FlagDetail, load_detail
from ui.data.screening_detail import DECISION_KEYS, FlagDetailWidget
from ui.data.screening_flags import FLAG_COLUMNS, FlagFilterBar, show_review_in_rows
from ui.data.screening_panels import RuleSummaryWidget, RunHeaderWidget
from ui.widgets.empty_state import EmptyStateWidget
from ui.widgets.lazy_table import LazyTableWidget, Page
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.findings.service import FindingRow
    from inspector_app.screening import (
        FlagFacets,
        FlagFilter,
        FlagRow,
        ReviewRow,
        RuleSummary,
        RunResult,
        RunRow,
    )
    from ui.data.screening_run_dialog import RunChoice, RunScreeningDialog
    from ui.dialogs.finding_editor import FindingEditorDialog

PAGE_SIZE = 200
MOVE_KEYS = {Qt.Key.Key_J: 1, Qt.Key.Key_K: -1}


class ScreeningView(QWidget):
    """Screen a batch and review what the rules flagged.

    ``screened(run_id)`` fires when a new run has been recorded (other tabs, e.g. risk-based
    sampling, list the runs).
    """

    screened = Signal(str)

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.batch_id: str | None = None
        self.runs: list[RunRow] = []
        self.run: RunRow | None = None
        self.summaries: list[RuleSummary] = []
        self.facets: FlagFacets | None = None
        self.case_id: str | None = None
        self.can_record = False
        self.may_screen = False  # may the user run screening over the batch (read on set_batch)
        self.findings: dict[str, FindingRow] = {}
        self.flag_total: int | None = None
        self.run_operation: Operation[Any] | None = None
        self.run_dialog: RunScreeningDialog | None = None
        self.finding_editor: FindingEditorDialog | None = None
        self.open_editor_after_finding = True
        self._generation = {"runs": 0, "run": 0, "list": 0, "detail": 0, "summary": 0}
        self._build()
        self.retranslate()

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        self.header = RunHeaderWidget(self)
        self.header.run_requested.connect(self.open_run_dialog)
        self.header.run_chosen.connect(self.show_run)
        layout.addWidget(self.header)
        self.message = QLabel(self)
        self.message.setObjectName("fieldHelp")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.banner = QLabel(self)
        self.banner.setObjectName("sealedNote")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.stack = QStackedWidget(self)
        self.empty = EmptyStateWidget("data", self)
        self.stack.addWidget(self.empty)
        self.body = self._build_body()
        self.stack.addWidget(self.body)
        layout.addWidget(self.stack, 1)

    def _build_body(self) -> QWidget:
        self.rules = RuleSummaryWidget(self)
        self.rules.rule_chosen.connect(lambda _code: self.restart())
        self.filters = FlagFilterBar(self)
        self.filters.changed.connect(self.restart)
        self.table: LazyTableWidget[FlagRow] = LazyTableWidget(FLAG_COLUMNS, self)
        self.table.setObjectName("flagsTable")
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._flag_selected)
        self.table.lazy_model.page_loaded.connect(self._page_loaded)
        self.table.lazy_model.page_failed.connect(self._list_failed)
        self.detail = FlagDetailWidget(self)
        self.detail.decided.connect(self.decide)
        self.detail.finding_requested.connect(self.create_finding)
        self.detail.note_done.connect(self.table.setFocus)
        for button in [*self.detail.buttons.values(), self.detail.finding_button]:
            button.installEventFilter(self)
        upper = QWidget(self)
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.setSpacing(6)
        upper_layout.addWidget(self.filters)
        upper_layout.addWidget(self.table, 1)
        centre = QSplitter(Qt.Orientation.Vertical, self)
        centre.addWidget(upper)
        centre.addWidget(self.detail)
        centre.setChildrenCollapsible(False)
        centre.setStretchFactor(0, 4)
        centre.setStretchFactor(1, 5)
        centre.setSizes([320, 420])
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(self.rules)
        body.addWidget(centre)
        body.setChildrenCollapsible(False)
        body.setStretchFactor(0, 0)
        body.setStretchFactor(1, 1)
        body.setSizes([360, 1040])
        return body

    def retranslate(self) -> None:
        """Re-read every visible text; reasons are re-read from the database."""
        self.header.retranslate()
        self.rules.retranslate()
        self.detail.retranslate()
        self.empty.set_texts(
            _("No screening yet"),
            _(
                "Screening runs the rules (readmissions, phantom bed-stays, restricted items, "
                "prices, quantities, traceability codes …) over every claim of this batch. "
                "Use “Run screening…” above; the flags it raises are reviewed here."
            ),
        )
        self.filters.retranslate()
        self.table.retranslate()
        self._show_banner()
        self._show_count()
        if self.run is not None:
            self.restart()

    # ---------------------------------------------------------------- running

    def _run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
        *,
        label: str,
        writes: bool = False,
    ) -> None:
        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(done).failure(failed).quietly().owned_by(self).run_in_background(
            self.context.tasks, writes=writes
        )

    def _next(self, channel: str) -> Callable[[], bool]:
        """A new generation of ``channel``; the returned check is True while it is the latest."""
        self._generation[channel] += 1
        generation = self._generation[channel]
        return lambda: generation == self._generation[channel]

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A line under the header (empty hides it)."""
        self.message.setObjectName("errorText" if error else "fieldHelp")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _failed(self, error: BaseException) -> None:
        error_report.handle_failure(error, lambda text: self.show_message(text, error=True))

    # ---------------------------------------------------------------- batch & runs

    def set_batch(self, batch_id: str) -> None:
        """Show the screening of ``batch_id`` (its latest run)."""
        from inspector_app.screening import may_screen

        self.batch_id = batch_id
        self.runs = []
        self.may_screen = False
        self.show_message("")
        self._clear_run()
        self.load_runs()
        profile = self.context.profile

        def arrived(allowed: bool) -> None:
            if batch_id == self.batch_id:
                self.may_screen = allowed
                self.header.run_button.setEnabled(self._may_run())

        self._run(
            lambda: may_screen(profile=profile, batch_id=batch_id),
            arrived,
            self._failed,
            label=_("Reading what you may do with this batch"),
        )

    def load_runs(self, select: str | None = None) -> None:
        """Read the batch's runs and show ``select`` (default: the one shown, else the latest)."""
        from inspector_app.screening import runs_of_batch

        batch_id = self.batch_id
        if batch_id is None:
            return
        latest = self._next("runs")
        profile = self.context.profile
        wanted = select or (self.run.id if self.run is not None else None)

        def arrived(runs: list[RunRow]) -> None:
            if not latest() or batch_id != self.batch_id:
                return
            self.runs = runs
            run = next((r for r in runs if r.id == wanted), runs[0] if runs else None)
            self.header.show_runs(runs, run)
            if run is None:
                self._clear_run()
            elif self.run is None or run.id != self.run.id or select is not None:
                self._show_run(run)

        self._run(
            lambda: runs_of_batch(profile=profile, batch_id=batch_id),
            arrived,
            self._failed,
            label=_("Reading screening runs"),
        )

    def show_run(self, run_id: str) -> None:
        """Show run ``run_id`` of the batch."""
        run = next((r for r in self.runs if r.id == run_id), None)
        if run is not None:
            self.header.show_runs(self.runs, run)
            self._show_run(run)

    def _clear_run(self) -> None:
        """Show no run; whatever is still being read for the previous one is dropped."""
        for channel in ("run", "list", "detail", "summary"):
            self._generation[channel] += 1
        self.run = None
        self.summaries, self.facets, self.case_id, self.can_record = [], None, None, False
        self.header.show_runs(self.runs if self.batch_id else [], None)
        self.header.run_button.setEnabled(self._may_run())
        self.rules.clear()
        self.table.lazy_model.clear()
        self.flag_total = None
        self.detail.expect(None)
        self.detail.show_detail(None)
        self.stack.setCurrentWidget(self.empty)
        self._show_banner()

    def _show_run(self, run: RunRow) -> None:
        """Read the run's summaries, facets and the case's standing, then list its flags."""
        from inspector_app.findings.service import FindingsView, findings_view
        from inspector_app.screening import flag_facets, rule_summaries

        self.run, self.case_id = run, run.case_id
        self.stack.setCurrentWidget(self.body)
        self.detail.show_detail(None)
        latest = self._next("run")
        profile, case_id, batch_id = self.context.profile, run.case_id, self.batch_id

        def work() -> tuple[list[RuleSummary], FlagFacets, FindingsView | None]:
            summaries = rule_summaries(profile=profile, run_id=run.id)
            facets = flag_facets(profile=profile, run_id=run.id)
            standing = findings_view(profile=profile, case_id=case_id) if case_id else None
            return summaries, facets, standing

        def arrived(data: tuple[list[RuleSummary], FlagFacets, FindingsView | None]) -> None:
            if not latest() or self.run is not run or self.batch_id != batch_id:
                return
            summaries, facets, standing = data
            self.can_record = standing is not None and standing.can_record
            self.findings = {row.id: row for row in standing.rows} if standing else {}
            self._show_facets(facets)
            self._show_summaries(summaries)
            self.detail.set_recording(self.can_record)
            self.header.run_button.setEnabled(self._may_run())
            self._show_banner()
            self.restart()

        self._run(work, arrived, self._failed, label=_("Reading the screening run"))

    def _may_run(self) -> bool:
        running = self.run_operation is not None and not self.run_operation.finished
        return not running and self.may_screen

    def _show_summaries(self, summaries: list[RuleSummary]) -> None:
        run = self.run
        if run is None:
            return
        self.summaries = summaries
        self.rules.show_summaries(run, summaries)
        self.header.set_open_count(sum(s.unreviewed for s in summaries))

    def _show_facets(self, facets: FlagFacets) -> None:
        self.facets = facets
        self.filters.show_facets(facets)

    def _show_banner(self) -> None:
        text = ""
        if self.run is not None and self.case_id is None:
            text = _(
                "This settlement data is not part of a case; its flags are reviewed in a case."
            )
        elif self.run is not None and not self.can_record:
            text = _(
                "Read only: the case file is closed, or your role in the inspection team does "
                "not allow recording. You can browse the flags and their reasons but not "
                "review them."
            )
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _refresh_summaries(self) -> None:
        from inspector_app.screening import rule_summaries

        run = self.run
        if run is None:
            return
        latest = self._next("summary")
        profile = self.context.profile

        def arrived(summaries: list[RuleSummary]) -> None:
            if latest() and self.run is not None and self.run.id == run.id:
                self._show_summaries(summaries)

        self._run(
            lambda: rule_summaries(profile=profile, run_id=run.id),
            arrived,
            error_report.log_error,
            label=_("Counting reviews"),
        )

    # ------------------------------------------------------------- listing

    def current_filter(self) -> FlagFilter:
        """The filter the rule summary and the filter bar describe."""
        return self.filters.flag_filter(self.rules.code)

    def restart(self) -> None:
        """List the run's flags again under the current filter."""
        from inspector_app.screening import list_flags

        run = self.run
        if run is None:
            return
        flags = self.current_filter()
        profile = self.context.profile
        latest = self._next("list")
        totals: dict[str, int] = {}
        self.flag_total = None
        self.detail.show_detail(None)

        def fetch(cursor: Any) -> Page[FlagRow]:
            offset = int(cursor or 0)
            page = list_flags(
                profile=profile, run_id=run.id, filters=flags, offset=offset, limit=PAGE_SIZE
            )
            totals["total"] = page.total
            following = offset + len(page.rows)
            return Page(rows=page.rows, cursor=following if page.rows and following < page.total
                        else None)  # fmt: skip

        def runner(work: Any, done: Any, failed: Any) -> None:
            def delivered(page: Page[FlagRow]) -> None:
                if latest():
                    self.flag_total = totals.get("total")
                done(page)

            self._run(work, delivered, failed, label=_("Reading flags"))

        self._show_count()
        self.table.lazy_model.restart(fetch, runner)

    def _page_loaded(self, count: int) -> None:
        self._show_count()
        if count and self.table.current_row() is None:
            self.table.select_first()

    def _list_failed(self, error: BaseException) -> None:
        error_report.log_error(error)
        self.filters.count_label.setText(_("The flags could not be read."))

    def _show_count(self) -> None:
        run = self.run
        self.filters.show_count(self.flag_total, run.flag_count if run is not None else None)

    # -------------------------------------------------------------- detail

    def current_flag(self) -> FlagRow | None:
        """The selected flag."""
        return self.table.current_row()

    def _flag_selected(self, *_args: Any) -> None:
        flag = self.current_flag()
        self.detail.expect(flag.id if flag is not None else None)
        if flag is None:
            self.detail.show_detail(None)
            return
        self._load_detail(flag)

    def _load_detail(self, flag: FlagRow, *, keep_note: bool = False) -> None:
        batch_id = self.batch_id
        if batch_id is None:
            return
        latest = self._next("detail")
        profile = self.context.profile
        siblings = [
            row
            for row in self.table.lazy_model.rows
            if row.claim_id == flag.claim_id and row.rule_code == flag.rule_code
        ]

        def arrived(detail: FlagDetail) -> None:
            if not latest():
                return
            review = detail.review
            finding_id = review.finding_id if review is not None else None
            self.detail.set_finding(self.findings.get(finding_id) if finding_id else None)
            self.detail.show_detail(detail, keep_note=keep_note)

        self._run(
            lambda: load_detail(profile=profile, batch_id=batch_id, flag=flag, siblings=siblings),
            arrived,
            self._failed,
            label=_("Reading the flagged claim"),
        )

    def step_flag(self, step: int) -> None:
        """Select the flag ``step`` rows down (up when negative); more are fetched at the end."""
        model = self.table.lazy_model
        if not model.rows:
            return
        index = self.table.currentIndex()
        row = (index.row() if index.isValid() else -1) + step
        if row >= len(model.rows) and model.canFetchMore(self.table.rootIndex()):
            model.fetchMore(self.table.rootIndex())
        row = max(0, min(row, len(model.rows) - 1))
        self.table.selectRow(row)
        self.table.scrollTo(model.index(row, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if modifiers == Qt.KeyboardModifier.NoModifier:
                key = Qt.Key(event.key())
                if key in DECISION_KEYS:
                    self.detail.request(DECISION_KEYS[key])
                    return True
                if key in MOVE_KEYS:
                    self.step_flag(MOVE_KEYS[key])
                    self.table.setFocus()
                    return True
        return super().eventFilter(watched, event)

    # -------------------------------------------------------------- review

    def shown_flag(self) -> FlagRow | None:
        """The flag whose detail (and note) is on screen, if it is also the selected one.

        Between a move in the table and the arrival of the new flag's detail, the detail
        and its note still belong to the previous flag: a decision then goes nowhere.
        """
        shown, selected = self.detail.detail, self.current_flag()
        if shown is None or selected is None or shown.flag.id != selected.id:
            return None
        return shown.flag

    def decide(self, status: FlagReviewStatus, note: str) -> None:
        """Record ``status`` (with ``note``) on the flag shown in the detail, in the background."""
        from inspector_app.screening import review_flag

        flag = self.shown_flag()
        if flag is None or not self.can_record:
            return
        profile, run = self.context.profile, self.run
        self.detail.set_busy(True)

        def done(review: ReviewRow) -> None:
            self.detail.set_busy(False)
            if self.run is run:
                self._apply_review(review)
                self._refresh_summaries()

        def failed(error: BaseException) -> None:
            self.detail.set_busy(False)
            error_report.handle_failure(error, self.detail.show_error)

        self._run(
            lambda: review_flag(profile=profile, flag_id=flag.id, status=status, note=note),
            done,
            failed,
            label=_("Recording the review"),
            writes=True,
        )

    def _apply_review(self, review: ReviewRow) -> None:
        """Show ``review`` on every loaded flag it covers (the rule's flags on the claim)."""
        show_review_in_rows(self.table.lazy_model, review)
        shown = self.detail.detail
        if shown is not None and (shown.flag.settlement_no, shown.flag.rule_code) == (
            review.settlement_no,
            review.rule_code,
        ):
            flag = dataclasses.replace(shown.flag, status=review.status)
            self.detail.show_detail(
                dataclasses.replace(shown, flag=flag, review=review), keep_note=True
            )

    # ------------------------------------------------------------- finding

    def create_finding(self) -> None:
        """Make the finding of the selected (confirmed) flag, then open it in the editor."""
        from inspector_app.findings.service import finding_detail
        from inspector_app.screening import finding_from_flag

        flag = self.shown_flag()
        confirmed = self.detail.status is FlagReviewStatus.CONFIRMED
        if flag is None or not self.can_record or not confirmed or self.detail.live_finding():
            return
        profile, run, case_id = self.context.profile, self.run, self.case_id
        self.detail.set_busy(True)

        def work() -> FindingRow:
            finding_id = finding_from_flag(profile=profile, flag_id=flag.id)
            return finding_detail(profile=profile, finding_id=finding_id)

        def done(finding: FindingRow) -> None:
            self.detail.set_busy(False)
            self.findings[finding.id] = finding
            self.show_message(
                _("Finding “{title}” created; it is in the case's Findings tab.").format(
                    title=finding.title
                )
            )
            shown = self.shown_flag()
            if self.run is run and shown is not None and shown.id == flag.id:
                self.detail.set_finding(finding)
                self._load_detail(flag, keep_note=True)
            if self.open_editor_after_finding and case_id is not None:
                self._open_editor(case_id, finding.id)

        def failed(error: BaseException) -> None:
            self.detail.set_busy(False)
            error_report.handle_failure(error, self.detail.show_error)

        self._run(work, done, failed, label=_("Making the finding"), writes=True)

    def _open_editor(self, case_id: str, finding_id: str) -> None:
        from ui.dialogs.finding_editor import FindingEditorDialog

        dialog = FindingEditorDialog(self.context, case_id, finding_id, self)
        dialog.saved.connect(self._finding_saved)
        dialog.finished.connect(dialog.deleteLater)
        self.finding_editor = dialog
        dialog.open()

    def _finding_saved(self, finding_id: str) -> None:
        from inspector_app.findings.service import finding_detail

        profile = self.context.profile

        def arrived(finding: FindingRow) -> None:
            self.findings[finding.id] = finding
            shown = self.detail.finding
            if shown is not None and shown.id == finding.id:
                self.detail.set_finding(finding)

        self._run(
            lambda: finding_detail(profile=profile, finding_id=finding_id),
            arrived,
            error_report.log_error,
            label=_("Reading the finding"),
        )

    # ----------------------------------------------------------- new runs

    def open_run_dialog(self) -> None:
        """Run screening…: choose rules and parameters, then run them."""
        from inspector_app.screening import shipped_ruleset
        from ui.data.screening_run_dialog import RunScreeningDialog

        if self.batch_id is None:
            return
        dialog = RunScreeningDialog(
            shipped_ruleset(), self, previous=self.run.rules if self.run is not None else None
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self.start_run)
        self.run_dialog = dialog
        dialog.open()

    def start_run(self, choice: RunChoice) -> None:
        """Run ``choice`` over the batch in the background, with a progress dialog and Cancel.

        The run reads in its own read transaction and writes once at the end, so it runs on
        the general pool: the serialized writer stays free for reviews meanwhile.
        """
        from inspector_app.screening import run_screening

        batch_id = self.batch_id
        if batch_id is None or not self._may_run():
            return
        profile = self.context.profile

        def work(progress: Progress) -> RunResult:
            progress.check()
            return run_screening(
                profile=profile, batch_id=batch_id, progress=progress, only=choice.only,
                parameters=choice.parameters,
            )  # fmt: skip

        def finished() -> None:
            self.run_operation = None
            self.header.run_button.setEnabled(self._may_run())

        def done(result: RunResult) -> None:
            finished()
            if batch_id == self.batch_id:  # the tab may show another batch by now
                self.show_message(
                    _("Screening done: {flags} flags on {claims} claims, {amount} at stake.")
                    .format(
                        flags=formatting.count(result.flag_count),
                        claims=formatting.count(result.flagged_claims),
                        amount=formatting.money(result.amount_fen),
                    )
                )  # fmt: skip
                self.load_runs(select=result.run_id)
            self.screened.emit(result.run_id)

        def cancelled() -> None:
            finished()
            if batch_id == self.batch_id:
                self.show_message(_("Screening cancelled; nothing was recorded."))

        def failed(error: BaseException) -> None:
            finished()
            self._failed(error)

        operation: Operation[Any] = Operation(work, label=_("Screening the settlement data…"))
        operation.success(done).failure(failed).on_cancelled(cancelled).with_dialog(self)
        self.run_operation = operation
        self.header.run_button.setEnabled(False)
        self.show_message("")
        operation.owned_by(self).run_in_background(self.context.tasks)
