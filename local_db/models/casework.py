"""What a team records during an inspection: evidence, findings, interviews."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import EvidenceKind
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
    status: Mapped[str] = mapped_column(String(32), default="draft")


class InterviewRecord(SyncedMixin, Base):
    """An interview (询问笔录): who was asked what, by whom, when and where."""

    __tablename__ = "interview_record"
    __sync_entity__ = "interview_record"

    case_id: Mapped[str] = mapped_column(ForeignKey("case_file.id"), index=True)
    interviewee_name: Mapped[str] = mapped_column(String(64))
    interviewee_role: Mapped[str] = mapped_column(String(64), default="")
    location: Mapped[str] = mapped_column(String(128), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    content: Mapped[str] = mapped_column(Text, default="")
