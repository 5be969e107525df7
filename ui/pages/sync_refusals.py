"""The Sync page's Refused tab: changes the server refused for good, and what to do with them.

The selected change can be sent again (once its cause was fixed, e.g. the administrator added
the user to the team) or dropped for the record as the server holds it, which the next sync
fetches. Both ask first and run in the background (``inspector_app.sync.refusals``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from inspector_app.i18n import _
from inspector_app.vocabulary import outbox_operation_label, sync_entity_label
from ui import formatting
from ui.context import ShellContext
from ui.pages.sync_list_actions import ActionListWidget
from ui.widgets.data_table import RIGHT, Column

if TYPE_CHECKING:
    from inspector_app.services.sync_status import FailedChange

FAILED_COLUMNS: list[Column[FailedChange]] = [
    Column(
        lambda: _("Time"),
        lambda c: formatting.local_time(c.created_at),
        sort_key=lambda c: c.seq,
        width=140,
    ),
    Column(lambda: _("Kind of record"), lambda c: sync_entity_label(c.entity), width=150),
    Column(lambda: _("Change"), lambda c: outbox_operation_label(c.operation), width=80),
    Column(
        lambda: _("Record"),
        lambda c: c.record_name or c.entity_id,
        tooltip=lambda c: c.entity_id,
        width=160,
        max_width=260,
    ),
    Column(lambda: _("Reason"), lambda c: c.reason, stretch=True, tooltip=lambda c: c.reason),
    Column(
        lambda: _("Attempts"),
        lambda c: formatting.count(c.attempts),
        sort_key=lambda c: c.attempts,
        align=RIGHT,
        width=80,
    ),
]


class RefusedWidget(ActionListWidget["FailedChange"]):
    """The refused changes, and the two ways to settle the selected one."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, FAILED_COLUMNS, parent)
        self.note = QLabel(self.panel)
        self.note.setObjectName("cardNote")
        self.note.setWordWrap(True)
        self.panel_layout.insertWidget(0, self.note)
        self.panel_layout.setContentsMargins(0, 10, 0, 0)
        self.send_button = QPushButton(self.panel)
        self.send_button.clicked.connect(self.send_selected_again)
        self.take_button = QPushButton(self.panel)
        self.take_button.clicked.connect(self.take_server_version_of_selected)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.take_button)
        self.panel_layout.addLayout(buttons)
        self.retranslate()

    def row_key(self, row: FailedChange) -> Hashable:
        """An outbox entry by its sequence number."""
        return row.seq

    def retranslate(self) -> None:
        """Re-read every text."""
        self.note.setText(
            _(
                "The server refused these changes for good; they are not sent again on their own "
                "and stay on this computer. Send one again once its reason is fixed (ask your "
                "administrator), or take the server's version of the record instead."
            )
        )
        self.send_button.setText(_("Send again"))
        self.take_button.setText(_("Take the server's version"))
        self.empty.set_texts(
            _("No refused changes"), _("The server accepted every change it received.")
        )
        self.table.retranslate()
        self._render()

    def _render(self) -> None:
        change = self.table.current_row()
        self.send_button.setEnabled(change is not None and not self.busy)
        can_take = change is not None and change.server_version and not self.busy
        self.take_button.setEnabled(can_take)
        self.take_button.setToolTip(
            _("The server does not hold this record; there is no version of it to take.")
            if change is not None and not change.server_version
            else ""
        )

    def _label(self, change: FailedChange) -> str:
        return _("{kind} “{record}”").format(
            kind=sync_entity_label(change.entity), record=change.record_name or change.entity_id
        )

    def send_selected_again(self) -> None:
        """Confirm, then put the selected refused change back in the queue."""
        change = self.table.current_row()
        if change is None or self.busy:
            return
        text = _(
            "{record}: send this change again with the next sync? The server refused it "
            "because: {reason}"
        ).format(record=self._label(change), reason=change.reason)
        self.confirm(_("Send again"), text, lambda: self._settle(change.seq, take=False))

    def take_server_version_of_selected(self) -> None:
        """Confirm, then drop the record's refused changes for the server's version."""
        change = self.table.current_row()
        if change is None or not change.server_version or self.busy:
            return
        text = _(
            "{record}: drop this computer's refused changes of the record and take the "
            "version the server holds? The next sync fetches it; what was refused is lost."
        ).format(record=self._label(change))
        title = _("Take the server's version")
        self.confirm(title, text, lambda: self._settle(change.seq, take=True))

    def _settle(self, seq: int, *, take: bool) -> None:
        from inspector_app.sync.refusals import send_again, take_server_version

        profile = self.context.profile

        def work() -> None:
            if take:
                take_server_version(profile=profile, seq=seq)
            else:
                send_again(profile=profile, seq=seq)

        label = _("Taking the server's version") if take else _("Queueing the change again")
        self.run_action(work, label=label, error_title=_("Refused change"))
