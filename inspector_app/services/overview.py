"""Everything the team needs at a glance about one inspection, gathered in one read.

Counts are computed by the database (``GROUP BY``), never by loading rows: a case may hold
hundreds of checklist answers. A sealed task reveals no institution and no leads until it is
opened; the overview also says what the viewer may do (lead, record), so each surface shows
only the actions that will be allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.profiles import OpenProfile
from inspector_app.services.arrival import ArrivalSummary, arrival_summary
from inspector_app.services.task_access import TaskNotFoundError, task_access
from inspector_app.services.tasks import TaskRow, task_rows
from local_db.enums import CaseStatus, ChecklistAnswer, InstitutionKind, InstitutionLevel, TeamRole
from local_db.models import (
    ArrivalRecord,
    CaseFile,
    ChecklistResponse,
    Finding,
    InspectionTask,
    Inspector,
    Institution,
    InterviewRecord,
    TeamMembership,
)

__all__ = ["TaskNotFoundError", "inspection_overview"]


@dataclass(frozen=True)
class InstitutionDetails:
    """The inspected institution, as far as the task reveals it."""

    name: str
    code: str
    kind: InstitutionKind
    level: InstitutionLevel
    address: str
    legal_representative: str
    phone: str


@dataclass(frozen=True)
class TeamMember:
    """One person in the inspection team."""

    name: str
    role: TeamRole
    organisation: str
    specialty: str
    inspector_id: str = ""


@dataclass(frozen=True)
class FindingRow:
    """One finding of the case, with its amount in fen."""

    violation_code: str
    title: str
    legal_basis: str
    amount_fen: int
    status: str


@dataclass(frozen=True)
class InterviewRow:
    """One interview record of the case."""

    interviewee_name: str
    interviewee_role: str
    location: str
    started_at: datetime


@dataclass(frozen=True)
class CaseSummary:
    """The case file the inspection builds."""

    id: str
    number: str
    status: CaseStatus
    opened_at: datetime | None
    answer_counts: dict[ChecklistAnswer, int]
    findings: list[FindingRow] = field(default_factory=list)
    interviews: list[InterviewRow] = field(default_factory=list)

    @property
    def findings_total_fen(self) -> int:
        """Sum of the findings' amounts."""
        return sum(finding.amount_fen for finding in self.findings)

    @property
    def answered(self) -> int:
        """Checklist items answered so far (anything but "not yet checked")."""
        unchecked = ChecklistAnswer.UNCHECKED
        return sum(n for answer, n in self.answer_counts.items() if answer != unchecked)


@dataclass(frozen=True)
class FollowedCase:
    """The earlier case a follow-up check (回头看) follows."""

    case_id: str
    case_number: str
    task_number: str
    title: str
    institution_name: str


@dataclass(frozen=True)
class OpeningRecord:
    """Who opened a sealed task, when, and where the laptop or the team said it was."""

    opened_at: datetime
    opened_by: str
    location: str
    location_source: str


@dataclass(frozen=True)
class InspectionOverview:
    """One task with its institution, team and case file, and what the viewer may do."""

    task: TaskRow
    institution: InstitutionDetails | None
    team: list[TeamMember]
    case: CaseSummary | None
    notes: str
    arrival: ArrivalSummary | None = None
    viewer_role: TeamRole | None = None
    viewer_is_leader: bool = False
    viewer_can_record: bool = False
    sealed_unopened: bool = False
    follows: FollowedCase | None = None
    leads: list[str] = field(default_factory=list)
    opening: OpeningRecord | None = None

    @property
    def case_id(self) -> str | None:
        """The case file's id, None before the case is opened."""
        return self.case.id if self.case is not None else None


def _team(session: Session, task_id: str) -> list[TeamMember]:
    order = {role: index for index, role in enumerate(TeamRole)}
    rows = session.execute(
        select(TeamMembership.role, Inspector)
        .join(Inspector, TeamMembership.inspector_id == Inspector.id)
        .where(TeamMembership.task_id == task_id, TeamMembership.deleted_at.is_(None))
    ).all()
    members = [
        TeamMember(
            name=inspector.name,
            role=role,
            organisation=inspector.organisation,
            specialty=inspector.specialty,
            inspector_id=inspector.id,
        )
        for role, inspector in rows
    ]
    return sorted(members, key=lambda m: (order[m.role], m.name))


def _answer_counts(session: Session, case_id: str) -> dict[ChecklistAnswer, int]:
    """Answers over the items the checklist shows: hidden and retired items do not count,
    and a visible item nobody answered yet counts as not yet checked."""
    from inspector_app.checklists.service import pinned_templates
    from inspector_app.checklists.view import visible_codes

    rows = session.execute(
        select(ChecklistResponse.item_code, ChecklistResponse.answer).where(
            ChecklistResponse.case_id == case_id, ChecklistResponse.deleted_at.is_(None)
        )
    )
    answers: dict[str, ChecklistAnswer] = {row[0]: row[1] for row in rows}
    counts = dict.fromkeys(ChecklistAnswer, 0)
    templates = tuple(pinned_templates(session, case_id))
    shown = visible_codes(templates, answers) if templates else set(answers)
    for code in shown:
        counts[answers.get(code, ChecklistAnswer.UNCHECKED)] += 1
    return counts


def _case(session: Session, task_id: str) -> CaseSummary | None:
    case = session.scalars(
        select(CaseFile).where(CaseFile.task_id == task_id, CaseFile.deleted_at.is_(None))
    ).one_or_none()
    if case is None:
        return None
    counts = _answer_counts(session, case.id)
    findings = [
        FindingRow(f.violation_code, f.title, f.legal_basis, f.amount_fen, f.status)
        for f in session.scalars(
            select(Finding)
            .where(Finding.case_id == case.id, Finding.deleted_at.is_(None))
            .order_by(Finding.created_at)
        )
    ]
    interviews = [
        InterviewRow(i.interviewee_name, i.interviewee_role, i.location, i.started_at)
        for i in session.scalars(
            select(InterviewRecord)
            .where(InterviewRecord.case_id == case.id, InterviewRecord.deleted_at.is_(None))
            .order_by(InterviewRecord.started_at)
        )
    ]
    return CaseSummary(
        id=case.id,
        number=case.case_number,
        status=case.status,
        opened_at=case.opened_at,
        answer_counts=counts,
        findings=findings,
        interviews=interviews,
    )


def _leads(task: InspectionTask) -> list[str]:
    try:
        leads = json.loads(task.leads) if task.leads else []
    except ValueError:
        return [line for line in task.leads.splitlines() if line.strip()]
    return [str(lead) for lead in leads] if isinstance(leads, list) else []


def _followed(session: Session, case_id: str | None) -> FollowedCase | None:
    if case_id is None:
        return None
    row = session.execute(
        select(CaseFile, InspectionTask, Institution)
        .join(InspectionTask, CaseFile.task_id == InspectionTask.id)
        .outerjoin(Institution, InspectionTask.institution_id == Institution.id)
        .where(CaseFile.id == case_id)
    ).one_or_none()
    if row is None:
        return None
    case, task, institution = row
    return FollowedCase(
        case_id=case.id,
        case_number=case.case_number,
        task_number=task.task_number,
        title=task.title,
        institution_name=institution.name if institution is not None else "",
    )


def _opening(task: InspectionTask) -> OpeningRecord | None:
    if task.opened_at is None:
        return None
    try:
        place = json.loads(task.opened_location or "{}")
    except ValueError:
        place = {}
    if not isinstance(place, dict):
        place = {}
    text = str(place.get("text") or "")
    if not text and place.get("lat") is not None and place.get("lon") is not None:
        text = f"{float(place['lat']):.5f}, {float(place['lon']):.5f}"
    return OpeningRecord(
        opened_at=task.opened_at,
        opened_by=task.opened_by or "",
        location=text,
        location_source=str(place.get("source") or "unknown"),
    )


def inspection_overview(*, profile: OpenProfile, task_id: str) -> InspectionOverview:
    """The task ``task_id`` with its institution, team, case, answers, findings, interviews.

    Raises:
        TaskNotFoundError: no such task in this profile.
    """
    with profile.read_session() as session:
        rows = task_rows(session, task_id=task_id)
        task = session.get(InspectionTask, task_id)
        if not rows or task is None:
            raise TaskNotFoundError(task_id)
        row = rows[0]
        institution = None
        if row.institution_name is not None and task.institution_id is not None:
            found = session.get(Institution, task.institution_id)
            if found is not None:
                institution = InstitutionDetails(
                    name=found.name,
                    code=found.code,
                    kind=found.kind,
                    level=found.level,
                    address=found.address,
                    legal_representative=found.legal_representative,
                    phone=found.phone,
                )
        case = _case(session, task_id)
        arrival = None
        if case is not None:
            record = session.scalars(
                select(ArrivalRecord).where(
                    ArrivalRecord.case_id == case.id, ArrivalRecord.deleted_at.is_(None)
                )
            ).one_or_none()
            arrival = arrival_summary(record) if record is not None else None
        access = task_access(session, profile, task_id)
        sealed_unopened = task.sealed_unopened
        return InspectionOverview(
            task=row,
            institution=institution,
            team=_team(session, task_id),
            case=case,
            notes=task.notes,
            arrival=arrival,
            viewer_role=access.role,
            viewer_is_leader=access.is_leader,
            viewer_can_record=access.can_record,
            sealed_unopened=sealed_unopened,
            follows=None if sealed_unopened else _followed(session, task.follows_case_id),
            leads=_leads(task) if access.sees_leads and not sealed_unopened else [],
            opening=_opening(task),
        )
