"""Task life cycle: creation, arrival, on site → drafting, closing refused, history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from inspector_app.casework.access import NotAllowedError
from inspector_app.profiles import OpenProfile
from inspector_app.sealing.opening import open_sealed_task
from inspector_app.services.arrival import (
    ENFORCEMENT_IDS,
    INSPECTION_NOTICE,
    Representative,
    document_label,
    record_arrival,
)
from inspector_app.services.case_history import case_history, describe_action
from inspector_app.services.overview import inspection_overview
from inspector_app.services.task_leads import WhistleblowerIdentityError
from inspector_app.services.task_status import close_task, finish_on_site_work
from local_db.enums import TaskOrigin, TaskStatus, TaskType
from local_db.models import AuditLogEntry, InspectionTask
from tests.unit.tasks.world import World, create_plain, create_sealed, make_world, task_row

ARRIVED = datetime(2026, 5, 6, 1, 5, tzinfo=UTC)
HEAD = Representative("赵院长", "法定代表人")


def _arrive(profile: OpenProfile, world: World, task_id: str, **changes: object) -> None:
    fields: dict[str, object] = {
        "profile": profile, "task_id": task_id, "arrived_at": ARRIVED,
        "team_present": [world.leader, world.member], "representatives": [HEAD],
        "documents_shown": [ENFORCEMENT_IDS, INSPECTION_NOTICE, "营业执照复印件"],
        "location": "药房营业厅", "notes": "",
    }  # fmt: skip
    fields.update(changes)
    record_arrival(**fields)  # type: ignore[arg-type]


def test_a_task_is_created_assigned_with_its_team_and_leads(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_plain(profile, world, leads=["核对进销存", {"topic": "价格", "text": "公示"}])
    assert created.task_number == "JC2026-L001" and created.opening_code is None
    overview = inspection_overview(profile=profile, task_id=created.task_id)
    assert overview.task.status is TaskStatus.ASSIGNED
    assert overview.leads == ["核对进销存", "价格：公示"]
    assert [m.name for m in overview.team][:2] == ["沈组长", "林检查"]
    assert overview.viewer_is_leader and overview.case is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"leads": [{"text": "收购药品", "name": "举报人"}]}, "identity"),
        ({"leads": ["举报人电话13912345678"]}, "phone or ID-card"),
        ({"leads": ["身份证号110105194912310021"]}, "phone or ID-card"),
    ],
)
def test_a_whistleblower_identity_is_refused(
    profile: OpenProfile, changes: dict[str, object], message: str
) -> None:
    world = make_world(profile)
    with pytest.raises(WhistleblowerIdentityError, match=message):
        create_plain(profile, world, **changes)
    with profile.read_session() as s:
        assert s.scalars(select(InspectionTask.title)).all() == ["平安药房交叉检查"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": " "}, "title"),
        ({"institution_id": None}, "institution"),
        ({"origin": TaskOrigin.FOLLOW_UP}, "earlier case"),
        ({"team": []}, "exactly one team leader"),
    ],
)
def test_invalid_tasks_are_refused_with_a_reason(
    profile: OpenProfile, changes: dict[str, object], message: str
) -> None:
    world = make_world(profile)
    with pytest.raises(ValueError, match=message):
        create_plain(profile, world, **changes)


def test_arrival_opens_the_case_and_puts_the_task_on_site(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_plain(profile, world)
    _arrive(profile, world, created.task_id)
    overview = inspection_overview(profile=profile, task_id=created.task_id)
    assert overview.task.status is TaskStatus.ON_SITE
    assert overview.case is not None and overview.case.number == "AJ2026-L001"
    arrival = overview.arrival
    assert arrival is not None and arrival.arrived_at == ARRIVED
    assert arrival.team_present == [world.leader, world.member]
    assert arrival.representatives == [HEAD]
    assert [document_label(d) for d in arrival.documents_shown] == [
        "Enforcement ID cards", "Inspection notice", "营业执照复印件",
    ]  # fmt: skip
    # Correcting the arrival keeps one record.
    _arrive(profile, world, created.task_id, notes="补记")
    again = inspection_overview(profile=profile, task_id=created.task_id)
    assert again.arrival is not None and again.arrival.notes == "补记"


def test_arrival_needs_two_team_members_and_an_opened_seal(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_plain(profile, world)
    with pytest.raises(ValueError, match="At least two"):
        _arrive(profile, world, created.task_id, team_present=[world.leader])
    with pytest.raises(ValueError, match="Only members"):
        _arrive(profile, world, created.task_id, team_present=[world.leader, "someone"])
    sealed = create_sealed(profile, world)
    with pytest.raises(NotAllowedError, match="Open the sealed task first"):
        _arrive(profile, world, sealed.task_id)


def test_a_social_supervisor_cannot_record_or_see_leads(profile: OpenProfile) -> None:
    world = make_world(profile, user_is="supervisor")
    created = create_plain(profile, world, leads=["核对进销存"])
    overview = inspection_overview(profile=profile, task_id=created.task_id)
    assert not overview.viewer_can_record and overview.leads == []
    with pytest.raises(NotAllowedError):
        _arrive(profile, world, created.task_id)


def test_status_moves_forward_and_closing_waits_for_signed_documents(
    profile: OpenProfile,
) -> None:
    world = make_world(profile)
    created = create_plain(profile, world)
    with pytest.raises(NotAllowedError, match="on site"):
        finish_on_site_work(profile=profile, task_id=created.task_id)
    _arrive(profile, world, created.task_id)
    assert finish_on_site_work(profile=profile, task_id=created.task_id) is TaskStatus.DRAFTING
    with pytest.raises(NotAllowedError, match="signatures are still missing"):
        close_task(profile=profile, task_id=created.task_id)
    assert task_row(profile, created.task_id).status is TaskStatus.DRAFTING
    with pytest.raises(NotAllowedError, match="on-site phase"):
        _arrive(profile, world, created.task_id)


def test_only_the_leader_finishes_on_site_work(profile: OpenProfile) -> None:
    world = make_world(profile, user_is="member")
    created = create_plain(profile, world)
    _arrive(profile, world, created.task_id)
    with pytest.raises(NotAllowedError, match="team leader"):
        finish_on_site_work(profile=profile, task_id=created.task_id)


def test_history_lists_every_change_in_order_with_words(profile: OpenProfile) -> None:
    world = make_world(profile)
    sealed = create_sealed(profile, world)
    assert sealed.opening_code is not None
    opened = open_sealed_task(profile=profile, task_id=sealed.task_id,
                              opening_code=sealed.opening_code, location=None)  # fmt: skip
    _arrive(profile, world, sealed.task_id)
    finish_on_site_work(profile=profile, task_id=sealed.task_id)
    with profile.session() as s:
        profile.audit(s, "checklist.answered", case_id=opened.case_id)
    rows = case_history(profile=profile, case_id=opened.case_id)
    # The task's own entries from before the case existed come first.
    assert [r.action for r in rows] == [
        "task.created", "case.opened", "task.opened", "task.on_site", "arrival.recorded",
        "task.drafting", "checklist.answered",
    ]  # fmt: skip
    assert rows[1].description == f"Case file {opened.case_number} opened"
    assert rows[2].description == "Sealed task opened on site"
    assert rows[-1].description == "checklist.answered"  # unknown codes shown as stored
    assert {r.actor_name for r in rows} == {"测试检查员"}
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    assert describe_action("rectification.set", "partly_rectified") == (
        "Follow-up check of an earlier finding recorded: Partly rectified"
    )


def test_every_transition_is_audited_under_the_case(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_plain(profile, world)
    _arrive(profile, world, created.task_id)
    finish_on_site_work(profile=profile, task_id=created.task_id)
    with profile.read_session() as s:
        entries = s.scalars(select(AuditLogEntry).where(AuditLogEntry.action.like("task.%"))).all()
    moves = [(e.action, e.detail) for e in entries if e.case_id is not None]
    assert moves == [("task.on_site", "assigned->on_site"), ("task.drafting", "on_site->drafting")]


def test_task_type_and_origin_are_stored(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_plain(profile, world, task_type=TaskType.KEY,
                           origin=TaskOrigin.WHISTLEBLOWER_TIP)  # fmt: skip
    task = task_row(profile, created.task_id)
    assert (task.task_type, task.origin) == (TaskType.KEY, TaskOrigin.WHISTLEBLOWER_TIP)
