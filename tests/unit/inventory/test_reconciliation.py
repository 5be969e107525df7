"""进销存 reconciliation: available = opening + purchases − closing, against settled quantities."""

from __future__ import annotations

import pytest

from inspector_app.inventory.reconciliation import InventoryBatchNotFoundError, reconcile
from inspector_app.profiles import OpenProfile
from tests.unit.inventory.world import (
    CLOSING,
    DISPENSED,
    OPENING,
    PURCHASE,
    add_institution,
    add_inventory,
    settle,
)


def test_excess_is_settled_beyond_what_could_have_left_the_shelves(profile: OpenProfile) -> None:
    pharmacy = add_institution(profile, "P1")
    other = add_institution(profile, "P2")
    settlement = settle(profile, pharmacy, [
        ("A", "2025-01-10", 30, 3_000), ("A", "2025-02-10", 30, 3_000),
        ("A", "2025-04-02", 50, 5_000),  # after the period: not counted
        ("B", "2025-03-01", 10, 2_500),
        ("C", "2025-03-31", 7, 700),  # last day of the period counts
    ])  # fmt: skip
    settle(profile, other, [("A", "2025-01-10", 500, 50_000)])  # another institution
    batch = add_inventory(profile, pharmacy, [
        (OPENING, "A", "2025-01-01", 5), (PURCHASE, "A", "2025-01-05", 40),
        (DISPENSED, "A", "2025-01-31", 45), (CLOSING, "A", "2025-03-31", 5),
        (OPENING, "B", "2025-01-01", 2), (PURCHASE, "B", "2025-02-01", 20),
        (CLOSING, "B", "2025-03-31", 12), (DISPENSED, "B", "2025-03-31", 10),
        (PURCHASE, "C", "2025-02-01", 3.5),
    ])  # fmt: skip
    result = reconcile(profile=profile, inventory_batch_id=batch, settlement_batch_id=settlement)
    rows = {row.item_code: row for row in result.rows}
    # A: available 5 + 40 − 5 = 40, settled 60 → 20 boxes over, at ¥1.00 each.
    assert rows["A"].settled == 60 and rows["A"].available == 40
    assert rows["A"].excess == 20 and rows["A"].excess_fen == 2_000
    assert rows["A"].settled_beyond_dispensed == 15
    # B: available 2 + 20 − 12 = 10, settled 10 → balanced.
    assert rows["B"].excess == 0 and rows["B"].excess_fen == 0
    # C: no counts at all; 3.5 bought, 7 settled → 3.5 over (a lower bound: no closing count).
    assert rows["C"].excess == 3.5 and rows["C"].excess_fen == 350
    assert not rows["C"].closing_counted and rows["A"].closing_counted
    assert [row.item_code for row in result.flagged] == ["A", "C"]
    assert result.excess_fen == 2_350


def test_only_the_period_and_one_settlement_batch_count(profile: OpenProfile) -> None:
    """Dated records outside the period, several counts and a re-import change nothing."""
    pharmacy = add_institution(profile, "P3")
    first = settle(profile, pharmacy, [("A", "2025-02-10", 30, 3_000)])
    settle(profile, pharmacy, [("A", "2025-02-10", 30, 3_000)])  # the same claims again
    batch = add_inventory(profile, pharmacy, [
        (OPENING, "A", "2024-12-31", 10), (PURCHASE, "A", "2025-01-05", 10),
        (PURCHASE, "A", "2025-06-01", 100),  # after the period
        (CLOSING, "A", "2025-01-31", 15), (CLOSING, "A", "2025-02-28", 10),
        (CLOSING, "A", "2025-03-31", 10),  # the period's closing count
        (DISPENSED, "A", "2025-04-02", 99),  # after the period
    ])  # fmt: skip
    row = reconcile(profile=profile, inventory_batch_id=batch, settlement_batch_id=first).rows[0]
    assert (row.opening, row.purchased, row.closing, row.dispensed) == (10, 10, 10, 0)
    assert row.available == 10 and row.settled == 30
    assert row.excess == 20 and row.excess_fen == 2_000


def test_unknown_batch_is_refused(profile: OpenProfile) -> None:
    pharmacy = add_institution(profile, "P4")
    settlement = settle(profile, pharmacy, [("A", "2025-02-10", 1, 100)])
    with pytest.raises(InventoryBatchNotFoundError):
        reconcile(profile=profile, inventory_batch_id="nope", settlement_batch_id=settlement)
    other = add_institution(profile, "P5")
    batch = add_inventory(profile, other, [(PURCHASE, "A", "2025-01-05", 1)])
    with pytest.raises(InventoryBatchNotFoundError):  # another institution's settlements
        reconcile(profile=profile, inventory_batch_id=batch, settlement_batch_id=settlement)


def test_the_demo_items_purchased_short_are_exactly_the_ones_flagged(
    profile: OpenProfile,
) -> None:
    from sqlalchemy import select

    from inspector_app.demo import build_demo
    from inspector_app.demo.inventory import PLANTED_ITEMS, add_demo_inventory
    from inspector_app.progress import Progress
    from local_db.models import InventoryBatch

    summary = build_demo(profile, claims=600, seed=11, progress=Progress(), seal=False)
    with profile.read_session() as session:
        built = session.scalars(select(InventoryBatch.id)).all()
    assert len(built) == 1  # the demo build writes one 进销存 load for the inspected hospital
    # The same generation again (same seed) tells which items were planted short.
    again = add_demo_inventory(profile, settlement_batch_id=summary.settlement.batch_id, seed=11)
    assert again is not None and len(again.planted_codes) == PLANTED_ITEMS
    result = reconcile(
        profile=profile, inventory_batch_id=built[0],
        settlement_batch_id=summary.settlement.batch_id,
    )  # fmt: skip
    assert {row.item_code for row in result.flagged} == set(again.planted_codes)
    assert all(row.excess_fen > 0 for row in result.flagged)
    assert result.rows and len(result.rows) == again.items
