"""What settlement data a profile holds, from the per-load counts, never from the claims.

The claim tables can hold a million claims and ten million lines: counting them would take
seconds on an encrypted database. Each load (``SettlementBatch``) stores its own claim and
line counts and total amount when it is written, so the summary reads a handful of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from local_db.enums import InstitutionKind
from local_db.models import Institution, SettlementBatch


@dataclass(frozen=True)
class BatchRow:
    """One load of settlement data."""

    id: str
    institution_name: str
    institution_kind: InstitutionKind
    source: str
    period_start: str
    period_end: str
    claim_count: int
    line_count: int
    total_fen: int
    loaded_at: datetime


@dataclass(frozen=True)
class DataSummary:
    """Every settlement load with the totals over all of them."""

    batches: list[BatchRow]

    @property
    def claim_count(self) -> int:
        """Claims over all loads."""
        return sum(batch.claim_count for batch in self.batches)

    @property
    def line_count(self) -> int:
        """Settlement lines over all loads."""
        return sum(batch.line_count for batch in self.batches)

    @property
    def total_fen(self) -> int:
        """Amount over all loads, in fen."""
        return sum(batch.total_fen for batch in self.batches)


def data_summary(*, profile: OpenProfile) -> DataSummary:
    """The settlement loads of the profile, most recent first."""
    with profile.read_session() as session:
        rows = session.execute(
            select(SettlementBatch, Institution.name, Institution.kind)
            .join(Institution, SettlementBatch.institution_id == Institution.id)
            .where(SettlementBatch.deleted_at.is_(None))
            .order_by(SettlementBatch.loaded_at.desc())
        ).all()
    return DataSummary(
        batches=[
            BatchRow(
                id=batch.id,
                institution_name=name,
                institution_kind=kind,
                source=batch.source,
                period_start=batch.period_start,
                period_end=batch.period_end,
                claim_count=batch.claim_count,
                line_count=batch.line_count,
                total_fen=batch.total_fen,
                loaded_at=batch.loaded_at,
            )
            for batch, name, kind in rows
        ]
    )
