"""Opening a sealed flying inspection: leader only, with the right code, once and for all."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from inspector_app.casework.access import NotAllowedError
from inspector_app.profiles import OpenProfile
from inspector_app.sealing import (
    MistypedOpeningCodeError,
    SealedPayload,
    WrongOpeningCodeError,
    new_opening_code,
    seal_task_payload,
    unseal_task_payload,
)
from inspector_app.sealing.opening import AlreadyOpenedError, Location, open_sealed_task
from inspector_app.sealing.opening_code import ALPHABET
from inspector_app.services.overview import inspection_overview
from inspector_app.services.task_leads import WhistleblowerIdentityError
from inspector_app.services.tasks import list_tasks
from local_db.enums import CaseStatus, TaskStatus, UserRole
from local_db.models import AuditLogEntry, CaseFile, InspectionTask, Institution, LocalUser
from tests.conftest import FAST_KDF
from tests.unit.tasks.world import (
    TARGET_CODE,
    TARGET_LEAD,
    TARGET_NAME,
    create_sealed,
    make_world,
    target,
    task_row,
)

PLACE = Location(
    text="门诊楼一层", latitude=39.9, longitude=116.4, accuracy_m=30, source="positioning"
)


def _audit(profile: OpenProfile, action: str) -> list[AuditLogEntry]:
    with profile.read_session() as s:
        return list(s.scalars(select(AuditLogEntry).where(AuditLogEntry.action == action)))


def _typo(code: str) -> str:
    symbols = code.replace("-", "")
    swapped = ALPHABET[(ALPHABET.index(symbols[3]) + 1) % len(ALPHABET)]
    return symbols[:3] + swapped + symbols[4:]


def test_round_trip_binds_the_payload_to_its_task() -> None:
    code = new_opening_code()
    payload = SealedPayload(target(), [TARGET_LEAD], "标题")
    sealed = seal_task_payload(
        task_id="t1", task_number="N1", payload=payload, opening_code=code, kdf=FAST_KDF
    )
    assert TARGET_NAME.encode() not in sealed.payload + sealed.envelope.encode()
    opened = unseal_task_payload(task_id="t1", task_number="N1", sealed=sealed, opening_code=code)
    assert opened == payload
    # The same ciphertext on another task does not open, even with the right code.
    with pytest.raises(WrongOpeningCodeError):
        unseal_task_payload(task_id="t2", task_number="N1", sealed=sealed, opening_code=code)


def test_the_leader_opens_the_task_and_it_is_logged(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_sealed(profile, world)
    assert created.opening_code is not None
    before = inspection_overview(profile=profile, task_id=created.task_id)
    assert before.sealed_unopened and before.viewer_is_leader
    assert before.institution is None and before.leads == [] and before.case is None
    with profile.read_session() as s:
        assert s.scalar(select(Institution).where(Institution.code == TARGET_CODE)) is None

    opened = open_sealed_task(
        profile=profile, task_id=created.task_id, opening_code=created.opening_code.lower(),
        location=PLACE,
    )  # fmt: skip

    assert (opened.institution_name, opened.institution_code) == (TARGET_NAME, TARGET_CODE)
    task = task_row(profile, created.task_id)
    assert task.institution_id == opened.institution_id
    assert task.opened_by == profile.actor and task.opened_at is not None
    assert json.loads(task.opened_location)["source"] == "positioning"
    assert task.status is TaskStatus.ON_SITE
    assert task.sealed_payload is None and task.seal_envelope is None
    with profile.read_session() as s:
        case = s.get_one(CaseFile, opened.case_id)
        assert case.status is CaseStatus.OPEN and case.case_number == "AJ2026-L001"
    after = inspection_overview(profile=profile, task_id=created.task_id)
    assert not after.sealed_unopened and after.institution is not None
    assert after.institution.name == TARGET_NAME and after.leads == [TARGET_LEAD]
    assert after.opening is not None and after.opening.location == "门诊楼一层"
    rows = {r.id: r for r in list_tasks(profile=profile)}
    assert rows[created.task_id].institution_name == TARGET_NAME
    [event] = _audit(profile, "task.opened")
    assert event.case_id == opened.case_id and event.actor == profile.actor


def test_opening_without_a_known_location_records_unknown(profile: OpenProfile) -> None:
    created = create_sealed(profile, make_world(profile))
    assert created.opening_code is not None
    open_sealed_task(
        profile=profile, task_id=created.task_id, opening_code=created.opening_code, location=None
    )
    assert json.loads(task_row(profile, created.task_id).opened_location)["source"] == "unknown"


def test_a_wrong_code_is_refused_and_the_attempt_logged_without_the_code(
    profile: OpenProfile,
) -> None:
    created = create_sealed(profile, make_world(profile))
    wrong = new_opening_code()
    with pytest.raises(WrongOpeningCodeError, match="does not open this task"):
        open_sealed_task(profile=profile, task_id=created.task_id, opening_code=wrong,
                         location=PLACE)  # fmt: skip
    [attempt] = _audit(profile, "task.open_failed")
    assert attempt.entity_id == created.task_id
    symbols = wrong.replace("-", "")
    with profile.read_session() as s:
        logged = " ".join(f"{e.action} {e.detail}" for e in s.scalars(select(AuditLogEntry)))
    assert symbols not in logged and wrong not in logged
    task = task_row(profile, created.task_id)
    assert task.opened_at is None and task.institution_id is None and task.sealed_payload


def test_a_typo_is_caught_before_any_attempt(profile: OpenProfile) -> None:
    created = create_sealed(profile, make_world(profile))
    assert created.opening_code is not None
    with pytest.raises(MistypedOpeningCodeError, match="mistyped"):
        open_sealed_task(profile=profile, task_id=created.task_id,
                         opening_code=_typo(created.opening_code), location=None)  # fmt: skip
    assert _audit(profile, "task.open_failed") == []


@pytest.mark.parametrize("user_is", ["member", "supervisor"])
def test_only_the_team_leader_opens(profile: OpenProfile, user_is: str) -> None:
    created = create_sealed(profile, make_world(profile, user_is=user_is))
    assert created.opening_code is not None
    with pytest.raises(NotAllowedError, match="team leader"):
        open_sealed_task(profile=profile, task_id=created.task_id,
                         opening_code=created.opening_code, location=None)  # fmt: skip
    assert not inspection_overview(profile=profile, task_id=created.task_id).viewer_is_leader
    assert task_row(profile, created.task_id).opened_at is None


def test_without_team_data_the_profile_role_decides(profile: OpenProfile) -> None:
    world = make_world(profile)
    created = create_sealed(profile, world)
    assert created.opening_code is not None
    with profile.session() as s:
        task = s.get_one(InspectionTask, created.task_id)
        for membership in task.team:
            membership.deleted_at = membership.created_at
        s.get_one(LocalUser, profile.user_id).role = UserRole.INSPECTOR
    with pytest.raises(NotAllowedError):
        open_sealed_task(profile=profile, task_id=created.task_id,
                         opening_code=created.opening_code, location=None)  # fmt: skip
    with profile.session() as s:
        s.get_one(LocalUser, profile.user_id).role = UserRole.TEAM_LEADER
    open_sealed_task(profile=profile, task_id=created.task_id,
                     opening_code=created.opening_code, location=None)  # fmt: skip


def test_opening_is_irreversible(profile: OpenProfile) -> None:
    created = create_sealed(profile, make_world(profile))
    assert created.opening_code is not None
    open_sealed_task(profile=profile, task_id=created.task_id,
                     opening_code=created.opening_code, location=None)  # fmt: skip
    with pytest.raises(AlreadyOpenedError, match="cannot be undone"):
        open_sealed_task(profile=profile, task_id=created.task_id,
                         opening_code=created.opening_code, location=None)  # fmt: skip
    # Not even a direct write can reseal it: the trigger refuses.
    for statement in (
        "UPDATE inspection_task SET opened_at = NULL WHERE id = :id",
        "UPDATE inspection_task SET opened_by = 'someone.else' WHERE id = :id",
    ):
        with pytest.raises(DatabaseError, match="cannot be resealed"), profile.session() as s:
            s.execute(text(statement), {"id": created.task_id})
    assert task_row(profile, created.task_id).opened_by == profile.actor


def test_a_whistleblower_identity_is_refused_everywhere(profile: OpenProfile) -> None:
    payload = {
        "institution": target().__dict__ | {"kind": "hospital", "level": "grade_2"},
        "leads": ["挂床住院"],
        "whistleblower": {"name": "举报人甲"},
    }
    with pytest.raises(WhistleblowerIdentityError, match="whistleblower"):
        seal_task_payload(task_id="t", task_number="n", payload=payload,
                          opening_code=new_opening_code(), kdf=FAST_KDF)  # fmt: skip
    payload.pop("whistleblower")
    payload["leads"] = [{"text": "挂床住院", "phone": "13912345678"}]
    with pytest.raises(WhistleblowerIdentityError, match="phone"):
        seal_task_payload(task_id="t", task_number="n", payload=payload,
                          opening_code=new_opening_code(), kdf=FAST_KDF)  # fmt: skip
