"""The inspection tasks of a profile as plain rows, ready for a list on any surface.

A sealed flying inspection (四不两直) hides its target until the team leader opens it on
site: its row carries no institution at all (``institution_name`` is None), so no surface can
show the target by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.profiles import OpenProfile
from local_db.enums import InstitutionKind, TaskOrigin, TaskStatus, TaskType, TeamRole
from local_db.models import InspectionTask, Inspector, Institution, Region, TeamMembership


@dataclass(frozen=True)
class TaskRow:
    """One inspection task as a list shows it."""

    id: str
    number: str
    title: str
    task_type: TaskType
    origin: TaskOrigin
    status: TaskStatus
    sealed: bool
    institution_name: str | None
    institution_kind: InstitutionKind | None
    region_name: str
    planned_start: date
    planned_end: date
    leader_name: str | None

    @property
    def target_hidden(self) -> bool:
        """True while the task is sealed and not yet opened on site."""
        return self.sealed and self.institution_name is None


def task_rows(session: Session, *, task_id: str | None = None) -> list[TaskRow]:
    """Rows of every task not deleted (or of ``task_id`` only), newest planned start first."""
    query = (
        select(InspectionTask, Institution, Region.name)
        .outerjoin(Institution, InspectionTask.institution_id == Institution.id)
        .outerjoin(Region, InspectionTask.region_code == Region.code)
        .where(InspectionTask.deleted_at.is_(None))
        .order_by(InspectionTask.planned_start.desc(), InspectionTask.task_number)
    )
    leader_query = (
        select(TeamMembership.task_id, Inspector.name)
        .join(Inspector, TeamMembership.inspector_id == Inspector.id)
        .where(TeamMembership.role == TeamRole.LEADER, TeamMembership.deleted_at.is_(None))
        .order_by(Inspector.name)
    )
    if task_id is not None:
        query = query.where(InspectionTask.id == task_id)
        leader_query = leader_query.where(TeamMembership.task_id == task_id)
    rows = session.execute(query).all()
    leaders: dict[str, str] = {}
    for leader_task_id, name in session.execute(leader_query):
        leaders.setdefault(leader_task_id, name)
    result = []
    for task, institution, region_name in rows:
        revealed = not task.sealed_unopened and institution is not None
        result.append(
            TaskRow(
                id=task.id,
                number=task.task_number,
                title=task.title,
                task_type=task.task_type,
                origin=task.origin,
                status=task.status,
                sealed=task.sealed,
                institution_name=institution.name if revealed else None,
                institution_kind=institution.kind if revealed else None,
                region_name=region_name or task.region_code,
                planned_start=task.planned_start,
                planned_end=task.planned_end,
                leader_name=leaders.get(task.id),
            )
        )
    return result


def list_tasks(*, profile: OpenProfile) -> list[TaskRow]:
    """Every task not deleted, newest planned start first."""
    with profile.read_session() as session:
        return task_rows(session)


def find_task(*, profile: OpenProfile, number: str) -> TaskRow | None:
    """The task with task number ``number`` (as the organiser wrote it), if any."""
    with profile.read_session() as session:
        task_id = session.scalar(
            select(InspectionTask.id).where(
                InspectionTask.task_number == number.strip(), InspectionTask.deleted_at.is_(None)
            )
        )
        if task_id is None:
            return None
        return task_rows(session, task_id=task_id)[0]
