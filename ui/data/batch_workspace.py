"""One settlement batch opened from the Data page: its claims and the analyses on it.

The tabs share the batch; each loads only when first shown, so opening a batch of a
million claims costs one page of claims.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from inspector_app.i18n import _
from ui import formatting
from ui.context import ShellContext
from ui.data.claims_view import ClaimsView
from ui.data.inventory_view import InventoryView
from ui.data.sampling_view import SamplingView
from ui.data.screening_view import ScreeningView
from ui.icons import icon

if TYPE_CHECKING:
    from inspector_app.services.settlement_summary import BatchRow


class BatchWorkspace(QWidget):
    """A batch's header and its tabs; ``closed`` asks the page to go back to the list."""

    closed = Signal()

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.batch: BatchRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.back_button = QPushButton(icon("back"), "", self)
        self.back_button.clicked.connect(self.closed)
        self.title = QLabel(self)
        self.title.setObjectName("sectionTitle")
        self.facts = QLabel(self)
        self.facts.setObjectName("muted")
        header.addWidget(self.back_button)
        header.addWidget(self.title)
        header.addWidget(self.facts, 1)
        layout.addLayout(header)
        self.tabs = QTabWidget(self)
        self.claims = ClaimsView(context, self)
        self.screening = ScreeningView(context, self)
        self.sampling = SamplingView(context, self)
        self.inventory = InventoryView(context, self)
        self.tabs.addTab(self.claims, "")
        self.tabs.addTab(self.screening, "")
        self.tabs.addTab(self.sampling, "")
        self.tabs.addTab(self.inventory, "")
        # Which batch each tab last showed: a tab loads when first shown for a batch.
        self._shown: dict[QWidget, str] = {}
        self.tabs.currentChanged.connect(self._tab_shown)
        # A new screening run feeds risk-based and flag-stratified sampling: reload it.
        self.screening.screened.connect(lambda _run: self._shown.pop(self.sampling, None))
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every visible text."""
        self.back_button.setText(_("All settlement data"))
        self.tabs.setTabText(self.tabs.indexOf(self.claims), _("Claims"))
        self.tabs.setTabText(self.tabs.indexOf(self.screening), _("Screening"))
        # A tab's "&" marks a shortcut letter: doubled, it is shown as itself.
        sampling = _("Sampling & review").replace("&", "&&")
        self.tabs.setTabText(self.tabs.indexOf(self.sampling), sampling)
        self.tabs.setTabText(self.tabs.indexOf(self.inventory), _("进销存 reconciliation"))
        self._show_facts()
        self.claims.retranslate()
        self.screening.retranslate()
        self.sampling.retranslate()
        self.inventory.retranslate()

    def set_batch(self, batch: BatchRow) -> None:
        """Open ``batch``."""
        self.batch = batch
        self._shown.clear()
        self._show_facts()
        if self.tabs.currentWidget() is self.claims:
            self._tab_shown()
        else:
            self.tabs.setCurrentWidget(self.claims)

    def _tab_shown(self, *_args: object) -> None:
        tab = self.tabs.currentWidget()
        if self.batch is None or self._shown.get(tab) == self.batch.id:
            return
        self._shown[tab] = self.batch.id
        if isinstance(tab, ClaimsView | ScreeningView | SamplingView | InventoryView):
            tab.set_batch(self.batch.id)

    def _show_facts(self) -> None:
        batch = self.batch
        if batch is None:
            return
        self.title.setText(batch.institution_name)
        self.facts.setText(
            _("{period} · {claims} claims · {lines} lines · {amount}").format(
                period=formatting.period(batch.period_start, batch.period_end),
                claims=formatting.count(batch.claim_count),
                lines=formatting.count(batch.line_count),
                amount=formatting.money(batch.total_fen),
            )
        )
