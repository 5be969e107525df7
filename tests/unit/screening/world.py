"""Tiny hand-built settlement batches for the screening tests.

A world has two hospitals (grade 2 ``H2``, grade 3 ``H3``), a small catalogue, a task on
``H2`` with a team the profile's user leads, and its case. Claims and lines are written
through the real bulk loader (``load_batch``), so the rules read exactly what an import or
the demo would have written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.screening import run_screening
from local_db.enums import (
    CaseStatus,
    InstitutionKind,
    InstitutionLevel,
    TaskOrigin,
    TaskStatus,
    TaskType,
    TeamRole,
)
from local_db.ids import new_id
from local_db.models import (
    CaseFile,
    DeathRecord,
    InspectionTask,
    Inspector,
    Institution,
    LocalUser,
    MedicalItem,
    Region,
    ScreeningFlag,
    SettlementBatch,
    TeamMembership,
)
from local_db.settlement_load import RowChunk, load_batch, next_claim_id
from local_db.types import utc_now

WHEN = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
# Code → (name, category, price fen, daily limit, sex, max age, min level).
ITEMS = {
    "001101000001": ("床位费", "service", 4500, None, "", None, None),
    "001202000001": ("Ⅱ级护理", "service", 1800, 1.0, "", None, None),
    "XDRUG0000001": ("阿莫西林胶囊", "drug", 1000, None, "", None, None),
    "XDRUG0000002": ("阿司匹林肠溶片", "drug", 1500, None, "", None, None),
    "002000000001": ("血常规", "service", 2000, None, "", None, None),
    "003000000001": ("肌肉注射", "service", 350, 4.0, "", None, None),
    "004000000001": ("阴道分泌物检查", "service", 1200, None, "F", None, None),
    "005000000001": ("小儿推拿", "service", 4000, None, "", 13, None),
    "006000000001": ("上腹部磁共振平扫", "service", 45000, None, "", None, "grade_3"),
}
BED, NURSING, DRUG, DRUG2, TEST, INJECTION, GYNAE, PAEDIATRIC, MRI = ITEMS


@dataclass
class Line:
    """One billed line (``day`` is the service date, ``time`` the time of day)."""

    item: str
    day: str
    quantity: float = 1
    price: int | None = None
    ordered: float | None = -1.0  # -1: the billed quantity
    trace: str | None = None
    time: str = "09:00:00"


@dataclass
class Claim:
    """One settlement header and its lines; totals are the lines' sum."""

    number: str
    admitted: str
    patient: str = "990102198001010011"
    sex: str = "M"
    birth: str = "1980-01-01"
    visit: str = "outpatient"
    discharged: str | None = None
    department: str = "内科"
    doctor: str = "D001"
    doctor_name: str = "王医生"
    diagnosis: str = "I10.x00"
    lines: list[Line] = field(default_factory=list)

    def row(self, claim_id: int, batch_id: str) -> tuple[object, ...]:
        total = sum(_amount(line) for line in self.lines)
        fund = total * 7 // 10
        settled = f"{self.discharged or self.admitted}T17:00:00"
        return (
            claim_id, batch_id, self.number, f"V{self.number}", "测试患者", self.sex, self.birth,
            self.patient, "employee", self.visit, self.department, self.doctor,
            self.doctor_name, self.admitted, self.discharged, self.diagnosis, "诊断",
            total, fund, 0, total - fund, settled,
        )  # fmt: skip


def _price(line: Line) -> int:
    return line.price if line.price is not None else ITEMS[line.item][2]


def _amount(line: Line) -> int:
    return round(_price(line) * line.quantity)


def _line_row(line: Line, claim_id: int, number: int) -> tuple[object, ...]:
    name, category = ITEMS[line.item][:2]
    ordered = line.quantity if line.ordered == -1.0 else line.ordered
    return (
        claim_id, number, line.item, name, category, "次", _price(line), float(line.quantity),
        _amount(line), "A", "D001", f"{line.day}T{line.time}", line.trace, ordered,
    )  # fmt: skip


@dataclass(frozen=True)
class World:
    """Ids of what :func:`make_world` wrote."""

    institutions: dict[str, str]
    case_id: str
    task_id: str
    people: dict[str, str]


def make_world(profile: OpenProfile) -> World:
    """Two hospitals, the catalogue, a task on ``H2`` with a team the user leads, a case."""
    with profile.session() as s:
        s.add(Region(code="990102", name="明湖区"))
        s.flush()
        hospitals = {
            code: Institution(code=code, name=f"{code}医院", kind=InstitutionKind.HOSPITAL,
                              level=level, region_code="990102")
            for code, level in (("H2", InstitutionLevel.GRADE_2), ("H3", InstitutionLevel.GRADE_3))
        }  # fmt: skip
        people = {
            key: Inspector(staff_code=key, name=key, organisation="医保局", region_code="990102")
            for key in ("leader", "member", "supervisor")
        }
        s.add_all([*hospitals.values(), *people.values()])
        s.flush()
        task = InspectionTask(
            task_number="FX-1", title="飞行检查", task_type=TaskType.FLYING,
            origin=TaskOrigin.PLAN, status=TaskStatus.ON_SITE, region_code="990102",
            institution_id=hospitals["H2"].id, planned_start=date(2026, 3, 2),
            planned_end=date(2026, 3, 6),
        )  # fmt: skip
        s.add(task)
        s.flush()
        roles = {
            "leader": TeamRole.LEADER,
            "member": TeamRole.MEMBER,
            "supervisor": TeamRole.SOCIAL_SUPERVISOR,
        }
        s.add_all(
            TeamMembership(task_id=task.id, inspector_id=people[key].id, role=role)
            for key, role in roles.items()
        )
        case = CaseFile(task_id=task.id, case_number="AJ-1", status=CaseStatus.OPEN, opened_at=WHEN)
        s.add(case)
        s.execute(
            insert(MedicalItem),
            [
                {"code": code, "name": name, "category": category, "unit": "次",
                 "price_fen": price, "coverage_class": "A", "setting": 3, "sex": sex,
                 "min_age": None, "max_age": max_age, "daily_limit": limit,
                 "min_level": InstitutionLevel(level) if level else None}
                for code, (name, category, price, limit, sex, max_age, level) in ITEMS.items()
            ],
        )  # fmt: skip
        s.flush()
        s.get_one(LocalUser, profile.user_id).inspector_id = people["leader"].id
        return World(
            institutions={code: h.id for code, h in hospitals.items()},
            case_id=case.id,
            task_id=task.id,
            people={key: person.id for key, person in people.items()},
        )


def load_claims(
    profile: OpenProfile, world: World, claims: list[Claim], *, institution: str = "H2"
) -> str:
    """Load ``claims`` as one batch of ``institution`` (the case's when it is H2)."""
    batch = SettlementBatch(
        id=new_id(), institution_id=world.institutions[institution],
        case_id=world.case_id if institution == "H2" else None, source="test",
        source_sha256="0" * 64, period_start="2025-01-01", period_end="2025-12-31",
        loaded_at=utc_now(),
    )  # fmt: skip
    with profile.session() as session:
        first = next_claim_id(session)
        ids = {claim.number: first + n for n, claim in enumerate(claims)}
        chunk = RowChunk(
            claims=[claim.row(ids[claim.number], batch.id) for claim in claims],
            lines=[
                _line_row(line, ids[claim.number], number)
                for claim in claims
                for number, line in enumerate(claim.lines, start=1)
            ],
        )
        load_batch(session, batch=batch, chunks=[chunk])
    return batch.id


def add_death(profile: OpenProfile, id_no: str, day: str) -> None:
    """Record a death (as the civil-affairs data exchange would)."""
    with profile.session() as session:
        session.add(DeathRecord(id_no=id_no, death_date=day, source="test"))


def screen(profile: OpenProfile, batch_id: str, code: str, **parameters: object) -> str:
    """Run one rule over a batch; the run id."""
    result = run_screening(
        profile=profile, batch_id=batch_id, progress=Progress(), only=[code],
        parameters={code: parameters} if parameters else None,
    )  # fmt: skip
    return result.run_id


def flagged(profile: OpenProfile, batch_id: str, code: str, **parameters: object) -> set[str]:
    """Settlement numbers of the claims one rule flags in a batch."""
    run_id = screen(profile, batch_id, code, **parameters)
    with profile.read_session() as session:
        from local_db.models import Claim as ClaimRow

        rows = session.execute(
            select(ClaimRow.settlement_no)
            .join(ScreeningFlag, ScreeningFlag.claim_id == ClaimRow.id)
            .where(ScreeningFlag.run_id == run_id)
        ).scalars()
        return set(rows)
