"""Settlement data: an institution's claims (结算记录) and their lines (费用明细).

Claims and lines are bulk data (a large hospital's year is millions of lines), so they are
not synced row by row: each load is one ``SettlementBatch``, a synced entity that names the
source and its SHA-256, and the batch is written in a single transaction with its rows. The
rows travel as one blob, the batch's extract; a laptop that receives it loads the rows.
Money is integer fen; item codes are text, never numbers. Times are the institution's local
wall-clock time as exported (no zone), kept as ISO text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import ImportFileRole
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime


class SettlementBatch(SyncedMixin, Base):
    """One load of settlement data for one institution."""

    __tablename__ = "settlement_batch"
    __sync_entity__ = "settlement_batch"

    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_file.id"), default=None)
    # An extract prepared for an upcoming inspection, before its case exists: it travels
    # to the task's team only (a batch with neither lies with its institution's region).
    task_id: Mapped[str | None] = mapped_column(
        ForeignKey("inspection_task.id"), default=None, index=True
    )
    source: Mapped[str] = mapped_column(String(256))
    source_sha256: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[str] = mapped_column(String(10))
    claim_count: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set by a file import: the source file kept as evidence (with its extraction record),
    # how many rows were refused (listed in ``import_problem``) and, as JSON, the files,
    # encodings and column mappings used.
    evidence_id: Mapped[str | None] = mapped_column(ForeignKey("evidence_item.id"), default=None)
    rejected_count: Mapped[int] = mapped_column(default=0)
    import_detail: Mapped[str] = mapped_column(Text, default="{}")
    # The claims and lines as one content-addressed blob in the encrypted store (written
    # before the batch first syncs; ``settlement_import.extract``): how the other laptops
    # of the team get the rows.
    extract_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    extract_size: Mapped[int] = mapped_column(default=0)


class Claim(Base):
    """A settlement header: one visit, stay or purchase settled with the fund."""

    __tablename__ = "claim"
    __table_args__ = (
        UniqueConstraint("batch_id", "settlement_no"),
        # The claims browser finds a claim by its visit number too (range scan, not a
        # full scan of a million claims).
        Index("ix_claim_batch_visit", "batch_id", "visit_no"),
    )

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
    # Quantity in the doctor's order (医嘱), when the export has it; billed ``quantity``
    # differing from it is a screening rule.
    ordered_quantity: Mapped[float | None] = mapped_column(default=None)


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


class ImportProblem(Base):
    """One refused row (or value) of an imported file: the per-row error report.

    Values are kept as read (they may be patient data, so they stay in the encrypted
    database and never go to logs). ``problem`` is a stable code; the screen words it.
    """

    __tablename__ = "import_problem"
    __table_args__ = (
        Index("ix_import_problem_batch_row", "batch_id", "file_role", "row_no"),
        Index("ix_import_problem_inventory_row", "inventory_batch_id", "file_role", "row_no"),
        CheckConstraint("(batch_id IS NULL) != (inventory_batch_id IS NULL)", name="one_import"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of the two: the settlement load or the 进销存 load the row was refused from.
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("settlement_batch.id"), default=None)
    inventory_batch_id: Mapped[str | None] = mapped_column(
        ForeignKey("inventory_batch.id"), default=None
    )
    file_role: Mapped[ImportFileRole] = mapped_column(enum_type(ImportFileRole))
    row_no: Mapped[int]
    column: Mapped[str] = mapped_column(String(128), default="")
    value: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


class MappingProfile(SyncedMixin, Base):
    """A saved column mapping for one kind of export (e.g. "某HIS 住院结算明细").

    ``columns`` is JSON {target field: source header}; ``options`` JSON holds the date
    formats, encoding override and header row the user chose.
    """

    __tablename__ = "mapping_profile"
    __sync_entity__ = "mapping_profile"
    __table_args__ = (UniqueConstraint("file_role", "name"),)

    name: Mapped[str] = mapped_column(String(128))
    file_role: Mapped[ImportFileRole] = mapped_column(enum_type(ImportFileRole))
    columns: Mapped[str] = mapped_column(Text, default="{}")
    options: Mapped[str] = mapped_column(Text, default="{}")
