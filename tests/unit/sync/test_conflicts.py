"""Resolving a sync conflict on a real profile: both choices, the outbox rows, the refusals."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

from inspector_app.profiles import OpenProfile
from inspector_app.sync.conflicts import ConflictResolutionError, resolve_conflict
from inspector_app.sync.hlc import Stamp
from local_db.enums import (
    CaseStatus,
    FindingStatus,
    OutboxOperation,
    TaskOrigin,
    TaskStatus,
    TaskType,
)
from local_db.models import (
    AuditLogEntry,
    CaseFile,
    Finding,
    InspectionTask,
    OutboxEntry,
    Region,
    SyncConflict,
)
from local_db.outbox import REMOTE_APPLY_KEY, tombstone

WINNER_AT = datetime(2026, 7, 14, 1, 12, 3, tzinfo=UTC)
LOSER_AT = datetime(2026, 7, 14, 1, 10, 0, tzinfo=UTC)


def _stamp(moment: datetime, node: str) -> str:
    return Stamp(int(moment.timestamp() * 1000), 0, node).encode()


def make_world(profile: OpenProfile) -> dict[str, str]:
    """A task, its case and one finding, as if already pushed (the outbox starts empty)."""
    with profile.session() as session:
        session.add(Region(code="990100", name="示范市"))
        session.flush()
        task = InspectionTask(
            task_number="ZX-1",
            title="专项检查",
            task_type=TaskType.THEMATIC,
            origin=TaskOrigin.PLAN,
            status=TaskStatus.ON_SITE,
            region_code="990100",
            planned_start=date(2026, 7, 13),
            planned_end=date(2026, 7, 17),
        )
        session.add(task)
        session.flush()
        case = CaseFile(task_id=task.id, case_number="AJ-1", status=CaseStatus.OPEN)
        session.add(case)
        session.flush()
        finding = Finding(case_id=case.id, violation_code="V1", title="leader title")
        session.add(finding)
        session.flush()
        ids = {"task": task.id, "case": case.id, "finding": finding.id}
        session.execute(update(OutboxEntry).values(pushed_at=WINNER_AT))
    return ids


def add_conflict(
    profile: OpenProfile,
    *,
    entity: str,
    entity_id: str,
    case_id: str | None,
    field: str,
    winner: object,
    loser: object,
) -> str:
    """A conflict record as a pull stores it (the server's, so no outbox row)."""
    with profile.session() as session:
        session.info[REMOTE_APPLY_KEY] = True
        conflict = SyncConflict(
            entity=entity,
            entity_id=entity_id,
            case_id=case_id,
            field=field,
            winner_value=json.dumps(winner, ensure_ascii=False),
            winner_clock=_stamp(WINNER_AT, "laptop-a"),
            winner_by="demo.leader",
            loser_value=json.dumps(loser, ensure_ascii=False),
            loser_clock=_stamp(LOSER_AT, "laptop-b"),
            loser_by="member.one",
            status="open",
            resolution="",
            revision=1,
            created_at=WINNER_AT,
            created_by="server",
            updated_at=WINNER_AT,
            updated_by="server",
        )
        session.add(conflict)
        session.flush()
        return conflict.id


def _finding_conflict(
    profile: OpenProfile, world: dict[str, str], field: str, winner: object, loser: object
) -> str:
    """A conflict on a field of the world's finding."""
    return add_conflict(
        profile, entity="finding", entity_id=world["finding"], case_id=world["case"],
        field=field, winner=winner, loser=loser,
    )  # fmt: skip


def _outbox(profile: OpenProfile) -> list[tuple[str, str, OutboxOperation, dict[str, object]]]:
    with profile.read_session() as session:
        rows = session.scalars(
            select(OutboxEntry).where(OutboxEntry.pushed_at.is_(None)).order_by(OutboxEntry.seq)
        )
        return [
            (row.entity, row.entity_id, row.operation, json.loads(row.payload)["fields"])
            for row in rows
        ]


@pytest.fixture
def world(profile: OpenProfile) -> dict[str, str]:
    return make_world(profile)


def test_using_the_other_value_edits_the_record_and_resolves_in_one_change_set(
    profile: OpenProfile, world: dict[str, str]
) -> None:
    conflict_id = _finding_conflict(profile, world, "title", "leader title", "成员的标题")
    assert _outbox(profile) == []
    resolve_conflict(profile=profile, conflict_id=conflict_id, keep="other")
    with profile.read_session() as session:
        finding = session.get(Finding, world["finding"])
        conflict = session.get(SyncConflict, conflict_id)
        assert finding is not None and conflict is not None
        assert finding.title == "成员的标题"
        assert (conflict.status, conflict.resolved_by, conflict.resolution) == (
            "resolved",
            profile.actor,
            "other",
        )
        audit = session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "sync.conflict_resolved")
        ).one()
        assert (audit.entity_id, audit.case_id) == (conflict_id, world["case"])
        assert "成员" not in audit.detail  # the action, never the value
    # Both are ordinary local edits: stamped and pushed by the outbox like any other.
    assert _outbox(profile) == [
        ("finding", world["finding"], OutboxOperation.UPDATE, {"title": "成员的标题"}),
        (
            "sync_conflict",
            conflict_id,
            OutboxOperation.UPDATE,
            {"resolution": "other", "resolved_by": profile.actor, "status": "resolved"},
        ),
    ]


def test_keeping_the_current_value_only_resolves_the_conflict(
    profile: OpenProfile, world: dict[str, str]
) -> None:
    conflict_id = _finding_conflict(profile, world, "title", "leader title", "member title")
    resolve_conflict(profile=profile, conflict_id=conflict_id, keep="winner")
    with profile.read_session() as session:
        assert session.get(Finding, world["finding"]).title == "leader title"  # type: ignore[union-attr]
    assert [(e, op) for e, _id, op, _f in _outbox(profile)] == [
        ("sync_conflict", OutboxOperation.UPDATE)
    ]


def test_the_other_value_is_stored_with_its_column_type(
    profile: OpenProfile, world: dict[str, str]
) -> None:
    status = _finding_conflict(profile, world, "status", "draft", "confirmed")
    amount = _finding_conflict(profile, world, "amount_fen", 100, 2_500)
    resolve_conflict(profile=profile, conflict_id=status, keep="other")
    resolve_conflict(profile=profile, conflict_id=amount, keep="other")
    with profile.read_session() as session:
        finding = session.get(Finding, world["finding"])
        assert finding is not None
        assert finding.status is FindingStatus.CONFIRMED and finding.amount_fen == 2_500


def _unchanged(profile: OpenProfile, conflict_id: str) -> None:
    with profile.read_session() as session:
        assert session.get(SyncConflict, conflict_id).status == "open"  # type: ignore[union-attr]
        count = session.scalar(
            select(func.count())
            .select_from(AuditLogEntry)
            .where(AuditLogEntry.action == "sync.conflict_resolved")
        )
    assert count == 0


def test_refusals_change_nothing(profile: OpenProfile, world: dict[str, str]) -> None:
    with pytest.raises(ConflictResolutionError, match="not on this computer"):
        resolve_conflict(profile=profile, conflict_id="no-such-conflict", keep="winner")

    bookkeeping = _finding_conflict(profile, world, "created_by", "a", "b")
    with pytest.raises(ConflictResolutionError, match="cannot be changed"):
        resolve_conflict(profile=profile, conflict_id=bookkeeping, keep="other")
    _unchanged(profile, bookkeeping)

    with profile.session() as session:
        finding = session.get(Finding, world["finding"])
        assert finding is not None
        tombstone(session, finding)
    gone = _finding_conflict(profile, world, "title", "leader title", "member title")
    before = _outbox(profile)
    for keep in ("winner", "other"):
        with pytest.raises(ConflictResolutionError, match="not on this computer any more"):
            resolve_conflict(profile=profile, conflict_id=gone, keep=keep)
    _unchanged(profile, gone)
    assert _outbox(profile) == before


def test_a_resolved_conflict_is_not_resolved_twice(
    profile: OpenProfile, world: dict[str, str]
) -> None:
    conflict_id = add_conflict(
        profile, entity="case_file", entity_id=world["case"], case_id=world["case"],
        field="summary", winner="by the leader", loser="by the member",
    )  # fmt: skip
    resolve_conflict(profile=profile, conflict_id=conflict_id, keep="winner")
    with pytest.raises(ConflictResolutionError, match=f"already resolved by {profile.actor}"):
        resolve_conflict(profile=profile, conflict_id=conflict_id, keep="other")
    with profile.read_session() as session:
        assert session.get(CaseFile, world["case"]).summary == ""  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="keep must be"):
        resolve_conflict(profile=profile, conflict_id=conflict_id, keep="both")  # type: ignore[arg-type]
