"""The demo's inspection tasks, declared as data: one at every stage of the life cycle.

``start`` counts days from the day the demo is built; team members are named by role in
the register ("user" is the profile's own user, "pharmacy:1" the second pharmacist,
"expert:medical" the outside medical expert). Violation codes name the article and item of
the regulation (``art38.1`` = Art. 38 item 1); ``data_quality`` is the "not a violation"
outcome national screening found behind some anomalies.

The sealed flying inspection carries a real sealed payload: its target (:data:`SEALED_TARGET`)
is not in the demo's institution register, and :data:`DEMO_OPENING_CODE` (published in the
README and the demo summary; never do this with a real task) opens it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inspector_app.demo.places import INSPECTED_HOSPITAL
from local_db.enums import (
    CaseStatus,
    InstitutionKind,
    InstitutionLevel,
    TaskOrigin,
    TaskStatus,
    TaskType,
    TeamRole,
)

# Opens the demo's sealed flying inspection (O reads as 0, so "DEMO-…" works too).
DEMO_OPENING_CODE = "DEM0-F1YT-ASK2-026N"
# The sealed task's target: deliberately absent from places.INSTITUTIONS (the register).
SEALED_TARGET = {
    "code": "H99012100013",
    "name": "青禾县仁和康复医院",
    "kind": InstitutionKind.HOSPITAL.value,
    "level": InstitutionLevel.GRADE_1.value,
    "region_code": "990121",
    "address": "青禾县城关镇仁和路6号",
    "legal_representative": "",
    "phone": "",
}
SEALED_TITLE = "青禾县仁和康复医院医保基金使用飞行检查"
SEALED_LEADS = (
    "智能监控：夜间在院人数明显少于住院登记人数，疑似挂床住院。",
    "康复理疗项目人均日计费次数为全市同级机构的3倍以上。",
)


@dataclass(frozen=True)
class FindingSpec:
    """A finding of a demo case (amount in fen)."""

    code: str
    title: str
    description: str
    amount_fen: int
    status: str = "draft"


@dataclass(frozen=True)
class TaskSpec:
    """One demo task; ``start`` is in days from today, ``team`` lists (who, role)."""

    title: str
    task_type: TaskType
    origin: TaskOrigin
    status: TaskStatus
    institution: str | None
    start: int
    days: int
    case: CaseStatus | None = None
    template: str = ""
    findings: tuple[FindingSpec, ...] = ()
    interviewee_role: str = ""
    sealed: bool = False
    notes: str = ""
    team: tuple[tuple[str, TeamRole], ...] = field(default=())
    leads: tuple[str, ...] = ()
    follows: int | None = None  # index in TASKS of the earlier case a follow-up checks


L, M, E = TeamRole.LEADER, TeamRole.MEMBER, TeamRole.EXPERT
TASKS: tuple[TaskSpec, ...] = (
    TaskSpec(
        title="示范市第一人民医院医保基金使用飞行检查",
        task_type=TaskType.FLYING,
        origin=TaskOrigin.MONITORING_ALERT,
        status=TaskStatus.ON_SITE,
        institution=INSPECTED_HOSPITAL,
        start=-1,
        days=5,
        case=CaseStatus.OPEN,
        template="general_hospital",
        findings=(
            FindingSpec(
                "art38.1", "分解住院", "部分参保人出院后15日内以相同诊断再次入院。", 1_286_400
            ),
            FindingSpec("art38.3", "重复收费", "同一日同一诊疗项目重复计费。", 352_600),
        ),
        interviewee_role="医保办主任",
        notes="大数据监测预警：再入院率、同日重复计费异常。",
        team=(("user", L), ("pharmacy", M), ("pricing", M), ("IT", M), ("expert:medical", E)),
    ),
    TaskSpec(
        title="飞行检查（密封任务）",
        task_type=TaskType.FLYING,
        origin=TaskOrigin.RANDOM_DRAW,
        status=TaskStatus.ASSIGNED,
        institution=None,
        start=14,
        days=4,
        sealed=True,
        notes="检查对象由组长到达现场后开启。",
        team=(("user", L), ("medical", M), ("finance", M)),
    ),
    TaskSpec(
        title="青禾县石桥镇卫生院日常巡查",
        task_type=TaskType.ROUTINE,
        origin=TaskOrigin.PLAN,
        status=TaskStatus.ASSIGNED,
        institution="H99012100007",
        start=7,
        days=1,
        team=(("medical:1", L), ("pricing", M)),
    ),
    TaskSpec(
        title="云岫县中医医院康复理疗专项检查",
        task_type=TaskType.THEMATIC,
        origin=TaskOrigin.PLAN,
        status=TaskStatus.DRAFTING,
        institution="H99012200004",
        start=-30,
        days=3,
        case=CaseStatus.SUBMITTED,
        template="rehabilitation",
        findings=(
            FindingSpec("art38.2", "过度检查", "康复患者住院期间重复进行同类影像检查。", 486_000),
            FindingSpec("art38.4", "串换诊疗项目", "将普通针刺按电针项目收费。", 217_350),
        ),
        interviewee_role="康复医学科主任",
        team=(("user", L), ("medical:1", M), ("pricing:1", M)),
    ),
    TaskSpec(
        title="青禾县百草堂药店交叉检查",
        task_type=TaskType.CROSS,
        origin=TaskOrigin.RANDOM_DRAW,
        status=TaskStatus.CLOSED,
        institution="P99012100011",
        start=-90,
        days=2,
        case=CaseStatus.CLOSED,
        template="retail_pharmacy",
        findings=(
            FindingSpec(
                "art38.4", "串换药品", "将保健食品串换为药品进行医保结算。", 93_480, "confirmed"
            ),
        ),
        interviewee_role="药店负责人",
        team=(("user", L), ("pharmacy:1", M), ("medical:2", M)),
    ),
    TaskSpec(
        title="示范济安大药房（湖滨店）重点检查",
        task_type=TaskType.KEY,
        origin=TaskOrigin.WHISTLEBLOWER_TIP,
        status=TaskStatus.ON_SITE,
        institution="P99010200010",
        start=0,
        days=2,
        case=CaseStatus.OPEN,
        template="retail_pharmacy",
        findings=(
            FindingSpec(
                "art38.5",
                "药品追溯码重复结算",
                "同一追溯码的药品被多次结算，涉嫌药品回流。",
                154_200,
            ),
        ),
        interviewee_role="执业药师",
        notes="举报线索：收购参保人医保药品。",
        team=(("pharmacy", L), ("IT:1", M), ("expert:pharmacy", E)),
        leads=("收购参保人医保药品后再次销售（药品回流）。", "核对追溯码重复结算记录。"),
    ),
    TaskSpec(
        title="望川县第二人民医院专家审查",
        task_type=TaskType.EXPERT_REVIEW,
        origin=TaskOrigin.MONITORING_ALERT,
        status=TaskStatus.CLOSED,
        institution="H99012300005",
        start=-60,
        days=2,
        case=CaseStatus.CLOSED,
        template="general_hospital",
        findings=(
            FindingSpec(
                "dq",
                "编码映射错误（非违规）",
                "男性患者结算妇科项目系收费编码映射错误，已更正，不属于违规。",
                0,
                "confirmed",
            ),
        ),
        interviewee_role="信息科科长",
        team=(("user", L), ("expert:medical", E), ("finance:1", M)),
    ),
    TaskSpec(
        title="青禾县百草堂药店整改情况回头看",
        task_type=TaskType.ROUTINE,
        origin=TaskOrigin.FOLLOW_UP,
        status=TaskStatus.ASSIGNED,
        institution="P99012100011",
        start=3,
        days=1,
        notes="核查交叉检查发现问题的整改落实情况。",
        team=(("user", L), ("pharmacy:1", M)),
        follows=4,
    ),
)
