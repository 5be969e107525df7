"""What the evidence of a case looks like to a reader: summaries built from the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import case_access
from inspector_app.casework.links import LinkRef, targets_of
from inspector_app.evidence.chain import evidence_message
from inspector_app.evidence.device import signature_valid
from inspector_app.profiles import OpenProfile
from local_db.enums import EvidenceKind, LinkKind
from local_db.models import (
    CaseFile,
    Device,
    EvidenceItem,
    EvidenceThumbnail,
    ExtractionRecord,
)


@dataclass(frozen=True)
class ExtractionSummary:
    """How an item of electronic data was obtained (提取记录)."""

    source_system: str
    query_or_screen: str
    extracted_at: datetime
    extracted_by: str
    method: str
    holder_name: str
    holder_position: str
    sha256: str


@dataclass(frozen=True)
class EvidenceSummary:
    """One evidence item as lists, details and the CLI show it."""

    id: str
    case_id: str
    kind: EvidenceKind
    caption: str
    media_type: str
    original_name: str
    size_bytes: int
    sha256: str
    captured_at: datetime
    captured_by: str
    device_id: str
    device_label: str
    chain_index: int | None
    server_received_at: datetime | None
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    withdrawn_by: str | None
    signature_valid: bool
    supports: list[LinkRef] = field(default_factory=list)
    extraction: ExtractionSummary | None = None
    thumbnail: bytes | None = None

    @property
    def withdrawn(self) -> bool:
        """True once the item was withdrawn (it stays listed and in the chain)."""
        return self.withdrawn_at is not None


def summarize(session: Session, item: EvidenceItem, *, thumbnail: bool = True) -> EvidenceSummary:
    """The summary of one row (with its links, extraction record and thumbnail)."""
    device = session.get(Device, item.device_id) if item.device_id else None
    valid = device is not None and signature_valid(
        device.public_key, item.device_signature, evidence_message(item.id, item.sha256)
    )
    extraction = session.scalar(
        select(ExtractionRecord).where(
            ExtractionRecord.evidence_id == item.id, ExtractionRecord.deleted_at.is_(None)
        )
    )
    preview = session.get(EvidenceThumbnail, item.id) if thumbnail else None
    return EvidenceSummary(
        id=item.id,
        case_id=item.case_id,
        kind=item.kind,
        caption=item.caption,
        media_type=item.media_type,
        original_name=item.original_name,
        size_bytes=item.size_bytes,
        sha256=item.sha256,
        captured_at=item.captured_at,
        captured_by=item.captured_by,
        device_id=item.device_id,
        device_label=device.label if device is not None else "",
        chain_index=item.chain_index,
        server_received_at=item.server_received_at,
        withdrawn_at=item.withdrawn_at,
        withdrawn_reason=item.withdrawn_reason,
        withdrawn_by=item.withdrawn_by,
        signature_valid=valid,
        supports=targets_of(session, item.case_id, LinkRef(LinkKind.EVIDENCE, item.id)),
        extraction=None
        if extraction is None
        else ExtractionSummary(
            source_system=extraction.source_system,
            query_or_screen=extraction.query_or_screen,
            extracted_at=extraction.extracted_at,
            extracted_by=extraction.extracted_by,
            method=extraction.method,
            holder_name=extraction.holder_name,
            holder_position=extraction.holder_position,
            sha256=extraction.sha256,
        ),
        thumbnail=preview.data if preview is not None else None,
    )


def resolve_case(session: Session, case_ref: str) -> CaseFile | None:
    """A case by id or by case number (案卷号)."""
    case = session.get(CaseFile, case_ref)
    if case is None:
        case = session.scalar(select(CaseFile).where(CaseFile.case_number == case_ref))
    if case is None or case.deleted_at is not None:
        return None
    return case


def list_evidence(*, profile: OpenProfile, case_id: str) -> list[EvidenceSummary]:
    """Every evidence item of a case, withdrawn ones included, in recording order."""
    with profile.read_session() as session:
        case_access(session, profile, case_id)  # raises CaseNotFoundError
        items = session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.case_id == case_id)
            .order_by(EvidenceItem.captured_at, EvidenceItem.id)
        ).all()
        return [summarize(session, item) for item in items]


def evidence_summary(*, profile: OpenProfile, evidence_id: str) -> EvidenceSummary:
    """One item's summary.

    Raises:
        LookupError: no such evidence item.
    """
    with profile.read_session() as session:
        item = session.get(EvidenceItem, evidence_id)
        if item is None:
            raise LookupError(evidence_id)
        return summarize(session, item)
