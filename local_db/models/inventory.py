"""Purchase–sale–stock (进销存) data of drugs and consumables, for reconciliation.

Like settlement data, movements are bulk rows of one synced ``InventoryBatch`` that names
the source files and their SHA-256; they travel as the batch's extract. Quantities are in
the item's dispensing unit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import InventoryMovementKind
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime


class InventoryBatch(SyncedMixin, Base):
    """One load of 进销存 data for one institution and period."""

    __tablename__ = "inventory_batch"
    __sync_entity__ = "inventory_batch"

    institution_id: Mapped[str] = mapped_column(ForeignKey("institution.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("case_file.id"), default=None)
    period_start: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[str] = mapped_column(String(10))
    # JSON [{"role", "name", "sha256", "encoding", "evidence_id", "rows", "rejected"}]
    sources: Mapped[str] = mapped_column(Text, default="[]")
    movement_count: Mapped[int] = mapped_column(default=0)
    rejected_count: Mapped[int] = mapped_column(default=0)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The movements as one blob in the encrypted store, as a settlement batch's extract
    # (``settlement_import.inventory_extract``): how the team's other laptops get them.
    extract_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    extract_size: Mapped[int] = mapped_column(default=0)


class InventoryMovement(Base):
    """A purchase, a dispensing, or an opening/closing stock count of one item."""

    __tablename__ = "inventory_movement"
    __table_args__ = (Index("ix_inventory_movement_batch_item", "batch_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("inventory_batch.id"))
    kind: Mapped[InventoryMovementKind] = mapped_column(enum_type(InventoryMovementKind))
    item_code: Mapped[str] = mapped_column(String(40))
    item_name: Mapped[str] = mapped_column(String(128), default="")
    unit: Mapped[str] = mapped_column(String(16), default="")
    movement_date: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[float]
    amount_fen: Mapped[int | None] = mapped_column(default=None)
    reference: Mapped[str] = mapped_column(String(64), default="")
