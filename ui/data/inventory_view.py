"""进销存 Inventory: reconcile the institution's purchase–sale–stock records with settlements.

The institution's 进销存 loads are listed on the left; the selected one is reconciled in the
background (one grouped query over the settled lines of its item codes) and shown item by
item, the items the fund paid for beyond what the pharmacy could have dispensed first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from inspector_app.i18n import _, pgettext
from ui import error_report, formatting
from ui.context import ShellContext
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.inventory.loads import InventoryLoad
    from inspector_app.inventory.reconciliation import Reconciliation, ReconciliationRow


def _quantity(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


LOAD_COLUMNS: list[Column[InventoryLoad]] = [
    Column(
        lambda: _("Period"),
        lambda b: formatting.period(b.period_start, b.period_end),
        stretch=True,
    ),
    Column(
        lambda: _("Records"),
        lambda b: formatting.count(b.movement_count),
        sort_key=lambda b: b.movement_count,
        align=RIGHT,
        width=70,
    ),
]
ROW_COLUMNS: list[Column[ReconciliationRow]] = [
    Column(lambda: _("Item code"), lambda r: r.item_code, width=170),
    Column(lambda: _("Item"), lambda r: r.item_name, stretch=True),
    Column(lambda: _("Unit"), lambda r: r.unit, width=40),
    Column(lambda: _("Opening"), lambda r: _quantity(r.opening), lambda r: r.opening, RIGHT, 70),
    Column(
        lambda: _("Purchased"), lambda r: _quantity(r.purchased), lambda r: r.purchased, RIGHT, 80
    ),
    Column(
        lambda: _("Closing"),
        lambda r: _quantity(r.closing) if r.closing_counted else _("not counted"),
        lambda r: r.closing,
        RIGHT,
        80,
        muted=lambda r: not r.closing_counted,
    ),
    Column(
        lambda: _("Available"), lambda r: _quantity(r.available), lambda r: r.available, RIGHT, 80
    ),
    Column(
        lambda: _("Dispensed"), lambda r: _quantity(r.dispensed), lambda r: r.dispensed, RIGHT, 80
    ),
    Column(
        lambda: pgettext("quantity", "Settled"),
        lambda r: _quantity(r.settled),
        lambda r: r.settled,
        RIGHT,
        80,
    ),
    Column(
        lambda: _("Excess"),
        lambda r: _quantity(r.excess) if r.excess else "",
        lambda r: r.excess,
        RIGHT,
        70,
    ),
    Column(
        lambda: _("Amount at stake"),
        lambda r: formatting.money(r.excess_fen) if r.excess_fen else "",
        lambda r: r.excess_fen,
        RIGHT,
        120,
    ),
]


class InventoryView(QWidget):
    """进销存 loads of the batch's institution and the reconciliation of the selected one."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.batch_id: str | None = None
        self.result: Reconciliation | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.explanation.setObjectName("muted")
        layout.addWidget(self.explanation)
        self.loads: DataTableWidget[InventoryLoad] = DataTableWidget(LOAD_COLUMNS, self)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("sectionTitle")
        self.only_flagged = QCheckBox(self)
        self.only_flagged.setChecked(True)
        self.only_flagged.toggled.connect(self._show_rows)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.only_flagged)
        right_layout.addLayout(bar)
        self.rows: DataTableWidget[ReconciliationRow] = DataTableWidget(ROW_COLUMNS, self)
        right_layout.addWidget(self.rows, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.loads)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 4)
        splitter.setSizes([260, 1000])
        layout.addWidget(splitter, 1)
        self.loads.selectionModel().currentRowChanged.connect(self._load_selected)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.explanation.setText(
            _(
                "For each drug or consumable: available = opening stock + purchases − closing "
                "stock. Where the fund settled more than was available, the excess is valued "
                "at the average settled price."
            )
        )
        self.only_flagged.setText(_("Only items settled beyond stock"))
        self.loads.retranslate()
        self.rows.retranslate()
        self._show_summary()

    def _run(self, work: Any, done: Any, *, label: str) -> None:
        def failed(error: BaseException) -> None:
            error_report.log_error(error)
            self.summary.setText(_("The 进销存 data could not be read."))

        operation: Operation[Any] = Operation.of(work, label=label)
        operation.success(done).failure(failed).quietly().owned_by(self).run_in_background(
            self.context.tasks
        )

    def set_batch(self, batch_id: str) -> None:
        """List the 进销存 loads of ``batch_id``'s institution."""
        from inspector_app.inventory.loads import inventory_loads

        self.batch_id = batch_id
        self.result = None
        self._generation += 1  # a reconciliation still on its way is the old batch's
        self.loads.set_rows([])
        self.rows.set_rows([])
        self._show_summary()
        profile = self.context.profile

        def show(loads: list[InventoryLoad]) -> None:
            if batch_id != self.batch_id:
                return
            self.loads.set_rows(loads)
            self.loads.select_first()
            self._show_summary(empty=not loads)

        self._run(
            lambda: inventory_loads(profile=profile, settlement_batch_id=batch_id),
            show,
            label=_("Reading 进销存 loads"),
        )

    def _load_selected(self, *_args: Any) -> None:
        from inspector_app.inventory.reconciliation import reconcile

        load = self.loads.current_row()
        batch_id = self.batch_id
        if load is None or batch_id is None:
            return
        self._generation += 1
        generation = self._generation
        profile = self.context.profile
        self.summary.setText(_("Reconciling…"))

        def show(result: Reconciliation) -> None:
            if generation == self._generation and batch_id == self.batch_id:
                self.result = result
                self._show_rows()

        self._run(
            lambda: reconcile(
                profile=profile, inventory_batch_id=load.id, settlement_batch_id=batch_id
            ),
            show,
            label=_("Reconciling 进销存 with settlements"),
        )

    def _show_rows(self) -> None:
        result = self.result
        if result is None:
            return
        rows = result.flagged if self.only_flagged.isChecked() else result.rows
        self.rows.set_rows(rows)
        self._show_summary()

    def _show_summary(self, *, empty: bool = False) -> None:
        result = self.result
        if empty:
            self.summary.setText(_("No 进销存 data for this institution yet."))
        elif result is not None:
            self.summary.setText(
                _("{flagged} of {items} items settled beyond stock · {amount} at stake").format(
                    flagged=len(result.flagged),
                    items=len(result.rows),
                    amount=formatting.money(result.excess_fen),
                )
            )
