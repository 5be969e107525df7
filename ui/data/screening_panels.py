"""The screening tab's header (the run shown, its figures, other runs) and its rule summary.

Both only render what the tab hands them (a :class:`RunRow`, the run's
:class:`RuleSummary` list); the tab reads the data in the background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from ui import formatting
from ui.data.screening_labels import duration
from ui.widgets.card import CardWidget
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.stat_tile import StatTileWidget

if TYPE_CHECKING:
    from inspector_app.screening import RuleSummary, RunRow


def _rule_title(code: str) -> str:
    from inspector_app.screening.flags import rule_title

    return rule_title(code) if code else _("All rules")


def all_rules(summaries: list[RuleSummary]) -> RuleSummary:
    """The "All rules" row: the run's totals (claims counted per rule, as reviews are)."""
    from inspector_app.screening import RuleSummary

    return RuleSummary(
        code="",
        title="",
        flags=sum(s.flags for s in summaries),
        claims=sum(s.claims for s in summaries),
        amount_fen=sum(s.amount_fen for s in summaries),
        confirmed=sum(s.confirmed for s in summaries),
        data_quality=sum(s.data_quality for s in summaries),
        dismissed=sum(s.dismissed for s in summaries),
    )


def review_counts(summary: RuleSummary) -> str:
    """``Confirmed 2 · data quality 1 · dismissed 0 · open 6``."""
    return _(
        "Confirmed {confirmed} · data quality {data_quality} · dismissed {dismissed} · open {open}"
    ).format(
        confirmed=formatting.count(summary.confirmed),
        data_quality=formatting.count(summary.data_quality),
        dismissed=formatting.count(summary.dismissed),
        open=formatting.count(summary.unreviewed),
    )


RULE_COLUMNS: list[Column[RuleSummary]] = [
    Column(
        lambda: _("Rule"),
        lambda s: _rule_title(s.code),
        stretch=True,
        muted=lambda s: s.flags == 0,
        tooltip=lambda s: f"{_rule_title(s.code)}\n{s.code}" if s.code else _rule_title(s.code),
    ),
    # Number columns start at the width their figures need: only the title gives way. The
    # flags count is in the card below (it differs from the claims only for a few rules).
    Column(
        lambda: _("At stake"),
        lambda s: formatting.money(s.amount_fen) if s.flags else "",
        align=RIGHT,
        width=100,
    ),
    Column(
        lambda: _("Reviewed"),
        lambda s: f"{s.claims - s.unreviewed} / {s.claims}" if s.claims else "",
        align=RIGHT,
        width=76,
        tooltip=review_counts,
    ),
]


class RunHeaderWidget(QWidget):
    """The run shown: when, which rule set, its figures; other runs; "Run screening…"."""

    run_chosen = Signal(str)
    run_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run: RunRow | None = None
        self.runs: list[RunRow] = []
        self.open_count: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        words = QVBoxLayout()
        words.setSpacing(2)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.facts = QLabel(self)
        self.facts.setObjectName("muted")
        self.facts.setWordWrap(True)
        words.addStretch(1)
        words.addWidget(self.title)
        words.addWidget(self.facts)
        words.addStretch(1)
        layout.addLayout(words, 1)
        self.tiles = [StatTileWidget(self) for _ in range(4)]
        for tile in self.tiles:
            tile.setMinimumWidth(118)
            layout.addWidget(tile)
        actions = QVBoxLayout()
        actions.setSpacing(6)
        self.picker = QComboBox(self)
        self.picker.setObjectName("runPicker")
        self.picker.setMinimumContentsLength(22)
        self.picker.currentIndexChanged.connect(self._picked)
        self.run_button = QPushButton(self)
        self.run_button.setObjectName("primaryButton")
        self.run_button.clicked.connect(self.run_requested)
        actions.addStretch(1)
        actions.addWidget(self.picker)
        actions.addWidget(self.run_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text."""
        self.run_button.setText(_("Run screening…"))
        self.run_button.setToolTip(
            _("Run the shipped rules over this batch; the flags are then reviewed here.")
        )
        self.show_runs(self.runs, self.run)

    def show_runs(self, runs: list[RunRow], run: RunRow | None) -> None:
        """List ``runs`` (newest first) in the picker with ``run`` shown."""
        self.runs, self.run = runs, run
        self.picker.blockSignals(True)
        self.picker.clear()
        for item in runs:
            self.picker.addItem(
                _("{when} · rules {version} · {flags} flags").format(
                    when=formatting.local_time(item.finished_at),
                    version=item.ruleset_version,
                    flags=formatting.count(item.flag_count),
                ),
                item.id,
            )
        if run is not None:
            self.picker.setCurrentIndex(max(0, self.picker.findData(run.id)))
        self.picker.blockSignals(False)
        self.picker.setVisible(len(runs) > 1)
        self.picker.setToolTip(_("Earlier screening runs of this batch"))
        self._show_run()

    def set_open_count(self, count: int | None) -> None:
        """Flags (claims per rule) nobody has decided on yet; None while unknown."""
        self.open_count = count
        self._show_run()

    def _picked(self, index: int) -> None:
        run_id = self.picker.itemData(index)
        if isinstance(run_id, str):
            self.run_chosen.emit(run_id)

    def _show_run(self) -> None:
        run = self.run
        for tile in self.tiles:
            tile.setVisible(run is not None)
        if run is None:
            self.title.setText(_("Screening (数据筛查)"))
            self.facts.setText(
                _("This batch has not been screened yet.")
                if not self.runs
                else _("Choose a screening run.")
            )
            return
        latest = bool(self.runs) and self.runs[0].id == run.id
        when = formatting.local_time(run.finished_at)
        self.title.setText(
            _("Latest screening: {when}").format(when=when)
            if latest
            else _("Earlier screening: {when}").format(when=when)
        )
        seconds = (run.finished_at - run.started_at).total_seconds()
        rules = len(run.rules)
        self.facts.setText(
            ngettext(
                "Rule set {version} · {rules} rule · took {time}",
                "Rule set {version} · {rules} rules · took {time}",
                rules,
            ).format(version=run.ruleset_version, rules=rules, time=duration(seconds))
        )
        values = [
            (formatting.count(run.flag_count), _("Flags")),
            (formatting.count(run.flagged_claims), _("Claims flagged")),
            (formatting.money(run.amount_fen), _("Amount at stake")),
            (
                formatting.count(self.open_count) if self.open_count is not None else "—",
                _("Awaiting review"),
            ),
        ]
        for tile, (value, caption) in zip(self.tiles, values, strict=True):
            tile.set_value(value)
            tile.set_caption(caption)


class RuleSummaryWidget(QWidget):
    """Per rule of the run: flags, amount, how far the review has come; and the chosen rule.

    Selecting a row emits ``rule_chosen`` with its code ("" for all rules).
    """

    rule_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summaries: list[RuleSummary] = []
        self.run: RunRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.table: DataTableWidget[RuleSummary] = DataTableWidget(RULE_COLUMNS, self)
        self.table.setObjectName("ruleSummary")
        self.table.setSortingEnabled(False)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        layout.addWidget(self.table, 1)
        self.card = CardWidget(self)
        self.card_text = QLabel(self.card)
        self.card_text.setWordWrap(True)
        self.card_text.setObjectName("cardNote")
        self.card_counts = QLabel(self.card)
        self.card_counts.setWordWrap(True)
        self.card.content.addWidget(self.card_text)
        self.card.content.addWidget(self.card_counts)
        layout.addWidget(self.card)

    def retranslate(self) -> None:
        """Re-read every text."""
        self.table.retranslate()
        self._show_card()

    @property
    def code(self) -> str:
        """The chosen rule's code ("" for all rules)."""
        row = self.table.current_row()
        return row.code if row is not None else ""

    def show_summaries(self, run: RunRow, summaries: list[RuleSummary]) -> None:
        """Show the run's rules (the chosen one stays chosen when it is still listed)."""
        chosen = self.code
        self.run, self.summaries = run, summaries
        rows = [all_rules(summaries), *summaries]
        self.table.blockSignals(True)
        self.table.selectionModel().blockSignals(True)
        self.table.set_rows(rows)
        index = next((n for n, row in enumerate(rows) if row.code == chosen), 0)
        self.table.selectRow(index)
        self.table.selectionModel().blockSignals(False)
        self.table.blockSignals(False)
        self._show_card()

    def clear(self) -> None:
        """Nothing to show (no run)."""
        self.run, self.summaries = None, []
        self.table.set_rows([])
        self._show_card()

    def select_rule(self, code: str) -> None:
        """Choose rule ``code`` ("" for all rules)."""
        for number, row in enumerate(self.table.visible_rows()):
            if row.code == code:
                self.table.selectRow(number)
                return

    def _selected(self, *_args: object) -> None:
        self._show_card()
        self.rule_chosen.emit(self.code)

    def _show_card(self) -> None:
        row = self.table.current_row()
        self.card.setVisible(row is not None)
        if row is None:
            return
        if not row.code:
            self.card.set_title(_("All rules"))
            self.card_text.setText(
                _(
                    "A flag is a suspicion, not a finding. Review each against the medical "
                    "record: confirmed flags can become findings."
                )
            )
        else:
            self.card.set_title(_rule_title(row.code))
            self.card_text.setText(self._rule_text(row.code))
        self.card_counts.setText(
            ngettext(
                "{flags} flag on {claims} claims, {amount} at stake.",
                "{flags} flags on {claims} claims, {amount} at stake.",
                row.flags,
            ).format(
                flags=formatting.count(row.flags),
                claims=formatting.count(row.claims),
                amount=formatting.money(row.amount_fen),
            )
            + "\n"
            + review_counts(row)
        )

    def _rule_text(self, code: str) -> str:
        from inspector_app.screening import UnknownRuleError, shipped_ruleset

        try:
            rule = shipped_ruleset().rule(code)
        except UnknownRuleError:
            return code
        parts = [rule.description.text()]
        used = self.run.parameters(code) if self.run is not None else {}
        values = []
        for parameter in rule.parameters:
            if parameter.name in used and parameter.type != "codes":
                value = used[parameter.name]
                if isinstance(value, bool):
                    shown = _("yes") if value else _("no")
                elif isinstance(value, int | float):
                    shown = f"{value:g}"
                else:
                    shown = str(value)
                unit = parameter.unit.text()
                values.append(f"{parameter.label.text()} {shown}{(' ' + unit) if unit else ''}")
        if values:
            parts.append(_("In this run: {values}").format(values="; ".join(values)))
        return "\n".join(parts)
