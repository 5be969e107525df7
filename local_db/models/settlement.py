"""Settlement data: an institution's claims (结算记录) and their lines (费用明细).

Claims and lines are bulk data (a large hospital's year is millions of lines), so they are
not synced row by row: each load is one ``SettlementBatch``, a synced entity that names the
source and its SHA-256, and the batch is written in a single transaction with its rows.
Money is integer fen; item codes are text, never numbers. Times are the institution's local
wall-clock time as exported (no zone), kept as ISO text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.types import UTCDateTime


class SettlementBatch(SyncedMixin, Base):
    """One load of settlement data for one institution."""

    __tablename__ = "settlement_batch"
    __sync_entity__ = "settlement_batch"

    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_file.id"), default=None)
    source: Mapped[str] = mapped_column(String(256))
    source_sha256: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[str] = mapped_column(String(10))
    claim_count: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Claim(Base):
    """A settlement header: one visit, stay or purchase settled with the fund."""

    __tablename__ = "claim"
    __table_args__ = (UniqueConstraint("batch_id", "settlement_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("settlement_batch.id"))
    settlement_no: Mapped[str] = mapped_column(String(40))
    visit_no: Mapped[str] = mapped_column(String(40))
    patient_name: Mapped[str] = mapped_column(String(64))
    patient_sex: Mapped[str] = mapped_column(String(1))
    patient_birth_date: Mapped[str] = mapped_column(String(10))
    patient_id_no: Mapped[str] = mapped_column(String(18), index=True)
    insurance_type: Mapped[str] = mapped_column(String(16))
    visit_type: Mapped[str] = mapped_column(String(16))
    department: Mapped[str] = mapped_column(String(64))
    doctor_code: Mapped[str] = mapped_column(String(32))
    doctor_name: Mapped[str] = mapped_column(String(64))
    admission_date: Mapped[str] = mapped_column(String(10))
    discharge_date: Mapped[str | None] = mapped_column(String(10))
    diagnosis_code: Mapped[str] = mapped_column(String(16))
    diagnosis_name: Mapped[str] = mapped_column(String(128))
    total_fen: Mapped[int]
    fund_fen: Mapped[int]
    account_fen: Mapped[int]
    self_fen: Mapped[int]
    settled_at: Mapped[str] = mapped_column(String(19))


class ClaimLine(Base):
    """One billed item of a claim."""

    __tablename__ = "claim_line"
    __table_args__ = (
        UniqueConstraint("claim_id", "line_no"),
        Index("ix_claim_line_item_code", "item_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    line_no: Mapped[int]
    item_code: Mapped[str] = mapped_column(String(40))
    item_name: Mapped[str] = mapped_column(String(128))
    item_category: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str] = mapped_column(String(16))
    unit_price_fen: Mapped[int]
    quantity: Mapped[float]
    amount_fen: Mapped[int]
    coverage_class: Mapped[str] = mapped_column(String(4))
    ordering_doctor: Mapped[str] = mapped_column(String(32))
    service_time: Mapped[str] = mapped_column(String(19))
    trace_code: Mapped[str | None] = mapped_column(String(32))


class PlantedIrregularity(Base):
    """Ground truth of the synthetic demo data: which claims carry which planted problem.

    Only the demo generator writes here; screening tests measure precision and recall
    against it.
    """

    __tablename__ = "planted_irregularity"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("settlement_batch.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
