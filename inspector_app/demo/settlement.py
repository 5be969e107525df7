"""Generate a demo settlement batch for one institution and load it through the bulk loader.

This is the adapter between the Qt-free core and ``local_db``: it plans the batch, feeds
the loader chunk by chunk inside one session transaction and turns ``Progress`` into the
loader's plain ``on_rows`` callback. A cancellation raised by ``progress.advance`` rolls
the whole batch back. The batch's recorded deaths (the civil-affairs data the "care after
death" rule reads) and, if missing, the demo catalogue are written in the same transaction.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inspector_app.demo.places import COUNTIES
from inspector_app.demo.plan import GENERATOR_VERSION, BatchPlan, check_arguments, plan_batch
from inspector_app.demo.reference import ensure_demo_catalogue
from inspector_app.demo.rows import chunk_rows
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.ids import new_id
from local_db.models import CaseFile, DeathRecord, InspectionTask, Institution, SettlementBatch
from local_db.settlement_load import RowChunk, load_batch, next_claim_id, release_wal
from local_db.types import utc_now

DEATH_SOURCE = "demo: synthetic civil-affairs data exchange"


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
    first_claim_id: int = 0


@dataclass(frozen=True)
class DemoTarget:
    """The institution a batch is generated for, and the case its data belongs to."""

    id: str
    code: str
    name: str
    region_code: str
    level: str
    case_id: str | None


def find_target(profile: OpenProfile, institution_code: str) -> DemoTarget:
    """The institution with ``institution_code`` and its inspection case, if any.

    Raises:
        MissingInstitutionError: no institution with that code in the profile.
    """
    with profile.read_session() as session:
        institution = session.scalar(select(Institution).filter_by(code=institution_code))
        if institution is None:
            raise MissingInstitutionError(institution_code)
        case_id = session.scalar(
            select(CaseFile.id)
            .join(InspectionTask, CaseFile.task_id == InspectionTask.id)
            .where(InspectionTask.institution_id == institution.id)
        )
        return DemoTarget(
            id=institution.id,
            code=institution.code,
            name=institution.name,
            region_code=institution.region_code,
            level=institution.level.value,
            case_id=case_id,
        )


def plan_for(
    target: DemoTarget,
    *,
    claims: int,
    seed: int,
    patient_serial_offset: int = 0,
    lender: BatchPlan | None = None,
) -> BatchPlan:
    """The plan of ``claims`` claims for ``target`` (its level decides what it may bill)."""
    regions = np.array([int(code) for code, _name in COUNTIES], dtype=np.int64)
    return plan_batch(
        claims=claims,
        seed=seed,
        regions=regions,
        doctor_prefix=f"D{target.region_code}",
        level=target.level,
        patient_serial_offset=patient_serial_offset,
        lender=lender,
    )


def _rows(
    plan: BatchPlan, *, batch_id: str, first_claim_id: int, other_first_claim_id: int | None
) -> Iterator[RowChunk]:
    for start, stop in plan.chunks:
        yield chunk_rows(
            plan, start, stop, batch_id=batch_id, first_claim_id=first_claim_id,
            other_first_claim_id=other_first_claim_id,
        )  # fmt: skip


def describe_source(*, claims: int, seed: int, institution_code: str, lender: str = "") -> str:
    """The batch's ``source``: enough to regenerate exactly the same rows."""
    text = f"demo:{GENERATOR_VERSION}:institution={institution_code}:claims={claims}:seed={seed}"
    return f"{text}:lender=({lender})" if lender else text


def _write_deaths(session: Session, plan: BatchPlan) -> None:
    deaths = plan.deaths()
    if deaths:
        session.execute(
            insert(DeathRecord),
            [
                {"id_no": number, "death_date": day, "source": DEATH_SOURCE}
                for number, day in deaths
            ],
        )


def load_plan(
    profile: OpenProfile,
    *,
    plan: BatchPlan,
    target: DemoTarget,
    source: str,
    progress: Progress,
    first_claim_id: int | None = None,
    other_first_claim_id: int | None = None,
) -> SettlementSummary:
    """Load a planned batch for ``target`` as one transaction.

    ``first_claim_id``, when given, is where the caller expects the batch's claim ids to
    start (the other batch of a pair already names them in its ground truth).

    Raises:
        RuntimeError: the claim ids would not start at ``first_claim_id``.
        Cancelled: ``progress`` was cancelled; nothing was written.
    """
    started = time.perf_counter()
    period_start, period_end = plan.period
    batch = SettlementBatch(
        id=new_id(), institution_id=target.id, case_id=target.case_id, source=source,
        source_sha256=hashlib.sha256(source.encode()).hexdigest(),
        period_start=period_start, period_end=period_end, loaded_at=utc_now(),
    )  # fmt: skip
    progress.start(_("Loading settlement claims"), total=plan.count)
    with profile.session() as session:
        first_id = next_claim_id(session)
        if first_claim_id is not None and first_id != first_claim_id:
            raise RuntimeError("claims were added while the demo batches were loading")
        ensure_demo_catalogue(session)
        chunks = _rows(
            plan, batch_id=batch.id, first_claim_id=first_id,
            other_first_claim_id=other_first_claim_id,
        )  # fmt: skip
        result = load_batch(session, batch=batch, chunks=chunks, on_rows=progress.advance)
        _write_deaths(session, plan)
        profile.audit(
            session, "settlement.loaded", entity="settlement_batch", entity_id=batch.id,
            detail=source,
        )  # fmt: skip
    progress.finish()
    release_wal(profile.engine)
    return SettlementSummary(
        batch_id=batch.id,
        institution_name=target.name,
        claims=result.claim_count,
        lines=result.line_count,
        planted=result.planted_count,
        total_fen=result.total_fen,
        seconds=time.perf_counter() - started,
        first_claim_id=first_id,
    )


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
    target = find_target(profile, institution_code)
    progress.start(_("Planning synthetic settlement data"))
    plan = plan_for(target, claims=claims, seed=seed)
    source = describe_source(claims=claims, seed=seed, institution_code=institution_code)
    summary = load_plan(profile, plan=plan, target=target, source=source, progress=progress)
    return SettlementSummary(
        batch_id=summary.batch_id,
        institution_name=summary.institution_name,
        claims=summary.claims,
        lines=summary.lines,
        planted=summary.planted,
        total_fen=summary.total_fen,
        seconds=time.perf_counter() - started,
        first_claim_id=summary.first_claim_id,
    )
