"""A profile with one open case, and helpers to tamper with it as an attacker would."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import text

from inspector_app.profiles import OpenProfile
from local_db.enums import CaseStatus, TaskOrigin, TaskStatus, TaskType
from local_db.models import CaseFile, InspectionTask, Region

CASE_NUMBER = "AJ-2026-042"


@pytest.fixture
def case_id(profile: OpenProfile) -> str:
    """Id of an open case the profile's user (a team leader) may record in."""
    with profile.session() as session:
        session.add(Region(code="110000", name="北京市"))
        session.flush()
        task = InspectionTask(
            task_number="ZX-2026-042",
            title="血液透析专项检查",
            task_type=TaskType.THEMATIC,
            origin=TaskOrigin.PLAN,
            status=TaskStatus.ON_SITE,
            region_code="110000",
            planned_start=date(2026, 3, 2),
            planned_end=date(2026, 3, 6),
        )
        session.add(task)
        session.flush()
        case = CaseFile(task_id=task.id, case_number=CASE_NUMBER, status=CaseStatus.OPEN)
        session.add(case)
        session.flush()
        return case.id


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), **save: object) -> bytes:
    """A small synthetic image in ``fmt``."""
    mode = "RGBA" if fmt == "PNG" else "RGB"
    image = Image.new(mode, size, (200, 40, 40, 255) if mode == "RGBA" else (200, 40, 40))
    output = io.BytesIO()
    image.save(output, format=fmt, **save)
    return output.getvalue()


def raw_sql(profile: OpenProfile, *statements: str, **params: object) -> None:
    """Run SQL outside the ORM (and its outbox), like someone holding the database key."""
    with profile.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), params)
