"""A case in a real encrypted profile, and the fixture templates stored in it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from inspector_app.checklists.service import store_templates
from inspector_app.profiles import OpenProfile
from local_db.enums import (
    CaseStatus,
    InstitutionKind,
    InstitutionLevel,
    TaskOrigin,
    TaskStatus,
    TaskType,
)
from local_db.models import CaseFile, InspectionTask, Institution, Region
from tests.unit.checklists import factory

CODE = "test_hospital"


def add_case(
    profile: OpenProfile, *, number: str = "AJ-T-001", status: CaseStatus = CaseStatus.OPEN
) -> str:
    """A hospital, a task and an open case file; returns the case id."""
    with profile.session() as s:
        if s.get(Region, "110105") is None:
            s.add(Region(code="110105", name="朝阳区"))
            s.flush()
        hospital = Institution(
            code=f"H-{number}",
            name="测试医院",
            kind=InstitutionKind.HOSPITAL,
            level=InstitutionLevel.GRADE_2,
            region_code="110105",
        )
        s.add(hospital)
        s.flush()
        task = InspectionTask(
            task_number=f"T-{number}",
            title="测试检查",
            task_type=TaskType.ROUTINE,
            origin=TaskOrigin.PLAN,
            status=TaskStatus.ON_SITE,
            region_code="110105",
            institution_id=hospital.id,
            planned_start=date(2026, 3, 2),
            planned_end=date(2026, 3, 6),
        )
        s.add(task)
        s.flush()
        case = CaseFile(
            task_id=task.id,
            case_number=number,
            status=status,
            opened_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        )
        s.add(case)
        s.flush()
        return case.id


@pytest.fixture
def case_id(profile: OpenProfile) -> str:
    """An open hospital case, with the fixture template (version 2026.1) stored."""
    with profile.session() as s:
        store_templates(s, [factory.template()])
    return add_case(profile)
