"""Follow-up check (回头看): the earlier case's findings, each with its rectification status.

For a task that follows an earlier case, each finding of that case gets a check (created
when this case opens); the team sets how far it was rectified, with a note when it was not
fully. A task that follows no case shows an explanation instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from inspector_app.i18n import _
from inspector_app.vocabulary import rectification_status_label
from local_db.enums import RectificationStatus
from ui import formatting
from ui.context import ShellContext
from ui.inspection.case_tab import CaseTab
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.followup import FollowUpView, RectificationRow

COLUMNS: list[Column[RectificationRow]] = [
    Column(lambda: _("Code"), lambda r: r.violation_code, width=80),
    Column(
        lambda: _("Earlier finding"), lambda r: r.title, stretch=True, tooltip=lambda r: r.title
    ),
    Column(
        lambda: _("Amount"),
        lambda r: formatting.money(r.amount_fen),
        sort_key=lambda r: r.amount_fen,
        align=RIGHT,
        width=110,
    ),
    Column(lambda: _("Rectification"), lambda r: rectification_status_label(r.status), width=110),
    Column(lambda: _("Note"), lambda r: r.note, width=160, tooltip=lambda r: r.note),
]


class FollowUpTab(CaseTab):
    """Rectification checks of a follow-up inspection."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.view: FollowUpView | None = None
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        self.table = DataTableWidget(COLUMNS, self)
        self.status = QComboBox(self)
        for status in RectificationStatus:
            self.status.addItem("", status)
        self.note = QLineEdit(self)
        self.save_button = QPushButton(self)
        self.hint = QLabel(self)
        self.hint.setObjectName("fieldHelp")
        self.hint.setWordWrap(True)
        editor = QHBoxLayout()
        editor.addWidget(self.status)
        editor.addWidget(self.note, 1)
        editor.addWidget(self.save_button)
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.header)
        column.addWidget(self.table, 1)
        column.addLayout(editor)
        column.addWidget(self.hint)
        self.content = content
        self.empty = EmptyStateWidget("inspection", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(content)
        self.stack.addWidget(self.empty)
        self.layout_.addWidget(self.stack, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection())
        self.save_button.clicked.connect(self.save)
        self.retranslate()

    def title(self) -> str:
        return _("Follow-up check")

    def retranslate(self) -> None:
        for index in range(self.status.count()):
            self.status.setItemText(
                index, rectification_status_label(RectificationStatus(self.status.itemData(index)))
            )
        self.note.setPlaceholderText(_("What was found on the follow-up visit"))
        self.save_button.setText(_("Save check"))
        self.empty.set_texts(
            _("Not a follow-up check"),
            _(
                "This task does not follow an earlier case. A follow-up check (回头看) lists "
                "the findings of the case it follows, and the team records for each how far "
                "it has been rectified."
            ),
        )
        self.table.retranslate()
        self._render()

    def reload(self) -> None:
        if self.task_id is None:
            return
        from inspector_app.services.followup import followup_view

        profile, task_id = self.context.profile, self.task_id
        self.load(
            lambda: followup_view(profile=profile, task_id=task_id),
            self.show_view,
            label=_("Loading the follow-up check"),
        )

    def show_view(self, view: FollowUpView | None) -> None:
        """Display the service's result."""
        self.view = view
        self.table.set_rows(view.rows if view is not None else [])
        if view is not None and view.rows:
            self.table.select_first()
        self._render()

    def _render(self) -> None:
        view = self.view
        if view is None:
            self.stack.setCurrentWidget(self.empty)
            return
        self.stack.setCurrentWidget(self.content)
        self.header.setText(
            _("Follows case {number}: {title} ({institution})").format(
                number=view.earlier_case_number,
                title=view.earlier_task_title,
                institution=view.institution_name or "—",
            )
        )
        if not view.can_edit:
            self.hint.setText(
                _(
                    "The checks can be recorded once the case file is open (record the arrival "
                    "on site), by members of the inspection team."
                )
            )
        else:
            self.hint.setText(_("Choose a finding, set its rectification status and a note."))
        self._selection()

    def _selection(self) -> None:
        row = self.table.current_row()
        editable = self.view is not None and self.view.can_edit and row is not None
        for widget in (self.status, self.note, self.save_button):
            widget.setEnabled(editable)
        if row is not None:
            self.status.setCurrentIndex(max(0, self.status.findData(row.status)))
            self.note.setText(row.note)

    def save(self) -> None:
        """Save the selected finding's check."""
        from inspector_app.services.followup import set_rectification

        row = self.table.current_row()
        if row is None or row.check_id is None:
            return
        profile, check_id = self.context.profile, row.check_id
        status = RectificationStatus(self.status.currentData())
        note = self.note.text()
        self.write(
            lambda: set_rectification(profile=profile, check_id=check_id, status=status, note=note),
            lambda _row: self.reload(),
            label=_("Saving the follow-up check"),
        )
