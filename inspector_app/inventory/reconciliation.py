"""Reconcile 进销存 data with what the fund settled: could the institution have dispensed it?

For each item code over the period:

    available = opening stock + purchases − closing stock   (what can have left the shelves)
    settled   = quantity billed to the fund on the lines of ONE settlement batch
    excess    = settled − available                         (> 0: paid for more than existed)

Only the period counts: purchases and dispensing records dated inside it; the opening
count is the latest opening count dated on or before the first day (else the earliest one
inside the period), the closing count the latest closing count dated inside the period; an
item without an opening count starts at 0, one without a closing count is reported
(``closing_counted`` False: its excess is then a lower bound). Settled quantities come from
one settlement batch, the one being examined: summing every batch of the institution would
count a re-imported claim twice.

The excess is valued at the item's average settled unit price (settled amount ÷ settled
quantity), rounded to the fen, half up. The institution's own dispensing records are shown
beside it (``dispensed``): settled above dispensed is a second, weaker signal (the
records may be incomplete), not counted in the excess amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.profiles import OpenProfile
from local_db.enums import InventoryMovementKind
from local_db.models import Claim, ClaimLine, InventoryBatch, InventoryMovement, SettlementBatch

TOLERANCE = 1e-6  # quantities are decimals (0.5 box); differences below this are noise


class InventoryBatchNotFoundError(LookupError):
    """No 进销存 load with this id."""


@dataclass(frozen=True)
class ReconciliationRow:
    """One item's balance over the period."""

    item_code: str
    item_name: str
    unit: str
    opening: float
    purchased: float
    dispensed: float
    closing: float
    closing_counted: bool
    settled: float
    settled_fen: int

    @property
    def available(self) -> float:
        """What can have left the shelves: opening + purchases − closing."""
        return self.opening + self.purchased - self.closing

    @property
    def excess(self) -> float:
        """Settled beyond what was available (0 when within)."""
        over = self.settled - self.available
        return over if over > TOLERANCE else 0.0

    @property
    def excess_fen(self) -> int:
        """The excess valued at the average settled unit price (fen, half up)."""
        if self.excess <= 0 or self.settled <= 0:
            return 0
        value = Decimal(self.settled_fen) * Decimal(repr(self.excess)) / Decimal(repr(self.settled))
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def settled_beyond_dispensed(self) -> float:
        """Settled beyond the institution's own dispensing records (0 when within)."""
        over = self.settled - self.dispensed
        return over if over > TOLERANCE else 0.0


@dataclass(frozen=True)
class Reconciliation:
    """Every item of a 进销存 load, reconciled over its period."""

    inventory_batch_id: str
    settlement_batch_id: str
    institution_id: str
    period_start: str
    period_end: str
    rows: list[ReconciliationRow]

    @property
    def flagged(self) -> list[ReconciliationRow]:
        """Items the fund paid for beyond what was available, largest amount first."""
        return sorted(
            (row for row in self.rows if row.excess > 0), key=lambda r: (-r.excess_fen, r.item_code)
        )

    @property
    def excess_fen(self) -> int:
        """The total amount at stake."""
        return sum(row.excess_fen for row in self.rows)


@dataclass
class _Movements:
    """One item's records over the period, with the name and unit the load gives it."""

    name: str = ""
    unit: str = ""
    purchased: float = 0.0
    dispensed: float = 0.0
    # (date, quantity) of every count, to pick the period's opening and closing ones.
    openings: list[tuple[str, float]] = field(default_factory=list)
    closings: list[tuple[str, float]] = field(default_factory=list)

    def opening(self, start: str) -> float | None:
        """The latest opening count on or before ``start``, else the earliest after it."""
        before = [count for count in self.openings if count[0] <= start]
        if before:
            return max(before)[1]
        return min(self.openings)[1] if self.openings else None

    def closing(self, start: str, end: str) -> float | None:
        """The latest closing count inside the period."""
        inside = [count for count in self.closings if start <= count[0] <= end]
        return max(inside)[1] if inside else None


def _movements(session: Session, batch_id: str, start: str, end: str) -> dict[str, _Movements]:
    rows = session.execute(
        select(
            InventoryMovement.item_code,
            InventoryMovement.kind,
            InventoryMovement.movement_date,
            InventoryMovement.quantity,
            InventoryMovement.item_name,
            InventoryMovement.unit,
        ).where(InventoryMovement.batch_id == batch_id)
    ).all()
    items: dict[str, _Movements] = {}
    for code, kind, day, quantity, name, unit in rows:
        item = items.setdefault(code, _Movements())
        item.name = item.name or name or ""
        item.unit = item.unit or unit or ""
        inside = start <= day <= end
        if kind == InventoryMovementKind.PURCHASE and inside:
            item.purchased += quantity
        elif kind == InventoryMovementKind.DISPENSED and inside:
            item.dispensed += quantity
        elif kind == InventoryMovementKind.OPENING_STOCK:
            item.openings.append((day, quantity))
        elif kind == InventoryMovementKind.CLOSING_STOCK:
            item.closings.append((day, quantity))
    return items


def reconcile(
    *, profile: OpenProfile, inventory_batch_id: str, settlement_batch_id: str
) -> Reconciliation:
    """Reconcile one 进销存 load with one settlement batch of the same institution.

    Settled quantities are the batch's lines whose service date falls inside the load's
    period, for the item codes the load holds (the item-code index keeps this to those
    lines, not the whole batch).

    Raises:
        InventoryBatchNotFoundError: no such load, or no such settlement batch of the
            load's institution.
    """
    with profile.read_session() as session:
        batch = session.get(InventoryBatch, inventory_batch_id)
        if batch is None or batch.deleted_at is not None:
            raise InventoryBatchNotFoundError(inventory_batch_id)
        settlement = session.get(SettlementBatch, settlement_batch_id)
        if settlement is None or settlement.institution_id != batch.institution_id:
            raise InventoryBatchNotFoundError(settlement_batch_id)
        items = _movements(session, batch.id, batch.period_start, batch.period_end)
        codes = sorted(items)
        settled: dict[str, tuple[float, int]] = {}
        if codes:
            day = func.substr(ClaimLine.service_time, 1, 10)
            query = (
                select(
                    ClaimLine.item_code,
                    func.sum(ClaimLine.quantity),
                    func.sum(ClaimLine.amount_fen),
                )
                .join(Claim, ClaimLine.claim_id == Claim.id)
                .where(
                    Claim.batch_id == settlement.id,
                    ClaimLine.item_code.in_(codes),
                    day >= batch.period_start,
                    day <= batch.period_end,
                )
                .group_by(ClaimLine.item_code)
            )
            for code, quantity, amount in session.execute(query):
                settled[code] = (float(quantity or 0.0), int(amount or 0))
        rows = []
        for code in codes:
            item = items[code]
            quantity, amount = settled.get(code, (0.0, 0))
            closing = item.closing(batch.period_start, batch.period_end)
            rows.append(
                ReconciliationRow(
                    item_code=code,
                    item_name=item.name,
                    unit=item.unit,
                    opening=item.opening(batch.period_start) or 0.0,
                    purchased=item.purchased,
                    dispensed=item.dispensed,
                    closing=closing or 0.0,
                    closing_counted=closing is not None,
                    settled=quantity,
                    settled_fen=amount,
                )
            )
        return Reconciliation(
            inventory_batch_id=batch.id,
            settlement_batch_id=settlement.id,
            institution_id=batch.institution_id,
            period_start=batch.period_start,
            period_end=batch.period_end,
            rows=rows,
        )
