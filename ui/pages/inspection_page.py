"""当前检查 Current inspection: the chosen task, its case file and the work done on site.

The overview tab (institution, team, case, findings, interviews) is read in one background
call (``inspection_overview``) and rendered from the returned dataclass, so a language switch
simply renders the same data again. The other tabs (``ui.inspection``) each load their own
part of the case; a change in one marks the others stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from inspector_app.i18n import _, ngettext, pgettext
from inspector_app.vocabulary import (
    case_status_label,
    checklist_answer_label,
    finding_status_label,
    institution_kind_label,
    institution_level_label,
    task_origin_label,
    task_status_label,
    task_type_label,
    team_role_label,
)
from local_db.enums import ChecklistAnswer
from ui import formatting
from ui.context import ShellContext
from ui.inspection.case_tab import CaseTab
from ui.inspection.checklist_tab import ChecklistTab
from ui.inspection.evidence_tab import EvidenceTab
from ui.inspection.findings_tab import FindingsTab
from ui.inspection.followup_tab import FollowUpTab
from ui.inspection.history_tab import HistoryTab
from ui.inspection.interviews_tab import InterviewsTab
from ui.inspection.task_actions import TaskActionsBar
from ui.pages.base_page import BasePage
from ui.widgets.card import CardWidget, FactsWidget
from ui.widgets.data_table import RIGHT, Column, DataTableWidget
from ui.widgets.empty_state import EmptyStateWidget

if TYPE_CHECKING:
    from inspector_app.services.overview import (
        FindingRow,
        InspectionOverview,
        InterviewRow,
        TeamMember,
    )

TEAM_COLUMNS: list[Column[TeamMember]] = [
    Column(lambda: _("Name"), lambda m: m.name, width=110),
    Column(lambda: _("Role"), lambda m: team_role_label(m.role), width=110),
    Column(lambda: _("Organisation"), lambda m: m.organisation, stretch=True),
]
FINDING_COLUMNS: list[Column[FindingRow]] = [
    Column(lambda: _("Code"), lambda f: f.violation_code, width=90),
    Column(lambda: _("Finding"), lambda f: f.title, stretch=True, tooltip=lambda f: f.title),
    Column(lambda: _("Legal basis"), lambda f: f.legal_basis, width=170),
    Column(
        lambda: _("Amount"),
        lambda f: formatting.money(f.amount_fen),
        sort_key=lambda f: f.amount_fen,
        align=RIGHT,
        width=130,
    ),
    Column(lambda: _("Status"), lambda f: finding_status_label(f.status), width=90),
]
INTERVIEW_COLUMNS: list[Column[InterviewRow]] = [
    Column(lambda: _("Interviewee"), lambda i: i.interviewee_name, width=100),
    Column(lambda: pgettext("interviewee", "Position"), lambda i: i.interviewee_role, width=110),
    Column(lambda: _("Location"), lambda i: i.location, stretch=True),
    Column(
        lambda: _("Started"),
        lambda i: formatting.local_time(i.started_at),
        sort_key=lambda i: i.started_at,
        width=130,
    ),
]


def _answer_label(answer: ChecklistAnswer) -> Callable[[], str]:
    return lambda: checklist_answer_label(answer)


def _table_card(parent: QWidget, table: DataTableWidget[Any]) -> tuple[CardWidget, QLabel]:
    card = CardWidget(parent)
    note = QLabel(card)
    note.setObjectName("cardNote")
    note.setWordWrap(True)
    table.setMinimumHeight(150)
    card.content.addWidget(table)
    card.content.addWidget(note)
    return card, note


class InspectionPage(BasePage):
    """The inspection chosen on the Tasks page."""

    icon_name = "inspection"

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.task_id: str | None = None
        self.overview: InspectionOverview | None = None
        self.stale = False
        self.empty = EmptyStateWidget("inspection", self)
        self._build_institution_card()
        self._build_case_card()
        self.team_table = DataTableWidget(TEAM_COLUMNS, self)
        self.team_card, self.team_note = _table_card(self, self.team_table)
        self.findings_table = DataTableWidget(FINDING_COLUMNS, self)
        self.findings_card, self.findings_note = _table_card(self, self.findings_table)
        self.interviews_table = DataTableWidget(INTERVIEW_COLUMNS, self)
        self.interviews_card, self.interviews_note = _table_card(self, self.interviews_table)
        details = QWidget(self)
        grid = QGridLayout(details)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.setSpacing(12)
        grid.addWidget(self.institution_card, 0, 0)
        grid.addWidget(self.case_card, 0, 1)
        grid.addWidget(self.team_card, 1, 0)
        grid.addWidget(self.interviews_card, 1, 1)
        grid.addWidget(self.findings_card, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setWidget(details)
        self.actions_bar = TaskActionsBar(context, self)
        self.header_actions.addWidget(self.actions_bar)
        self.actions_bar.changed.connect(self._task_changed)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.scroll_area, "")
        self.case_tabs: list[CaseTab] = [
            ChecklistTab(context, self.tabs),
            EvidenceTab(context, self.tabs),
            FindingsTab(context, self.tabs),
            InterviewsTab(context, self.tabs),
            FollowUpTab(context, self.tabs),
            HistoryTab(context, self.tabs),
        ]
        for tab in self.case_tabs:
            self.tabs.addTab(tab, "")
            tab.changed.connect(self._case_changed)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        self.body.addWidget(self.stack)
        self.retranslate()

    def _build_institution_card(self) -> None:
        self.institution_card = CardWidget(self)
        self.institution = FactsWidget(self.institution_card)
        for key, label in (
            ("name", lambda: pgettext("institution", "Name")),
            ("code", lambda: _("Institution code")),
            ("kind", lambda: _("Kind and grade")),
            ("address", lambda: _("Address")),
            ("representative", lambda: _("Legal representative")),
            ("phone", lambda: _("Phone")),
        ):
            self.institution.add(key, label)
        self.sealed_note = QLabel(self.institution_card)
        self.sealed_note.setObjectName("sealedNote")
        self.sealed_note.setWordWrap(True)
        self.institution_card.content.addWidget(self.institution)
        self.institution_card.content.addWidget(self.sealed_note)
        self.institution_card.content.addStretch(1)

    def _build_case_card(self) -> None:
        self.case_card = CardWidget(self)
        self.case = FactsWidget(self.case_card)
        for key, label in (
            ("task", lambda: _("Task")),
            ("dates", lambda: _("Planned dates")),
            ("number", lambda: _("Case number")),
            ("status", lambda: _("Case status")),
            ("opened", lambda: _("Opened")),
        ):
            self.case.add(key, label)
        self.answers_label = QLabel(self.case_card)
        self.answers_label.setObjectName("cardSubtitle")
        self.answers = FactsWidget(self.case_card)
        for answer in ChecklistAnswer:
            self.answers.add(answer.value, _answer_label(answer))
        self.case_card.content.addWidget(self.case)
        self.case_card.content.addWidget(self.answers_label)
        self.case_card.content.addWidget(self.answers)
        self.case_card.content.addStretch(1)

    def title(self) -> str:
        return _("Current inspection")

    def show_task(self, task_id: str) -> None:
        """Make ``task_id`` the current inspection and load it."""
        self.task_id = task_id
        self._mark_tabs_stale()
        self.reload()

    def reload(self) -> None:
        if self.task_id is None:
            return
        from inspector_app.services.overview import inspection_overview

        profile, task_id = self.context.profile, self.task_id
        self.load(
            lambda: inspection_overview(profile=profile, task_id=task_id),
            self.show_overview,
            label=_("Loading the inspection"),
            failed=lambda _error: self._show_missing(),
        )

    def _show_missing(self) -> None:
        self.task_id = self.overview = None
        self.retranslate()

    def show_overview(self, overview: InspectionOverview) -> None:
        """Render ``overview`` (the service's result) and point the tabs at its case."""
        self.overview = overview
        self.actions_bar.set_overview(overview)
        case_id = overview.case.id if overview.case is not None else None
        for tab in self.case_tabs:
            tab.set_case(overview.task.id, case_id)
        self._render()

    def _case_changed(self) -> None:
        """A tab changed the case: the overview and the other tabs read it again."""
        self._mark_tabs_stale(except_tab=self.sender())
        self.reload()

    def mark_stale(self) -> None:
        """Data changed elsewhere: the tabs read the case again too."""
        self._mark_tabs_stale()
        super().mark_stale()

    def _task_changed(self) -> None:
        """The task moved on (opened, arrival, finished): what every tab allows may change."""
        self._mark_tabs_stale()
        self.reload()

    def _mark_tabs_stale(self, except_tab: object = None) -> None:
        for tab in self.case_tabs:
            if tab is not except_tab:
                tab.stale = True

    def _tab_shown(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if isinstance(widget, CaseTab):
            widget.activate()

    def show_tab(self, tab: type[CaseTab]) -> CaseTab:
        """Bring the tab of class ``tab`` to the front (used by cross-tab actions)."""
        for widget in self.case_tabs:
            if isinstance(widget, tab):
                self.tabs.setCurrentWidget(widget)
                return widget
        raise LookupError(tab.__name__)

    def retranslate(self) -> None:
        super().retranslate()
        self.empty.set_texts(
            _("No inspection chosen"),
            _(
                "Choose a task on the Tasks page (double-click it or press Enter) to see its "
                "institution, team, case file, checklist answers, findings and interviews here."
            ),
        )
        self.institution_card.set_title(_("Institution"))
        self.case_card.set_title(_("Task and case file"))
        self.team_card.set_title(_("Inspection team"))
        self.findings_card.set_title(_("Findings"))
        self.interviews_card.set_title(_("Interviews"))
        self.answers_label.setText(_("Checklist answers"))
        for widget in (self.institution, self.case, self.answers):
            widget.retranslate()
        for table in (self.team_table, self.findings_table, self.interviews_table):
            table.retranslate()
        self.tabs.setTabText(0, _("Overview"))
        for position, tab in enumerate(self.case_tabs, start=1):
            tab.retranslate()
            self.tabs.setTabText(position, tab.title())
        self.actions_bar.retranslate()
        self._render()

    def _render(self) -> None:
        overview = self.overview
        if overview is None:
            self.stack.setCurrentWidget(self.empty)
            self.summary_label.setText(_("No task chosen yet."))
            return
        self.stack.setCurrentWidget(self.tabs)
        task = overview.task
        self.title_label.setText(
            _("{number} · {title}").format(number=task.number, title=task.title)
        )
        self.summary_label.setText(
            _("{type}, {origin} — {status}").format(
                type=task_type_label(task.task_type),
                origin=task_origin_label(task.origin),
                status=task_status_label(task.status),
            )
        )
        self._render_institution(overview)
        self._render_case(overview)
        self.team_table.set_rows(overview.team)
        self.team_note.setText(
            "" if overview.team else _("No team members are recorded for this task.")
        )

    def _render_institution(self, overview: InspectionOverview) -> None:
        institution = overview.institution
        self.institution.setVisible(institution is not None)
        self.sealed_note.setVisible(institution is None)
        if institution is None:
            self.sealed_note.setText(
                _(
                    "Sealed (opened on site): the inspected institution stays hidden until "
                    "the team leader opens this flying inspection on site. Region: {region}."
                ).format(region=overview.task.region_name)
            )
            return
        self.institution.set("name", institution.name)
        self.institution.set("code", institution.code)
        self.institution.set(
            "kind",
            _("{kind}, {level}").format(
                kind=institution_kind_label(institution.kind),
                level=institution_level_label(institution.level),
            ),
        )
        self.institution.set("address", institution.address or "—")
        self.institution.set("representative", institution.legal_representative or "—")
        self.institution.set("phone", institution.phone or "—")

    def _render_case(self, overview: InspectionOverview) -> None:
        task, case = overview.task, overview.case
        self.case.set("task", task.number)
        self.case.set(
            "dates",
            _("{start} – {end}").format(
                start=formatting.day(task.planned_start), end=formatting.day(task.planned_end)
            ),
        )
        if case is None:
            self.case.set("number", _("No case file opened yet"))
            for key in ("status", "opened"):
                self.case.set(key, "—")
            for answer in ChecklistAnswer:
                self.answers.set(answer.value, "—")
            self.findings_table.set_rows([])
            self.interviews_table.set_rows([])
            self.findings_note.setText(_("Findings are recorded in the case file."))
            self.interviews_note.setText(_("Interviews are recorded in the case file."))
            return
        self.case.set("number", case.number)
        self.case.set("status", case_status_label(case.status))
        self.case.set("opened", formatting.local_time(case.opened_at) or "—")
        for answer, n in case.answer_counts.items():
            self.answers.set(answer.value, formatting.count(n))
        self.findings_table.set_rows(case.findings)
        self.findings_note.setText(
            ngettext(
                "{n} finding, {amount} in total",
                "{n} findings, {amount} in total",
                len(case.findings),
            ).format(n=len(case.findings), amount=formatting.money(case.findings_total_fen))
            if case.findings
            else _("No findings recorded yet.")
        )
        self.interviews_table.set_rows(case.interviews)
        self.interviews_note.setText(
            ngettext("{n} interview record", "{n} interview records", len(case.interviews)).format(
                n=len(case.interviews)
            )
            if case.interviews
            else _("No interviews recorded yet.")
        )
