"""Every change to synced data writes an outbox row in the same transaction."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from inspector_app.profiles import OpenProfile
from local_db.enums import InstitutionKind, InstitutionLevel, OutboxOperation
from local_db.models import Institution, OutboxEntry, Region
from local_db.outbox import HardDeleteError, MissingActorError, tombstone


def _institution() -> Institution:
    return Institution(
        code="H990001",
        name="示范市第一人民医院",
        kind=InstitutionKind.HOSPITAL,
        level=InstitutionLevel.GRADE_3,
        region_code="990100",
    )


def _outbox(profile: OpenProfile) -> list[OutboxEntry]:
    with profile.read_session() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))


@pytest.fixture
def region(profile: OpenProfile) -> None:
    with profile.session() as session:
        session.add(Region(code="990100", name="示范市"))


@pytest.mark.usefixtures("region")
def test_insert_update_tombstone_each_write_one_outbox_row(profile: OpenProfile) -> None:
    with profile.session() as session:
        institution = _institution()
        session.add(institution)
    with profile.session() as session:
        row = session.get_one(Institution, institution.id)
        row.name = "示范市中心医院"
    with profile.session() as session:
        tombstone(session, session.get_one(Institution, institution.id))

    entries = _outbox(profile)
    assert [e.operation for e in entries] == [
        OutboxOperation.INSERT,
        OutboxOperation.UPDATE,
        OutboxOperation.DELETE,
    ]
    assert [e.revision for e in entries] == [1, 2, 3]
    assert {e.entity_id for e in entries} == {institution.id}
    insert_fields = json.loads(entries[0].payload)["fields"]
    assert insert_fields["name"] == "示范市第一人民医院"
    assert insert_fields["address"] == ""  # column defaults are in the payload
    assert json.loads(entries[1].payload)["fields"] == {"name": "示范市中心医院"}
    assert all(e.created_by == "test.inspector" for e in entries)
    with profile.read_session() as session:
        stored = session.get_one(Institution, institution.id)
        assert stored.revision == 3
        assert stored.is_deleted
        assert stored.updated_by == "test.inspector"


@pytest.mark.usefixtures("region")
def test_unchanged_assignment_writes_nothing(profile: OpenProfile) -> None:
    with profile.session() as session:
        institution = _institution()
        session.add(institution)
    with profile.session() as session:
        row = session.get_one(Institution, institution.id)
        row.name = row.name
    assert len(_outbox(profile)) == 1


@pytest.mark.usefixtures("region")
def test_rollback_removes_change_and_outbox_row_together(profile: OpenProfile) -> None:
    with pytest.raises(RuntimeError), profile.session() as session:
        session.add(_institution())
        session.flush()
        raise RuntimeError("simulated failure after the flush")
    with profile.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Institution)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxEntry)) == 0


@pytest.mark.usefixtures("region")
def test_hard_delete_of_synced_row_is_refused(profile: OpenProfile) -> None:
    with profile.session() as session:
        institution = _institution()
        session.add(institution)
    with pytest.raises(HardDeleteError), profile.session() as session:
        session.delete(session.get_one(Institution, institution.id))


@pytest.mark.usefixtures("region")
def test_change_without_actor_is_refused(profile: OpenProfile) -> None:
    with profile.read_session() as session:
        session.info.clear()
        session.add(_institution())
        with pytest.raises(MissingActorError):
            session.flush()
        session.rollback()


def test_ids_are_time_ordered_uuid7(profile: OpenProfile) -> None:
    import uuid

    with profile.session() as session:
        session.add(Region(code="990100", name="示范市"))
        session.flush()
        rows = []
        for n in range(20):
            row = _institution()
            row.code = f"H{n:04d}"
            session.add(row)
            session.flush()
            rows.append(row.id)
    assert rows == sorted(rows)
    assert all(uuid.UUID(value).version == 7 for value in rows)


def _task_with_team(profile: OpenProfile) -> tuple[str, str, str]:
    """A task, an institution and an inspector linked only through relationships."""
    from datetime import date

    from local_db.enums import TaskOrigin, TaskStatus, TaskType, TeamRole
    from local_db.models import InspectionTask, Inspector, TeamMembership

    with profile.session() as session:
        session.add(Region(code="990100", name="示范市"))
        session.flush()
        institution = _institution()
        inspector = Inspector(
            staff_code="J001", name="检查员甲", organisation="示范市医保局", region_code="990100"
        )
        task = InspectionTask(
            task_number="T1",
            title="t",
            task_type=TaskType.FLYING,
            origin=TaskOrigin.PLAN,
            status=TaskStatus.ASSIGNED,
            region_code="990100",
            planned_start=date(2026, 1, 1),
            planned_end=date(2026, 1, 2),
        )
        task.institution = institution
        task.team.append(TeamMembership(inspector=inspector, role=TeamRole.LEADER))
        session.add(task)
    return task.id, institution.id, inspector.id


def test_links_set_through_relationships_reach_the_payload(profile: OpenProfile) -> None:
    task_id, institution_id, inspector_id = _task_with_team(profile)
    payloads = {e.entity: json.loads(e.payload)["fields"] for e in _outbox(profile)}
    assert payloads["inspection_task"]["institution_id"] == institution_id
    assert payloads["team_membership"]["task_id"] == task_id
    assert payloads["team_membership"]["inspector_id"] == inspector_id


def test_unlinking_through_a_relationship_writes_an_update(profile: OpenProfile) -> None:
    from local_db.models import InspectionTask

    task_id, _, _ = _task_with_team(profile)
    with profile.session() as session:
        session.get_one(InspectionTask, task_id).institution = None
    last = _outbox(profile)[-1]
    assert (last.entity, last.operation) == ("inspection_task", OutboxOperation.UPDATE)
    assert json.loads(last.payload)["fields"] == {"institution_id": None}
    assert last.revision == 2


def test_a_row_with_a_natural_key_gets_the_id_of_that_key() -> None:
    """Two laptops making the same checklist answer offline make one record, not twins."""
    from local_db.enums import LinkKind
    from local_db.ids import natural_id
    from local_db.models import CaseLink, ChecklistResponse

    answer = natural_id("checklist_response", ("case-1", "A.1"))
    assert answer == natural_id("checklist_response", ("case-1", "A.1"))
    assert answer != natural_id("checklist_response", ("case-1", "A.2"))
    assert ChecklistResponse.__natural_id__ and CaseLink.__natural_id__
    link = natural_id("case_link", ("case-1", LinkKind.EVIDENCE, "e", LinkKind.FINDING, "f"))
    assert link == natural_id("case_link", ("case-1", "evidence", "e", "finding", "f"))


def test_only_declared_entities_derive_their_id(profile: OpenProfile) -> None:
    import uuid

    with profile.session() as session:
        session.add(Region(code="990100", name="示范市"))
        session.flush()
        row = _institution()
        session.add(row)
        session.flush()
        assert uuid.UUID(row.id).version == 7  # an institution's code may still be corrected
