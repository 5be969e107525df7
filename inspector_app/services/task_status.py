"""A task's life cycle: assigned → on site → drafting → closed, each step audited.

The case file (案卷) opens when the team starts work on site (arrival recorded, or a sealed
task opened); its number is derived from the task number, which the organiser assigns, so
two laptops working offline never hand out the same case number. Every step is filed under
the case's history with the stable action codes of :mod:`inspector_app.services.case_history`.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import NotAllowedError, require_recording
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.services.task_access import require_leader
from local_db.enums import CaseStatus, FindingStatus, TaskStatus
from local_db.models import CaseFile, Finding, InspectionTask, RectificationCheck
from local_db.types import utc_now

CASE_PREFIX = "AJ"
_LEADING_LETTERS = re.compile(r"^[A-Za-z]+")


def case_number_for(session: Session, task_number: str) -> str:
    """``YBJC2026002`` → ``AJ2026002``, ``FX-2026-007`` → ``AJ-2026-007`` (unique)."""
    base = CASE_PREFIX + (_LEADING_LETTERS.sub("", task_number) or task_number)
    taken = set(
        session.scalars(select(CaseFile.case_number).where(CaseFile.case_number.like(f"{base}%")))
    )
    number, suffix = base, 2
    while number in taken:
        number, suffix = f"{base}-{suffix}", suffix + 1
    return number


def case_of_task(session: Session, task_id: str) -> CaseFile | None:
    """The task's case file, if it has one."""
    return session.scalars(
        select(CaseFile).where(CaseFile.task_id == task_id, CaseFile.deleted_at.is_(None))
    ).one_or_none()


def ensure_rectification_checks(session: Session, case: CaseFile, task: InspectionTask) -> int:
    """One follow-up check per finding of the earlier case (回头看); returns how many were added.

    Withdrawn findings need no rectification and get no check.
    """
    if task.follows_case_id is None:
        return 0
    existing = set(
        session.scalars(
            select(RectificationCheck.earlier_finding_id).where(
                RectificationCheck.case_id == case.id
            )
        )
    )
    findings = session.scalars(
        select(Finding.id)
        .where(
            Finding.case_id == task.follows_case_id,
            Finding.deleted_at.is_(None),
            Finding.status != FindingStatus.WITHDRAWN,
        )
        .order_by(Finding.created_at, Finding.id)
    ).all()
    added = [f for f in findings if f not in existing]
    session.add_all(RectificationCheck(case_id=case.id, earlier_finding_id=f) for f in added)
    return len(added)


def ensure_case_file(session: Session, profile: OpenProfile, task: InspectionTask) -> CaseFile:
    """The task's case file, opened now (and audited) if it has none."""
    case = case_of_task(session, task.id)
    if case is not None:
        return case
    case = CaseFile(
        task_id=task.id,
        case_number=case_number_for(session, task.task_number),
        status=CaseStatus.OPEN,
        opened_at=utc_now(),
    )
    session.add(case)
    session.flush()
    profile.audit(
        session, "case.opened", entity="case_file", entity_id=case.id, case_id=case.id,
        detail=case.case_number,
    )  # fmt: skip
    ensure_rectification_checks(session, case, task)
    return case


def move_task(
    session: Session, profile: OpenProfile, task: InspectionTask, status: TaskStatus, case_id: str
) -> None:
    """Set the task's status and file the change under the case's history."""
    if task.status is status:
        return
    previous = task.status
    task.status = status
    profile.audit(
        session, f"task.{status.value}", entity="inspection_task", entity_id=task.id,
        detail=f"{previous.value}->{status.value}", case_id=case_id,
    )  # fmt: skip


def finish_on_site_work(*, profile: OpenProfile, task_id: str) -> TaskStatus:
    """The leader ends the on-site phase: the team goes on drafting the documents.

    Raises:
        NotAllowedError: not the leader, or the task is not on site.
    """
    with profile.session() as session:
        task = require_leader(session, profile, task_id)
        case = case_of_task(session, task_id)
        if task.status is not TaskStatus.ON_SITE or case is None:
            raise NotAllowedError(
                _("Only an inspection that is on site can finish its on-site work.")
            )
        require_recording(session, profile, case.id)
        move_task(session, profile, task, TaskStatus.DRAFTING, case.id)
        return task.status


def close_task(*, profile: OpenProfile, task_id: str) -> TaskStatus:
    """Close an inspection: the leader seals its documents, which closes the case file.

    Raises:
        NotAllowedError: not the leader, no case yet, or signatures still missing.
        NoCredentialError: the profile has no signing certificate.
    """
    from inspector_app.documents.service import seal_documents

    with profile.read_session() as session:
        task = require_leader(session, profile, task_id)
        case = case_of_task(session, task_id)
        if case is None or task.status is TaskStatus.ASSIGNED:
            raise NotAllowedError(
                _("An inspection is closed with its signed documents once work on site began.")
            )
        case_id = case.id
    seal_documents(profile=profile, case_id=case_id)
    return TaskStatus.CLOSED
