"""Follow-up checks (回头看): the earlier case's findings, each with a rectification check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from inspector_app.casework.access import NotAllowedError
from inspector_app.profiles import OpenProfile
from inspector_app.services.arrival import record_arrival
from inspector_app.services.followup import followup_view, set_rectification
from inspector_app.services.overview import inspection_overview
from local_db.enums import RectificationStatus, TaskOrigin
from local_db.models import LocalUser
from tests.unit.tasks.world import World, create_plain, make_world


def _followup(profile: OpenProfile, world: World) -> str:
    return create_plain(
        profile, world, origin=TaskOrigin.FOLLOW_UP, follows_case_id=world.earlier_case
    ).task_id


def _arrive(profile: OpenProfile, world: World, task_id: str) -> None:
    record_arrival(
        profile=profile, task_id=task_id, arrived_at=datetime(2026, 5, 6, 1, tzinfo=UTC),
        team_present=[world.leader, world.member], representatives=[], documents_shown=[],
        location="",
    )  # fmt: skip


def test_before_the_case_opens_the_findings_are_listed_without_checks(
    profile: OpenProfile,
) -> None:
    world = make_world(profile)
    task_id = _followup(profile, world)
    view = followup_view(profile=profile, task_id=task_id)
    assert view is not None and view.earlier_case_number == "AJ2025-007"
    assert view.institution_name == "隐秘县平安药房"
    # The withdrawn finding needs no rectification.
    assert [r.title for r in view.rows] == ["串换药品", "未公示价格"]
    assert all(r.check_id is None for r in view.rows) and not view.can_edit
    follows = inspection_overview(profile=profile, task_id=task_id).follows
    assert follows is not None and follows.case_number == "AJ2025-007"


def test_opening_the_case_creates_one_check_per_finding(profile: OpenProfile) -> None:
    world = make_world(profile)
    task_id = _followup(profile, world)
    _arrive(profile, world, task_id)
    view = followup_view(profile=profile, task_id=task_id)
    assert view is not None and view.can_edit
    assert [r.finding_id for r in view.rows] == list(world.earlier_findings)
    assert {r.status for r in view.rows} == {RectificationStatus.NOT_CHECKED}
    first, second = view.rows
    assert first.check_id is not None and second.check_id is not None
    set_rectification(profile=profile, check_id=first.check_id,
                      status=RectificationStatus.RECTIFIED, note="已退回违规费用")  # fmt: skip
    with pytest.raises(ValueError, match="note"):
        set_rectification(profile=profile, check_id=second.check_id,
                          status=RectificationStatus.NOT_RECTIFIED, note=" ")  # fmt: skip
    again = followup_view(profile=profile, task_id=task_id)
    assert again is not None
    assert [(r.status, r.note) for r in again.rows] == [
        (RectificationStatus.RECTIFIED, "已退回违规费用"),
        (RectificationStatus.NOT_CHECKED, ""),
    ]
    assert len({r.check_id for r in again.rows}) == 2  # viewing again adds no checks


def test_a_task_that_follows_nothing_has_no_followup_view(profile: OpenProfile) -> None:
    world = make_world(profile)
    assert followup_view(profile=profile, task_id=create_plain(profile, world).task_id) is None


def test_a_social_supervisor_cannot_set_a_rectification(profile: OpenProfile) -> None:
    world = make_world(profile)
    task_id = _followup(profile, world)
    _arrive(profile, world, task_id)
    view = followup_view(profile=profile, task_id=task_id)
    assert view is not None and view.rows[0].check_id is not None
    with profile.session() as s:
        s.get_one(LocalUser, profile.user_id).inspector_id = world.supervisor
    with pytest.raises(NotAllowedError):
        set_rectification(profile=profile, check_id=view.rows[0].check_id,
                          status=RectificationStatus.RECTIFIED, note="")  # fmt: skip
