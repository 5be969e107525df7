"""A small, hand-made inspection world for the Qt tests (three tasks, one sealed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from inspector_app.profiles import OpenProfile
from local_db.enums import (
    CaseStatus,
    ChecklistAnswer,
    InstitutionKind,
    InstitutionLevel,
    TaskOrigin,
    TaskStatus,
    TaskType,
    TeamRole,
)
from local_db.models import (
    CaseFile,
    ChecklistResponse,
    Finding,
    InspectionTask,
    Inspector,
    Institution,
    InterviewRecord,
    LocalUser,
    Region,
    SettlementBatch,
    TeamMembership,
)

HOSPITAL = "北京市朝阳区康宁医院"
PHARMACY = "康泰大药房（朝阳店）"
SEALED_TASK = "FX-2026-007"
OPEN_TASK = "ZX-2026-001"
CASE_NUMBER = "AJ-2026-001"


def seed(profile: OpenProfile) -> dict[str, str]:
    """Write the world into ``profile``; returns ids by name."""
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with profile.session() as s:
        s.add_all(
            [
                Region(code="110000", name="北京市"),
                Region(code="110105", name="朝阳区", parent_code="110000"),
            ]
        )
        s.flush()
        hospital = Institution(
            code="H11010500001",
            name=HOSPITAL,
            kind=InstitutionKind.HOSPITAL,
            level=InstitutionLevel.GRADE_2,
            region_code="110105",
            address="北京市朝阳区安康路 18 号",
            legal_representative="赵立新",
            phone="010-6500 0000",
        )
        pharmacy = Institution(
            code="P11010500042",
            name=PHARMACY,
            kind=InstitutionKind.PHARMACY,
            level=InstitutionLevel.UNGRADED,
            region_code="110105",
        )
        leader = Inspector(
            staff_code="J001", name="王建国", organisation="北京市医疗保障局", region_code="110000"
        )
        member = Inspector(
            staff_code="J002", name="李敏", organisation="朝阳区医疗保障局", region_code="110105"
        )
        expert = Inspector(
            staff_code="E001",
            name="张伟",
            organisation="北京协和医院",
            region_code="110000",
            specialty="pharmacy",
        )
        s.add_all([hospital, pharmacy, leader, member, expert])
        s.flush()
        # The profile's owner is the team leader on the register (as after a sync).
        s.get_one(LocalUser, profile.user_id).inspector_id = leader.id
        thematic = InspectionTask(
            task_number=OPEN_TASK,
            title="2026年定点医院血液透析专项检查",
            task_type=TaskType.THEMATIC,
            origin=TaskOrigin.PLAN,
            status=TaskStatus.ON_SITE,
            region_code="110105",
            institution_id=hospital.id,
            planned_start=date(2026, 3, 2),
            planned_end=date(2026, 3, 6),
        )
        sealed = InspectionTask(
            task_number=SEALED_TASK,
            title="智能监控预警飞行检查",
            task_type=TaskType.FLYING,
            origin=TaskOrigin.MONITORING_ALERT,
            status=TaskStatus.ASSIGNED,
            region_code="110105",
            sealed=True,
            sealed_payload=b"\x00sealed",
            planned_start=date(2026, 4, 14),
            planned_end=date(2026, 4, 16),
        )
        routine = InspectionTask(
            task_number="RC-2025-031",
            title="零售药店日常巡查",
            task_type=TaskType.ROUTINE,
            origin=TaskOrigin.RANDOM_DRAW,
            status=TaskStatus.CLOSED,
            region_code="110105",
            institution_id=pharmacy.id,
            planned_start=date(2025, 11, 3),
            planned_end=date(2025, 11, 3),
        )
        s.add_all([thematic, sealed, routine])
        s.flush()
        s.add_all(
            [
                TeamMembership(task_id=thematic.id, inspector_id=leader.id, role=TeamRole.LEADER),
                TeamMembership(task_id=thematic.id, inspector_id=member.id, role=TeamRole.MEMBER),
                TeamMembership(task_id=thematic.id, inspector_id=expert.id, role=TeamRole.EXPERT),
                TeamMembership(task_id=sealed.id, inspector_id=leader.id, role=TeamRole.LEADER),
            ]
        )
        case = CaseFile(
            task_id=thematic.id,
            case_number=CASE_NUMBER,
            status=CaseStatus.OPEN,
            opened_at=when,
        )
        s.add(case)
        s.flush()
        answers = [ChecklistAnswer.COMPLIANT] * 5 + [ChecklistAnswer.NON_COMPLIANT] * 2
        answers += [ChecklistAnswer.UNCHECKED] * 3
        for number, answer in enumerate(answers, start=1):
            s.add(
                ChecklistResponse(
                    case_id=case.id,
                    template_code="HD-2026",
                    template_version="1.0",
                    item_code=f"HD-{number:02d}",
                    answer=answer,
                )
            )
        s.add_all(
            [
                Finding(
                    case_id=case.id,
                    violation_code="38-3",
                    title="血液透析治疗重复收取血液滤过费用",
                    legal_basis="《条例》第三十八条第（三）项",
                    amount_fen=1_234_567,
                ),
                Finding(
                    case_id=case.id,
                    violation_code="38-2",
                    title="超量开具促红细胞生成素",
                    legal_basis="《条例》第三十八条第（二）项",
                    amount_fen=88_000,
                    status="confirmed",
                ),
                InterviewRecord(
                    case_id=case.id,
                    interviewee_name="陈护士长",
                    interviewee_role="血透室护士长",
                    location="血透中心办公室",
                    started_at=when,
                ),
                SettlementBatch(
                    institution_id=hospital.id,
                    case_id=case.id,
                    source="his_export_2025.csv",
                    source_sha256="0" * 64,
                    period_start="2025-01-01",
                    period_end="2025-12-31",
                    claim_count=1_000_000,
                    line_count=10_234_567,
                    total_fen=123_456_789_012,
                    loaded_at=when,
                ),
            ]
        )
        return {"open_task": thematic.id, "sealed_task": sealed.id, "case": case.id}
