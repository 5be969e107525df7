"""Create inspection tasks on this computer: type, origin, target (or sealed), team, dates.

Tasks normally arrive from the organiser with sync; a team leader (or an administrator or
supervisor) may also create one here, e.g. a follow-up check (回头看) of an earlier case or a
routine visit. A sealed flying inspection is created with its target encrypted at once: the
target never enters the local register, and the opening code is returned once, to be handed
to the team leader out of band.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.casework.access import NotAllowedError, user_role
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sealing.opening_code import new_opening_code
from inspector_app.sealing.payload import SealedPayload, seal_task_payload
from inspector_app.security.key_wrap import KdfParams
from inspector_app.services.task_leads import clean_leads
from local_db.enums import CaseStatus, TaskOrigin, TaskStatus, TaskType, TeamRole, UserRole
from local_db.ids import new_id
from local_db.models import (
    CaseFile,
    InspectionTask,
    Inspector,
    Institution,
    Region,
    TeamMembership,
)

CREATING_ROLES = frozenset({UserRole.TEAM_LEADER, UserRole.SUPERVISOR, UserRole.ADMIN})
FOLLOWABLE_CASE_STATUSES = frozenset({CaseStatus.APPROVED, CaseStatus.CLOSED})


@dataclass(frozen=True)
class TeamMemberInput:
    """One person of the new task's team."""

    inspector_id: str
    role: TeamRole


@dataclass(frozen=True)
class TaskInput:
    """A new task. Exactly one of ``institution_id`` and ``sealed`` names the target.

    ``leads`` are texts or mappings (``text``, ``topic``, ``period``, ``department``); any
    field identifying a person is refused (whistleblower protection).
    """

    task_type: TaskType
    origin: TaskOrigin
    title: str
    region_code: str
    planned_start: date
    planned_end: date
    team: Sequence[TeamMemberInput]
    institution_id: str | None = None
    sealed: SealedPayload | None = None
    follows_case_id: str | None = None
    leads: Sequence[str | Mapping[str, str]] = field(default=())
    notes: str = ""
    task_number: str | None = None


@dataclass(frozen=True)
class CreatedTask:
    """The new task; ``opening_code`` is set (and shown once) for a sealed task."""

    task_id: str
    task_number: str
    opening_code: str | None


def _validate(session: Session, task: TaskInput) -> list[str]:
    """Every refusal a user can fix, as one clear message each; returns the clean leads."""
    if not task.title.strip():
        raise ValueError(_("Give the task a title."))
    if task.planned_end < task.planned_start:
        raise ValueError(_("The planned end is before the planned start."))
    if session.get(Region, task.region_code) is None:
        raise ValueError(_("Choose the region of the inspection."))
    if (task.institution_id is None) == (task.sealed is None):
        raise ValueError(_("Choose the inspected institution, or seal the target."))
    if task.sealed is not None and task.task_type is not TaskType.FLYING:
        raise ValueError(_("Only a flying inspection can be sealed."))
    if task.institution_id is not None:
        institution = session.get(Institution, task.institution_id)
        if institution is None or institution.deleted_at is not None:
            raise ValueError(_("The chosen institution is not in the register."))
    if task.sealed is not None and task.follows_case_id is not None:
        # The earlier case names the institution: a sealed follow-up would reveal its target.
        raise ValueError(
            _("A follow-up check cannot be sealed: the earlier case names the target.")
        )
    if task.origin is TaskOrigin.FOLLOW_UP:
        if task.follows_case_id is None:
            raise ValueError(_("A follow-up check names the earlier case it follows."))
        earlier = session.get(CaseFile, task.follows_case_id)
        if earlier is None or earlier.status not in FOLLOWABLE_CASE_STATUSES:
            raise ValueError(_("A follow-up check can only follow an approved or closed case."))
    elif task.follows_case_id is not None:
        raise ValueError(_("Only a task with the origin “follow-up check” follows a case."))
    _validate_team(session, task)
    # Whistleblower protection: identity fields and phone / ID numbers are refused here.
    return clean_leads(task.leads)


def _validate_team(session: Session, task: TaskInput) -> None:
    leaders = [m for m in task.team if m.role is TeamRole.LEADER]
    if len(leaders) != 1:
        raise ValueError(_("The team needs exactly one team leader."))
    people = [m.inspector_id for m in task.team]
    if len(set(people)) != len(people):
        raise ValueError(_("Each person can have only one role in the team."))
    known = set(session.scalars(select(Inspector.id).where(Inspector.id.in_(people))))
    if known != set(people):
        raise ValueError(_("A team member is not on the inspector register."))


def _task_number(session: Session, year: int) -> str:
    prefix = f"JC{year}-L"
    count = session.scalar(
        select(func.count()).where(InspectionTask.task_number.like(f"{prefix}%"))
    )
    number = (count or 0) + 1
    while session.scalar(
        select(InspectionTask.id).where(InspectionTask.task_number == f"{prefix}{number:03d}")
    ):
        number += 1
    return f"{prefix}{number:03d}"


def create_task(
    *, profile: OpenProfile, task: TaskInput, kdf: KdfParams | None = None
) -> CreatedTask:
    """Create ``task`` with its team; a sealed one gets a new opening code.

    Raises:
        NotAllowedError: the profile's user may not create tasks.
        WhistleblowerIdentityError: a lead identifies a person.
        ValueError: anything else the user can fix (message says what).
    """
    with profile.session() as session:
        if user_role(session, profile) not in CREATING_ROLES:
            raise NotAllowedError(
                _("Only team leaders, supervisors and administrators create tasks.")
            )
        leads = _validate(session, task)
        number = task.task_number or _task_number(session, task.planned_start.year)
        if session.scalar(select(InspectionTask.id).where(InspectionTask.task_number == number)):
            raise ValueError(_("Task number {number} is taken.").format(number=number))
        row = InspectionTask(
            id=new_id(),  # known before the insert: the seal binds to it
            task_number=number,
            title=task.title.strip(),
            task_type=task.task_type,
            origin=task.origin,
            status=TaskStatus.ASSIGNED,
            region_code=task.region_code,
            institution_id=task.institution_id,
            planned_start=task.planned_start,
            planned_end=task.planned_end,
            follows_case_id=task.follows_case_id,
            notes=task.notes,
        )
        code = None
        if task.sealed is not None:
            code = new_opening_code()
            sealed_leads = [*task.sealed.leads, *leads]
            payload = SealedPayload(task.sealed.institution, sealed_leads, task.sealed.title)
            sealed = seal_task_payload(
                task_id=row.id, task_number=number, payload=payload, opening_code=code, kdf=kdf
            )
            row.sealed = True
            row.sealed_payload, row.seal_envelope = sealed.payload, sealed.envelope
        else:
            row.leads = json.dumps(leads, ensure_ascii=False)
        session.add(row)
        session.flush()
        session.add_all(
            TeamMembership(task_id=row.id, inspector_id=m.inspector_id, role=m.role)
            for m in task.team
        )
        profile.audit(session, "task.created", entity="inspection_task", entity_id=row.id)
        return CreatedTask(task_id=row.id, task_number=number, opening_code=code)


@dataclass(frozen=True)
class Choice:
    """One entry of a picker: stored id and the words shown."""

    id: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class CaseChoice:
    """An earlier case a follow-up check can follow."""

    case_id: str
    case_number: str
    title: str
    institution_id: str | None
    institution_name: str
    region_code: str


@dataclass(frozen=True)
class TaskFormChoices:
    """What the new-task form offers: the registers and the cases one can follow up."""

    inspectors: list[Choice]
    institutions: list[Choice]
    institution_regions: dict[str, str]
    regions: list[Choice]
    cases: list[CaseChoice]


def task_form_choices(*, profile: OpenProfile) -> TaskFormChoices:
    """The registers the new-task form picks from, sorted for people."""
    with profile.read_session() as session:
        inspectors = [
            Choice(i.id, i.name, i.organisation)
            for i in session.scalars(
                select(Inspector)
                .where(Inspector.deleted_at.is_(None), Inspector.active.is_(True))
                .order_by(Inspector.staff_code)
            )
        ]
        institutions = session.scalars(
            select(Institution).where(Institution.deleted_at.is_(None)).order_by(Institution.code)
        ).all()
        regions = [
            Choice(code, name, code)
            for code, name in session.execute(
                select(Region.code, Region.name).order_by(Region.code)
            )
        ]
        cases = [
            CaseChoice(
                case_id=case.id,
                case_number=case.case_number,
                title=task.title,
                institution_id=task.institution_id,
                institution_name=institution.name if institution is not None else "",
                region_code=task.region_code,
            )
            for case, task, institution in session.execute(
                select(CaseFile, InspectionTask, Institution)
                .join(InspectionTask, CaseFile.task_id == InspectionTask.id)
                .outerjoin(Institution, InspectionTask.institution_id == Institution.id)
                .where(
                    CaseFile.deleted_at.is_(None),
                    CaseFile.status.in_(FOLLOWABLE_CASE_STATUSES),
                )
                .order_by(CaseFile.case_number)
            )
        ]
        return TaskFormChoices(
            inspectors=inspectors,
            institutions=[Choice(i.id, i.name, i.code) for i in institutions],
            institution_regions={i.id: i.region_code for i in institutions},
            regions=regions,
            cases=cases,
        )
