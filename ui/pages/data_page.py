"""数据 Data: the settlement data loaded into the profile, one row per load.

Counts and totals come from the per-load figures stored when the data was written: the page
stays instant on a profile with a million claims and ten million settlement lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QWidget

from inspector_app.i18n import _
from inspector_app.vocabulary import institution_kind_label
from ui import formatting
from ui.context import ShellContext
from ui.data.batch_workspace import BatchWorkspace
from ui.dialogs.import_wizard import open_import_wizard
from ui.icons import icon
from ui.pages.base_page import BasePage
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget
from ui.widgets.stat_tile import StatTileWidget

if TYPE_CHECKING:
    from inspector_app.services.settlement_summary import BatchRow, DataSummary

COLUMNS: list[Column[BatchRow]] = [
    Column(lambda: _("Institution"), lambda b: b.institution_name, stretch=True),
    Column(lambda: _("Kind"), lambda b: institution_kind_label(b.institution_kind), width=110),
    Column(lambda: _("Source"), lambda b: b.source, width=200, tooltip=lambda b: b.source),
    Column(
        lambda: _("Period"),
        lambda b: formatting.period(b.period_start, b.period_end),
        sort_key=lambda b: b.period_start,
        width=200,
    ),
    Column(
        lambda: _("Claims"),
        lambda b: formatting.count(b.claim_count),
        sort_key=lambda b: b.claim_count,
        align=RIGHT,
        width=100,
    ),
    Column(
        lambda: _("Lines"),
        lambda b: formatting.count(b.line_count),
        sort_key=lambda b: b.line_count,
        align=RIGHT,
        width=110,
    ),
    Column(
        lambda: _("Total amount"),
        lambda b: formatting.money(b.total_fen),
        sort_key=lambda b: b.total_fen,
        align=RIGHT,
        width=160,
    ),
    Column(
        lambda: _("Loaded at"),
        lambda b: formatting.local_time(b.loaded_at),
        sort_key=lambda b: b.loaded_at,
        width=140,
    ),
]


class DataPage(BasePage):
    """Settlement loads with their counts and amounts."""

    icon_name = "data"

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.summary: DataSummary | None = None
        self.import_button = QPushButton(icon("import"), "", self)
        self.import_button.setObjectName("importData")
        self.import_button.clicked.connect(lambda: open_import_wizard(self))
        self.header_actions.addWidget(self.import_button)
        self.refresh_button = QPushButton(icon("refresh"), "", self)
        self.refresh_button.clicked.connect(self.reload)
        self.header_actions.addWidget(self.refresh_button)
        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        self.loads_tile = StatTileWidget(self)
        self.claims_tile = StatTileWidget(self)
        self.lines_tile = StatTileWidget(self)
        self.amount_tile = StatTileWidget(self)
        for tile in (self.loads_tile, self.claims_tile, self.lines_tile, self.amount_tile):
            tiles.addWidget(tile, 1)
        self.tiles = QWidget(self)
        tiles.setContentsMargins(0, 0, 0, 0)
        self.tiles.setLayout(tiles)
        self.body.addWidget(self.tiles)
        self.table = DataTableWidget(COLUMNS, self)
        self.table.row_activated.connect(self.open_batch)
        self.empty = EmptyStateWidget("data", self)
        self.workspace = BatchWorkspace(context, self)
        self.workspace.closed.connect(self.close_batch)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.workspace)
        self.body.addWidget(self.stack, 1)
        self.retranslate()

    def title(self) -> str:
        return _("Data")

    def retranslate(self) -> None:
        super().retranslate()
        self.import_button.setText(_("Import…"))
        self.refresh_button.setText(_("Refresh"))
        self.loads_tile.set_caption(_("Settlement data loads"))
        self.claims_tile.set_caption(_("Claims"))
        self.lines_tile.set_caption(_("Settlement lines"))
        self.amount_tile.set_caption(_("Total amount"))
        self.summary_label.setText(
            _(
                "Settlement lists and lines loaded from the institutions' exports. "
                "Double-click a load to browse its claims."
            )
        )
        self.empty.set_texts(
            _("No settlement data yet"),
            _(
                "Settlement data is loaded for an inspection from the institution's exports "
                "(CSV or Excel). Each load appears here with its claims, lines and amount."
            ),
        )
        self.table.retranslate()
        self.workspace.retranslate()

    def reload(self) -> None:
        from inspector_app.services.settlement_summary import data_summary

        profile = self.context.profile
        self.load(
            lambda: data_summary(profile=profile),
            self.show_summary,
            label=_("Loading settlement data"),
        )

    def show_summary(self, summary: DataSummary) -> None:
        """Render ``summary`` (the service's result)."""
        self.summary = summary
        self.loads_tile.set_value(formatting.count(len(summary.batches)))
        self.claims_tile.set_value(formatting.count(summary.claim_count))
        self.lines_tile.set_value(formatting.count(summary.line_count))
        self.amount_tile.set_value(formatting.money(summary.total_fen))
        self.table.set_rows(summary.batches)
        if self.stack.currentWidget() is not self.workspace:
            self.stack.setCurrentWidget(self.table if summary.batches else self.empty)

    def open_batch(self, batch: BatchRow) -> None:
        """Show one batch's claims and analyses in place of the list."""
        self.workspace.set_batch(batch)
        self.tiles.hide()
        self.stack.setCurrentWidget(self.workspace)

    def close_batch(self) -> None:
        """Back to the list of loads."""
        self.tiles.show()
        has_rows = bool(self.summary and self.summary.batches)
        self.stack.setCurrentWidget(self.table if has_rows else self.empty)
