"""The right-hand side of the new-sample dialog: the frame's description and the planner.

The frame panel shows what the filters make: N, the total, mean and SD, per-stratum N_h
with its amount range, and what the method will take with certainty.

Variables (amounts): the size that estimates the frame's total within ± P % at the chosen
confidence, from the frame's mean and SD — or, at an expected error rate, from the
improper amounts that rate implies; a stratified design is planned over its strata for
the allocation it will draw with (proportional or Neyman). Attributes: the size whose exact
interval of the error rate is within ± the precision. The formulas are
``inspector_app.statistics.sample_size`` (RAT-STATS); the panel only gathers inputs, plans
in the background (scipy loads on first use) and offers the result to the size field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.sampling.design import DesignOptions
from inspector_app.sampling.ui_support import strata_of, stratum_label
from inspector_app.statistics.allocation import Allocation
from local_db.enums import SamplingMethod
from ui import error_report, formatting
from ui.context import ShellContext
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.sampling.ui_support import FramePreview, SizePlan, StratumPreview

CONFIDENCE_LEVELS = (0.80, 0.90, 0.95)
DEFAULT_CONFIDENCE = 0.90


def _range(s: StratumPreview) -> str:
    if s.lower_fen is None and s.upper_fen is None:
        return ""
    if s.upper_fen is None:
        return _("≥ {amount}").format(amount=formatting.money(s.lower_fen or 0))
    if s.lower_fen is None:
        return _("< {amount}").format(amount=formatting.money(s.upper_fen))
    return f"{formatting.money(s.lower_fen)} – {formatting.money(s.upper_fen)}"


def _money(value: float) -> str:
    return formatting.money(round(value))


STRATUM_COLUMNS: list[Column[StratumPreview]] = [
    Column(lambda: _("Stratum"), lambda s: stratum_label(s.label) or _("Whole frame"), width=60),
    Column(lambda: _("Amount range"), _range, width=150),
    Column(lambda: _("N_h"), lambda s: formatting.count(s.size), lambda s: s.size, RIGHT, 60),
    Column(lambda: _("Total"), lambda s: formatting.money(s.total_fen), lambda s: s.total_fen,
           RIGHT),
    Column(lambda: _("Mean"), lambda s: _money(s.mean_fen), lambda s: s.mean_fen, RIGHT),
    Column(lambda: _("SD"), lambda s: _money(s.sd_fen), lambda s: s.sd_fen, RIGHT),
]  # fmt: skip


class FramePanel(QGroupBox):
    """The frame the dialog's filters make, whole and per stratum, and its notes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel(self)
        self.note.setObjectName("fieldHelp")
        self.note.setWordWrap(True)
        self.strata: DataTableWidget[StratumPreview] = DataTableWidget(STRATUM_COLUMNS, self)
        self.strata.setSortingEnabled(False)
        self.strata.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.strata, 1)
        layout.addWidget(self.note)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setTitle(_("The frame"))
        self.strata.retranslate()

    def show_message(self, text: str) -> None:
        """Say ``text`` instead of the figures (building, or why the frame failed)."""
        self.summary.setText(text)

    def clear(self) -> None:
        """No frame to show."""
        self.strata.set_rows([])
        self.note.clear()

    def show_preview(self, preview: FramePreview, method: SamplingMethod, size: int) -> None:
        """Show ``preview`` as drawn by ``method`` with ``size``."""
        whole = preview.whole
        self.summary.setText(
            _("{count} claims · total {total} · mean {mean} · SD {sd}\nFrame SHA-256 {sha}…")
            .format(
                count=formatting.count(preview.size), total=formatting.money(preview.total_fen),
                mean=_money(whole.mean_fen), sd=_money(whole.sd_fen), sha=preview.sha256[:16],
            )
        )  # fmt: skip
        self.strata.set_rows(list(preview.strata) or [whole])
        self.show_notes(preview, method, size)

    def show_notes(self, preview: FramePreview, method: SamplingMethod, size: int) -> None:
        """What the method takes for sure, or cannot take, from this frame."""
        notes = []
        if preview.flagged is not None:
            notes.append(
                _("{flagged} claims flagged by the screening run.").format(
                    flagged=formatting.count(preview.flagged)
                )
            )
        if method is SamplingMethod.PPS and size > 0 and preview.total_fen > 0:
            notes.append(
                _(
                    "Sampling interval {interval}: claims of at least that amount are taken "
                    "with certainty; {count} claims of zero or negative amount cannot be drawn."
                ).format(
                    interval=formatting.money(preview.total_fen // size),
                    count=formatting.count(preview.nonpositive),
                )
            )
        if preview.certainty_size:
            notes.append(
                _("The certainty stratum's {count} claims are all taken.").format(
                    count=formatting.count(preview.certainty_size)
                )
            )
        self.note.setText("\n".join(notes))  # fmt: skip


class SampleSizePanel(QGroupBox):
    """Plan a size for the previewed frame; ``use_size`` offers it to the dialog."""

    use_size = Signal(int)

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.preview: FramePreview | None = None
        self.method = SamplingMethod.SIMPLE_RANDOM
        self.options = DesignOptions()
        self.plan: SizePlan | None = None
        self.planning = False  # a plan is being computed in the background
        self._generation = 0
        self.variables = QRadioButton(self)
        self.attributes = QRadioButton(self)
        self.variables.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.variables)
        kinds.addButton(self.attributes)
        self.confidence = QComboBox(self)
        for level in CONFIDENCE_LEVELS:
            self.confidence.addItem(f"{level:.0%}", level)
        self.confidence.setCurrentIndex(CONFIDENCE_LEVELS.index(DEFAULT_CONFIDENCE))
        self.precision = _percent(self, 10.0, 0.1, 100.0)
        self.basis = QComboBox(self)
        self.basis.addItem("", False)
        self.basis.addItem("", True)
        self.error_rate = _percent(self, 10.0, 0.1, 100.0)
        self.expected_rate = _percent(self, 5.0, 0.0, 100.0)
        self.attribute_precision = _percent(self, 3.0, 0.1, 99.9)
        self.result = QLabel(self)
        self.result.setObjectName("statValue")
        self.detail = QLabel(self)
        self.detail.setObjectName("fieldHelp")
        self.detail.setWordWrap(True)
        self.use_button = QPushButton(self)
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self._use)
        self._build()
        for signal in (
            self.variables.toggled, self.confidence.currentIndexChanged,
            self.precision.valueChanged, self.basis.currentIndexChanged,
            self.error_rate.valueChanged, self.expected_rate.valueChanged,
            self.attribute_precision.valueChanged,
        ):  # fmt: skip
            signal.connect(self.replan)
        self.retranslate()
        self._show_fields()

    def _build(self) -> None:
        kinds = QHBoxLayout()
        kinds.addWidget(self.variables)
        kinds.addWidget(self.attributes)
        kinds.addStretch(1)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.labels = [QLabel(self) for _ in range(6)]
        fields = (self.confidence, self.precision, self.basis, self.error_rate,
                  self.expected_rate, self.attribute_precision)  # fmt: skip
        for label, field in zip(self.labels, fields, strict=True):
            self.form.addRow(label, field)
        result_row = QHBoxLayout()
        result_row.addWidget(self.result, 1)
        result_row.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(kinds)
        layout.addLayout(self.form)
        layout.addLayout(result_row)
        layout.addWidget(self.detail)
        layout.addStretch(1)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setTitle(_("Sample-size planning"))
        self.variables.setText(_("Amounts (variables)"))
        self.attributes.setText(_("Error rate (attributes)"))
        rate = _("Expected error rate")
        texts = [_("Confidence"), _("Precision (± percent of the total)"), _("Plan on"), rate, rate,
                 _("Precision ± rate")]  # fmt: skip
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.basis.setItemText(0, _("the frame's amounts"))
        self.basis.setItemText(1, _("improper amounts at an error rate"))
        self.use_button.setText(_("Use this size"))
        self._show_plan()

    # ------------------------------------------------------------------ inputs

    def set_frame(
        self, preview: FramePreview | None, method: SamplingMethod, options: DesignOptions
    ) -> None:
        """Plan for ``preview`` drawn by ``method`` (None: no frame yet)."""
        self.preview, self.method, self.options = preview, method, options
        self.replan()

    def _show_fields(self) -> None:
        variables = self.variables.isChecked()
        by_rate = bool(self.basis.currentData())
        for field, visible in (
            (self.precision, variables), (self.basis, variables),
            (self.error_rate, variables and by_rate), (self.expected_rate, not variables),
            (self.attribute_precision, not variables),
        ):  # fmt: skip
            self.form.setRowVisible(field, visible)

    def replan(self, *_args: object) -> None:
        """Plan again in the background with the current inputs (the latest plan wins)."""
        from inspector_app.sampling.ui_support import plan_attributes, plan_variables

        self._show_fields()
        self._generation += 1
        generation = self._generation
        self.plan = None
        self.planning = False
        self.use_button.setEnabled(False)
        preview = self.preview
        if preview is None or preview.size == 0:
            self._show_plan()
            return
        method, options = self.method, self.options
        confidence = float(self.confidence.currentData())
        if self.variables.isChecked():
            precision = self.precision.value()
            rate = self.error_rate.value() / 100 if self.basis.currentData() else None

            def work() -> SizePlan:
                return plan_variables(
                    preview, method=method, confidence=confidence, precision_percent=precision,
                    error_rate=rate, options=options,
                )  # fmt: skip
        else:
            expected = self.expected_rate.value() / 100
            margin = self.attribute_precision.value() / 100

            def work() -> SizePlan:
                return plan_attributes(
                    preview, method=method, expected_rate=expected, precision=margin,
                    confidence=confidence,
                )  # fmt: skip

        def done(plan: SizePlan) -> None:
            if generation == self._generation:
                self.plan, self.planning = plan, False
                self._show_plan()

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.planning = False
                error_report.handle_failure(error, self._show_problem)

        operation: Operation[SizePlan] = Operation.of(work, label=_("Planning the sample size"))
        operation.success(done).failure(failed).quietly().owned_by(self)
        self.planning = True
        operation.run_in_background(self.context.tasks)
        self.result.setText("…")

    # ------------------------------------------------------------------ output

    def _show_problem(self, message: str) -> None:
        self.result.setText("—")
        self.detail.setText(message)

    def _show_plan(self) -> None:
        plan = self.plan
        if plan is None:
            if self.preview is None or self.preview.size == 0:
                self.result.setText("—")
                self.detail.setText(_("Plans once the frame holds claims."))
            return
        self.result.setText(_("n = {size}").format(size=formatting.count(plan.size)))
        self.use_button.setEnabled(plan.size > 0)
        self.detail.setText("\n".join(self._explain(plan)))

    def _explain(self, plan: SizePlan) -> list[str]:
        preview = self.preview
        assert preview is not None
        lines: list[str] = []
        confidence = f"{plan.confidence:.0%}"
        if plan.lower is not None and plan.upper is not None:
            lines.append(
                _(
                    "At {confidence} confidence and an expected error rate of {rate}, a sample "
                    "of {size} puts the claims in error between {lower} and {upper} of {frame}."
                ).format(
                    confidence=confidence, rate=f"{self.expected_rate.value():g} %",
                    size=formatting.count(plan.size), lower=formatting.count(plan.lower),
                    upper=formatting.count(plan.upper), frame=formatting.count(plan.frame_size),
                )
            )  # fmt: skip
        elif plan.allocation:
            # The plan is sized for the allocation the draw will make (options.allocation).
            if self.options.allocation is Allocation.NEYMAN:
                text = _(
                    "± {precision} percent of the frame's total at {confidence} confidence, "
                    "sized for Neyman allocation: {strata}."
                )
            else:
                text = _(
                    "± {precision} percent of the frame's total at {confidence} confidence, "
                    "sized for proportional allocation: {strata}."
                )
            lines.append(
                text.format(
                    precision=f"{self.precision.value():g}", confidence=confidence,
                    strata=strata_of(plan.allocation),
                )
            )  # fmt: skip
            if plan.certainty:
                lines.append(
                    _("Includes the {count} claims of the certainty stratum, taken whole.")
                    .format(count=formatting.count(plan.certainty))
                )  # fmt: skip
        else:
            text = _(
                "± {precision} percent of the total of {frame} claims at {confidence} confidence."
            )
            lines.append(
                text.format(
                    precision=f"{self.precision.value():g}",
                    frame=formatting.count(plan.frame_size),
                    confidence=confidence,
                )
            )
        lines.extend(self._method_notes())
        return lines

    def _method_notes(self) -> list[str]:
        if self.method is SamplingMethod.RISK_BASED:
            return [_("Risk-based: the size is the random remainder from the claims not flagged.")]
        if self.method is SamplingMethod.PPS:
            return [_("PPS: the size is the number of selection points; take this as a guide.")]
        return []

    def _use(self) -> None:
        if self.plan is not None:
            self.use_size.emit(self.plan.size)


def _percent(parent: QWidget, value: float, low: float, high: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(low, high)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" %")
    box.setValue(value)
    box.setKeyboardTracking(False)
    return box
