"""What a team records during an inspection: evidence, findings, interviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import (
    CustodyEventKind,
    EvidenceKind,
    FindingStatus,
    LinkKind,
    RectificationStatus,
)
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime


class EvidenceItem(SyncedMixin, Base):
    """One piece of evidence, content-addressed by the SHA-256 of its original bytes.

    Evidence is never deleted: withdrawal sets ``withdrawn_at`` and a reason, and the item
    keeps its place in the case's hash chain.
    """

    __tablename__ = "evidence_item"
    __sync_entity__ = "evidence_item"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_type(EvidenceKind))
    caption: Mapped[str] = mapped_column(String(256))
    media_type: Mapped[str] = mapped_column(String(128))
    original_name: Mapped[str] = mapped_column(String(256), default="")
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime())
    captured_by: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64), default="")
    device_signature: Mapped[str] = mapped_column(Text, default="")
    chain_index: Mapped[int | None] = mapped_column(default=None)
    chain_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, default=None)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64), default=None)
    server_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class CustodyEvent(SyncedMixin, Base):
    """One link of a case's evidence chain of custody (append-only; triggers refuse edits).

    Each device keeps its own lane per case (``device_id``, ``seq``), so two laptops working
    offline on one case never fork a chain. ``body`` is the canonical JSON that was hashed;
    ``chain_hash`` = SHA-256(previous hash of the lane + body), and ``signature`` is the
    device key's Ed25519 signature over ``chain_hash``.
    """

    __tablename__ = "custody_event"
    __sync_entity__ = "custody_event"
    __table_args__ = (UniqueConstraint("case_id", "device_id", "seq"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int]
    event: Mapped[CustodyEventKind] = mapped_column(enum_type(CustodyEventKind))
    evidence_id: Mapped[str] = mapped_column(String(36), index=True)
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(Text)


class ExtractionRecord(SyncedMixin, Base):
    """How electronic data copied from the institution's systems was obtained (提取记录)."""

    __tablename__ = "extraction_record"
    __sync_entity__ = "extraction_record"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence_item.id"), unique=True)
    source_system: Mapped[str] = mapped_column(String(128))
    query_or_screen: Mapped[str] = mapped_column(Text)
    extracted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    extracted_by: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(128), default="")
    holder_name: Mapped[str] = mapped_column(String(64), default="")
    holder_position: Mapped[str] = mapped_column(String(64), default="")
    sha256: Mapped[str] = mapped_column(String(64))


class EvidenceThumbnail(Base):
    """A small preview of an image evidence item, derived locally (never synced)."""

    __tablename__ = "evidence_thumbnail"

    evidence_id: Mapped[str] = mapped_column(ForeignKey("evidence_item.id"), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Finding(SyncedMixin, Base):
    """A suspected or established violation, tied to a regulation article.

    Amounts are integer fen (分): money never passes through binary floating point.
    """

    __tablename__ = "finding"
    __sync_entity__ = "finding"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    violation_code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(String(128), default="")
    amount_fen: Mapped[int] = mapped_column(default=0)
    status: Mapped[FindingStatus] = mapped_column(
        enum_type(FindingStatus), default=FindingStatus.DRAFT
    )
    handling: Mapped[str] = mapped_column(Text, default="[]")


class InterviewRecord(SyncedMixin, Base):
    """An interview (询问笔录): who was asked what, by whom, when and where."""

    __tablename__ = "interview_record"
    __sync_entity__ = "interview_record"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    interviewee_name: Mapped[str] = mapped_column(String(64))
    interviewee_role: Mapped[str] = mapped_column(String(64), default="")
    interviewee_organisation: Mapped[str] = mapped_column(String(128), default="")
    interviewee_id_type: Mapped[str] = mapped_column(String(32), default="")
    interviewee_id_number: Mapped[str] = mapped_column(String(32), default="")
    interviewee_phone: Mapped[str] = mapped_column(String(32), default="")
    inspectors_present: Mapped[str] = mapped_column(Text, default="[]")
    recorder_id: Mapped[str | None] = mapped_column(ForeignKey("inspector.id"), default=None)
    location: Mapped[str] = mapped_column(String(128), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    content: Mapped[str] = mapped_column(Text, default="")


class InterviewEntry(SyncedMixin, Base):
    """One question and its answer in an interview record, in order."""

    __tablename__ = "interview_entry"
    __sync_entity__ = "interview_entry"

    interview_id: Mapped[str] = mapped_column(ForeignKey("interview_record.id"), index=True)
    position: Mapped[int]
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")


class CaseLink(SyncedMixin, Base):
    """A link inside a case: evidence supports an item, a finding rests on an answer, ….

    Targets are referenced by kind and text (a checklist item code, a row id, a claim's
    settlement number), so one table links everything; unlinking sets the tombstone and
    linking again revives the same row.
    """

    __tablename__ = "case_link"
    __sync_entity__ = "case_link"
    __natural_id__ = True
    __table_args__ = (
        UniqueConstraint("case_id", "source_kind", "source_id", "target_kind", "target_ref"),
    )

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    source_kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind))
    source_id: Mapped[str] = mapped_column(String(36), index=True)
    target_kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind))
    target_ref: Mapped[str] = mapped_column(String(64), index=True)


class RectificationCheck(SyncedMixin, Base):
    """A follow-up check (回头看) of one finding of an earlier case."""

    __tablename__ = "rectification_check"
    __sync_entity__ = "rectification_check"
    __natural_id__ = True
    __table_args__ = (UniqueConstraint("case_id", "earlier_finding_id"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    earlier_finding_id: Mapped[str] = mapped_column(ForeignKey("finding.id"))
    status: Mapped[RectificationStatus] = mapped_column(
        enum_type(RectificationStatus), default=RectificationStatus.NOT_CHECKED
    )
    note: Mapped[str] = mapped_column(Text, default="")
