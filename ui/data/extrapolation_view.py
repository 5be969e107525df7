"""Extrapolation of a reviewed sample: the improper amount of the whole frame, with its limits.

For one draw: the method and frame, how many sampled claims are reviewed, and, once every
review is complete, each estimator's point estimate, standard error, two-sided limits,
precision and distribution at the chosen confidence, per stratum when stratified. The
"amount to recover" line names the lower limit the chosen recovery rule uses, beside the
point estimate and the lower limits at 80/90/95 %: an extrapolated amount is never shown
without its interval, method and sample (docs/statistics.md). An appraisal can be recorded
(kept with the case file) and exported as JSON. While reviews are open the view says how
many and shows no figures.

The sampling tab opens it with :func:`open_extrapolation`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import N_, _
from inspector_app.statistics.recovery import DEFAULT_RULE, REPORTED_LEVELS, RecoveryRule
from local_db.enums import SamplingMethod
from ui import error_report, formatting
from ui.context import ShellContext
from ui.translation import follow_language
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.review.appraisal import (
        DrawAppraisal,
        LevelLimits,
        RecordedAppraisal,
        RecordingStanding,
    )
    from inspector_app.review.tally import ReviewProgress
    from inspector_app.sampling.draws import DrawSummary
    from inspector_app.statistics.intervals import Interval

R = TypeVar("R")
ESTIMATOR_LABELS = {
    "difference": N_("Difference"),
    "ratio": N_("Ratio"),
    "mean_per_unit": N_("Mean per unit"),
}
METHOD_LABELS = {
    SamplingMethod.SIMPLE_RANDOM: N_("Simple random"),
    SamplingMethod.STRATIFIED: N_("Stratified random"),
    SamplingMethod.PPS: N_("PPS (monetary unit)"),
    SamplingMethod.RISK_BASED: N_("Risk-based"),
}
BIG = "font-size: 15pt; font-weight: 700; color: #1d4f91;"


def percent(level: float) -> str:
    """0.9 → ``90%``."""
    return f"{level * 100:g}%"


def yuan(amount: Any) -> str:
    """A yuan ``Decimal`` (to the cent) as money."""
    return formatting.money(int((amount * 100).to_integral_value()))


def distribution_text(interval: Interval) -> str:
    """``t (29 df)`` or ``z``."""
    distribution = interval.distribution
    if distribution.name == "t":
        return _("t ({df} df)").format(df=distribution.df)
    return "z"


def precision_percent_text(row: EstimatorRow) -> str:
    """The precision as a share of the point estimate; ``—`` when the point estimate is not
    positive (the share means nothing then, and 0.00% would read as perfectly precise)."""
    interval = row.interval
    if interval.estimate.point <= 0:
        return "—"
    return f"{interval.precision_percent}%"


def precision_percent_tooltip(row: EstimatorRow) -> str:
    """Why the precision share is missing, when it is."""
    if row.interval.estimate.point <= 0:
        return _("No share: the point estimate is zero or negative.")
    return ""


def estimator_label(name: str) -> str:
    """An estimator's name in words."""
    return _(ESTIMATOR_LABELS.get(name, name))


@dataclass(frozen=True)
class EstimatorRow:
    """One estimator (or one stratum of it) as the tables show it."""

    label: str
    interval: Interval


def _interval_columns(first: Callable[[], str]) -> list[Column[EstimatorRow]]:
    def money(pick: Callable[[Interval], Any]) -> Callable[[EstimatorRow], str]:
        return lambda row: yuan(pick(row.interval))

    return [
        Column(first, lambda r: r.label, width=110),
        Column(lambda: _("N"), lambda r: formatting.count(r.interval.estimate.frame_size),
               align=RIGHT, width=60),
        Column(lambda: _("n"), lambda r: formatting.count(r.interval.estimate.sample_size),
               align=RIGHT, width=44),
        Column(lambda: _("Point estimate"), money(lambda i: i.point_estimate), align=RIGHT,
               width=120),
        Column(lambda: _("Std. error"), money(lambda i: i.standard_error), align=RIGHT, width=110),
        Column(lambda: _("Lower limit"), money(lambda i: i.lower), align=RIGHT, width=120),
        Column(lambda: _("Upper limit"), money(lambda i: i.upper), align=RIGHT, width=120),
        Column(lambda: _("Precision"), money(lambda i: i.precision), align=RIGHT, width=110),
        Column(lambda: _("Precision %"), precision_percent_text, align=RIGHT, width=80,
               tooltip=precision_percent_tooltip),
        Column(lambda: _("Distribution"), lambda r: distribution_text(r.interval), stretch=True),
    ]  # fmt: skip


LEVEL_COLUMNS: list[Column[LevelLimits]] = [
    Column(lambda: _("Two-sided"), lambda r: percent(r.two_sided), align=RIGHT, width=86),
    Column(lambda: _("One-sided"), lambda r: percent(r.one_sided), align=RIGHT, width=86),
    Column(lambda: _("Lower limit"), lambda r: formatting.money(r.lower_fen), align=RIGHT,
           width=120),
    Column(lambda: _("Upper limit"), lambda r: formatting.money(r.upper_fen), align=RIGHT,
           width=120),
    Column(lambda: _("Used by the rule"), lambda r: "✔" if r.selected else "", stretch=True),
]  # fmt: skip


def _rule_level(rule: RecoveryRule) -> str:
    return _("lower of two-sided {level}").format(level=percent(rule.two_sided_level))


RECORD_COLUMNS: list[Column[RecordedAppraisal]] = [
    Column(lambda: _("Recorded"), lambda r: formatting.local_time(r.recorded_at), width=130),
    Column(lambda: _("By"), lambda r: r.recorded_by, width=90),
    Column(lambda: _("Estimator"), lambda r: estimator_label(r.estimator), width=90),
    Column(lambda: _("Confidence"), lambda r: percent(r.confidence), align=RIGHT, width=70),
    Column(lambda: _("Point estimate"), lambda r: formatting.money(r.point_fen), align=RIGHT,
           width=110),
    Column(lambda: _("Interval"), lambda r: f"{formatting.money(r.lower_fen)} – "
           f"{formatting.money(r.upper_fen)}", stretch=True),
    Column(lambda: _("Recovery rule"), lambda r: _rule_level(r.rule), width=180,
           tooltip=lambda r: _(r.rule.label)),
    Column(lambda: _("Amount to recover"),
           lambda r: formatting.money(r.recovery_fen) if r.recovery_fen is not None else "",
           align=RIGHT, width=120),
    Column(lambda: _("Inputs"), lambda r: r.inputs_sha256[:12], width=100,
           tooltip=lambda r: r.inputs_sha256),
]  # fmt: skip


@dataclass(frozen=True)
class _Reading:
    """Everything the view shows, read in one background step."""

    summary: DrawSummary
    progress: ReviewProgress
    standing: RecordingStanding
    recorded: list[RecordedAppraisal]
    result: DrawAppraisal | None
    refusal: str


def _table(widget: DataTableWidget[Any], rows: int) -> DataTableWidget[Any]:
    """Fix a small table's height to ``rows`` rows plus its header."""
    widget.setFixedHeight(30 * max(rows, 1) + widget.horizontalHeader().sizeHint().height() + 4)
    widget.setSortingEnabled(False)
    return widget


class ExtrapolationDialog(QDialog):
    """The appraisal of one draw (non-modal)."""

    def __init__(
        self, context: ShellContext, *, draw_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.draw_id = draw_id
        self.reading: _Reading | None = None
        self.busy = 0
        self._generation = 0
        self.setObjectName("extrapolation")
        self.setMinimumSize(1120, 780)
        self._build()
        self.export_dialog: QFileDialog | None = None
        self.retranslate()
        follow_language(self, self._language_changed)
        self.load()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 12)
        layout.setSpacing(8)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.facts = QLabel(self)
        self.facts.setObjectName("fieldHelp")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addLayout(self._build_controls())
        self.refusal = QLabel(self)
        self.refusal.setObjectName("sealedNote")
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        layout.addWidget(self.refusal)
        layout.addWidget(self._build_recovery())
        self.estimators_title = QLabel(self)
        self.estimators_title.setObjectName("cardTitle")
        self.estimators: DataTableWidget[EstimatorRow] = _table(
            DataTableWidget(_interval_columns(lambda: _("Estimator")), self), 3
        )
        self.strata_title = QLabel(self)
        self.strata_title.setObjectName("cardTitle")
        self.strata: DataTableWidget[EstimatorRow] = _table(
            DataTableWidget(_interval_columns(lambda: _("Stratum")), self), 3
        )
        self.notes = QLabel(self)
        self.notes.setObjectName("fieldHelp")
        self.notes.setWordWrap(True)
        self.recorded_title = QLabel(self)
        self.recorded_title.setObjectName("cardTitle")
        self.recorded: DataTableWidget[RecordedAppraisal] = DataTableWidget(RECORD_COLUMNS, self)
        self.recorded.setMinimumHeight(100)
        for widget, stretch in ((self.estimators_title, 0), (self.estimators, 0),
                                (self.strata_title, 0), (self.strata, 0), (self.notes, 0),
                                (self.recorded_title, 0), (self.recorded, 1)):  # fmt: skip
            layout.addWidget(widget, stretch)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.export_status = QLabel(self)
        self.export_status.setObjectName("fieldHelp")
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_status.hide()
        buttons.addWidget(self.export_status, 1)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.close)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)

    def _build_controls(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.confidence_label, self.rule_label, self.estimator_label = (
            QLabel(self), QLabel(self), QLabel(self),
        )  # fmt: skip
        self.confidence = QComboBox(self)
        self.confidence.setObjectName("confidence")
        for level in REPORTED_LEVELS:
            self.confidence.addItem(percent(level), level)
        self.confidence.setCurrentIndex(self.confidence.findData(0.90))
        self.confidence.currentIndexChanged.connect(self.load)
        self.rule = QComboBox(self)
        self.rule.setObjectName("recoveryRule")
        for rule in RecoveryRule:
            self.rule.addItem("", rule.value)
        self.rule.setCurrentIndex(self.rule.findData(DEFAULT_RULE.value))
        self.rule.currentIndexChanged.connect(self.load)
        self.estimator = QComboBox(self)
        self.estimator.setObjectName("recoveryEstimator")
        self.estimator.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.estimator.setMinimumContentsLength(12)
        self.estimator.currentIndexChanged.connect(self._render_result)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self.choose_export_file)
        self.record_button = QPushButton(self)
        self.record_button.setObjectName("primaryButton")
        self.record_button.clicked.connect(self.record)
        for widget in (self.confidence_label, self.confidence, self.rule_label, self.rule,
                       self.estimator_label, self.estimator):  # fmt: skip
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.record_button)
        return row

    def _build_recovery(self) -> QWidget:
        card = QFrame(self)
        card.setObjectName("card")
        grid = QGridLayout(card)
        grid.setContentsMargins(16, 10, 16, 10)
        grid.setHorizontalSpacing(18)
        self.recovery_title = QLabel(card)
        self.recovery_title.setObjectName("cardTitle")
        self.recovery_amount = QLabel(card)
        self.recovery_amount.setObjectName("recoveryAmount")
        self.recovery_amount.setStyleSheet(BIG)
        self.recovery_amount.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recovery_text = QLabel(card)
        self.recovery_text.setWordWrap(True)
        self.recovery_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.levels: DataTableWidget[LevelLimits] = _table(DataTableWidget(LEVEL_COLUMNS, card), 3)
        self.levels.setMinimumWidth(540)
        self.recovery_warning = QLabel(card)
        self.recovery_warning.setObjectName("sealedNote")
        self.recovery_warning.setWordWrap(True)
        self.recovery_warning.hide()
        grid.addWidget(self.recovery_title, 0, 0)
        grid.addWidget(self.recovery_amount, 1, 0)
        grid.addWidget(self.recovery_warning, 2, 0)
        grid.addWidget(self.recovery_text, 3, 0)
        grid.addWidget(self.levels, 0, 1, 4, 1)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(3, 1)
        return card

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Extrapolation"))
        self.confidence_label.setText(_("Confidence"))
        self.rule_label.setText(_("Recovery rule"))
        self.estimator_label.setText(_("Estimator for recovery"))
        for index in range(self.rule.count()):
            self.rule.setItemText(index, _(RecoveryRule(self.rule.itemData(index)).label))
        self.export_button.setText(_("Export JSON…"))
        self.record_button.setText(_("Record this appraisal"))
        self.recovery_title.setText(_("Amount to recover under the selected rule"))
        self.estimators_title.setText(_("Estimates of the improper amount in the frame"))
        self.strata_title.setText(_("By stratum"))
        self.recorded_title.setText(_("Recorded appraisals"))
        self.close_button.setText(_("Close"))
        for table in (self.estimators, self.strata, self.levels, self.recorded):
            table.retranslate()
        self._render()

    def _language_changed(self) -> None:
        """Re-read the texts, and the appraisal: its notes and a refusal's reason are
        written by the core in the active language."""
        self.retranslate()
        if self.reading is not None:
            self.load()

    # ------------------------------------------------------------- background

    def _run(
        self, work: Callable[[], R], done: Callable[[R], None], *, label: str, writes: bool = False
    ) -> None:
        def succeeded(result: R) -> None:
            self.busy -= 1
            done(result)
            self._enable()

        def failed(error: BaseException) -> None:
            self.busy -= 1
            self._enable()
            error_report.handle_failure(error, self.show_error)

        self.busy += 1
        self._enable()
        operation: Operation[R] = Operation.of(work, label=label)
        operation.success(succeeded).failure(failed).owned_by(self).quietly()
        operation.run_in_background(self.context.tasks, writes=writes)

    def load(self, *_args: object) -> None:
        """Read the draw and appraise it at the chosen confidence and rule (latest wins)."""
        from inspector_app.review import review_progress
        from inspector_app.review.appraisal import (
            AppraisalNotReadyError,
            appraisals_of,
            appraise_draw,
            recording_standing,
        )
        from inspector_app.sampling import draw_summary
        from inspector_app.statistics.variables import AppraisalError

        profile, draw_id = self.context.profile, self.draw_id
        confidence, rule = self.chosen_confidence(), self.chosen_rule()
        self._generation += 1
        generation = self._generation

        def work() -> _Reading:
            result, refusal = None, ""
            try:
                result = appraise_draw(profile, draw_id, confidence=confidence, rule=rule)
            except (AppraisalNotReadyError, AppraisalError) as exc:  # open reviews, PPS, …
                refusal = str(exc)
            return _Reading(
                summary=draw_summary(profile, draw_id),
                progress=review_progress(profile, draw_id),
                standing=recording_standing(profile, draw_id),
                recorded=appraisals_of(profile, draw_id),
                result=result,
                refusal=refusal,
            )

        def show(reading: _Reading) -> None:
            if generation == self._generation:
                self.reading = reading
                self._render()

        self._run(work, show, label=_("Extrapolating the sample"))

    def chosen_confidence(self) -> float:
        """The two-sided confidence chosen (0.80, 0.90 or 0.95)."""
        return float(self.confidence.currentData())

    def chosen_rule(self) -> RecoveryRule:
        """The recovery rule chosen."""
        return RecoveryRule(self.rule.currentData())

    def chosen_estimator(self) -> str:
        """The estimator whose lower limit the recovery line shows (difference by default)."""
        return str(self.estimator.currentData() or "difference")

    # --------------------------------------------------------------- showing

    def _render(self) -> None:
        reading = self.reading
        if reading is None:
            self.title.setText(_("Extrapolation"))
            self.facts.setText(_("Reading the sample…"))
            self._enable()
            return
        summary, progress = reading.summary, reading.progress
        self.title.setText(_("Extrapolation of “{label}”").format(label=summary.label))
        strata = [s for s in summary.strata if s.label]
        method = _(METHOD_LABELS[summary.method])
        if strata:
            method = _("{method}, {n} strata").format(method=method, n=len(strata))
        self.facts.setText(
            _(
                "{method} · frame {N} claims, fund paid {X} · sample {n} claims, {done} "
                "reviewed · drawn {when} by {who}, seed {seed} · frame SHA-256 {sha}…"
            ).format(
                method=method,
                N=formatting.count(summary.frame_size),
                X=formatting.money(summary.frame_fund_fen),
                n=formatting.count(progress.total),
                done=formatting.count(progress.done),
                when=formatting.local_time(summary.drawn_at),
                who=summary.drawn_by,
                seed=summary.seed[:12],
                sha=summary.frame_sha256[:16],
            )
        )
        self.refusal.setText(
            _("No extrapolation yet: {reason}").format(reason=reading.refusal)
            if reading.refusal
            else ""
        )
        self.refusal.setVisible(bool(reading.refusal))
        self._fill_estimators()
        self.recorded.set_rows(reading.recorded)
        self._render_result()

    def _fill_estimators(self) -> None:
        result = self.reading.result if self.reading is not None else None
        names = list(result.appraisal.estimators) if result is not None else []
        current = self.chosen_estimator()
        self.estimator.blockSignals(True)
        self.estimator.clear()
        for name in names:
            self.estimator.addItem(estimator_label(name), name)
        self.estimator.setCurrentIndex(max(0, self.estimator.findData(current)))
        self.estimator.blockSignals(False)

    def _render_result(self, *_args: object) -> None:
        reading = self.reading
        result = reading.result if reading is not None else None
        for widget in (self.estimators, self.estimators_title, self.levels, self.notes):
            widget.setVisible(result is not None)
        if result is None:
            self.recovery_warning.hide()
            self.recovery_amount.setText("—")
            self.recovery_text.setText(
                _("The figures appear once every sampled claim is reviewed.")
            )
            for table in (self.estimators, self.strata, self.levels):
                table.set_rows([])
            self.strata.hide()
            self.strata_title.hide()
            self._enable()
            return
        appraisal = result.appraisal
        self.estimators.set_rows(
            [EstimatorRow(estimator_label(n), e.interval) for n, e in appraisal.estimators.items()]
        )
        name = self.chosen_estimator()
        chosen = appraisal.estimators[name]
        self.strata.set_rows([EstimatorRow(s.stratum, s.interval) for s in chosen.strata])
        _table(self.strata, min(len(chosen.strata), 8))
        self.strata.setVisible(bool(chosen.strata))
        self.strata_title.setVisible(bool(chosen.strata))
        self.strata_title.setText(
            _("{estimator} estimator by stratum").format(estimator=estimator_label(name))
        )
        self.levels.set_rows(list(result.limits[name]))
        recovery = result.recovery_fen(name)
        self.recovery_amount.setText(formatting.money(recovery))
        self.recovery_warning.setText(
            _(
                "The lower limit is not above zero: at this level the sample does not support "
                "a recovery. Review more claims or stratify differently."
            )
        )
        self.recovery_warning.setVisible(recovery <= 0)
        self.recovery_text.setText(self._recovery_sentence(result, name))
        self.notes.setText(" ".join(appraisal.notes))
        self.notes.setVisible(bool(appraisal.notes))
        self._enable()

    def _recovery_sentence(self, result: DrawAppraisal, name: str) -> str:
        rule, chosen = result.rule, result.appraisal.estimators[name]
        kind = _("stratified") if result.appraisal.stratified else _("unrestricted")
        return _(
            "{rule}, {estimator} estimator. Point estimate {point}; two-sided {level} interval "
            "{lower} to {upper} ({distribution}). {kind} appraisal of {n} reviewed claims "
            "from a frame of {N}; sample examined {examined}, audited {audited}; inputs "
            "SHA-256 {sha}…"
        ).format(
            rule=_(rule.label), estimator=estimator_label(name).lower(),
            point=yuan(chosen.point_estimate), level=percent(result.confidence),
            lower=yuan(chosen.lower), upper=yuan(chosen.upper),
            distribution=distribution_text(chosen.interval), kind=kind.capitalize(),
            n=formatting.count(result.appraisal.sample_size),
            N=formatting.count(result.appraisal.frame_size),
            examined=formatting.money(result.examined_fen),
            audited=formatting.money(result.audited_fen), sha=result.inputs_sha256[:16],
        )  # fmt: skip

    def _enable(self) -> None:
        reading, idle = self.reading, self.busy == 0
        result = reading.result if reading is not None else None
        can_record = reading is not None and reading.standing.can_record
        self.record_button.setEnabled(idle and result is not None and can_record)
        self.record_button.setToolTip(
            reading.standing.reason if reading is not None and not can_record else ""
        )
        self.export_button.setEnabled(result is not None)
        self.estimator.setVisible(result is not None)
        self.estimator_label.setVisible(result is not None)

    def show_error(self, message: str) -> None:
        """Show ``message`` above the buttons (empty hides it)."""
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # --------------------------------------------------------------- actions

    def record(self) -> None:
        """Keep the appraisal shown (refused if a review changed since it was computed)."""
        from inspector_app.review.appraisal import record_appraisal

        result = self.reading.result if self.reading is not None else None
        if result is None or self.busy:
            return
        profile, draw_id, estimator = self.context.profile, self.draw_id, self.chosen_estimator()

        def work() -> str:
            return record_appraisal(
                profile, draw_id, confidence=result.confidence, rule=result.rule,
                estimator=estimator, expected_sha256=result.inputs_sha256,
            )  # fmt: skip

        self.show_error("")
        self._run(work, lambda _id: self.load(), label=_("Recording the appraisal"), writes=True)

    def choose_export_file(self) -> QFileDialog | None:
        """Ask where to save the appraisal as JSON (non-blocking), then write it."""
        reading = self.reading
        if reading is None or reading.result is None:
            return None
        dialog = QFileDialog(self, _("Export the appraisal"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter(_("JSON files (*.json)"))
        dialog.setDefaultSuffix("json")
        dialog.selectFile(f"appraisal-{reading.summary.draw_id[:8]}.json")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda name: self.export_json(Path(name)) if name else None)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def export_json(self, path: Path) -> None:
        """Write the appraisal shown (every estimator, every level, the draw) to ``path``."""
        result = self.reading.result if self.reading is not None else None
        if result is None:
            return
        document = result.to_json(self.chosen_estimator())

        def work() -> Path:
            text = json.dumps(document, ensure_ascii=False, indent=2)
            path.write_text(text + "\n", encoding="utf-8")
            return path

        def written(where: Path) -> None:
            self.export_status.setText(_("Appraisal written to {path}").format(path=where))
            self.export_status.show()

        self.show_error("")
        self.export_status.hide()
        self._run(work, written, label=_("Exporting the appraisal"))


def open_extrapolation(parent: QWidget, context: ShellContext, *, draw_id: str) -> None:
    """Open the extrapolation of draw ``draw_id`` (non-modal; deleted when closed)."""
    dialog = ExtrapolationDialog(context, draw_id=draw_id, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
