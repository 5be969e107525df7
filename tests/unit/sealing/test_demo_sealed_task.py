"""The demo's sealed task is sealed for real and opens with the published demo code."""

from __future__ import annotations

from sqlalchemy import select

from inspector_app.demo import build_demo
from inspector_app.demo.task_specs import DEMO_OPENING_CODE, SEALED_TARGET
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.sealing.opening import open_sealed_task
from inspector_app.services.followup import followup_view
from inspector_app.services.overview import inspection_overview
from local_db.enums import TaskOrigin
from local_db.models import ArrivalRecord, CaseFile, InspectionTask, Institution


def test_demo_sealed_task_opens_with_the_demo_code_and_follow_up_lists_findings(
    profile: OpenProfile,
) -> None:
    summary = build_demo(profile, claims=1_000, seed=3, progress=Progress())
    assert any(DEMO_OPENING_CODE in line for line in summary.lines())
    with profile.read_session() as s:
        sealed = s.scalars(select(InspectionTask).where(InspectionTask.sealed)).one()
        follow_up = s.scalars(
            select(InspectionTask).where(InspectionTask.origin == TaskOrigin.FOLLOW_UP)
        ).one()
        target = select(Institution).where(Institution.code == SEALED_TARGET["code"])
        assert s.scalar(target) is None
        arrivals = s.scalar(select(ArrivalRecord.id).limit(1))
        cases = len(s.scalars(select(CaseFile.id)).all())
        assert arrivals is not None and cases == len(s.scalars(select(ArrivalRecord.id)).all())
        sealed_id, follow_up_id = sealed.id, follow_up.id
    assert inspection_overview(profile=profile, task_id=sealed_id).viewer_is_leader
    opened = open_sealed_task(
        profile=profile, task_id=sealed_id, opening_code=DEMO_OPENING_CODE, location=None
    )
    assert opened.institution_name == SEALED_TARGET["name"] and len(opened.leads) == 2
    view = followup_view(profile=profile, task_id=follow_up_id)
    assert view is not None and [r.title for r in view.rows] == ["串换药品"]
