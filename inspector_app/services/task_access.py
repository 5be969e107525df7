"""Who may act on a task before (and besides) its case file: open it, record arrival, move it.

:mod:`inspector_app.casework.access` decides inside a case. A task may have no case file yet
(a sealed flying inspection before opening), so the same rules are applied here per task,
one step stricter for the leader's acts: when the task has a team, only the member with the
leader role is its leader; the profile's own role counts only for a task with no team data
(a leader working alone, or before sync delivered the team).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.casework.access import (
    RECORDING_ROLES,
    NotAllowedError,
    user_role,
    user_team_role,
)
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from local_db.enums import TeamRole, UserRole
from local_db.models import InspectionTask, TeamMembership

LEADING_USER_ROLES = frozenset({UserRole.TEAM_LEADER, UserRole.ADMIN})
RECORDING_USER_ROLES = frozenset({UserRole.INSPECTOR, UserRole.TEAM_LEADER, UserRole.ADMIN})


class TaskNotFoundError(LookupError):
    """No task with that id (deleted, or from another profile)."""


@dataclass(frozen=True)
class TaskAccess:
    """What the profile's user may do with one task."""

    task_id: str
    role: TeamRole | None
    user_role: UserRole
    has_team: bool

    @property
    def is_leader(self) -> bool:
        """The team's leader (with no team recorded: a profile with the leader role)."""
        if self.role is not None:
            return self.role is TeamRole.LEADER
        return not self.has_team and self.user_role in LEADING_USER_ROLES

    @property
    def can_record(self) -> bool:
        """May record on site (arrival, answers, evidence); social supervisors never do."""
        if self.role is not None:
            return self.role in RECORDING_ROLES
        return not self.has_team and self.user_role in RECORDING_USER_ROLES

    @property
    def sees_leads(self) -> bool:
        """Leads are for the inspecting team, not for invited social supervisors."""
        return self.role is not TeamRole.SOCIAL_SUPERVISOR


def get_task(session: Session, task_id: str) -> InspectionTask:
    """The task, or :class:`TaskNotFoundError`."""
    task = session.get(InspectionTask, task_id)
    if task is None or task.deleted_at is not None:
        raise TaskNotFoundError(_("No such inspection task in this profile."))
    return task


def task_access(session: Session, profile: OpenProfile, task_id: str) -> TaskAccess:
    """What the profile's user may do with task ``task_id``."""
    team_size = session.scalar(
        select(func.count()).where(
            TeamMembership.task_id == task_id, TeamMembership.deleted_at.is_(None)
        )
    )
    return TaskAccess(
        task_id=task_id,
        role=user_team_role(session, profile, task_id),
        user_role=user_role(session, profile),
        has_team=bool(team_size),
    )


def require_leader(session: Session, profile: OpenProfile, task_id: str) -> InspectionTask:
    """The task, if the user leads its team; else :class:`NotAllowedError`."""
    task = get_task(session, task_id)
    if not task_access(session, profile, task_id).is_leader:
        raise NotAllowedError(_("Only the team leader of this inspection may do this."))
    return task


def require_task_recording(session: Session, profile: OpenProfile, task_id: str) -> InspectionTask:
    """The task, if the user may record on site for it; else :class:`NotAllowedError`."""
    task = get_task(session, task_id)
    if not task_access(session, profile, task_id).can_record:
        raise NotAllowedError(_("Your role in this inspection team does not allow changes."))
    return task
