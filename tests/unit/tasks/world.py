"""A small inspection world for the task and sealing tests: registers, a team, a closed case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.sealing import SealedInstitution, SealedPayload
from inspector_app.services.task_admin import CreatedTask, TaskInput, TeamMemberInput, create_task
from local_db.enums import (
    CaseStatus,
    InstitutionKind,
    InstitutionLevel,
    TaskOrigin,
    TaskStatus,
    TaskType,
    TeamRole,
)
from local_db.models import (
    CaseFile,
    Finding,
    InspectionTask,
    Inspector,
    Institution,
    LocalUser,
    Region,
)
from tests.conftest import FAST_KDF

TARGET_CODE = "H99077700042"
TARGET_NAME = "隐秘县惠康骨科医院"
TARGET_LEAD = "夜间查房在床率低于三成"
COUNTY = "990777"


@dataclass(frozen=True)
class World:
    """Ids of what :func:`make_world` wrote."""

    leader: str
    member: str
    supervisor: str
    pharmacy: str
    earlier_case: str
    earlier_findings: tuple[str, ...]


def make_world(profile: OpenProfile, *, user_is: str = "leader") -> World:
    """Regions, inspectors (the profile user is ``user_is``), a pharmacy, a closed case."""
    with profile.session() as s:
        s.add(Region(code="990000", name="示范省"))
        s.flush()
        s.add(Region(code=COUNTY, name="隐秘县", parent_code="990000"))
        s.flush()
        people = {
            key: Inspector(staff_code=f"T{n}", name=name, organisation="示范市医疗保障局",
                           region_code="990000")
            for n, (key, name) in enumerate(
                [("leader", "沈组长"), ("member", "林检查"), ("supervisor", "何监督")]
            )
        }  # fmt: skip
        pharmacy = Institution(
            code="P99077700001", name="隐秘县平安药房", kind=InstitutionKind.PHARMACY,
            level=InstitutionLevel.UNGRADED, region_code=COUNTY,
        )  # fmt: skip
        s.add_all([*people.values(), pharmacy])
        s.flush()
        user = s.get_one(LocalUser, profile.user_id)
        user.inspector_id = people[user_is].id
        earlier = InspectionTask(
            task_number="JC2025-007", title="平安药房交叉检查", task_type=TaskType.CROSS,
            origin=TaskOrigin.RANDOM_DRAW, status=TaskStatus.CLOSED, region_code=COUNTY,
            institution_id=pharmacy.id, planned_start=date(2025, 9, 1),
            planned_end=date(2025, 9, 2),
        )  # fmt: skip
        s.add(earlier)
        s.flush()
        case = CaseFile(
            task_id=earlier.id, case_number="AJ2025-007", status=CaseStatus.CLOSED,
            opened_at=datetime(2025, 9, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        s.add(case)
        s.flush()
        findings = [
            Finding(case_id=case.id, violation_code="art38.4", title="串换药品", amount_fen=9_348),
            Finding(case_id=case.id, violation_code="art39.5", title="未公示价格"),
            Finding(case_id=case.id, violation_code="art38.3", title="撤回的问题",
                    status="withdrawn"),
        ]  # fmt: skip
        s.add_all(findings)
        s.flush()
        return World(
            leader=people["leader"].id,
            member=people["member"].id,
            supervisor=people["supervisor"].id,
            pharmacy=pharmacy.id,
            earlier_case=case.id,
            earlier_findings=(findings[0].id, findings[1].id),
        )


def team(world: World) -> list[TeamMemberInput]:
    """Leader, member and a social supervisor."""
    return [
        TeamMemberInput(world.leader, TeamRole.LEADER),
        TeamMemberInput(world.member, TeamRole.MEMBER),
        TeamMemberInput(world.supervisor, TeamRole.SOCIAL_SUPERVISOR),
    ]


def target() -> SealedInstitution:
    """The sealed target (never in the register before opening)."""
    return SealedInstitution(
        code=TARGET_CODE, name=TARGET_NAME, kind=InstitutionKind.HOSPITAL,
        level=InstitutionLevel.GRADE_2, region_code=COUNTY, address="隐秘县康乐路1号",
        legal_representative="匿名甲", phone="0990-0000000",
    )  # fmt: skip


def create_sealed(profile: OpenProfile, world: World) -> CreatedTask:
    """A sealed flying inspection of :func:`target` (cheap argon2 for tests)."""
    return create_task(
        profile=profile,
        task=TaskInput(
            task_type=TaskType.FLYING, origin=TaskOrigin.MONITORING_ALERT,
            title="飞行检查（密封）", region_code=COUNTY, planned_start=date(2026, 4, 14),
            planned_end=date(2026, 4, 16), team=team(world),
            sealed=SealedPayload(target(), [TARGET_LEAD]),
        ),
        kdf=FAST_KDF,
    )  # fmt: skip


def create_plain(profile: OpenProfile, world: World, **changes: object) -> CreatedTask:
    """A routine inspection of the register's pharmacy."""
    fields: dict[str, object] = {
        "task_type": TaskType.ROUTINE, "origin": TaskOrigin.PLAN, "title": "平安药房日常巡查",
        "region_code": COUNTY, "planned_start": date(2026, 5, 6),
        "planned_end": date(2026, 5, 6), "team": team(world), "institution_id": world.pharmacy,
    }  # fmt: skip
    fields.update(changes)
    return create_task(profile=profile, task=TaskInput(**fields), kdf=FAST_KDF)  # type: ignore[arg-type]


def task_row(profile: OpenProfile, task_id: str) -> InspectionTask:
    """The task as stored (detached)."""
    with profile.read_session() as s:
        return s.scalars(select(InspectionTask).where(InspectionTask.id == task_id)).one()
