"""Which 进销存 loads an institution has (the reconciliation screen lists them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from local_db.models import InventoryBatch, SettlementBatch


@dataclass(frozen=True)
class InventoryLoad:
    """One 进销存 load, as a list row."""

    id: str
    period_start: str
    period_end: str
    movement_count: int
    rejected_count: int
    loaded_at: datetime


def inventory_loads(*, profile: OpenProfile, settlement_batch_id: str) -> list[InventoryLoad]:
    """The 进销存 loads of the institution a settlement batch belongs to, newest first."""
    with profile.read_session() as session:
        institution_id = session.scalar(
            select(SettlementBatch.institution_id).where(SettlementBatch.id == settlement_batch_id)
        )
        if institution_id is None:
            return []
        batches = session.scalars(
            select(InventoryBatch)
            .where(
                InventoryBatch.institution_id == institution_id,
                InventoryBatch.deleted_at.is_(None),
            )
            .order_by(InventoryBatch.loaded_at.desc())
        ).all()
        return [
            InventoryLoad(
                id=batch.id,
                period_start=batch.period_start,
                period_end=batch.period_end,
                movement_count=batch.movement_count,
                rejected_count=batch.rejected_count,
                loaded_at=batch.loaded_at,
            )
            for batch in batches
        ]
