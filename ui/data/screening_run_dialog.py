"""Run screening…: choose the shipped rules to run and adjust their parameters within bounds.

The dialog only collects a choice; the screening tab runs it in the background with a
progress dialog. Each rule shows its title, what it looks for and its legal basis, so the
inspector knows what a flag will rest on before running it. Values start from the run
being shown (so a re-run repeats it) and can be reset to the rule file's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from inspector_app.screening import Parameter, ParameterError, Rule, RuleSet
from inspector_app.screening.kinds import ParamValue

Editor = QSpinBox | QDoubleSpinBox | QCheckBox | QLineEdit
SPIN_LIMIT = 2_000_000_000  # QSpinBox holds a C int; a parameter without bounds gets this


@dataclass(frozen=True)
class RunChoice:
    """The rules to run and, per rule, the parameters that differ from the rule file."""

    only: tuple[str, ...]
    parameters: dict[str, dict[str, ParamValue]]


def _bound(value: float | None, fallback: float) -> float:
    return fallback if value is None else value


def _number(value: float) -> str:
    return f"{value:g}"


def bounds_text(parameter: Parameter) -> str:
    """``1–90 天`` for an integer or number parameter with bounds; empty otherwise."""
    if parameter.type not in {"integer", "number"}:
        return ""
    if parameter.minimum is None and parameter.maximum is None:
        return ""
    low = _number(parameter.minimum) if parameter.minimum is not None else "…"
    high = _number(parameter.maximum) if parameter.maximum is not None else "…"
    unit = parameter.unit.text()
    return _("{low}–{high} {unit}").format(low=low, high=high, unit=unit).strip()


def make_editor(parameter: Parameter, parent: QWidget) -> Editor:
    """An editor of the parameter's type, limited to its bounds."""
    if parameter.type == "integer":
        spin = QSpinBox(parent)
        spin.setRange(
            int(_bound(parameter.minimum, -SPIN_LIMIT)), int(_bound(parameter.maximum, SPIN_LIMIT))
        )
        spin.setSuffix(f" {parameter.unit.text()}" if parameter.unit.text() else "")
        spin.setMinimumWidth(110)
        return spin
    if parameter.type == "number":
        double = QDoubleSpinBox(parent)
        double.setDecimals(2)
        double.setRange(
            _bound(parameter.minimum, -float(SPIN_LIMIT)), _bound(parameter.maximum, SPIN_LIMIT)
        )
        double.setSingleStep(0.5)
        double.setSuffix(f" {parameter.unit.text()}" if parameter.unit.text() else "")
        double.setMinimumWidth(110)
        return double
    if parameter.type == "boolean":
        return QCheckBox(parent)
    line = QLineEdit(parent)
    line.setPlaceholderText(_("Codes or code prefixes, separated by commas"))
    return line


def set_editor(editor: Editor, value: ParamValue) -> None:
    """Show ``value`` in ``editor``."""
    if isinstance(editor, QSpinBox):
        editor.setValue(int(value))  # type: ignore[arg-type]
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value))  # type: ignore[arg-type]
    elif isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    else:
        items = value if isinstance(value, list | tuple) else [value]
        editor.setText(", ".join(str(item) for item in items))


def editor_value(editor: Editor) -> Any:
    """What ``editor`` holds, as the parameter's ``coerce`` accepts it."""
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    return editor.text()


class _RuleCard(QFrame):
    """One rule: a checkbox with its title, what it looks for, its basis, its parameters."""

    def __init__(self, rule: Rule, parent: QWidget) -> None:
        super().__init__(parent)
        self.rule = rule
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(4)
        self.check = QCheckBox(self)
        self.check.setObjectName(f"rule_{rule.code}")
        self.check.setStyleSheet("font-weight: 600;")
        self.description = QLabel(self)
        self.description.setObjectName("cardNote")
        self.description.setWordWrap(True)
        self.basis = QLabel(self)
        self.basis.setObjectName("fieldHelp")
        self.basis.setWordWrap(True)
        layout.addWidget(self.check)
        layout.addWidget(self.description)
        layout.addWidget(self.basis)
        self.editors: dict[str, Editor] = {}
        self.labels: dict[str, QLabel] = {}
        self.bounds: dict[str, QLabel] = {}
        if rule.parameters:
            form = QFormLayout()
            form.setContentsMargins(22, 4, 0, 0)
            form.setHorizontalSpacing(12)
            form.setVerticalSpacing(4)
            for parameter in rule.parameters:
                editor = make_editor(parameter, self)
                editor.setObjectName(f"param_{rule.code}_{parameter.name}")
                hint = QLabel(self)
                hint.setObjectName("fieldHelp")
                row = QHBoxLayout()
                row.setSpacing(8)
                row.addWidget(editor, 0 if parameter.type != "codes" else 1)
                row.addWidget(hint, 1 if parameter.type != "codes" else 0)
                label = QLabel(self)
                label.setWordWrap(True)
                label.setMinimumWidth(240)
                form.addRow(label, row)
                self.editors[parameter.name] = editor
                self.labels[parameter.name] = label
                self.bounds[parameter.name] = hint
            layout.addLayout(form)
        self.check.toggled.connect(self._toggled)
        self.retranslate()

    def retranslate(self) -> None:
        """Texts in the active language (rule texts come from the rule file)."""
        rule = self.rule
        self.check.setText(f"{rule.title.text()}  ·  {rule.code}")
        self.description.setText(rule.description.text())
        basis = rule.legal_basis_text()
        self.basis.setText(_("Legal basis: {basis}").format(basis=basis) if basis else "")
        self.basis.setVisible(bool(basis))
        for parameter in rule.parameters:
            self.labels[parameter.name].setText(parameter.label.text())
            self.bounds[parameter.name].setText(bounds_text(parameter))

    def _toggled(self, on: bool) -> None:
        for name in self.editors:
            self.editors[name].setEnabled(on)
            self.labels[name].setEnabled(on)

    def show_values(self, values: Mapping[str, Any]) -> None:
        """Set each parameter to ``values[name]``, or to its default when absent."""
        for parameter in self.rule.parameters:
            set_editor(self.editors[parameter.name], values.get(parameter.name, parameter.default))

    def changed_values(self) -> dict[str, ParamValue]:
        """Parameters whose value differs from the rule file's default (checked by the rule).

        Raises:
            ParameterError: a value of the wrong type or out of bounds.
        """
        values = {name: editor_value(editor) for name, editor in self.editors.items()}
        resolved = self.rule.resolve(values)
        defaults = self.rule.defaults()
        return {name: value for name, value in resolved.items() if value != defaults[name]}


class RunScreeningDialog(QDialog):
    """Pick rules and parameters; ``chosen`` carries the :class:`RunChoice` on "Run"."""

    chosen = Signal(object)

    def __init__(
        self,
        ruleset: RuleSet,
        parent: QWidget | None = None,
        *,
        previous: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ruleset = ruleset
        self.setObjectName("runScreeningDialog")
        self.setMinimumSize(760, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        self.heading = QLabel(self)
        self.heading.setObjectName("sectionTitle")
        self.explanation = QLabel(self)
        self.explanation.setObjectName("fieldHelp")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        inner = QWidget(self)
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 8, 0)
        inner_layout.setSpacing(8)
        self.cards: list[_RuleCard] = []
        for rule in ruleset.rules:
            card = _RuleCard(rule, inner)
            inner_layout.addWidget(card)
            self.cards.append(card)
        inner_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        layout.addLayout(self._build_buttons())
        for card in self.cards:
            card.check.toggled.connect(self._update_run_button)
        self.show_previous(previous)
        self.retranslate()

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.all_button = QPushButton(self)
        self.all_button.clicked.connect(lambda: self._check_all(True))
        self.none_button = QPushButton(self)
        self.none_button.clicked.connect(lambda: self._check_all(False))
        self.defaults_button = QPushButton(self)
        self.defaults_button.clicked.connect(self.reset_defaults)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.reject)
        self.run_button = QPushButton(self)
        self.run_button.setObjectName("runScreening")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.accept_choice)
        for button in (self.all_button, self.none_button, self.defaults_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.run_button)
        return buttons

    def retranslate(self) -> None:
        """Re-read every text."""
        self.setWindowTitle(_("Run screening"))
        self.heading.setText(
            _("Rule set {version}: {title}").format(
                version=self.ruleset.version, title=self.ruleset.title.text()
            )
        )
        self.explanation.setText(
            _(
                "Choose the rules to run and, where a rule has them, its parameters (within "
                "the bounds shown). The batch is read once for all rules. A flag is a "
                "suspicion: each is reviewed before it can become a finding. Cancelling the "
                "run records nothing."
            )
        )
        for card in self.cards:
            card.retranslate()
        self.all_button.setText(_("Select all"))
        self.none_button.setText(_("Select none"))
        self.defaults_button.setText(_("Default values"))
        self.cancel_button.setText(_("Cancel"))
        self._update_run_button()

    def show_previous(self, previous: Sequence[Mapping[str, Any]] | None) -> None:
        """Start from a run's rules and values (None: the enabled rules at their defaults)."""
        used = {str(entry.get("code")): entry for entry in previous or () if "code" in entry}
        for card in self.cards:
            if previous:
                entry = used.get(card.rule.code)
                card.check.setChecked(entry is not None)
                card.show_values(dict(entry.get("parameters", {})) if entry else {})
            else:
                card.check.setChecked(card.rule.enabled)
                card.show_values({})
            card._toggled(card.check.isChecked())

    def reset_defaults(self) -> None:
        """Every parameter back to the rule file's default (the rule selection stays)."""
        for card in self.cards:
            card.show_values({})
        self.error_label.hide()

    def _check_all(self, on: bool) -> None:
        for card in self.cards:
            card.check.setChecked(on)

    def selected_codes(self) -> list[str]:
        """Codes of the checked rules, in rule-file order."""
        return [card.rule.code for card in self.cards if card.check.isChecked()]

    def _update_run_button(self) -> None:
        count = len(self.selected_codes())
        self.run_button.setEnabled(count > 0)
        self.run_button.setText(
            ngettext("Run {count} rule", "Run {count} rules", count).format(count=count)
        )

    def choice(self) -> RunChoice:
        """The checked rules and their changed parameters.

        Raises:
            ParameterError: a parameter out of bounds (the message names rule and parameter).
        """
        parameters: dict[str, dict[str, ParamValue]] = {}
        for card in self.cards:
            if card.check.isChecked():
                changed = card.changed_values()
                if changed:
                    parameters[card.rule.code] = changed
        return RunChoice(only=tuple(self.selected_codes()), parameters=parameters)

    def accept_choice(self) -> None:
        """Emit ``chosen`` and close, or show what is wrong and stay open."""
        try:
            choice = self.choice()
        except ParameterError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        if not choice.only:
            return
        self.chosen.emit(choice)
        self.accept()
