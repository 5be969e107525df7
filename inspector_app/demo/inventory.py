"""Synthetic 进销存 (purchase–sale–stock) data for the inspected hospital, from its own claims.

The settled quantities of each drug and consumable per month are read back from the loaded
settlement batch; the pharmacy's records are then made to fit them: an opening count,
monthly purchases covering what was dispensed plus some stock, monthly dispensing records
equal to what was settled, and a closing count that balances. For a few items (the ground
truth, :data:`PLANTED_ITEMS` of them) purchases fall 10–30 % short of what was settled:
the fund paid for boxes the pharmacy never bought, which reconciliation must find.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, insert, select

from inspector_app.profiles import OpenProfile
from local_db.enums import InventoryMovementKind
from local_db.ids import new_id
from local_db.models import (
    Claim,
    ClaimLine,
    InventoryBatch,
    InventoryMovement,
    SettlementBatch,
)
from local_db.types import utc_now

PLANTED_ITEMS = 3
MIN_PLANTED_QUANTITY = 20
CATEGORIES = ("drug", "consumable")


@dataclass(frozen=True)
class DemoInventory:
    """What was written, and which items were planted short."""

    batch_id: str
    items: int
    movements: int
    planted_codes: tuple[str, ...]


def _settled_by_month(
    profile: OpenProfile, batch_id: str
) -> dict[str, tuple[str, str, dict[str, float]]]:
    """item code → (name, unit, {YYYY-MM: settled quantity}) for drugs and consumables."""
    month = func.substr(ClaimLine.service_time, 1, 7)
    with profile.read_session() as session:
        rows = session.execute(
            select(
                ClaimLine.item_code,
                func.max(ClaimLine.item_name),
                func.max(ClaimLine.unit),
                month,
                func.sum(ClaimLine.quantity),
            )
            .join(Claim, ClaimLine.claim_id == Claim.id)
            .where(Claim.batch_id == batch_id, ClaimLine.item_category.in_(CATEGORIES))
            .group_by(ClaimLine.item_code, month)
        ).all()
    items: dict[str, tuple[str, str, dict[str, float]]] = {}
    for code, name, unit, period, quantity in rows:
        entry = items.setdefault(code, (name, unit, {}))
        entry[2][period] = float(quantity)
    return items


def _inside(day: str, start: str, end: str) -> str:
    """``day`` moved into the period (a month's records on its first or last day)."""
    return min(max(day, start), end)


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Whole units summing to ``total`` in proportion to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    shares = [total * weight / weight_sum for weight in weights]
    whole = [int(np.floor(share)) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (whole[i] - shares[i], i))
    for i in order[: total - sum(whole)]:
        whole[i] += 1
    return whole


def add_demo_inventory(
    profile: OpenProfile, *, settlement_batch_id: str, seed: int
) -> DemoInventory | None:
    """Write a 进销存 load matching ``settlement_batch_id``; None when it has no drugs."""
    with profile.read_session() as session:
        settlement = session.get(SettlementBatch, settlement_batch_id)
        if settlement is None:
            raise LookupError(settlement_batch_id)
        institution_id, case_id = settlement.institution_id, settlement.case_id
        start, end = settlement.period_start, settlement.period_end
    items = _settled_by_month(profile, settlement_batch_id)
    if not items:
        return None
    rng = np.random.default_rng([seed, 4])
    codes = sorted(items)
    # Planted among items settled often enough that a 10–30 % shortfall is whole boxes.
    candidates = [code for code in codes if sum(items[code][2].values()) >= MIN_PLANTED_QUANTITY]
    planted = (
        tuple(
            sorted(
                str(code)
                for code in rng.choice(
                    candidates, size=min(PLANTED_ITEMS, len(candidates)), replace=False
                )
            )
        )
        if candidates
        else ()
    )
    batch_id = new_id()
    rows: list[dict[str, object]] = []

    def add(kind: InventoryMovementKind, code: str, day: str, quantity: float, ref: str) -> None:
        name, unit, _months = items[code]
        rows.append(
            {
                "batch_id": batch_id, "kind": kind.value, "item_code": code,
                "item_name": name, "unit": unit, "movement_date": day,
                "quantity": quantity, "amount_fen": None, "reference": ref,
            }
        )  # fmt: skip

    for number, code in enumerate(codes):
        _name, _unit, months = items[code]
        settled = sum(months.values())
        short = code in planted
        opening = float(rng.integers(0, 5 if short else 50))
        # Purchases cover the settled quantity plus 0–20 % spare, or fall short when planted.
        factor = rng.uniform(0.7, 0.9) if short else rng.uniform(1.0, 1.2)
        wanted = settled * factor - opening
        needed = int(np.floor(wanted) if short else np.ceil(wanted))
        add(InventoryMovementKind.OPENING_STOCK, code, start, opening, "盘点-期初")
        periods = sorted(months)
        purchases = _apportion(max(needed, 0), [months[period] for period in periods])
        purchased = float(sum(purchases))
        for index, (period, purchase) in enumerate(zip(periods, purchases, strict=True)):
            if purchase > 0:
                bought_on = _inside(f"{period}-05", start, end)
                add(
                    InventoryMovementKind.PURCHASE, code, bought_on, purchase,
                    f"CG{period.replace('-', '')}{number:03d}{index:02d}",
                )  # fmt: skip
            dispensed_on = _inside(f"{period}-28", start, end)
            add(
                InventoryMovementKind.DISPENSED, code, dispensed_on, months[period],
                f"FY{period.replace('-', '')}{number:03d}",
            )  # fmt: skip
        closing = max(opening + purchased - settled, 0.0)
        add(InventoryMovementKind.CLOSING_STOCK, code, end, float(np.floor(closing)), "盘点-期末")
    sources = [{"role": "demo", "name": "demo:inventory", "rows": len(rows)}]
    with profile.session() as session:
        session.add(
            InventoryBatch(
                id=batch_id, institution_id=institution_id, case_id=case_id,
                period_start=start, period_end=end, sources=json.dumps(sources),
                movement_count=len(rows), loaded_at=utc_now(),
            )
        )  # fmt: skip
        session.flush()
        session.execute(insert(InventoryMovement), rows)
    return DemoInventory(
        batch_id=batch_id, items=len(codes), movements=len(rows), planted_codes=planted
    )
