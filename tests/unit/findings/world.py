"""A small case world for the findings and interviews tests, and the catalogue they use.

The violation catalogue (``resources/catalogue/violations.json``) is written in parallel to
this work: until it lands, tests load ``violations.fixture.json`` (same schema) instead; once
it exists, the real file is tested.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from inspector_app.findings import catalogue as catalogue_module
from inspector_app.profiles import OpenProfile
from local_db.enums import (
    CaseStatus,
    ChecklistAnswer,
    EvidenceKind,
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
    EvidenceItem,
    InspectionTask,
    Inspector,
    Institution,
    LocalUser,
    Region,
    TeamMembership,
)

FIXTURE_CATALOGUE = Path(__file__).with_name("violations.fixture.json")
WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def use_catalogue(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the loader at the real catalogue if it exists, else at the fixture copy."""
    real = catalogue_module.catalogue_path()
    path = real if real.is_file() else FIXTURE_CATALOGUE
    monkeypatch.setattr(catalogue_module, "catalogue_path", lambda: path)
    catalogue_module.catalogue.cache_clear()
    return path


def make_case(
    profile: OpenProfile, *, status: CaseStatus = CaseStatus.OPEN, answers: bool = True
) -> dict[str, str]:
    """A task with a four-person team (one social supervisor), a case, answers, evidence."""
    with profile.session() as s:
        s.add(Region(code="110105", name="朝阳区"))
        s.flush()
        hospital = Institution(
            code="H1",
            name="康宁医院",
            kind=InstitutionKind.HOSPITAL,
            level=InstitutionLevel.GRADE_2,
            region_code="110105",
        )
        people = {
            key: Inspector(staff_code=key, name=name, organisation="医保局", region_code="110105")
            for key, name in (
                ("leader", "王建国"),
                ("member", "李敏"),
                ("expert", "张伟"),
                ("supervisor", "赵监督"),
            )
        }
        s.add_all([hospital, *people.values()])
        s.flush()
        task = InspectionTask(
            task_number="ZX-1",
            title="专项检查",
            task_type=TaskType.THEMATIC,
            origin=TaskOrigin.PLAN,
            status=TaskStatus.ON_SITE,
            region_code="110105",
            institution_id=hospital.id,
            planned_start=date(2026, 3, 2),
            planned_end=date(2026, 3, 6),
        )
        s.add(task)
        s.flush()
        roles = {
            "leader": TeamRole.LEADER,
            "member": TeamRole.MEMBER,
            "expert": TeamRole.EXPERT,
            "supervisor": TeamRole.SOCIAL_SUPERVISOR,
        }
        s.add_all(
            TeamMembership(task_id=task.id, inspector_id=people[key].id, role=role)
            for key, role in roles.items()
        )
        case = CaseFile(task_id=task.id, case_number="AJ-1", status=status, opened_at=WHEN)
        s.add(case)
        s.flush()
        responses = [
            ChecklistResponse(
                case_id=case.id,
                template_code="T",
                template_version="1.0",
                item_code="HD-01",
                answer=ChecklistAnswer.NON_COMPLIANT,
                note="透析记录与收费明细不符",
            ),
            ChecklistResponse(
                case_id=case.id,
                template_code="T",
                template_version="1.0",
                item_code="HD-02",
                answer=ChecklistAnswer.COMPLIANT,
            ),
        ]
        if answers:
            s.add_all(responses)
        evidence = EvidenceItem(
            case_id=case.id,
            kind=EvidenceKind.PHOTO,
            caption="收费明细照片",
            media_type="image/jpeg",
            size_bytes=10,
            sha256="a" * 64,
            captured_at=WHEN,
            captured_by="test.inspector",
        )
        s.add(evidence)
        s.flush()
        # The profile's owner leads the team (a task with a team admits only its members).
        s.get_one(LocalUser, profile.user_id).inspector_id = people["leader"].id
        ids = {key: person.id for key, person in people.items()}
        ids.update(case=case.id, task=task.id, evidence=evidence.id)
        return ids


def act_as(profile: OpenProfile, inspector_id: str | None) -> None:
    """Make the profile's user the given inspector (None: not on the team)."""
    with profile.session() as s:
        user = s.get(LocalUser, profile.user_id)
        assert user is not None
        user.inspector_id = inspector_id
