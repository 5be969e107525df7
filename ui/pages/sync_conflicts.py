"""The Sync page's conflicts: what two people changed at once, and the choice of a value.

The server kept the later of two concurrent values; the table lists each such field with both
values readable (the JSON the conflict record holds, decoded), who wrote each and when. The
selected conflict's values are shown whole below, and two buttons resolve it, after a
confirmation: keep the current value, or use the other one. Resolving runs
``resolve_conflict`` on the serialized database worker; it is an ordinary local edit that
syncs to the team.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.vocabulary import finding_status_label, sync_entity_label, sync_field_label
from ui import formatting
from ui.context import ShellContext
from ui.pages.sync_list_actions import ActionListWidget
from ui.widgets.data_table import Column

if TYPE_CHECKING:
    from inspector_app.services.sync_status import ConflictSide, OpenConflict
    from inspector_app.sync.conflicts import Keep

PREVIEW_CHARS = 80


def readable_value(entity: str, field: str, value: Any) -> str:
    """A conflict's value as a person reads it (whole; the table shortens it)."""
    if value is None or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int) and field.endswith("_fen"):
        return formatting.money(value)
    if isinstance(value, str):
        if entity == "finding" and field == "status":
            return finding_status_label(value)
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def preview(text: str) -> str:
    """``text`` on one line, cut to :data:`PREVIEW_CHARS`."""
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1] + "…"


def record_label(entity: str, name: str) -> str:
    """``Finding “title”``; the kind alone when the record has no name here."""
    label = sync_entity_label(entity)
    return _("{kind} “{name}”").format(kind=label, name=name) if name else label


def _side(side: ConflictSide) -> str:
    return _("{name}, {time}").format(name=side.by, time=formatting.local_time(side.at) or "—")


def _value(conflict: OpenConflict, side: ConflictSide) -> str:
    return readable_value(conflict.entity, conflict.field, side.value)


CONFLICT_COLUMNS: list[Column[OpenConflict]] = [
    Column(lambda: _("Case"), lambda c: c.case_number or "—", width=110),
    Column(
        lambda: _("Record"),
        lambda c: record_label(c.entity, c.record_name),
        tooltip=lambda c: c.entity_id,
        width=160,
        max_width=260,
    ),
    Column(lambda: _("Field"), lambda c: sync_field_label(c.field), width=90),
    Column(lambda: _("Current value"), lambda c: preview(_value(c, c.current)), stretch=True),
    Column(lambda: _("Other value"), lambda c: preview(_value(c, c.other)), stretch=True),
    Column(lambda: _("Kept from"), lambda c: _side(c.current), width=150),
    Column(lambda: _("Set aside from"), lambda c: _side(c.other), width=150),
]


class ConflictsWidget(ActionListWidget["OpenConflict"]):
    """The open conflicts, both values of the selected one, and the two ways to resolve it."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, CONFLICT_COLUMNS, parent)
        panel = self.panel
        self.current_title = QLabel(panel)
        self.other_title = QLabel(panel)
        self.current_text = QPlainTextEdit(panel)
        self.other_text = QPlainTextEdit(panel)
        values = QGridLayout()
        values.setHorizontalSpacing(12)
        values.setVerticalSpacing(4)
        for column, (title, text) in enumerate(
            ((self.current_title, self.current_text), (self.other_title, self.other_text))
        ):
            title.setObjectName("factLabel")
            text.setReadOnly(True)
            text.setFixedHeight(84)
            values.addWidget(title, 0, column)
            values.addWidget(text, 1, column)
        self.hint = QLabel(panel)
        self.hint.setObjectName("cardNote")
        self.hint.setWordWrap(True)
        self.keep_button = QPushButton(panel)
        self.keep_button.clicked.connect(lambda: self.resolve_selected("winner"))
        self.other_button = QPushButton(panel)
        self.other_button.clicked.connect(lambda: self.resolve_selected("other"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.other_button)
        self.panel_layout.addLayout(values)
        self.panel_layout.addLayout(buttons)
        self.retranslate()

    def row_key(self, row: OpenConflict) -> Hashable:
        """A conflict by its record id."""
        return row.id

    def retranslate(self) -> None:
        """Re-read every text."""
        self.hint.setText(
            _(
                "Two people changed the same field at the same time. The server kept the later "
                "change; choose which value the record keeps."
            )
        )
        self.keep_button.setText(_("Keep current value"))
        self.other_button.setText(_("Use other value"))
        self.empty.set_texts(
            _("No conflicts"), _("No field was changed by two people at the same time.")
        )
        self.table.retranslate()
        self._render()

    def set_conflicts(self, conflicts: list[OpenConflict]) -> None:
        """Show ``conflicts``, keeping the selected one selected if it is still open."""
        self.set_rows(conflicts)

    def _render(self) -> None:
        conflict = self.table.current_row()
        if conflict is None:
            self.current_title.setText(_("Current value"))
            self.other_title.setText(_("Other value"))
            self.current_text.setPlainText("")
            self.other_text.setPlainText("")
        else:
            self.current_title.setText(
                _("Current value — kept by the server, from {side}").format(
                    side=_side(conflict.current)
                )
            )
            self.other_title.setText(
                _("Other value — set aside, from {side}").format(side=_side(conflict.other))
            )
            self.current_text.setPlainText(_value(conflict, conflict.current))
            self.other_text.setPlainText(_value(conflict, conflict.other))
        can_resolve = conflict is not None and conflict.record_exists and not self.busy
        self.keep_button.setEnabled(can_resolve)
        self.other_button.setEnabled(can_resolve)
        tip = (
            _("The record is not on this computer; it can be resolved once it arrives.")
            if conflict is not None and not conflict.record_exists
            else ""
        )
        self.keep_button.setToolTip(tip)
        self.other_button.setToolTip(tip)

    def resolve_selected(self, keep: Keep) -> None:
        """Confirm, then resolve the selected conflict (``"winner"`` or ``"other"``)."""
        conflict = self.table.current_row()
        if conflict is None or not conflict.record_exists or self.busy:
            return
        texts = {
            "record": record_label(conflict.entity, conflict.record_name),
            "field": sync_field_label(conflict.field),
            "current": preview(_value(conflict, conflict.current)),
            "other": preview(_value(conflict, conflict.other)),
        }
        if keep == "winner":
            title = _("Keep current value")
            text = _(
                "{record}: keep “{current}” as {field}? The other value (“{other}”) is set "
                "aside for good, on every computer of the team."
            ).format(**texts)
        else:
            title = _("Use other value")
            text = _(
                "{record}: replace “{current}” with “{other}” as {field}? The change is sent "
                "to the team like any other edit."
            ).format(**texts)
        self.confirm(title, text, lambda: self._resolve(conflict.id, keep))

    def _resolve(self, conflict_id: str, keep: Keep) -> None:
        from inspector_app.sync.conflicts import resolve_conflict

        profile = self.context.profile
        self.run_action(
            lambda: resolve_conflict(profile=profile, conflict_id=conflict_id, keep=keep),
            label=_("Resolving the conflict"),
            error_title=_("Resolve conflict"),
        )
