"""The case header every document repeats: task, institution, team, arrival."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.documents.model import CaseHeader, DocumentMeta, TeamMember
from inspector_app.documents.numbering import document_number, document_title, year_of
from inspector_app.i18n import current_language
from inspector_app.vocabulary import institution_kind_label, task_type_label, team_role_label
from local_db.enums import DocumentKind, TeamRole
from local_db.models import (
    ArrivalRecord,
    CaseFile,
    InspectionTask,
    Inspector,
    Institution,
    Region,
    TeamMembership,
)
from local_db.types import utc_now

# When the documents being gathered are issued (sealing passes its clock); None: now.
_ISSUED_AT: ContextVar[datetime | None] = ContextVar("issued_at", default=None)


# While computing what a signature vouches for: skip what does not change the content and is
# costly (re-hashing every original for the chain statement, thumbnails, signature images).
_DIGEST_MODE: ContextVar[bool] = ContextVar("digest_mode", default=False)


@contextmanager
def digest_mode() -> Iterator[None]:
    """Gather for a content digest inside the block (see ``documents/digest.py``)."""
    token = _DIGEST_MODE.set(True)
    try:
        yield
    finally:
        _DIGEST_MODE.reset(token)


def gathering_for_digest() -> bool:
    """True inside :func:`digest_mode`."""
    return _DIGEST_MODE.get()


@contextmanager
def issued_at(moment: datetime) -> Iterator[None]:
    """Date the documents gathered inside the block as issued at ``moment``."""
    token = _ISSUED_AT.set(moment)
    try:
        yield
    finally:
        _ISSUED_AT.reset(token)


def team_leader(session: Session, task_id: str) -> Inspector | None:
    """The leader of a task's team (a removed membership no longer counts), if there is one."""
    return session.scalars(
        select(Inspector)
        .join(TeamMembership, TeamMembership.inspector_id == Inspector.id)
        .where(
            TeamMembership.task_id == task_id,
            TeamMembership.role == TeamRole.LEADER,
            TeamMembership.deleted_at.is_(None),
        )
    ).first()


def team_members(session: Session, task_id: str) -> list[tuple[str, TeamMember]]:
    """(inspector id, member) of a task's team, the leader first."""
    rows = session.execute(
        select(TeamMembership.role, Inspector)
        .join(Inspector, Inspector.id == TeamMembership.inspector_id)
        .where(TeamMembership.task_id == task_id, TeamMembership.deleted_at.is_(None))
        .order_by(TeamMembership.role != TeamRole.LEADER, Inspector.staff_code)
    ).all()
    return [
        (
            inspector.id,
            TeamMember(
                name=inspector.name,
                role_label=team_role_label(role),
                organisation=inspector.organisation,
                enforcement_id=inspector.enforcement_id,
            ),
        )
        for role, inspector in rows
    ]


def case_header(session: Session, case: CaseFile) -> CaseHeader:
    """The header of ``case``'s documents (the task must be opened: sealed tasks have none)."""
    task = session.get(InspectionTask, case.task_id)
    assert task is not None
    institution = session.get(Institution, task.institution_id) if task.institution_id else None
    region = session.get(Region, task.region_code)
    arrival = session.scalar(select(ArrivalRecord).where(ArrivalRecord.case_id == case.id))
    team = team_members(session, task.id)
    leader = team_leader(session, task.id)
    present: list[str] = json.loads(arrival.team_present or "[]") if arrival else []
    shown = [member for inspector_id, member in team if not present or inspector_id in present]
    return CaseHeader(
        case_number=case.case_number,
        task_number=task.task_number,
        task_title=task.title,
        task_type_label=task_type_label(task.task_type),
        issuing_authority=leader.organisation
        if leader
        else (team[0][1].organisation if team else ""),
        institution_name=institution.name if institution else "",
        institution_code=institution.code if institution else "",
        institution_kind_label=institution_kind_label(institution.kind) if institution else "",
        institution_address=institution.address if institution else "",
        institution_legal_representative=institution.legal_representative if institution else "",
        region_name=region.name if region else task.region_code,
        team=tuple(shown),
        leader_name=leader.name if leader else "",
        planned_start=task.planned_start,
        planned_end=task.planned_end,
        arrived_at=arrival.arrived_at if arrival else case.opened_at,
        location=(arrival.location if arrival else "")
        or (institution.address if institution else ""),
        closed_at=case.closed_at,
    )


def document_meta(
    header: CaseHeader,
    kind: DocumentKind,
    *,
    subject_id: str = "",
    position: int | None = None,
    generated_at: datetime | None = None,
) -> DocumentMeta:
    """Title, number and language of one document of the case."""
    when = generated_at or _ISSUED_AT.get() or utc_now()
    return DocumentMeta(
        kind=kind,
        title=document_title(kind),
        number=document_number(
            kind,
            case_number=header.case_number,
            year=year_of(header.arrived_at, when.year),
            position=position,
        ),
        language=current_language(),
        generated_at=when,
        subject_id=subject_id,
    )
