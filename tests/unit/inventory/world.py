"""Small hand-made worlds for 进销存 tests: an institution, settled lines, a 进销存 load."""

from __future__ import annotations

from sqlalchemy import insert

from inspector_app.profiles import OpenProfile
from local_db.enums import InstitutionKind, InstitutionLevel, InventoryMovementKind
from local_db.ids import new_id
from local_db.models import Institution, InventoryBatch, InventoryMovement, Region, SettlementBatch
from local_db.settlement_load import RowChunk, load_batch, next_claim_id
from local_db.types import utc_now

OPENING, PURCHASE = InventoryMovementKind.OPENING_STOCK, InventoryMovementKind.PURCHASE
DISPENSED, CLOSING = InventoryMovementKind.DISPENSED, InventoryMovementKind.CLOSING_STOCK


def add_institution(profile: OpenProfile, code: str) -> str:
    with profile.session() as session:
        if session.get(Region, "990101") is None:
            session.add(Region(code="990101", name="示范县"))
            session.flush()
        institution = Institution(
            code=code, name=f"示范药店{code}", kind=InstitutionKind.PHARMACY,
            level=InstitutionLevel.UNGRADED, region_code="990101",
        )  # fmt: skip
        session.add(institution)
        session.flush()
        return institution.id


def settle(
    profile: OpenProfile, institution_id: str, lines: list[tuple[str, str, float, int]]
) -> str:
    """One claim per line: (item code, service date, quantity, amount in fen)."""
    with profile.session() as session:
        batch = SettlementBatch(
            id=new_id(), institution_id=institution_id, source="t", source_sha256="0" * 64,
            period_start="2025-01-01", period_end="2025-12-31", loaded_at=utc_now(),
        )  # fmt: skip
        first = next_claim_id(session)
        claims, rows = [], []
        for n, (code, day, quantity, amount) in enumerate(lines):
            claims.append((
                first + n, batch.id, f"S{first + n}", f"V{n}", "李四", "F", "1980-01-01",
                "110105198001010022", "职工", "门诊", "药房", "D1", "王", day, None, "J00",
                "感冒", amount, amount, 0, 0, f"{day} 09:00:00",
            ))  # fmt: skip
            rows.append((
                first + n, 1, code, "药品" + code, "drug", "盒", amount // max(int(quantity), 1),
                quantity, amount, "A", "D1", f"{day} 09:00:00", None, quantity,
            ))  # fmt: skip
        load_batch(session, batch=batch, chunks=[RowChunk(claims=claims, lines=rows)])
        return batch.id


def add_inventory(
    profile: OpenProfile,
    institution_id: str,
    movements: list[tuple[InventoryMovementKind, str, str, float]],
) -> str:
    with profile.session() as session:
        batch = InventoryBatch(
            institution_id=institution_id, period_start="2025-01-01", period_end="2025-03-31",
            loaded_at=utc_now(),
        )  # fmt: skip
        session.add(batch)
        session.flush()
        session.execute(
            insert(InventoryMovement),
            [
                {"batch_id": batch.id, "kind": kind.value, "item_code": code, "item_name": code,
                 "unit": "盒", "movement_date": day, "quantity": quantity}
                for kind, code, day, quantity in movements
            ],
        )  # fmt: skip
        return batch.id
