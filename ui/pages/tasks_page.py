"""任务 Tasks: every inspection task of the profile, filtered by status and text.

Double-click or Enter opens a task in the Current inspection page. A sealed flying
inspection shows "sealed (opened on site)" where the institution would be: the target is
not in the row at all until the team leader opens the task on site. "New task…" creates a
task on this computer (team leaders, supervisors, administrators).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from inspector_app.vocabulary import task_origin_label, task_status_label, task_type_label
from local_db.enums import TaskStatus
from ui import formatting
from ui.context import ShellContext
from ui.icons import icon
from ui.pages.base_page import BasePage
from ui.widgets.data_table import ROW_ROLE, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.tasks import TaskRow


def institution_text(row: TaskRow) -> str:
    """The institution, or the sealed notice while the target is hidden."""
    if row.institution_name is None:
        return _("sealed (opened on site)")
    return row.institution_name


def _dates(row: TaskRow) -> str:
    return _("{start} – {end}").format(
        start=formatting.day(row.planned_start), end=formatting.day(row.planned_end)
    )


COLUMNS: list[Column[TaskRow]] = [
    Column(lambda: _("Number"), lambda r: r.number, width=110),
    Column(
        lambda: _("Title"), lambda r: r.title, width=160, max_width=340, tooltip=lambda r: r.title
    ),
    Column(lambda: _("Type"), lambda r: task_type_label(r.task_type), width=80, max_width=170),
    Column(lambda: _("Origin"), lambda r: task_origin_label(r.origin), width=96, max_width=170),
    Column(
        lambda: _("Institution"),
        institution_text,
        stretch=True,
        muted=lambda r: r.institution_name is None,
        tooltip=institution_text,
    ),
    Column(lambda: _("Region"), lambda r: r.region_name, max_width=140),
    Column(lambda: _("Dates"), _dates, sort_key=lambda r: r.planned_start, width=180),
    Column(
        lambda: _("Status"),
        lambda r: task_status_label(r.status),
        sort_key=lambda r: list(TaskStatus).index(r.status),
        width=96,  # the longest status (现场检查中 / Drafting) stays readable when space is short
    ),
    Column(lambda: _("Team leader"), lambda r: r.leader_name or "", max_width=140),
]


class TaskFilterModel(QSortFilterProxyModel):
    """Keeps the rows of one status (or all) that contain the search text anywhere."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status: TaskStatus | None = None
        self.text = ""

    def set_filter(self, status: TaskStatus | None, text: str) -> None:
        """Apply a new status and search text."""
        self.beginFilterChange()
        self.status, self.text = status, text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        row: TaskRow = model.index(source_row, 0, source_parent).data(ROW_ROLE)
        if self.status is not None and row.status != self.status:
            return False
        if not self.text:
            return True
        haystack = " ".join(
            [
                row.number,
                row.title,
                institution_text(row),
                row.region_name,
                row.leader_name or "",
                task_type_label(row.task_type),
                task_origin_label(row.origin),
            ]
        ).casefold()
        return self.text in haystack


class TasksPage(BasePage):
    """The task list."""

    icon_name = "tasks"
    task_opened = Signal(str)

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._rows: list[TaskRow] = []
        self.status_filter = QComboBox(self)
        self.status_filter.setMinimumWidth(140)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.refresh_button = QPushButton(icon("refresh"), "", self)
        self.new_button = QPushButton(icon("tasks"), "", self)
        self.new_dialog: QDialog | None = None
        for widget in (self.status_filter, self.search, self.refresh_button, self.new_button):
            self.header_actions.addWidget(widget)
        self.filter_model = TaskFilterModel(self)
        self.table = DataTableWidget(COLUMNS, self, proxy=self.filter_model)
        self.empty = EmptyStateWidget("tasks", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.body.addWidget(self.stack)
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.refresh_button.clicked.connect(self.reload)
        self.new_button.clicked.connect(self.new_task)
        self.table.row_activated.connect(lambda row: self.task_opened.emit(row.id))
        self.retranslate()

    def title(self) -> str:
        return _("Tasks")

    def retranslate(self) -> None:
        super().retranslate()
        current = self.status_filter.currentData()
        self.status_filter.blockSignals(True)
        self.status_filter.clear()
        self.status_filter.addItem(_("All statuses"), None)
        for status in TaskStatus:
            self.status_filter.addItem(task_status_label(status), status)
        self.status_filter.setCurrentIndex(max(0, self.status_filter.findData(current)))
        self.status_filter.blockSignals(False)
        self.search.setPlaceholderText(_("Search number, title, institution, region, leader"))
        self.refresh_button.setText(_("Refresh"))
        self.refresh_button.setToolTip(_("Read the tasks again from the profile"))
        self.new_button.setText(_("New task…"))
        self.new_button.setToolTip(_("Create an inspection task on this computer"))
        self.empty.set_texts(
            _("No inspection tasks yet"),
            _(
                "Tasks appear here when they are assigned to you and synchronised from the "
                "server, or when your team leader creates them on this computer."
            ),
        )
        self.table.retranslate()
        self._update_summary()

    def new_task(self) -> None:
        """Open the new-task dialog; the list reloads once a task was created."""
        from ui.dialogs.new_task_dialog import NewTaskDialog

        dialog = NewTaskDialog(self.context, self)
        dialog.finished.connect(lambda _result: self.reload() if dialog.created else None)
        dialog.finished.connect(dialog.deleteLater)
        self.new_dialog = dialog
        dialog.open()

    def reload(self) -> None:
        from inspector_app.services.tasks import list_tasks

        profile = self.context.profile
        self.load(lambda: list_tasks(profile=profile), self.show_rows, label=_("Loading tasks"))
        self._update_summary()

    def show_rows(self, rows: list[TaskRow]) -> None:
        """Display ``rows`` (called with the service's result)."""
        self._rows = rows
        self.table.set_rows(rows)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        if rows and not self.table.currentIndex().isValid():
            self.table.select_first()
        self._update_summary()

    def _apply_filter(self) -> None:
        self.filter_model.set_filter(self.status_filter.currentData(), self.search.text())
        self._update_summary()

    def _update_summary(self) -> None:
        if self.loading and not self._rows:
            self.summary_label.setText(_("Loading…"))
            return
        total = len(self._rows)
        shown = self.filter_model.rowCount()
        if shown == total:
            text = ngettext("{n} task", "{n} tasks", total).format(n=total)
        else:
            text = ngettext(
                "{shown} of {n} task shown", "{shown} of {n} tasks shown", total
            ).format(shown=shown, n=total)
        self.summary_label.setText(text)
