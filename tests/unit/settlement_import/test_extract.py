"""A batch's rows as an extract: loaded elsewhere they are the same rows, the bytes depend
only on the rows, and a damaged or foreign extract is refused with nothing loaded."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from sqlalchemy import func, select

from inspector_app.profiles import OpenProfile
from inspector_app.settlement_import.extract import (
    ExtractError,
    has_rows,
    load_extract,
    write_extract,
)
from inspector_app.settlement_import.inventory_extract import (
    load_inventory_extract,
    write_inventory_extract,
)
from local_db.ids import new_id
from local_db.models import Claim, ClaimLine, InventoryBatch, InventoryMovement, SettlementBatch
from local_db.types import utc_now


def _first_batch(profile: OpenProfile) -> str:
    with profile.read_session() as session:
        batch_id = session.scalars(select(SettlementBatch.id).order_by(SettlementBatch.id)).first()
    assert batch_id is not None
    return batch_id


def _extract(profile: OpenProfile, batch_id: str) -> bytes:
    with profile.read_session() as session:
        batch = session.get(SettlementBatch, batch_id)
        assert batch is not None
        return write_extract(session, batch)


def _empty_batch_like(profile: OpenProfile, batch_id: str) -> str:
    """A second batch of the same institution without rows (as on a laptop that received it)."""
    with profile.session() as session:
        source = session.get(SettlementBatch, batch_id)
        assert source is not None
        copy = SettlementBatch(
            id=new_id(), institution_id=source.institution_id, source="copy",
            source_sha256="", period_start=source.period_start,
            period_end=source.period_end, loaded_at=utc_now(),
        )  # fmt: skip
        session.add(copy)
        return copy.id


def _for_batch(extract: bytes, batch_id: str) -> bytes:
    """The same extract, its header naming another batch (written as write_extract does)."""
    header, rest = gzip.decompress(extract).split(b"\n", 1)
    fields = json.loads(header)
    fields["batch_id"] = batch_id
    line = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as packed:
        packed.write(line + rest)
    return buffer.getvalue()


def _rows(profile: OpenProfile, batch_id: str) -> list[tuple[object, ...]]:
    with profile.read_session() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(
                    Claim.settlement_no,
                    Claim.patient_name,
                    Claim.fund_fen,
                    ClaimLine.line_no,
                    ClaimLine.item_code,
                    ClaimLine.quantity,
                    ClaimLine.amount_fen,
                    ClaimLine.ordered_quantity,
                )
                .join(ClaimLine, ClaimLine.claim_id == Claim.id)
                .where(Claim.batch_id == batch_id)
                .order_by(Claim.id, ClaimLine.line_no)
            )
        ]


def _load(profile: OpenProfile, batch_id: str, data: bytes) -> None:
    with profile.session() as session:
        batch = session.get(SettlementBatch, batch_id)
        assert batch is not None
        load_extract(session, batch, [data[i : i + 65536] for i in range(0, len(data), 65536)])


def test_an_extract_loads_the_same_rows_and_is_written_again_byte_for_byte(
    demo_profile: OpenProfile,
) -> None:
    source = _first_batch(demo_profile)
    extract = _extract(demo_profile, source)
    assert extract == _extract(demo_profile, source)  # no time stamp, fixed order
    received = _empty_batch_like(demo_profile, source)
    moved = _for_batch(extract, received)
    _load(demo_profile, received, moved)
    assert _rows(demo_profile, received) == _rows(demo_profile, source)
    assert len(_rows(demo_profile, received)) > 1000
    assert _extract(demo_profile, received) == moved


@pytest.mark.parametrize("damage", ["flipped", "truncated", "foreign", "not gzip"])
def test_a_damaged_or_foreign_extract_loads_nothing(demo_profile: OpenProfile, damage: str) -> None:
    source = _first_batch(demo_profile)
    received = _empty_batch_like(demo_profile, source)
    good = _for_batch(_extract(demo_profile, source), received)
    broken = {
        "flipped": good[:400] + bytes([good[400] ^ 0xFF]) + good[401:],
        "truncated": good[: len(good) // 2],
        "foreign": _for_batch(good, source),
        "not gzip": b"settlement_no,patient_name\n",
    }[damage]
    with pytest.raises(ExtractError):
        _load(demo_profile, received, broken)
    with demo_profile.read_session() as session:
        assert not has_rows(session, received)
        assert session.scalar(select(func.count()).where(Claim.batch_id == received)) == 0


def test_a_jinxiaocun_extract_loads_the_same_movements(demo_profile: OpenProfile) -> None:
    with demo_profile.session() as session:
        source = session.scalars(select(InventoryBatch).order_by(InventoryBatch.id)).first()
        assert source is not None
        extract = write_inventory_extract(session, source)
        assert extract == write_inventory_extract(session, source)
        copy = InventoryBatch(
            id=new_id(), institution_id=source.institution_id, period_start=source.period_start,
            period_end=source.period_end, loaded_at=utc_now(),
        )  # fmt: skip
        session.add(copy)
        session.flush()
        with pytest.raises(ExtractError):
            load_inventory_extract(session, copy, [extract])  # names the other load
        moved = _for_batch(extract, copy.id)
        loaded = load_inventory_extract(session, copy, [moved])
        assert loaded.rows == source.movement_count > 0
        assert write_inventory_extract(session, copy) == moved

        def movements(batch_id: str) -> list[tuple[object, ...]]:
            return [
                tuple(row)
                for row in session.execute(
                    select(
                        InventoryMovement.kind,
                        InventoryMovement.item_code,
                        InventoryMovement.quantity,
                        InventoryMovement.amount_fen,
                        InventoryMovement.reference,
                    )
                    .where(InventoryMovement.batch_id == batch_id)
                    .order_by(InventoryMovement.id)
                )
            ]

        assert movements(copy.id) == movements(source.id)
