"""同步 Sync status: which server, can we reach it, and what is waiting to be sent.

Reachability comes from the window's ConnectivityMonitor (asynchronous probes of the
server's /health); the pending changes come from the outbox through ``sync_overview``.
Pushing and pulling are a later issue: this page tells the inspector where things stand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QWidget

from inspector_app.i18n import _, ngettext
from inspector_app.vocabulary import outbox_operation_label, sync_entity_label
from ui import formatting
from ui.connectivity import Reachability
from ui.context import ShellContext
from ui.icons import icon
from ui.pages.base_page import BasePage
from ui.widgets.card import CardWidget, FactsWidget
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.sync_status import EntityCount, PendingChange, SyncOverview

ENTITY_COLUMNS: list[Column[EntityCount]] = [
    Column(lambda: _("Kind of record"), lambda e: sync_entity_label(e.entity), stretch=True),
    Column(
        lambda: _("Changes"),
        lambda e: formatting.count(e.count),
        sort_key=lambda e: e.count,
        align=RIGHT,
        width=90,
    ),
]
CHANGE_COLUMNS: list[Column[PendingChange]] = [
    Column(
        lambda: _("Time"),
        lambda c: formatting.local_time(c.created_at),
        sort_key=lambda c: c.seq,
        width=140,
    ),
    Column(lambda: _("Kind of record"), lambda c: sync_entity_label(c.entity), width=170),
    Column(lambda: _("Change"), lambda c: outbox_operation_label(c.operation), width=90),
    Column(lambda: _("Record"), lambda c: c.entity_id, stretch=True, tooltip=lambda c: c.entity_id),
    Column(lambda: _("By"), lambda c: c.created_by, width=120),
]


class SyncPage(BasePage):
    """Server, reachability and the outbox."""

    icon_name = "sync"

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.overview: SyncOverview | None = None
        self.check_button = QPushButton(icon("refresh"), "", self)
        self.check_button.clicked.connect(self.check_connection)
        self.header_actions.addWidget(self.check_button)
        top = QHBoxLayout()
        top.setSpacing(12)
        self.server_card = CardWidget(self)
        self.server = FactsWidget(self.server_card)
        self.server.add("address", lambda: _("Server address"))
        self.server.add("state", lambda: _("Connection"))
        self.server.add("checked", lambda: _("Last checked"))
        self.server_hint = QLabel(self.server_card)
        self.server_hint.setObjectName("cardNote")
        self.server_hint.setWordWrap(True)
        self.server_card.content.addWidget(self.server)
        self.server_card.content.addWidget(self.server_hint)
        self.server_card.content.addStretch(1)
        self.entity_card = CardWidget(self)
        self.pending_label = QLabel(self.entity_card)
        self.pending_label.setObjectName("statValue")
        self.entity_table = DataTableWidget(ENTITY_COLUMNS, self.entity_card)
        self.entity_table.setMaximumHeight(190)
        self.entity_card.content.addWidget(self.pending_label)
        self.entity_card.content.addWidget(self.entity_table)
        top.addWidget(self.server_card, 1)
        top.addWidget(self.entity_card, 1)
        self.body.addLayout(top)
        self.latest_title = QLabel(self)
        self.latest_title.setObjectName("sectionTitle")
        self.body.addWidget(self.latest_title)
        self.change_table = DataTableWidget(CHANGE_COLUMNS, self)
        self.nothing_pending = EmptyStateWidget("sync", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.change_table)
        self.stack.addWidget(self.nothing_pending)
        self.body.addWidget(self.stack, 1)
        context.connectivity.changed.connect(self._render_connection)
        self.retranslate()

    def title(self) -> str:
        return _("Sync status")

    def retranslate(self) -> None:
        super().retranslate()
        self.summary_label.setText(
            _("Changes made on this computer wait here until they reach the central server.")
        )
        self.check_button.setText(_("Check connection"))
        self.check_button.setToolTip(_("Ask the server's health endpoint now"))
        self.server_card.set_title(_("Central server"))
        self.entity_card.set_title(_("Waiting to be sent"))
        self.latest_title.setText(_("Latest pending changes"))
        self.nothing_pending.set_texts(
            _("Everything is synchronised"),
            _("No change made on this computer is waiting to be sent to the server."),
        )
        self.server.retranslate()
        self.entity_table.retranslate()
        self.change_table.retranslate()
        self._render_connection()
        self._render_pending()

    def reload(self) -> None:
        from inspector_app.services.sync_status import sync_overview

        profile = self.context.profile
        self.load(
            lambda: sync_overview(profile=profile),
            self.show_overview,
            label=_("Loading sync status"),
        )

    def check_connection(self) -> None:
        """Probe the server now (button and menu)."""
        self.context.connectivity.probe_now()
        self.mark_stale()

    def show_overview(self, overview: SyncOverview) -> None:
        """Render ``overview`` (the service's result)."""
        self.overview = overview
        self._render_pending()
        self._render_connection()

    def _render_connection(self) -> None:
        monitor = self.context.connectivity
        self.server.set("address", monitor.server_url or _("none configured"))
        text = monitor.status_text()
        if monitor.state is Reachability.OFFLINE and monitor.detail:
            text = _("{status} ({detail})").format(status=text, detail=monitor.detail)
        self.server.set("state", text)
        self.server.set("checked", formatting.local_time(monitor.checked_at) or "—")
        self.check_button.setEnabled(monitor.state is not Reachability.NO_SERVER)
        self.server_hint.setText(
            _("Set the server address in File → Settings to synchronise.")
            if monitor.state is Reachability.NO_SERVER
            else ""
        )

    def _render_pending(self) -> None:
        overview = self.overview
        if overview is None:
            self.pending_label.setText("—")
            return
        n = overview.pending_total
        self.pending_label.setText(
            ngettext("{n} change pending", "{n} changes pending", n).format(n=formatting.count(n))
        )
        self.entity_table.set_rows(overview.by_entity)
        self.change_table.set_rows(overview.latest)
        self.stack.setCurrentIndex(0 if overview.latest else 1)
