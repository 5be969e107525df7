"""Fill a new profile with the whole demo: reference data, casework and settlement claims.

Two batches are loaded: the inspected hospital's (the size asked for) and a smaller one of a
grade-2 hospital nearby, which shares some patients with the first (the same patient at two
institutions on the same day is a screening rule) and may not bill grade-3 items.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import select

from inspector_app.demo.analysis import add_demo_analysis
from inspector_app.demo.casework import add_casework
from inspector_app.demo.documents import seal_demo_cases
from inspector_app.demo.evidence import add_demo_evidence
from inspector_app.demo.inventory import add_demo_inventory
from inspector_app.demo.people import unique_names
from inspector_app.demo.places import INSPECTED_HOSPITAL, PARTNER_HOSPITAL
from inspector_app.demo.plan import MIN_CLAIMS, check_arguments
from inspector_app.demo.reference import add_reference_data
from inspector_app.demo.settlement import (
    SettlementSummary,
    describe_source,
    find_target,
    load_plan,
    plan_for,
)
from inspector_app.demo.summary import DemoSummary
from inspector_app.demo.task_specs import DEMO_OPENING_CODE, TASKS
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from local_db.models import SettlementBatch
from local_db.settlement_load import next_claim_id

PARTNER_SHARE = 10  # the partner batch has a tenth of the claims…
MAX_PARTNER_CLAIMS = 50_000  # …but no more than this, so the demo build stays fast
PARTNER_SERIAL_OFFSET = 250  # its own patients' ID numbers never meet the first batch's
PARTNER_SEED = 1  # added to the seed


def partner_claims(claims: int) -> int:
    """Claims of the partner hospital's batch when the inspected one has ``claims``."""
    return min(MAX_PARTNER_CLAIMS, max(MIN_CLAIMS, claims // PARTNER_SHARE))


def load_demo_pair(
    profile: OpenProfile, *, claims: int, seed: int, progress: Progress
) -> tuple[SettlementSummary, SettlementSummary]:
    """Load the inspected hospital's batch and the partner hospital's, which shares patients.

    Each batch is its own transaction; the partner's claim ids follow the first batch's
    directly (the ground truth of each names the other's claims).
    """
    progress.start(_("Planning synthetic settlement data"))
    first_target = find_target(profile, INSPECTED_HOSPITAL)
    partner_target = find_target(profile, PARTNER_HOSPITAL)
    first = plan_for(first_target, claims=claims, seed=seed)
    partner_seed, partner_count = seed + PARTNER_SEED, partner_claims(claims)
    partner = plan_for(
        partner_target, claims=partner_count, seed=partner_seed,
        patient_serial_offset=PARTNER_SERIAL_OFFSET, lender=first,
    )  # fmt: skip
    first_source = describe_source(claims=claims, seed=seed, institution_code=INSPECTED_HOSPITAL)
    partner_source = describe_source(
        claims=partner_count, seed=partner_seed, institution_code=PARTNER_HOSPITAL,
        lender=first_source,
    )  # fmt: skip
    with profile.read_session() as session:
        first_id = next_claim_id(session)
    loaded = load_plan(
        profile, plan=first, target=first_target, source=first_source, progress=progress,
        first_claim_id=first_id, other_first_claim_id=first_id + claims,
    )  # fmt: skip
    second = load_plan(
        profile, plan=partner, target=partner_target, source=partner_source,
        progress=progress, first_claim_id=first_id + claims, other_first_claim_id=first_id,
    )  # fmt: skip
    return loaded, second


def build_demo(
    profile: OpenProfile,
    *,
    claims: int,
    seed: int,
    progress: Progress,
    today: date | None = None,
    analysis: bool = False,
    seal: bool = True,
) -> DemoSummary:
    """Write synthetic demo data into ``profile`` (which should be new and empty).

    With ``analysis`` the inspected hospital's batch is also screened, a few flags decided
    and a sample drawn and partly reviewed (``inspector demo`` does; tests start clean).
    Without ``seal`` the cases meant to be closed stay in drafting, unsigned: the signing and
    sealing take seconds that tests about settlement data need not spend.

    Reference data and casework are committed in one transaction, each settlement batch in
    its own (all or nothing each); the same ``seed`` gives the same names and claims.

    Raises:
        ValueError: ``claims`` or ``seed`` out of range (see ``plan_batch``).
        Cancelled: ``progress`` was cancelled during a settlement load, which left nothing
            of that batch.
    """
    check_arguments(claims=claims, seed=seed)
    progress.start(_("Creating demo reference data and inspection tasks"))
    with profile.session() as session:
        reference = add_reference_data(session, seed=seed, user_id=profile.user_id)
        taken = {i.name for i in reference.inspectors}
        interviewees = unique_names(np.random.default_rng([seed, 2]), [True] * len(TASKS), taken)
        work = add_casework(
            session, reference, today=today or date.today(), interviewees=interviewees
        )
        profile.audit(session, "demo.created", detail=f"seed={seed}")
    add_demo_evidence(profile, case_id=work.on_site_case_id)
    sealed = seal_demo_cases(profile, work.to_seal) if seal else 0
    progress.finish()
    settlement, partner = load_demo_pair(profile, claims=claims, seed=seed, progress=progress)
    add_demo_inventory(profile, settlement_batch_id=settlement.batch_id, seed=seed)
    with profile.read_session() as session:
        case_id = session.scalar(
            select(SettlementBatch.case_id).where(SettlementBatch.id == settlement.batch_id)
        )
    if analysis and case_id is not None:
        add_demo_analysis(profile, batch_id=settlement.batch_id, case_id=case_id)
    return DemoSummary(
        region_name=reference.region_name,
        counties=reference.counties,
        institutions=len(reference.institutions),
        inspectors=len(reference.inspectors),
        tasks=work.tasks,
        case_files=work.case_files,
        findings=work.findings,
        user_name=reference.user_name,
        settlement=settlement,
        opening_code=DEMO_OPENING_CODE,
        other_settlements=(partner,),
        sealed_documents=sealed,
    )
