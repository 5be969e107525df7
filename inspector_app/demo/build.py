"""Fill a new profile with the whole demo: reference data, casework and settlement claims."""

from __future__ import annotations

from datetime import date

import numpy as np

from inspector_app.demo.casework import add_casework
from inspector_app.demo.evidence import add_demo_evidence
from inspector_app.demo.people import unique_names
from inspector_app.demo.places import INSPECTED_HOSPITAL
from inspector_app.demo.plan import check_arguments
from inspector_app.demo.reference import add_reference_data
from inspector_app.demo.settlement import load_demo_settlement
from inspector_app.demo.summary import DemoSummary
from inspector_app.demo.task_specs import DEMO_OPENING_CODE, TASKS
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress


def build_demo(
    profile: OpenProfile, *, claims: int, seed: int, progress: Progress, today: date | None = None
) -> DemoSummary:
    """Write synthetic demo data into ``profile`` (which should be new and empty).

    Reference data and casework are committed in one transaction, the settlement batch in
    a second one (all or nothing each); the same ``seed`` gives the same names and claims.

    Raises:
        ValueError: ``claims`` or ``seed`` out of range (see ``plan_batch``).
        Cancelled: ``progress`` was cancelled during the settlement load, which left nothing.
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
    progress.finish()
    settlement = load_demo_settlement(
        profile, institution_code=INSPECTED_HOSPITAL, claims=claims, seed=seed, progress=progress
    )
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
    )
