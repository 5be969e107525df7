"""Generate a demo settlement batch for one institution and load it through the bulk loader.

This is the adapter between the Qt-free core and ``local_db``: it plans the batch, feeds
the loader chunk by chunk inside one session transaction and turns ``Progress`` into the
loader's plain ``on_rows`` callback. A cancellation raised by ``progress.advance`` rolls
the whole batch back.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from inspector_app.demo.places import COUNTIES
from inspector_app.demo.plan import GENERATOR_VERSION, BatchPlan, check_arguments, plan_batch
from inspector_app.demo.rows import chunk_rows
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.ids import new_id
from local_db.models import CaseFile, InspectionTask, Institution, SettlementBatch
from local_db.settlement_load import RowChunk, load_batch, next_claim_id, release_wal
from local_db.types import utc_now


class MissingInstitutionError(LookupError):
    """The profile has no institution with the requested code (create the demo first)."""


@dataclass(frozen=True)
class SettlementSummary:
    """What a demo settlement load wrote."""

    batch_id: str
    institution_name: str
    claims: int
    lines: int
    planted: int
    total_fen: int
    seconds: float


def _rows(plan: BatchPlan, *, batch_id: str, first_claim_id: int) -> Iterator[RowChunk]:
    for start, stop in plan.chunks:
        yield chunk_rows(plan, start, stop, batch_id=batch_id, first_claim_id=first_claim_id)


def describe_source(*, claims: int, seed: int, institution_code: str) -> str:
    """The batch's ``source``: enough to regenerate exactly the same rows."""
    return f"demo:{GENERATOR_VERSION}:institution={institution_code}:claims={claims}:seed={seed}"


def load_demo_settlement(
    profile: OpenProfile, *, institution_code: str, claims: int, seed: int, progress: Progress
) -> SettlementSummary:
    """Generate ``claims`` claims for the institution and load them as one batch.

    Raises:
        MissingInstitutionError: no institution with ``institution_code`` in the profile.
        ValueError: ``claims`` out of range (see ``plan_batch``).
        Cancelled: ``progress`` was cancelled; nothing was written.
    """
    started = time.perf_counter()
    check_arguments(claims=claims, seed=seed)
    with profile.read_session() as session:
        institution = session.scalar(select(Institution).filter_by(code=institution_code))
        if institution is None:
            raise MissingInstitutionError(institution_code)
        case_id = session.scalar(
            select(CaseFile.id)
            .join(InspectionTask, CaseFile.task_id == InspectionTask.id)
            .where(InspectionTask.institution_id == institution.id)
        )
    progress.start(_("Planning synthetic settlement data"))
    regions = np.array([int(code) for code, _name in COUNTIES], dtype=np.int64)
    plan = plan_batch(
        claims=claims, seed=seed, regions=regions, doctor_prefix=f"D{institution.region_code}"
    )
    source = describe_source(claims=claims, seed=seed, institution_code=institution_code)
    period_start, period_end = plan.period
    batch = SettlementBatch(
        id=new_id(), institution_id=institution.id, case_id=case_id, source=source,
        source_sha256=hashlib.sha256(source.encode()).hexdigest(),
        period_start=period_start, period_end=period_end, loaded_at=utc_now(),
    )  # fmt: skip
    progress.start(_("Loading settlement claims"), total=claims)
    with profile.session() as session:
        first_id = next_claim_id(session)
        chunks = _rows(plan, batch_id=batch.id, first_claim_id=first_id)
        result = load_batch(session, batch=batch, chunks=chunks, on_rows=progress.advance)
        profile.audit(
            session, "settlement.loaded", entity="settlement_batch", entity_id=batch.id,
            detail=source,
        )  # fmt: skip
    progress.finish()
    release_wal(profile.engine)
    return SettlementSummary(
        batch_id=batch.id,
        institution_name=institution.name,
        claims=result.claim_count,
        lines=result.line_count,
        planted=result.planted_count,
        total_fen=result.total_fen,
        seconds=time.perf_counter() - started,
    )
