"""抽样与复核 Sampling & review: the batch's draws, the selected draw's design and claims.

Above, every sample drawn from the batch with how far its review has got; below, the
selected draw's design in words — everything that makes it reproducible (method, strata
with N_h and n_h, allocation, seed, frame hash) — beside its claims with their review
status. From here the user draws a new sample, opens a claim's worksheet, extrapolates,
verifies the draw by redrawing it, and exports ``SAMPLE.csv`` for ``inspector stats``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, pgettext
from inspector_app.sampling.ui_support import (
    method_label,
    origin_label,
    review_label,
    stratum_label,
    visit_type_label,
)
from inspector_app.sampling.wording import design_rows, money, tier_range
from ui import error_report, formatting
from ui.context import ShellContext
from ui.widgets.data_table import RIGHT, ROW_ROLE, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.sampling.draws import DrawSummary
    from inspector_app.sampling.export import ExportResult
    from inspector_app.sampling.redraw import RedrawResult
    from inspector_app.sampling.ui_support import DrawRow, SampledClaim
    from ui.dialogs.new_sample_dialog import NewSampleDialog

SEED_SHOWN = 10  # digits of the seed in the list (the whole seed is in the tooltip)


def _seed(seed: str) -> str:
    return seed if len(seed) <= SEED_SHOWN else seed[:SEED_SHOWN] + "…"


def _count(value: int) -> str:
    return formatting.count(value)


def _reviewed(d: DrawRow) -> str:
    return f"{_count(d.reviewed)} / {_count(d.summary.sample_size)}"


def _improper(unit: SampledClaim) -> str:
    improper = unit.improper_fen
    return formatting.money(improper) if improper is not None else ""


DRAW_COLUMNS: list[Column[DrawRow]] = [
    Column(lambda: pgettext("sampling", "Sample"), lambda d: d.summary.label, stretch=True),
    Column(lambda: pgettext("sampling", "Method"), lambda d: method_label(d.summary.method),
           width=90),
    Column(lambda: _("Frame N"), lambda d: _count(d.summary.frame_size),
           lambda d: d.summary.frame_size, RIGHT, 70),
    Column(lambda: _("Sample n"), lambda d: _count(d.summary.sample_size),
           lambda d: d.summary.sample_size, RIGHT, 70),
    Column(lambda: _("Reviewed"), _reviewed,
           lambda d: d.reviewed / max(d.summary.sample_size, 1), RIGHT, 80),
    Column(lambda: _("Seed"), lambda d: _seed(d.summary.seed), width=110,
           tooltip=lambda d: d.summary.seed),
    Column(lambda: _("Drawn at"), lambda d: formatting.local_time(d.summary.drawn_at),
           lambda d: d.summary.drawn_at, width=130),
    Column(lambda: _("By"), lambda d: d.summary.drawn_by, width=90),
]  # fmt: skip
UNIT_COLUMNS: list[Column[SampledClaim]] = [
    Column(lambda: _("No."), lambda u: str(u.position), lambda u: u.position, RIGHT, 44),
    Column(lambda: _("Settlement no."), lambda u: u.settlement_no, width=170),
    Column(lambda: _("Stratum"), lambda u: stratum_label(u.stratum), width=70),
    Column(lambda: _("Visit type"), lambda u: visit_type_label(u.visit_type), width=60),
    Column(lambda: _("Department"), lambda u: u.department, stretch=True),
    Column(lambda: _("Fund paid"), lambda u: formatting.money(u.fund_fen),
           lambda u: u.fund_fen, RIGHT, 100),
    Column(lambda: _("Origin"), lambda u: origin_label(u.origin), width=60),
    Column(lambda: _("Hits"), lambda u: str(u.hits), lambda u: u.hits, RIGHT, 44),
    Column(lambda: pgettext("sampling", "Review"), lambda u: review_label(u.review),
           lambda u: str(u.review), width=80, muted=lambda u: u.review is None),
    Column(lambda: _("Improper"), _improper, lambda u: u.improper_fen or 0, RIGHT, 90),
]  # fmt: skip


class SamplingView(QWidget):
    """The batch's samples, and the selected one's design, claims and actions."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.batch_id: str | None = None
        self.draws: list[DrawRow] = []
        self.units: list[SampledClaim] = []
        self.new_dialog: NewSampleDialog | None = None
        self.export_dialog: QFileDialog | None = None
        self.last_redraw: RedrawResult | None = None
        self._select_after_load: str | None = None
        self._units_for: str | None = None
        self._draws_generation = 0
        self._units_generation = 0
        self._batch_generation = 0  # advanced by set_batch: results for an older batch are dropped
        self.loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        bar = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("primaryButton")
        self.new_button.clicked.connect(self.new_sample)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.new_button)
        layout.addLayout(bar)
        self.stack = QStackedWidget(self)
        self.empty = EmptyStateWidget("data", self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_content())
        layout.addWidget(self.stack, 1)
        self.retranslate()

    def _build_content(self) -> QWidget:
        content = QWidget(self)
        self.draw_table: DataTableWidget[DrawRow] = DataTableWidget(DRAW_COLUMNS, content)
        self.draw_table.selectionModel().currentRowChanged.connect(self._draw_selected)
        self.design = QLabel(content)
        self.design.setObjectName("designSummary")
        self.design.setWordWrap(True)
        self.design.setTextFormat(Qt.TextFormat.RichText)
        self.design.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.design.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.design.setContentsMargins(8, 6, 8, 6)
        scroll = QScrollArea(content)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.design)
        scroll.setMinimumWidth(300)
        right = self._build_units(content)
        lower = QSplitter(Qt.Orientation.Horizontal, content)
        lower.addWidget(scroll)
        lower.addWidget(right)
        lower.setStretchFactor(0, 2)
        lower.setStretchFactor(1, 5)
        lower.setSizes([450, 950])
        lower.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Vertical, content)
        splitter.addWidget(self.draw_table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([170, 560])
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.content = content
        return content

    def _build_units(self, parent: QWidget) -> QWidget:
        right = QWidget(parent)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        actions = QHBoxLayout()
        self.units_title = QLabel(right)
        self.units_title.setObjectName("sectionTitle")
        self.review_button = QPushButton(right)
        self.review_button.clicked.connect(self.review_selected)
        self.extrapolate_button = QPushButton(right)
        self.extrapolate_button.clicked.connect(self.extrapolate)
        self.verify_button = QPushButton(right)
        self.verify_button.clicked.connect(self.verify)
        self.export_button = QPushButton(right)
        self.export_button.clicked.connect(self.export_selected)
        actions.addWidget(self.units_title, 1)
        for button in (self.review_button, self.extrapolate_button, self.verify_button,
                       self.export_button):  # fmt: skip
            actions.addWidget(button)
        self.unit_table: DataTableWidget[SampledClaim] = DataTableWidget(UNIT_COLUMNS, right)
        self.unit_table.row_activated.connect(self._unit_activated)
        self.unit_table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.status = QLabel(right)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.unit_table, 1)
        right_layout.addWidget(self.status)
        return right

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.title.setText(_("Samples drawn from this batch"))
        self.new_button.setText(_("New sample…"))
        self.review_button.setText(_("Review claim…"))
        self.extrapolate_button.setText(_("Extrapolate…"))
        self.verify_button.setText(_("Verify (redraw)"))
        self.export_button.setText(_("Export SAMPLE.csv…"))
        self.empty.set_texts(
            _("No sample drawn from this batch yet"),
            _(
                "Draw a reproducible sample of claims: simple random, stratified, PPS or "
                "risk-based. Each draw keeps its frame, seed and design, so anyone can redraw it."
            ),
        )  # fmt: skip
        self.draw_table.retranslate()
        self.unit_table.retranslate()
        self._show_design()
        self._show_units_title()
        if self.last_redraw is not None:
            self._show_redraw(self.last_redraw)

    # ----------------------------------------------------------------- loading

    def _run(self, work: Any, done: Any, failed: Any, *, label: str, writes: bool = False) -> None:
        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(self._for_this_batch(done)).failure(self._for_this_batch(failed))
        operation.owned_by(self)
        if writes:
            operation.with_dialog(self)
        else:
            operation.quietly()
        operation.run_in_background(self.context.tasks, writes=writes)

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        error_report.handle_failure(error, self.status.setText, always_show=True)

    def _for_this_batch(self, callback: Any) -> Any:
        """``callback``, dropped (the error only logged) if another batch is shown meanwhile."""
        generation = self._batch_generation

        def call(value: Any) -> None:
            if generation != self._batch_generation:
                if isinstance(value, BaseException):
                    error_report.log_error(value)
                return
            callback(value)

        return call

    def set_batch(self, batch_id: str) -> None:
        """Show the samples of ``batch_id``."""
        self._batch_generation += 1
        self._units_generation += 1  # a claims read for the old batch's draw must not land here
        self.batch_id = batch_id
        self.draws, self.units = [], []
        self._units_for = None
        self.last_redraw = None
        self.status.clear()
        self.draw_table.set_rows([])
        self.unit_table.set_rows([])
        self._show_design()
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the batch's draws again, then select ``select`` (default: the current one)."""
        from inspector_app.sampling.ui_support import batch_draws

        batch_id = self.batch_id
        if batch_id is None:
            return
        current = self.current_draw()
        self._select_after_load = select or (current.draw_id if current else None)
        self._draws_generation += 1
        generation = self._draws_generation
        profile = self.context.profile
        self.loading = True

        def show(rows: list[DrawRow]) -> None:
            if generation != self._draws_generation or batch_id != self.batch_id:
                return
            self.loading = False
            self.draws = rows
            self.stack.setCurrentWidget(self.content if rows else self.empty)
            self.draw_table.set_rows(rows)
            if not self.select_draw(self._select_after_load or ""):
                self.draw_table.select_first()
            self._update_buttons()

        self._run(lambda: batch_draws(profile, batch_id), show, self._failed,
                  label=_("Reading the samples"))  # fmt: skip

    def refresh(self) -> None:
        """Re-read the draws and the selected draw's claims (after a worksheet changed)."""
        self._units_for = None
        self.reload()

    def select_draw(self, draw_id: str) -> bool:
        """Select the draw ``draw_id`` in the list; False if it is not there."""
        proxy = self.draw_table.proxy
        for row in range(proxy.rowCount()):
            draw = proxy.index(row, 0).data(ROW_ROLE)
            if draw is not None and draw.draw_id == draw_id:
                self.draw_table.selectRow(row)
                self._draw_selected()
                return True
        return False

    def current_draw(self) -> DrawRow | None:
        """The selected draw."""
        return self.draw_table.current_row()

    def current_unit(self) -> SampledClaim | None:
        """The selected claim of the selected draw."""
        return self.unit_table.current_row()

    def _draw_selected(self, *_args: object) -> None:
        from inspector_app.sampling.ui_support import sampled_claims

        draw = self.current_draw()
        self._show_design()
        self._update_buttons()
        if draw is None or draw.draw_id == self._units_for:
            return
        if self.last_redraw is not None and self.last_redraw.draw_id != draw.draw_id:
            self.last_redraw = None
            self.status.clear()
        self._units_for = draw.draw_id
        self._units_generation += 1
        generation = self._units_generation
        profile, draw_id = self.context.profile, draw.draw_id
        selected = self.current_unit()
        keep = selected.settlement_no if selected is not None else None
        self.loading = True

        def show(units: list[SampledClaim]) -> None:
            if generation != self._units_generation:
                return
            self.loading = False
            self.units = units
            self.unit_table.set_rows(units)
            self._reselect_unit(keep)
            self._show_units_title()
            self._update_buttons()

        self._run(lambda: sampled_claims(profile, draw_id), show, self._failed,
                  label=_("Reading the sampled claims"))  # fmt: skip

    def _reselect_unit(self, settlement_no: str | None) -> None:
        proxy = self.unit_table.proxy
        for row in range(proxy.rowCount()):
            unit = proxy.index(row, 0).data(ROW_ROLE)
            if unit is not None and unit.settlement_no == settlement_no:
                self.unit_table.selectRow(row)
                return
        self.unit_table.select_first()

    def _update_buttons(self, *_args: object) -> None:
        has_draw = self.current_draw() is not None
        for button in (self.extrapolate_button, self.verify_button, self.export_button):
            button.setEnabled(has_draw)
        self.review_button.setEnabled(has_draw and self.current_unit() is not None)

    def _show_units_title(self) -> None:
        draw = self.current_draw()
        if draw is None:
            self.units_title.setText("")
            return
        done = sum(1 for unit in self.units if unit.improper_fen is not None)
        self.units_title.setText(
            _("{count} claims · {done} reviewed").format(
                count=formatting.count(len(self.units)), done=formatting.count(done)
            )
        )

    # ----------------------------------------------------------------- design in words

    def _show_design(self) -> None:
        draw = self.current_draw()
        self.design.setText(design_html(draw.summary) if draw is not None else "")

    # ----------------------------------------------------------------- actions

    def new_sample(self) -> NewSampleDialog | None:
        """Open the new-sample dialog (non-blocking); a draw made there is selected here."""
        from ui.dialogs.new_sample_dialog import NewSampleDialog

        if self.batch_id is None:
            return None
        dialog = NewSampleDialog(self.context, self.batch_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.drawn.connect(self._drawn)
        self.new_dialog = dialog
        dialog.destroyed.connect(lambda *_: setattr(self, "new_dialog", None))
        dialog.open()
        return dialog

    def _drawn(self, summary: DrawSummary) -> None:
        self.reload(select=summary.draw_id)

    def _unit_activated(self, _unit: object) -> None:
        self.review_selected()

    def review_selected(self) -> None:
        """Open the worksheet of the selected claim."""
        draw, unit = self.current_draw(), self.current_unit()
        if draw is None or unit is None:
            return
        try:
            from ui.data.review_worksheet import open_review_worksheet
        except ModuleNotFoundError:
            self.status.setText(_("The review worksheet is not available in this version."))
            return
        open_review_worksheet(
            self, self.context, draw_id=draw.draw_id, settlement_no=unit.settlement_no,
            on_changed=self.refresh,
        )  # fmt: skip

    def extrapolate(self) -> None:
        """Open the extrapolation of the selected draw."""
        draw = self.current_draw()
        if draw is None:
            return
        try:
            from ui.data.extrapolation_view import open_extrapolation
        except ModuleNotFoundError:
            self.status.setText(_("The extrapolation is not available in this version."))
            return
        open_extrapolation(self, self.context, draw_id=draw.draw_id)

    def verify(self) -> None:
        """Redraw the selected draw from its record (database worker) and say if it matches."""
        from inspector_app.sampling import redraw

        draw = self.current_draw()
        if draw is None:
            return
        profile, draw_id = self.context.profile, draw.draw_id
        self.verify_button.setEnabled(False)
        self.status.setText(_("Redrawing…"))

        def done(result: RedrawResult) -> None:
            self._update_buttons()
            current = self.current_draw()
            if current is None or current.draw_id != result.draw_id:
                # Another draw was selected meanwhile: this result is not about it.
                if self.status.text() == _("Redrawing…"):
                    self.status.clear()
                return
            self.last_redraw = result
            self._show_redraw(result)
            if result.units_recreated and result.draw_id == self._units_for:
                self._units_for = None  # the units were re-created: read them again
                self._draw_selected()

        def failed(error: BaseException) -> None:
            self._update_buttons()
            self._failed(error)

        self._run(lambda: redraw(profile, draw_id), done, failed,
                  label=_("Redrawing the sample"), writes=True)  # fmt: skip

    def _show_redraw(self, result: RedrawResult) -> None:
        if result.matched:
            self.status.setObjectName("")
            text = _(
                "Reproduced exactly: the same {count} claims in the same order, from the same "
                "frame (SHA-256 {sha}…)."
            ).format(count=formatting.count(result.redrawn_units), sha=result.frame_sha256[:16])
            if result.units_recreated:
                text += "\n" + result.recreation_note
        else:
            self.status.setObjectName("errorText")
            text = "\n".join(result.lines())
        self.status.setText(text)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def export_selected(self) -> QFileDialog | None:
        """Ask for a folder (non-blocking), then write the selected draw's SAMPLE.csv there."""
        draw = self.current_draw()
        if draw is None:
            return None
        dialog = QFileDialog(self, _("Export SAMPLE.csv into"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        draw_id = draw.draw_id
        dialog.fileSelected.connect(lambda folder: self.export_to(draw_id, Path(folder)))
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def export_to(self, draw_id: str, folder: Path) -> None:
        """Write the draw's SAMPLE.csv (and STRATA.csv) into ``folder`` in the background."""
        from inspector_app.sampling import export_sample_csv

        profile = self.context.profile

        def done(result: ExportResult) -> None:
            self.last_redraw = None
            self.status.setObjectName("")
            lines = [
                _("Wrote {path}: {rows} claims, {reviewed} reviewed.").format(
                    path=result.sample_path, rows=formatting.count(result.rows),
                    reviewed=formatting.count(result.reviewed),
                )
            ]  # fmt: skip
            if result.strata_path is not None:
                lines.append(_("Wrote {path}.").format(path=result.strata_path))
            if not result.appraisal_valid:
                lines.append(
                    _("This is a PPS sample: the appraisal's estimators assume simple random "
                      "sampling and would be biased for it.")
                )  # fmt: skip
            self.status.setText("\n".join(lines))

        self._run(lambda: export_sample_csv(profile, draw_id, folder), done, self._failed,
                  label=_("Exporting the sample"))  # fmt: skip


# --------------------------------------------------------------------- the design in words

_CELL = "padding:1px 6px"


def _strata_table(summary: DrawSummary) -> str:
    strata = summary.design.get("strata", [])
    if not summary.stratified or not strata:
        return ""
    headers = [(_("Stratum"), "left"), (_("Amount range"), "left"), ("N_h", "right"),
               ("n_h", "right"), (_("Fund paid"), "right")]  # fmt: skip
    head = "".join(
        f"<th align='{align}' style='{_CELL}'>{html.escape(text)}</th>" for text, align in headers
    )
    body = ""
    for s in strata:
        cells = [
            stratum_label(str(s["label"])), tier_range(s.get("lower_fen"), s.get("upper_fen")),
            _count(int(s["frame_size"])), _count(int(s["sample_size"])), money(s["fund_fen"]),
        ]  # fmt: skip
        body += "<tr>" + "".join(
            f"<td align='{align}' style='{_CELL}'>{html.escape(cell)}</td>"
            for cell, (_text, align) in zip(cells, headers, strict=True)
        ) + "</tr>"  # fmt: skip
    return f"<table cellspacing='0' style='margin-top:8px'><tr>{head}</tr>{body}</table>"


def design_html(summary: DrawSummary) -> str:
    """A draw's design in words: everything a third party needs to reproduce it."""
    rows = design_rows(summary)
    table = "".join(
        f"<tr><td style='color:#5f6b7a; {_CELL}; padding-left:0; white-space:nowrap'>"
        f"{html.escape(name)}</td>"
        f"<td style='{_CELL}'>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    return (
        f"<p style='font-weight:600; margin-bottom:4px'>{html.escape(summary.label)}</p>"
        f"<table cellspacing='0'>{table}</table>{_strata_table(summary)}"
    )
