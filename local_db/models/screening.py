"""Screening (数据筛查): runs of the rule set over a settlement batch, their flags, and reviews.

Flags are bulk, derived data (a run over a large hospital's year can raise tens of thousands),
so they are plain rows, rebuilt by running the rules again. What a person decides about a
flag is not derived: each decision is a synced ``FlagReview`` that names the flag by its
batch, settlement number and rule, so it survives a re-run and means the same on the server.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import FlagReviewStatus
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime


class ScreeningRun(SyncedMixin, Base):
    """One run of the rule set over one batch: which rules, which version, what came out."""

    __tablename__ = "screening_run"
    __sync_entity__ = "screening_run"

    batch_id: Mapped[str] = mapped_column(ForeignKey("settlement_batch.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_file.id"), default=None)
    ruleset_version: Mapped[str] = mapped_column(String(32))
    ruleset_sha256: Mapped[str] = mapped_column(String(64))
    # JSON: [{"code": ..., "parameters": {...}, "flags": n, "amount_fen": n, "seconds": x}]
    rules: Mapped[str] = mapped_column(Text, default="[]")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    flag_count: Mapped[int] = mapped_column(default=0)
    flagged_claims: Mapped[int] = mapped_column(default=0)
    amount_fen: Mapped[int] = mapped_column(default=0)


class ScreeningFlag(Base):
    """One suspicion raised by one rule on one claim (optionally one line, a related claim).

    ``detail`` is JSON with the values the rule's reason template words (e.g. the gap in
    days, the billed and catalogue prices), so the reason is shown in the user's language.
    """

    __tablename__ = "screening_flag"
    __table_args__ = (
        Index("ix_screening_flag_run_rule", "run_id", "rule_code"),
        Index("ix_screening_flag_claim", "claim_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("screening_run.id"))
    rule_code: Mapped[str] = mapped_column(String(32))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("claim_line.id"), default=None)
    related_claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), default=None)
    amount_fen: Mapped[int] = mapped_column(default=0)
    detail: Mapped[str] = mapped_column(Text, default="{}")


class FlagReview(SyncedMixin, Base):
    """A person's decision on a flag: confirmed, a data-quality issue, or dismissed.

    Only a confirmed flag can become a finding (``finding_id``).
    """

    __tablename__ = "flag_review"
    __sync_entity__ = "flag_review"
    __natural_id__ = True
    __table_args__ = (UniqueConstraint("batch_id", "settlement_no", "rule_code"),)

    batch_id: Mapped[str] = mapped_column(ForeignKey("settlement_batch.id"), index=True)
    settlement_no: Mapped[str] = mapped_column(String(40))
    rule_code: Mapped[str] = mapped_column(String(32))
    status: Mapped[FlagReviewStatus] = mapped_column(enum_type(FlagReviewStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    finding_id: Mapped[str | None] = mapped_column(ForeignKey("finding.id"), default=None)
