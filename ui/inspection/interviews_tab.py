"""询问笔录 Interviews tab: the case's interview records and a preview of the selected one.

The list shows identifiers masked (hidden entirely from social supervisors); the preview reads
the record as it prints (问：… / 答：…). Creating and editing happen in
:class:`~ui.dialogs.interview_editor.InterviewEditorDialog`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QWidget,
)

from inspector_app.i18n import _, ngettext
from ui import formatting
from ui.context import ShellContext
from ui.inspection.case_tab import CaseTab
from ui.widgets.data_table import RIGHT, ROW_ROLE, Column, DataTableWidget

if TYPE_CHECKING:
    from inspector_app.interviews.service import InterviewDetail, InterviewSummary


def _warning_text(row: InterviewSummary) -> str:
    return "\n".join(row.warnings)


INTERVIEW_COLUMNS: list[Column[InterviewSummary]] = [
    Column(lambda: _("Interviewee"), lambda i: i.interviewee_name, width=100),
    Column(lambda: _("Position"), lambda i: i.interviewee_role, width=120),
    Column(lambda: _("Organisation"), lambda i: i.interviewee_organisation, width=140),
    Column(lambda: _("Document number"), lambda i: i.id_number_masked, width=150),
    Column(
        lambda: _("Started"),
        lambda i: formatting.local_time(i.started_at),
        sort_key=lambda i: i.started_at,
        width=130,
    ),
    Column(lambda: _("Ended"), lambda i: formatting.local_time(i.ended_at), width=130),
    Column(
        lambda: _("Inspectors present"),
        lambda i: _("、").join(i.inspector_names),
        stretch=True,
    ),
    Column(
        lambda: _("Questions"),
        lambda i: formatting.count(i.question_count),
        sort_key=lambda i: i.question_count,
        align=RIGHT,
        width=70,
    ),
    Column(
        lambda: _("Check"),
        lambda i: _("{n} to complete").format(n=len(i.warnings)) if i.warnings else _("Ready"),
        tooltip=_warning_text,
        muted=lambda i: not i.warnings,
        width=100,
    ),
]


class InterviewsTab(CaseTab):
    """The interview records of the current case."""

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.rows: list[InterviewSummary] | None = None
        self.editor: QDialog | None = None
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newInterview")
        self.new_button.clicked.connect(self.new_interview)
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("editInterview")
        self.edit_button.clicked.connect(self.edit_selected)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("cardNote")
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        self.table: DataTableWidget[InterviewSummary] = DataTableWidget(INTERVIEW_COLUMNS, self)
        self.table.setObjectName("interviewsTable")
        self.table.row_activated.connect(lambda row: self._open(row.id))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("interviewPreview")
        self.preview.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.preview)
        splitter.setSizes([300, 200])
        self.layout_.addLayout(bar)
        self.layout_.addWidget(splitter, 1)
        self.retranslate()

    def title(self) -> str:
        return _("Interviews")

    def retranslate(self) -> None:
        self.new_button.setText(_("New interview record…"))
        self.edit_button.setText(_("Edit…"))
        self.preview.setPlaceholderText(_("Choose an interview to read its record."))
        self.table.retranslate()
        self._render()

    def reload(self) -> None:
        if self.case_id is None:
            self.rows = None
            self.stale = False
            self._render()
            return
        from inspector_app.interviews.service import interviews_of_case

        profile = self.context.profile
        self.load_with_rights(
            lambda case: interviews_of_case(profile=profile, case_id=case),
            self._show,
            label=_("Loading the interviews"),
        )

    def _show(self, rows: list[InterviewSummary]) -> None:
        self.rows = rows
        self._render()

    def _render(self) -> None:
        rows = self.rows or []
        self.table.set_rows(rows)
        self.count_label.setText(
            ngettext("{n} interview record", "{n} interview records", len(rows)).format(n=len(rows))
            if rows
            else _("No interviews recorded yet.")
        )
        self.new_button.setEnabled(self.case_id is not None and self.can_record)
        self._selection_changed()

    def selected(self) -> InterviewSummary | None:
        """The interview selected in the table."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().hasSelection():
            return None
        row: InterviewSummary | None = index.data(ROW_ROLE)
        return row

    def _selection_changed(self) -> None:
        row = self.selected()
        self.edit_button.setEnabled(row is not None)
        if row is None:
            self.preview.clear()
            return
        from inspector_app.interviews.service import interview_detail

        profile, interview_id = self.context.profile, row.id
        self.load(
            lambda: interview_detail(profile=profile, interview_id=interview_id),
            self._show_preview,
            label=_("Loading the interview record"),
            channel="preview",
        )

    def _show_preview(self, detail: InterviewDetail) -> None:
        head = [
            _("Interviewee: {name} ({role}, {organisation})").format(
                name=detail.interviewee_name,
                role=detail.interviewee_role or "—",
                organisation=detail.interviewee_organisation or "—",
            ),
            _("Time: {start} – {end}").format(
                start=formatting.local_time(detail.started_at),
                end=formatting.local_time(detail.ended_at) or "…",
            ),
            _("Location: {location}").format(location=detail.location or "—"),
            _("Inspectors present: {names}").format(names=_("、").join(detail.inspector_names)),
        ]
        self.preview.setPlainText("\n".join(head) + "\n\n" + detail.transcript())

    def new_interview(self) -> None:
        """Open the editor on a new interview record."""
        if self.case_id is not None:
            self._open(None)

    def edit_selected(self) -> None:
        """Open the editor on the selected interview record."""
        row = self.selected()
        if row is not None:
            self._open(row.id)

    def _open(self, interview_id: str | None) -> None:
        from ui.dialogs.interview_editor import InterviewEditorDialog

        assert self.case_id is not None
        dialog = InterviewEditorDialog(self.context, self.case_id, interview_id, self)
        dialog.saved.connect(lambda _id: self.changed.emit())
        dialog.saved.connect(lambda _id: self.reload())
        dialog.finished.connect(dialog.deleteLater)
        self.editor = dialog
        dialog.open()
