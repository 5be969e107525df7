"""Regressions for the security review of the on-site inspection (who may change a case,
what a sealed task may reveal, whistleblower identity, closed cases, odd file names)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.casework.access import NotAllowedError, case_access
from inspector_app.evidence.recording import add_evidence
from inspector_app.profiles import OpenProfile
from inspector_app.sealing.opening import open_sealed_task
from inspector_app.sealing.payload import SealedPayload
from inspector_app.services.arrival import record_arrival
from inspector_app.services.case_history import case_history
from inspector_app.services.followup import followup_view
from inspector_app.services.overview import inspection_overview
from inspector_app.services.task_admin import TaskInput, create_task
from inspector_app.services.task_leads import WhistleblowerIdentityError, clean_leads
from local_db.enums import CaseStatus, EvidenceKind, TaskOrigin, TaskType
from local_db.models import CaseFile, LocalUser
from tests.conftest import FAST_KDF
from tests.unit.tasks.world import (
    COUNTY,
    create_plain,
    create_sealed,
    make_world,
    target,
    team,
)

ARRIVED = datetime(2026, 5, 6, 1, tzinfo=UTC)


def _arrive(profile: OpenProfile, world: object, task_id: str) -> str:
    summary = record_arrival(
        profile=profile, task_id=task_id, arrived_at=ARRIVED,
        team_present=[world.leader, world.member],  # type: ignore[attr-defined]
        representatives=[], documents_shown=[], location="",
    )  # fmt: skip
    return summary.case_id


def test_someone_left_off_the_team_changes_nothing_in_its_case(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_plain(profile, world)
    case_id = _arrive(profile, world, created.task_id)
    with profile.session() as s:  # the profile's owner is no longer on the team
        s.get_one(LocalUser, profile.user_id).inspector_id = None
    with profile.read_session() as s:
        access = case_access(s, profile, case_id)
    assert not access.can_record and not access.is_leader and not access.sees_identifiers
    with pytest.raises(NotAllowedError):
        add_evidence(profile=profile, case_id=case_id, source=b"x", kind=EvidenceKind.DOCUMENT,
                     caption="不应记录")  # fmt: skip


def test_a_sealed_task_cannot_follow_a_case(profile: OpenProfile) -> None:
    world = make_world(profile)
    with pytest.raises(ValueError, match="cannot be sealed"):
        create_task(
            profile=profile,
            task=TaskInput(
                task_type=TaskType.FLYING, origin=TaskOrigin.FOLLOW_UP, title="回头看（密封）",
                region_code=COUNTY, planned_start=ARRIVED.date(), planned_end=ARRIVED.date(),
                team=team(world), sealed=SealedPayload(target(), []),
                follows_case_id=world.earlier_case,
            ),
            kdf=FAST_KDF,
        )  # fmt: skip


def test_a_sealed_task_reveals_no_earlier_case(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_sealed(profile, world)
    with profile.session() as s:  # as if a server had sent such a task
        from local_db.models import InspectionTask

        s.get_one(InspectionTask, created.task_id).follows_case_id = world.earlier_case
    overview = inspection_overview(profile=profile, task_id=created.task_id)
    assert overview.follows is None
    assert followup_view(profile=profile, task_id=created.task_id) is None


@pytest.mark.parametrize(
    "leads",
    [
        "举报人电话13812345678",
        ["举报人电话 138-1234-5678"],
        ["身份证１１０１０１１９９００３０７１２３４"],
    ],
)
def test_identity_in_leads_is_refused_however_written(leads: object) -> None:
    with pytest.raises(ValueError):
        clean_leads(leads)  # type: ignore[arg-type]


def test_identity_error_is_a_whistleblower_error_for_lists() -> None:
    with pytest.raises(WhistleblowerIdentityError):
        clean_leads(["电话 138 1234 5678"])


def test_a_closed_case_keeps_its_arrival_record(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_plain(profile, world)
    case_id = _arrive(profile, world, created.task_id)
    with profile.session() as s:
        s.get_one(CaseFile, case_id).status = CaseStatus.CLOSED
    with pytest.raises(NotAllowedError):
        _arrive(profile, world, created.task_id)


def test_failed_openings_appear_in_the_case_history(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_sealed(profile, world)
    assert created.opening_code is not None
    wrong = created.opening_code[:-1] + ("0" if created.opening_code[-1] != "0" else "1")
    with pytest.raises(Exception):  # noqa: B017 (mistyped or wrong, either way refused)
        open_sealed_task(profile=profile, task_id=created.task_id, opening_code=wrong,
                         location=None)  # fmt: skip
    opened = open_sealed_task(profile=profile, task_id=created.task_id,
                              opening_code=created.opening_code, location=None)  # fmt: skip
    actions = [row.action for row in case_history(profile=profile, case_id=opened.case_id)]
    assert actions.index("task.opened") > 0
    assert "task.created" in actions


def test_a_file_name_that_is_not_utf8_is_recorded(profile: OpenProfile, tmp_path: Path) -> None:
    world = make_world(profile)
    created = create_plain(profile, world)
    case_id = _arrive(profile, world, created.task_id)
    name = os.fsdecode("收费单".encode("gbk") + b".jpg")  # as Linux sees a GBK name
    source = tmp_path / name
    source.write_bytes(b"\xff\xd8 not really a jpeg")
    item = add_evidence(profile=profile, case_id=case_id, source=source,
                        kind=EvidenceKind.PHOTO, caption="")  # fmt: skip
    assert item.original_name.endswith(".jpg")
    assert "\udcca" not in item.original_name
    with profile.read_session() as s:
        assert s.scalar(select(CaseFile.id).where(CaseFile.id == case_id)) == case_id
