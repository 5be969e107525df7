"""Who may act on a task before (and besides) its case file: open it, record arrival, move it.

A task may have no case file yet (a sealed flying inspection before opening), so these
checks apply the team standing of :mod:`inspector_app.casework.access` to the task itself:
one rule for tasks and cases; a case adds only that once closed it is read-only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from inspector_app.casework.access import NotAllowedError, TeamStanding, team_standing
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from local_db.models import InspectionTask


class TaskNotFoundError(LookupError):
    """No task with that id (deleted, or from another profile)."""


# A task's rules are the team standing itself (the case adds only "closed is read-only").
TaskAccess = TeamStanding


def get_task(session: Session, task_id: str) -> InspectionTask:
    """The task, or :class:`TaskNotFoundError`."""
    task = session.get(InspectionTask, task_id)
    if task is None or task.deleted_at is not None:
        raise TaskNotFoundError(_("No such inspection task in this profile."))
    return task


def task_access(session: Session, profile: OpenProfile, task_id: str) -> TaskAccess:
    """What the profile's user may do with task ``task_id``."""
    return team_standing(session, profile, task_id)


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
