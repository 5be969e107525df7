"""Loading a demo batch is all or nothing: a cancellation or a bad chunk leaves no trace."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from inspector_app.demo import build_demo, load_demo_settlement, partner_claims
from inspector_app.demo.places import INSPECTED_HOSPITAL
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Cancelled, Progress
from local_db.base import Base
from local_db.ids import new_id
from local_db.models import (
    AuditLogEntry,
    Claim,
    ClaimLine,
    Institution,
    OutboxEntry,
    PlantedIrregularity,
    SettlementBatch,
)
from local_db.settlement_load import CLAIM_COLUMNS, RowChunk, load_batch, next_claim_id
from local_db.types import utc_now

CLAIMS = 600


def _counts(profile: OpenProfile) -> dict[str, int]:
    models: list[type[Base]] = [
        SettlementBatch, Claim, ClaimLine, PlantedIrregularity, OutboxEntry, AuditLogEntry,
    ]  # fmt: skip
    with profile.read_session() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in models
        }


class CancelAtFirstReport(Progress):
    """Cancels as soon as the loader reports its first chunk (rows already inserted)."""

    def advance(self, amount: int = 1) -> None:
        self.cancel()
        super().advance(amount)


def test_cancelling_during_the_load_rolls_everything_back(profile: OpenProfile) -> None:
    build_demo(profile, claims=CLAIMS, seed=5, progress=Progress(), seal=False)
    before = _counts(profile)
    with pytest.raises(Cancelled):
        load_demo_settlement(
            profile, institution_code=INSPECTED_HOSPITAL, claims=CLAIMS, seed=6,
            progress=CancelAtFirstReport(),
        )  # fmt: skip
    assert _counts(profile) == before


def test_a_failure_after_rows_were_inserted_leaves_nothing(profile: OpenProfile) -> None:
    build_demo(profile, claims=CLAIMS, seed=5, progress=Progress(), seal=False)
    before = _counts(profile)
    with profile.read_session() as session:
        institution_id = session.scalars(select(Institution.id)).first()
        template = session.scalars(select(Claim).limit(1)).one()
    row = [getattr(template, column) for column in CLAIM_COLUMNS]
    with pytest.raises(ValueError, match="another batch"), profile.session() as session:
        batch = SettlementBatch(
            id=new_id(), institution_id=institution_id, source="test", source_sha256="0" * 64,
            period_start="2025-01-01", period_end="2025-12-31", loaded_at=utc_now(),
        )  # fmt: skip
        first_id = next_claim_id(session)
        ours = (first_id, batch.id, "S-1", *row[3:])
        stranger = (first_id + 1, "another-batch", "S-2", *row[3:])
        chunks = [RowChunk(claims=[ours], lines=[]), RowChunk(claims=[stranger], lines=[])]
        load_batch(session, batch=batch, chunks=chunks)
    assert _counts(profile) == before


def test_claim_ids_continue_after_the_existing_ones(profile: OpenProfile) -> None:
    build_demo(profile, claims=CLAIMS, seed=5, progress=Progress(), seal=False)
    load_demo_settlement(
        profile, institution_code=INSPECTED_HOSPITAL, claims=CLAIMS, seed=7, progress=Progress()
    )
    with profile.read_session() as session:
        ids = session.scalars(select(Claim.id).order_by(Claim.id)).all()
        lines_without_claim = session.scalar(
            select(func.count()).select_from(ClaimLine).where(ClaimLine.claim_id.not_in(ids))
        )
    # The demo build loads the inspected hospital's batch and its partner's, then this one.
    assert ids == list(range(1, 2 * CLAIMS + partner_claims(CLAIMS) + 1))
    assert lines_without_claim == 0


def test_a_row_naming_another_existing_batch_is_refused_wherever_it_is(
    profile: OpenProfile,
) -> None:
    build_demo(profile, claims=CLAIMS, seed=5, progress=Progress(), seal=False)
    before = _counts(profile)
    with profile.read_session() as session:
        institution_id = session.scalars(select(Institution.id)).first()
        template = session.scalars(select(Claim).limit(1)).one()
        existing_batch = session.scalars(select(SettlementBatch.id)).first()
    row = [getattr(template, column) for column in CLAIM_COLUMNS]
    with pytest.raises(ValueError, match="another batch"), profile.session() as session:
        batch = SettlementBatch(
            id=new_id(), institution_id=institution_id, source="test", source_sha256="0" * 64,
            period_start="2025-01-01", period_end="2025-12-31", loaded_at=utc_now(),
        )  # fmt: skip
        first_id = next_claim_id(session)
        ours = (first_id, batch.id, "S-1", *row[3:])
        theirs = (first_id + 1, existing_batch, "S-2", *row[3:])  # second row, same chunk
        load_batch(session, batch=batch, chunks=[RowChunk(claims=[ours, theirs], lines=[])])
    assert _counts(profile) == before
