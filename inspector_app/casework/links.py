"""Links between the records of one case (evidence → checklist item, finding → answer, …).

One table holds every link; unlinking sets the row's tombstone and linking again revives the
same row, so the outbox carries a clean history and the unique constraint never trips.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.enums import LinkKind
from local_db.models import CaseLink
from local_db.outbox import tombstone


@dataclass(frozen=True)
class LinkRef:
    """One end of a link: a kind and a reference (row id, item code, settlement number)."""

    kind: LinkKind
    ref: str


def link(session: Session, case_id: str, source: LinkRef, target: LinkRef) -> CaseLink:
    """Link ``source`` to ``target`` in a case (idempotent)."""
    row = session.scalar(
        select(CaseLink).where(
            CaseLink.case_id == case_id,
            CaseLink.source_kind == source.kind,
            CaseLink.source_id == source.ref,
            CaseLink.target_kind == target.kind,
            CaseLink.target_ref == target.ref,
        )
    )
    if row is None:
        row = CaseLink(
            case_id=case_id,
            source_kind=source.kind,
            source_id=source.ref,
            target_kind=target.kind,
            target_ref=target.ref,
        )
        session.add(row)
    elif row.deleted_at is not None:
        row.deleted_at = None
        row.deleted_by = None
    return row


def unlink(session: Session, case_id: str, source: LinkRef, target: LinkRef) -> bool:
    """Remove a link (tombstone); False when there was none."""
    row = session.scalar(
        select(CaseLink).where(
            CaseLink.case_id == case_id,
            CaseLink.source_kind == source.kind,
            CaseLink.source_id == source.ref,
            CaseLink.target_kind == target.kind,
            CaseLink.target_ref == target.ref,
            CaseLink.deleted_at.is_(None),
        )
    )
    if row is None:
        return False
    tombstone(session, row)
    return True


def targets_of(
    session: Session, case_id: str, source: LinkRef, kind: LinkKind | None = None
) -> list[LinkRef]:
    """What ``source`` links to (optionally only targets of ``kind``), oldest link first."""
    query = select(CaseLink.target_kind, CaseLink.target_ref).where(
        CaseLink.case_id == case_id,
        CaseLink.source_kind == source.kind,
        CaseLink.source_id == source.ref,
        CaseLink.deleted_at.is_(None),
    )
    if kind is not None:
        query = query.where(CaseLink.target_kind == kind)
    return [LinkRef(k, r) for k, r in session.execute(query.order_by(CaseLink.created_at))]


def sources_of(
    session: Session, case_id: str, target: LinkRef, kind: LinkKind | None = None
) -> list[LinkRef]:
    """What links to ``target`` (optionally only sources of ``kind``), oldest link first."""
    query = select(CaseLink.source_kind, CaseLink.source_id).where(
        CaseLink.case_id == case_id,
        CaseLink.target_kind == target.kind,
        CaseLink.target_ref == target.ref,
        CaseLink.deleted_at.is_(None),
    )
    if kind is not None:
        query = query.where(CaseLink.source_kind == kind)
    return [LinkRef(k, r) for k, r in session.execute(query.order_by(CaseLink.created_at))]
