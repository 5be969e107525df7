"""Who may read and change a case, decided once per service call.

The team role of the profile's user in the case's task decides: the leader opens sealed
tasks and moves the task along; members and experts record; a social supervisor (社会监督员)
sees the checklist and evidence but no personal identifiers and changes nothing. A closed or
approved case is read-only for everyone: corrections are new, linked records.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from local_db.enums import CaseStatus, TeamRole, UserRole
from local_db.models import CaseFile, LocalUser, TeamMembership

READ_ONLY_CASE_STATUSES = frozenset({CaseStatus.APPROVED, CaseStatus.CLOSED})
RECORDING_ROLES = frozenset({TeamRole.LEADER, TeamRole.MEMBER, TeamRole.EXPERT})
LEADING_USER_ROLES = frozenset({UserRole.TEAM_LEADER, UserRole.ADMIN})
RECORDING_USER_ROLES = frozenset({UserRole.INSPECTOR, UserRole.TEAM_LEADER, UserRole.ADMIN})


class CaseNotFoundError(LookupError):
    """No case file with that id in this profile."""


class NotAllowedError(PermissionError):
    """The profile's user may not do this in this case; the message says why."""


@dataclass(frozen=True)
class TeamStanding:
    """Where the profile's user stands in one task's team: the rule every check shares.

    With no team data at all (a team leader working alone, or before sync delivered the
    team) the profile's owner acts by their own role; a task WITH a team admits only its
    members, so someone left off (or removed from) the team changes nothing.
    """

    task_id: str
    role: TeamRole | None
    user_role: UserRole
    has_team: bool

    @property
    def _owner_acts(self) -> bool:
        return self.role is None and not self.has_team

    @property
    def can_record(self) -> bool:
        """May record on site (arrival, answers, evidence); social supervisors never do."""
        if self._owner_acts:
            return self.user_role in RECORDING_USER_ROLES
        return self.role in RECORDING_ROLES

    @property
    def is_leader(self) -> bool:
        """The team leader (or, with no team recorded, a profile with the leader role)."""
        if self._owner_acts:
            return self.user_role in LEADING_USER_ROLES
        return self.role is TeamRole.LEADER

    @property
    def sees_identifiers(self) -> bool:
        """May see interviewees' and patients' identifiers: the team (not its social
        supervisors), or the owner of a profile whose task has no team data."""
        if self._owner_acts:
            return True
        return self.role is not None and self.role is not TeamRole.SOCIAL_SUPERVISOR

    @property
    def sees_leads(self) -> bool:
        """Leads are for the inspecting team, not for invited social supervisors."""
        return self.role is not TeamRole.SOCIAL_SUPERVISOR


@dataclass(frozen=True)
class CaseAccess(TeamStanding):
    """What the profile's user may do in one case: their standing, unless the case is closed."""

    case_id: str
    read_only: bool

    @property
    def can_record(self) -> bool:
        """May answer, add evidence, draft findings and interviews."""
        return not self.read_only and super().can_record


def user_team_role(session: Session, profile: OpenProfile, task_id: str) -> TeamRole | None:
    """The profile user's role in a task's team, None when not on it."""
    user = session.get(LocalUser, profile.user_id)
    if user is None or user.inspector_id is None:
        return None
    return session.scalar(
        select(TeamMembership.role).where(
            TeamMembership.task_id == task_id,
            TeamMembership.inspector_id == user.inspector_id,
            TeamMembership.deleted_at.is_(None),
        )
    )


def user_role(session: Session, profile: OpenProfile) -> UserRole:
    """The profile owner's role (inspector when the user row is somehow missing)."""
    user = session.get(LocalUser, profile.user_id)
    return user.role if user is not None else UserRole.INSPECTOR


def team_standing(session: Session, profile: OpenProfile, task_id: str) -> TeamStanding:
    """Where the profile's user stands in task ``task_id``'s team."""
    team_size = session.scalar(
        select(func.count()).where(
            TeamMembership.task_id == task_id, TeamMembership.deleted_at.is_(None)
        )
    )
    return TeamStanding(
        task_id=task_id,
        role=user_team_role(session, profile, task_id),
        user_role=user_role(session, profile),
        has_team=bool(team_size),
    )


def case_access(session: Session, profile: OpenProfile, case_id: str) -> CaseAccess:
    """What the profile's user may do in case ``case_id``."""
    case = session.get(CaseFile, case_id)
    if case is None or case.deleted_at is not None:
        raise CaseNotFoundError(case_id)
    standing = team_standing(session, profile, case.task_id)
    return CaseAccess(
        task_id=standing.task_id,
        role=standing.role,
        user_role=standing.user_role,
        has_team=standing.has_team,
        case_id=case.id,
        read_only=case.status in READ_ONLY_CASE_STATUSES,
    )


def require_recording(session: Session, profile: OpenProfile, case_id: str) -> CaseFile:
    """The case, if the user may record in it; else :class:`NotAllowedError` saying why."""
    access = case_access(session, profile, case_id)
    if access.read_only:
        raise NotAllowedError(
            _("This case file is closed; corrections are made as new, linked records.")
        )
    if not access.can_record:
        raise NotAllowedError(_("Your role in this inspection team does not allow changes."))
    case = session.get(CaseFile, case_id)
    assert case is not None
    return case


def record_case_event(
    profile: OpenProfile,
    session: Session,
    case_id: str,
    action: str,
    *,
    entity: str = "",
    entity_id: str = "",
    detail: str = "",
) -> None:
    """File a state change under the case's history (append-only audit log).

    ``action`` is a stable dotted code (e.g. ``checklist.answered``); ``detail`` holds ids
    and codes only, never personal data.
    """
    profile.audit(
        session, action, entity=entity, entity_id=entity_id, detail=detail, case_id=case_id
    )


def recording_allowed(*, profile: OpenProfile, case_id: str) -> bool:
    """Whether the profile's user may record in ``case_id`` now (screens grey out when not).

    Raises:
        CaseNotFoundError: no such case.
    """
    with profile.read_session() as session:
        return case_access(session, profile, case_id).can_record
