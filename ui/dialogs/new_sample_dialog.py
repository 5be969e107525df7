"""New sample: the frame's filters, the method and its options, the size and the seed.

Left, what the sample is drawn from (case, filters) and how (method, strata, allocation,
size, seed); right, the frame those filters make — N, totals, per-stratum N_h, mean and SD,
built in the background a moment after the last change — and the sample-size planner on
it. Every reason the design cannot be drawn yet is said in words under the form, and Draw
stays disabled until there is none. The draw runs on the database worker; its size and
seed are shown here and the sampling tab selects it (``drawn``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.findings.amounts import parse_amount
from inspector_app.i18n import _, pgettext
from inspector_app.progress import Progress
from inspector_app.sampling.design import DesignOptions, Stratifier, TierRule
from inspector_app.sampling.frame import AmountBasis, FrameDefinition
from inspector_app.sampling.ui_support import (
    allocation_label,
    method_label,
    stratifier_label,
    tier_rule_label,
    visit_type_label,
)
from inspector_app.statistics.allocation import Allocation
from local_db.enums import SamplingMethod
from ui import error_report, formatting
from ui.context import ShellContext
from ui.dialogs.sample_size_panel import FramePanel, SampleSizePanel
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.sampling.draws import DrawSummary
    from inspector_app.sampling.ui_support import FramePreview, SamplingChoices

PREVIEW_DELAY_MS = 300  # the frame is rebuilt this long after the last change
MAX_SIZE = 10_000_000
SEED_LIMIT = 1 << 128
DEFAULT_SIZE = 30
_SEPARATORS = re.compile(r"[;；]")


@dataclass
class SampleRequest:
    """What the form asks for; ``problems`` says in words what is wrong with it."""

    case_id: str | None
    frame: FrameDefinition | None
    method: SamplingMethod
    size: int
    options: DesignOptions | None
    seed: int | None
    label: str
    problems: list[str] = field(default_factory=list)

    def preview_key(self) -> tuple[Any, ...] | None:
        """What the frame preview depends on (None while the filters cannot be read)."""
        if self.frame is None or self.options is None:
            return None
        options = self.options
        if self.method is SamplingMethod.STRATIFIED:
            # Allocation, minimum and cap change the draw, not the frame or its strata.
            options = replace(options, allocation=Allocation.PROPORTIONAL, minimum=2)
        else:
            options = DesignOptions()
        exclusions = self.case_id if self.frame.exclude_case_draws else None
        return (self.frame, self.method, options, exclusions)


class NewSampleDialog(QDialog):
    """Define and draw a sample of the batch's claims for a case."""

    drawn = Signal(object)  # DrawSummary

    def __init__(
        self,
        context: ShellContext,
        batch_id: str,
        parent: QWidget | None = None,
        *,
        case_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.batch_id = batch_id
        self.wanted_case = case_id
        self.choices: SamplingChoices | None = None
        self.preview: FramePreview | None = None
        self.preview_key: tuple[Any, ...] | None = None
        self.preview_error = ""
        self.drawn_summary: DrawSummary | None = None
        self.drawing = False
        self.previewing = False
        self._generation = 0
        self.setObjectName("newSampleDialog")
        self.setMinimumSize(1240, 780)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(PREVIEW_DELAY_MS)
        self._delay.timeout.connect(self.refresh_preview)
        self._build()
        self.retranslate()
        self._method_changed()
        self._load_choices()

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self._build_frame_group())
        left.addWidget(self._build_design_group())
        left.addStretch(1)
        right = QVBoxLayout()
        self.frame_panel = FramePanel(self)
        right.addWidget(self.frame_panel, 1)
        self.planner = SampleSizePanel(self.context, self)
        self.planner.use_size.connect(self.size_spin.setValue)
        right.addWidget(self.planner)
        columns = QHBoxLayout()
        columns.setSpacing(14)
        columns.addLayout(left, 4)
        columns.addLayout(right, 5)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("errorText")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.result_label = QLabel(self)
        self.result_label.setObjectName("sectionTitle")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)
        self.draw_button = QPushButton(self)
        self.draw_button.setObjectName("drawSample")
        self.draw_button.setDefault(True)
        self.draw_button.setEnabled(False)
        self.draw_button.clicked.connect(self.draw)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.draw_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(columns, 1)
        layout.addWidget(self.result_label)
        layout.addWidget(self.problem_label)
        layout.addLayout(buttons)

    def _row(self, form: QFormLayout, labels: list[QLabel], widget: QWidget) -> None:
        label = QLabel(self)
        labels.append(label)
        form.addRow(label, widget)

    def _build_frame_group(self) -> QGroupBox:
        self.frame_group = QGroupBox(self)
        self.case = QComboBox(self)
        self.case.setMinimumContentsLength(24)
        self.label_edit = QLineEdit(self)
        self.label_edit.setMaxLength(128)
        self.visit_box = QWidget(self)
        self.visit_layout = QHBoxLayout(self.visit_box)
        self.visit_layout.setContentsMargins(0, 0, 0, 0)
        self.visit_checks: list[QCheckBox] = []
        self.period_box = QWidget(self)
        period = QHBoxLayout(self.period_box)
        period.setContentsMargins(0, 0, 0, 0)
        self.limit_period = QCheckBox(self)
        self.settled_from, self.settled_to = QDateEdit(self), QDateEdit(self)
        for edit in (self.settled_from, self.settled_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.limit_period.toggled.connect(self.settled_from.setEnabled)
        self.limit_period.toggled.connect(self.settled_to.setEnabled)
        self.period_dash = QLabel("–", self)
        period.addWidget(self.limit_period)
        period.addWidget(self.settled_from)
        period.addWidget(self.period_dash)
        period.addWidget(self.settled_to)
        period.addStretch(1)
        self.departments = QListWidget(self)
        self.departments.setMaximumHeight(96)
        self.amount_box = QWidget(self)
        amounts = QHBoxLayout(self.amount_box)
        amounts.setContentsMargins(0, 0, 0, 0)
        self.basis = QComboBox(self)
        self.basis.addItem("", AmountBasis.FUND)
        self.basis.addItem("", AmountBasis.TOTAL)
        self.min_amount, self.max_amount = QLineEdit(self), QLineEdit(self)
        for amount in (self.min_amount, self.max_amount):
            amount.setAlignment(Qt.AlignmentFlag.AlignRight)
            amount.setMaximumWidth(120)
        self.amount_dash = QLabel("–", self)
        amounts.addWidget(self.basis)
        amounts.addWidget(self.min_amount)
        amounts.addWidget(self.amount_dash)
        amounts.addWidget(self.max_amount)
        amounts.addStretch(1)
        self.exclude_drawn = QCheckBox(self)
        form = QFormLayout(self.frame_group)
        self.frame_labels: list[QLabel] = []
        for widget in (self.case, self.label_edit, self.visit_box, self.period_box,
                       self.departments, self.amount_box, self.exclude_drawn):  # fmt: skip
            self._row(form, self.frame_labels, widget)
        for signal in (
            self.case.currentIndexChanged, self.limit_period.toggled,
            self.settled_from.dateChanged, self.settled_to.dateChanged,
            self.departments.itemChanged, self.basis.currentIndexChanged,
            self.min_amount.textChanged, self.max_amount.textChanged, self.exclude_drawn.toggled,
        ):  # fmt: skip
            signal.connect(self._changed)
        return self.frame_group

    def _build_design_group(self) -> QGroupBox:
        self.design_group = QGroupBox(self)
        self.method = QComboBox(self)
        for method in SamplingMethod:
            self.method.addItem("", method)
        self.stratify_by = QComboBox(self)
        for stratifier in Stratifier:
            self.stratify_by.addItem("", stratifier)
        self.tier_rule = QComboBox(self)
        for rule in (TierRule.CUM_SQRT_F, TierRule.EQUAL_VALUE, TierRule.GIVEN):
            self.tier_rule.addItem("", rule)
        self.tiers = QSpinBox(self)
        self.tiers.setRange(2, 12)
        self.tiers.setValue(4)
        self.tiers.setMaximumWidth(90)
        self.boundaries = QLineEdit(self)
        self.allocation = QComboBox(self)
        for allocation in Allocation:
            self.allocation.addItem("", allocation)
        self.minimum = QSpinBox(self)
        self.minimum.setRange(0, 1000)
        self.minimum.setValue(2)
        self.minimum.setMaximumWidth(90)
        self.certainty = QLineEdit(self)
        self.certainty.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.certainty.setMaximumWidth(160)
        self.cap = QSpinBox(self)
        self.cap.setRange(0, MAX_SIZE)
        self.cap.setMaximumWidth(140)
        self.run = QComboBox(self)
        self.size_box = QWidget(self)
        size_row = QHBoxLayout(self.size_box)
        size_row.setContentsMargins(0, 0, 0, 0)
        self.size_spin = QSpinBox(self)
        self.size_spin.setRange(0, MAX_SIZE)
        self.size_spin.setValue(DEFAULT_SIZE)
        self.size_spin.setGroupSeparatorShown(True)
        self.size_hint = QLabel(self)
        self.size_hint.setObjectName("fieldHelp")
        size_row.addWidget(self.size_spin)
        size_row.addWidget(self.size_hint, 1)
        self.seed = QLineEdit(self)
        self.design_form = QFormLayout(self.design_group)
        self.design_labels: list[QLabel] = []
        for widget in (self.method, self.stratify_by, self.tier_rule, self.tiers,
                       self.boundaries, self.certainty, self.allocation, self.minimum, self.run,
                       self.cap, self.size_box, self.seed):  # fmt: skip
            self._row(self.design_form, self.design_labels, widget)
        self.method.currentIndexChanged.connect(self._method_changed)
        self.stratify_by.currentIndexChanged.connect(self._method_changed)
        self.tier_rule.currentIndexChanged.connect(self._method_changed)
        for signal in (
            self.tiers.valueChanged, self.boundaries.textChanged,
            self.allocation.currentIndexChanged, self.minimum.valueChanged,
            self.certainty.textChanged, self.cap.valueChanged,
            self.run.currentIndexChanged, self.size_spin.valueChanged, self.seed.textChanged,
            self.label_edit.textChanged,
        ):  # fmt: skip
            signal.connect(self._changed)
        return self.design_group

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("New sample"))
        self.frame_group.setTitle(_("Frame: the claims drawn from"))
        self.design_group.setTitle(_("Design"))
        for label, text in zip(self.frame_labels, [
            _("Case"), _("Label"), _("Visit types"), _("Settled"),
            _("Departments (none ticked: all)"), _("Amount"), "",
        ], strict=True):  # fmt: skip
            label.setText(text)
        for label, text in zip(self.design_labels, [
            pgettext("sampling", "Method"), _("Strata by"), _("Tier boundaries"),
            _("Number of tiers"), _("Boundaries (yuan)"), _("Certainty from (yuan)"),
            _("Allocation"), _("Least per stratum"), _("Screening run"), _("Most flagged claims"),
            _("Sample size"), _("Seed"),
        ], strict=True):  # fmt: skip
            label.setText(text)
        self.label_edit.setPlaceholderText(_("e.g. 2025 inpatient claims, stratified"))
        self.limit_period.setText(_("only between"))
        self.basis.setItemText(0, _("Fund share"))
        self.basis.setItemText(1, _("Billed total"))
        self.min_amount.setPlaceholderText(_("at least"))
        self.max_amount.setPlaceholderText(_("at most"))
        self.exclude_drawn.setText(_("Leave out claims already drawn in this case"))
        for box, words in (
            (self.method, method_label), (self.stratify_by, stratifier_label),
            (self.tier_rule, tier_rule_label), (self.allocation, allocation_label),
        ):  # fmt: skip
            for index in range(box.count()):
                box.setItemText(index, words(box.itemData(index)))
        self.boundaries.setPlaceholderText(_("e.g. 500; 5,000; 50,000"))
        self.certainty.setPlaceholderText(pgettext("sampling", "none"))
        self.cap.setSpecialValueText(pgettext("sampling", "all"))
        self.seed.setPlaceholderText(_("empty: a fresh random seed"))
        for check in self.visit_checks:
            check.setText(visit_type_label(str(check.property("visitType"))))
        self._fill_runs()
        self.cancel_button.setText(_("Close") if self.drawn_summary is not None else _("Cancel"))
        self.draw_button.setText(pgettext("sampling", "Draw"))
        self._show_result()
        self.frame_panel.retranslate()
        self.planner.retranslate()
        self._method_changed()
        self._show_preview()

    # ----------------------------------------------------------------- choices

    def _load_choices(self) -> None:
        from inspector_app.sampling.ui_support import sampling_choices

        profile, batch_id = self.context.profile, self.batch_id

        def run(_progress: Progress) -> SamplingChoices:
            return sampling_choices(profile, batch_id)

        operation: Operation[SamplingChoices] = Operation(run, label=_("Reading the batch"))
        operation.success(self.set_choices).failure(self._failed).quietly().owned_by(self)
        operation.run_in_background(self.context.tasks)

    def set_choices(self, choices: SamplingChoices) -> None:
        """Fill the pickers with the batch's cases, runs, visit types and departments."""
        self.choices = choices
        blockers = [self.case, self.departments, self.settled_from, self.settled_to, self.run]
        for widget in blockers:
            widget.blockSignals(True)
        for case in choices.cases:
            self.case.addItem(f"{case.case_number} · {case.title}", case.case_id)
        wanted = self.case.findData(self.wanted_case) if self.wanted_case else -1
        self.case.setCurrentIndex(max(wanted, 0))
        for value in choices.visit_types:
            check = QCheckBox(visit_type_label(value), self.visit_box)
            check.setProperty("visitType", value)
            check.setChecked(True)
            check.toggled.connect(self._changed)
            self.visit_checks.append(check)
            self.visit_layout.addWidget(check)
        self.visit_layout.addStretch(1)
        for department in choices.departments:
            item = QListWidgetItem(department or _("No department"), self.departments)
            item.setData(Qt.ItemDataRole.UserRole, department)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        for edit, text in ((self.settled_from, choices.period_start),
                           (self.settled_to, choices.period_end)):  # fmt: skip
            day = QDate.fromString(text, "yyyy-MM-dd")
            if day.isValid():
                edit.setDate(day)
        self._fill_runs()
        for widget in blockers:
            widget.blockSignals(False)
        self._changed()

    def _fill_runs(self) -> None:
        current = self.run.currentData()
        self.run.blockSignals(True)
        self.run.clear()
        runs = self.choices.runs if self.choices is not None else []
        for run in runs:
            self.run.addItem(
                _("{when} · {claims} claims flagged").format(
                    when=formatting.local_time(run.finished_at),
                    claims=formatting.count(run.flagged_claims),
                ),
                run.run_id,
            )
        if not runs:
            self.run.addItem(_("The batch has not been screened"), None)
        self.run.setCurrentIndex(max(self.run.findData(current), 0))
        self.run.blockSignals(False)

    # ----------------------------------------------------------------- the form

    def chosen_method(self) -> SamplingMethod:
        """The method picked (Qt hands string enums back as plain strings)."""
        return SamplingMethod(self.method.currentData())

    def _uses_flags(self) -> bool:
        method = self.chosen_method()
        return method is SamplingMethod.RISK_BASED or (
            method is SamplingMethod.STRATIFIED
            and Stratifier(self.stratify_by.currentData()) is Stratifier.FLAGS
        )

    def _method_changed(self, *_args: object) -> None:
        method = self.chosen_method()
        stratified = method is SamplingMethod.STRATIFIED
        by_amount = stratified and Stratifier(self.stratify_by.currentData()) is Stratifier.AMOUNT
        given = by_amount and TierRule(self.tier_rule.currentData()) is TierRule.GIVEN
        uses_flags = self._uses_flags()
        for widget, visible in (
            (self.stratify_by, stratified), (self.tier_rule, by_amount),
            (self.tiers, by_amount and not given), (self.boundaries, given),
            (self.certainty, stratified), (self.allocation, stratified),
            (self.minimum, stratified), (self.run, uses_flags),
            (self.cap, method is SamplingMethod.RISK_BASED),
        ):  # fmt: skip
            self.design_form.setRowVisible(widget, visible)
        self.size_hint.setText(
            {
                SamplingMethod.PPS: _("selection points"),
                SamplingMethod.RISK_BASED: _("claims drawn at random besides the flagged ones"),
            }.get(method, pgettext("sampling", "claims"))
        )
        self._changed()

    def _changed(self, *_args: object) -> None:
        """Re-check the form; rebuild the frame preview shortly if the frame changed."""
        if self.choices is None:
            return
        request = self.request()
        key = request.preview_key()
        if key is not None and key != self.preview_key:
            self.previewing = True
            self._delay.start()
        self._update(request)

    def request(self) -> SampleRequest:
        """The form as a draw request, with what is wrong with it in words."""
        problems: list[str] = []
        method = self.chosen_method()
        case_id = self.case.currentData()
        choice = next((c for c in self.choices.cases if c.case_id == case_id), None) if (
            self.choices is not None
        ) else None  # fmt: skip
        if choice is None:
            problems.append(_("There is no case of this institution to file the sample under."))
        elif choice.refusal is not None:
            problems.append(choice.refusal)
        frame = self._frame(method, problems)
        options = self._options(method, problems)
        seed: int | None = None
        text = self.seed.text().strip()
        if text:
            if text.isdigit() and int(text) < SEED_LIMIT:
                seed = int(text)
            else:
                problems.append(
                    _("The seed must be a whole number below 2¹²⁸, or empty for a fresh one.")
                )
        return SampleRequest(
            case_id=case_id, frame=frame, method=method, size=self.size_spin.value(),
            options=options, seed=seed, label=self.label_edit.text(), problems=problems,
        )  # fmt: skip

    def _amount(self, edit: QLineEdit, what: str, problems: list[str]) -> int | None:
        text = edit.text().strip()
        if not text:
            return None
        try:
            return parse_amount(text)
        except ValueError:
            problems.append(_("{what}: “{text}” is not an amount in yuan.").format(
                what=what, text=text
            ))  # fmt: skip
            return None

    def _frame(self, method: SamplingMethod, problems: list[str]) -> FrameDefinition | None:
        count = len(problems)
        visits = [str(c.property("visitType")) for c in self.visit_checks if c.isChecked()]
        if self.visit_checks and not visits:
            problems.append(_("Tick at least one visit type."))
        departments = []
        for row in range(self.departments.count()):
            item = self.departments.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                departments.append(str(item.data(Qt.ItemDataRole.UserRole)))
        settled_from = settled_to = None
        if self.limit_period.isChecked():
            settled_from = self.settled_from.date().toString("yyyy-MM-dd")
            settled_to = self.settled_to.date().toString("yyyy-MM-dd")
            if settled_from > settled_to:
                problems.append(_("The settlement period ends before it starts."))
        low = self._amount(self.min_amount, _("Least amount"), problems)
        high = self._amount(self.max_amount, _("Largest amount"), problems)
        if low is not None and high is not None and low > high:
            problems.append(_("The least amount is above the largest amount."))
        uses_flags = self._uses_flags()
        run_id = self.run.currentData() if uses_flags else None
        if uses_flags and run_id is None:
            problems.append(
                _("This design uses the screening flags: run the screening of this batch first.")
            )
        if len(problems) > count:
            return None
        return FrameDefinition(
            batch_id=self.batch_id,
            visit_types=() if len(visits) == len(self.visit_checks) else tuple(visits),
            settled_from=settled_from,
            settled_to=settled_to,
            departments=tuple(departments),
            amount_basis=AmountBasis(self.basis.currentData()),
            min_amount_fen=low,
            max_amount_fen=high,
            screening_run_id=run_id,
            exclude_case_draws=self.exclude_drawn.isChecked(),
        )

    def _options(self, method: SamplingMethod, problems: list[str]) -> DesignOptions | None:
        count = len(problems)
        if method is SamplingMethod.RISK_BASED:
            return DesignOptions(flagged_cap=self.cap.value() or None)
        if method is not SamplingMethod.STRATIFIED:
            return DesignOptions()
        stratify_by = Stratifier(self.stratify_by.currentData())
        rule = TierRule(self.tier_rule.currentData())
        boundaries: list[int] = []
        if stratify_by is Stratifier.AMOUNT and rule is TierRule.GIVEN:
            parts = [p for p in _SEPARATORS.split(self.boundaries.text()) if p.strip()]
            try:
                boundaries = [parse_amount(part) for part in parts]
            except ValueError:
                problems.append(_("Boundaries are amounts in yuan separated by “;”."))
            else:
                if not boundaries:
                    problems.append(_("Give at least one tier boundary."))
                elif boundaries != sorted(set(boundaries)):
                    problems.append(_("Tier boundaries must be different and in ascending order."))
        certainty = self._amount(self.certainty, _("Certainty threshold"), problems)
        if len(problems) > count:
            return None
        return DesignOptions(
            stratify_by=stratify_by,
            allocation=Allocation(self.allocation.currentData()),
            minimum=self.minimum.value(),
            tier_rule=rule,
            tiers=self.tiers.value(),
            boundaries_fen=tuple(boundaries),
            certainty_fen=certainty,
        )

    def _update(self, request: SampleRequest | None = None) -> None:
        from inspector_app.sampling.ui_support import design_problems

        if self.choices is None:
            return
        request = request or self.request()
        problems = list(request.problems)
        current = self.preview is not None and request.preview_key() == self.preview_key
        if self.preview is None and request.preview_key() == self.preview_key:
            problems.append(self.preview_error)
        if current and request.options is not None and self.preview is not None:
            problems += design_problems(
                self.preview, method=request.method, size=request.size, options=request.options
            )
            self.frame_panel.show_notes(self.preview, request.method, request.size)
            planner = self.planner
            if (planner.preview, planner.method, planner.options) != (
                self.preview,
                request.method,
                request.options,
            ):
                planner.set_frame(self.preview, request.method, request.options)
        self._say_problem("\n".join(problems))
        self.draw_button.setEnabled(
            not problems and current and not self.previewing and not self.drawing
            and self.drawn_summary is None
        )  # fmt: skip

    # ----------------------------------------------------------------- preview

    def refresh_preview(self) -> None:
        """Build the frame the form describes in the background (the latest build wins)."""
        from inspector_app.sampling.ui_support import preview_frame

        request = self.request()
        key = request.preview_key()
        if key is None or request.frame is None or request.options is None:
            self.previewing = False
            self._update(request)
            return
        self._generation += 1
        generation = self._generation
        profile = self.context.profile
        case_id, frame, method, options = request.case_id, request.frame, request.method, key[2]
        self.previewing = True
        self.frame_panel.show_message(_("Building the frame…"))

        def run(_progress: Progress) -> FramePreview:
            return preview_frame(
                profile, case_id=case_id, frame=frame, method=method, options=options
            )

        def done(preview: FramePreview) -> None:
            if generation != self._generation:
                return
            self.previewing = False
            self.preview, self.preview_key = preview, key
            self._show_preview()
            self._update()

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self.previewing = False
            self.preview, self.preview_key = None, key
            self.frame_panel.clear()
            self.planner.set_frame(None, method, options)
            error_report.handle_failure(error, self._preview_failed, always_show=True)
            self._update()

        operation: Operation[FramePreview] = Operation(run, label=_("Building the frame"))
        operation.success(done).failure(failed).quietly().owned_by(self)
        operation.run_in_background(self.context.tasks)

    def _preview_failed(self, message: str) -> None:
        self.preview_error = message
        self.frame_panel.show_message(message)

    def _show_preview(self) -> None:
        if self.preview is not None:
            self.frame_panel.show_preview(
                self.preview, self.chosen_method(), self.size_spin.value()
            )
        elif self.choices is None:
            self.frame_panel.show_message(_("Reading the batch…"))

    # ----------------------------------------------------------------- draw

    def draw(self) -> None:
        """Draw the sample on the database worker."""
        from inspector_app.sampling import draw_sample

        request = self.request()
        self._update(request)
        if not self.draw_button.isEnabled() or request.case_id is None:
            return
        frame, options = request.frame, request.options
        assert frame is not None and options is not None
        profile = self.context.profile
        self.drawing = True
        self.cancel_button.setEnabled(False)
        self._show_result()
        self._update(request)

        def run(_progress: Progress) -> DrawSummary:
            return draw_sample(
                profile, case_id=request.case_id or "", frame=frame, method=request.method,
                size=request.size, options=options, seed=request.seed, label=request.label,
            )  # fmt: skip

        # No progress dialog: the draw cannot be stopped half-way (it is recorded in one
        # transaction and does not check for cancel), so a Cancel button would lie. The
        # dialog refuses to close until the result is in, so it is always delivered.
        operation: Operation[DrawSummary] = Operation(run, label=_("Drawing the sample"))
        operation.success(self._drawn).failure(self._draw_failed).quietly().owned_by(self)
        operation.run_in_background(self.context.tasks, writes=True)

    def _drawn(self, summary: DrawSummary) -> None:
        self.drawing = False
        self.drawn_summary = summary
        self.seed.setText(summary.seed)
        self.seed.setReadOnly(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(_("Close"))
        self._show_result()
        self._update()
        self.drawn.emit(summary)

    def _draw_failed(self, error: BaseException) -> None:
        self.drawing = False
        self.cancel_button.setEnabled(True)
        self._show_result()
        self._update()
        error_report.handle_failure(error, self._say_problem, always_show=True)

    def _show_result(self) -> None:
        """Say what the draw is doing or made (re-read on a language switch)."""
        summary = self.drawn_summary
        if summary is not None:
            text = _("Drew {count} of {frame} claims with seed {seed}.").format(
                count=formatting.count(summary.sample_size),
                frame=formatting.count(summary.frame_size),
                seed=summary.seed,
            )
        elif self.drawing:
            text = _("Drawing the sample…")
        else:
            text = ""
        self.result_label.setText(text)
        self.result_label.setVisible(bool(text))

    def closeEvent(self, event: QCloseEvent) -> None:
        """The window's close button: refused while the draw runs (its result must arrive)."""
        if self.drawing:
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        """Cancel/Escape: refused while the draw runs, so the new sample is always shown."""
        if self.drawing:
            return
        super().reject()

    def _say_problem(self, message: str) -> None:
        self.problem_label.setText(message)
        self.problem_label.setVisible(bool(message))

    def _failed(self, error: BaseException) -> None:
        error_report.handle_failure(error, self._say_problem, always_show=True)
