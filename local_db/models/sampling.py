"""Sampling: reproducible draws of claims, the record-by-record review, and appraisals.

A draw keeps everything a third party needs to reproduce it (frame definition and hash,
design, generator, seed, software version); its units are bulk rows re-creatable from that
record. Reviews are synced: they are the inspectors' work. Claims are named by settlement
number besides the local row id, which means nothing on another machine.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import LineDecision, ReviewStatus, SamplingMethod
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime


class SampleDraw(SyncedMixin, Base):
    """One sample drawn from a frame of claims of one batch."""

    __tablename__ = "sample_draw"
    __sync_entity__ = "sample_draw"

    case_id: Mapped[str | None] = mapped_column(
        ForeignKey("case_file.id"), default=None, index=True
    )
    batch_id: Mapped[str] = mapped_column(ForeignKey("settlement_batch.id"), index=True)
    label: Mapped[str] = mapped_column(String(128))
    method: Mapped[SamplingMethod] = mapped_column(enum_type(SamplingMethod))
    # JSON: which claims form the frame (filters) and the unit's amount column.
    frame_definition: Mapped[str] = mapped_column(Text)
    frame_size: Mapped[int]
    frame_total_fen: Mapped[int]
    frame_sha256: Mapped[str] = mapped_column(String(64))
    # JSON: strata boundaries/keys, allocation rule, per-stratum N_h / n_h, PPS and
    # risk-based parameters.
    design: Mapped[str] = mapped_column(Text, default="{}")
    generator: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str] = mapped_column(String(80))
    software_version: Mapped[str] = mapped_column(String(32))
    sample_size: Mapped[int]
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SampleUnit(Base):
    """One drawn unit, in draw order (``position`` from 1)."""

    __tablename__ = "sample_unit"
    __table_args__ = (
        UniqueConstraint("draw_id", "position"),
        Index("ix_sample_unit_claim", "claim_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[str] = mapped_column(ForeignKey("sample_draw.id"))
    position: Mapped[int]
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    settlement_no: Mapped[str] = mapped_column(String(40))
    stratum: Mapped[str] = mapped_column(String(64), default="")
    # Inclusion probability (PPS: of the unit's first hit) and number of hits (PPS with
    # replacement or a unit larger than the sampling interval).
    probability: Mapped[float] = mapped_column(default=0.0)
    hits: Mapped[int] = mapped_column(default=1)
    origin: Mapped[str] = mapped_column(String(16), default="random")


class ClaimReview(SyncedMixin, Base):
    """The review of one sampled claim against the medical file (a worksheet)."""

    __tablename__ = "claim_review"
    __sync_entity__ = "claim_review"
    __natural_id__ = True
    # Claims do not sync row by row; each laptop finds its own row by the draw's batch and
    # the settlement number (``inspector_app.sync.apply``).
    __local_columns__ = frozenset({"claim_id"})
    __table_args__ = (UniqueConstraint("draw_id", "settlement_no"),)

    draw_id: Mapped[str] = mapped_column(ForeignKey("sample_draw.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    settlement_no: Mapped[str] = mapped_column(String(40))
    status: Mapped[ReviewStatus] = mapped_column(enum_type(ReviewStatus))
    # What the claim paid (the fund's share) and what it should have paid, integer fen.
    examined_fen: Mapped[int]
    audited_fen: Mapped[int]
    # JSON {check key: "yes" | "no" | "n/a"} of the medical-file checks.
    checks: Mapped[str] = mapped_column(Text, default="{}")
    note: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LineReview(SyncedMixin, Base):
    """The decision on one line of a reviewed claim."""

    __tablename__ = "line_review"
    __sync_entity__ = "line_review"
    __natural_id__ = True
    __table_args__ = (UniqueConstraint("claim_review_id", "line_no"),)

    claim_review_id: Mapped[str] = mapped_column(ForeignKey("claim_review.id"), index=True)
    line_no: Mapped[int]
    decision: Mapped[LineDecision] = mapped_column(enum_type(LineDecision))
    disallowed_fen: Mapped[int] = mapped_column(default=0)
    violation_code: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class AppraisalRecord(SyncedMixin, Base):
    """An extrapolation computed from a draw's reviews and kept for the report.

    ``result`` is the JSON of ``inspector stats appraise`` (every estimator, every level);
    ``inputs_sha256`` hashes the (id, examined, audited, stratum) rows it was computed from.
    """

    __tablename__ = "appraisal_record"
    __sync_entity__ = "appraisal_record"

    draw_id: Mapped[str] = mapped_column(ForeignKey("sample_draw.id"), index=True)
    confidence: Mapped[float]
    estimator: Mapped[str] = mapped_column(String(32))
    recovery_rule: Mapped[str] = mapped_column(String(64))
    point_fen: Mapped[int]
    lower_fen: Mapped[int]
    upper_fen: Mapped[int]
    result: Mapped[str] = mapped_column(Text)
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    software_version: Mapped[str] = mapped_column(String(32))
