"""History: every state change of the case (who, when, what), oldest first; read-only.

The entries come from the append-only audit log (``case_history``), so the team and
supervisors see the same record the database keeps; nothing here can change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from inspector_app.i18n import _, ngettext
from ui import formatting
from ui.context import ShellContext
from ui.inspection.case_tab import CaseTab
from ui.widgets.data_table import Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.case_history import HistoryRow

COLUMNS: list[Column[HistoryRow]] = [
    Column(
        lambda: _("Time"), lambda r: formatting.local_time(r.at), sort_key=lambda r: r.at, width=130
    ),
    Column(lambda: _("Who"), lambda r: r.actor_name, tooltip=lambda r: r.actor, width=100),
    Column(lambda: _("What"), lambda r: r.description, stretch=True, tooltip=lambda r: r.action),
]


class HistoryTab(CaseTab):
    """The case's audit trail."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.rows: list[HistoryRow] = []
        self.summary = QLabel(self)
        self.summary.setObjectName("cardNote")
        self.table = DataTableWidget(COLUMNS, self)
        self.empty = EmptyStateWidget("inspection", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.stack, 1)
        self.retranslate()

    def title(self) -> str:
        return _("History")

    def retranslate(self) -> None:
        self.empty.set_texts(
            _("No history yet"),
            _(
                "The history starts when the case file is opened: on arrival, or when the "
                "team leader opens a sealed task on site."
            ),
        )
        self.table.retranslate()
        self._render()

    def reload(self) -> None:
        if self.case_id is None:
            self.show_rows([])
            self.stale = False
            return
        from inspector_app.services.case_history import case_history

        profile, case_id = self.context.profile, self.case_id
        self.load(
            lambda: case_history(profile=profile, case_id=case_id),
            self.show_rows,
            label=_("Loading the case history"),
        )

    def show_rows(self, rows: list[HistoryRow]) -> None:
        """Display the service's rows."""
        self.rows = rows
        self.table.set_rows(rows)
        self._render()

    def _render(self) -> None:
        self.stack.setCurrentWidget(self.table if self.rows else self.empty)
        self.summary.setText(
            ngettext("{n} entry", "{n} entries", len(self.rows)).format(n=len(self.rows))
            if self.rows
            else ""
        )
