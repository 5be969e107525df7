"""What the sync tests do the same way: find the demo's shared case, give a team member a
server account and a fresh laptop, sync with the server password, revoke a laptop.

The leader's laptop is a copy of the demo profile (user ``demo.leader``); the server is
``inspector-server --demo`` (``tests/server/live_server.py``), whose demo accounts all have
:data:`SERVER_PASSWORD`. A member account added here gets it too, so every laptop signs in
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from inspector_app.evidence.device import device_identity
from inspector_app.profiles import OpenProfile, create_profile
from inspector_app.security.key_wrap import KdfParams
from inspector_app.sync.engine import RetryPolicy, SyncEngine, SyncReport
from inspector_app.sync.hlc import wall_millis
from local_db.enums import TeamRole, UserRole
from local_db.models import CaseFile, Finding, InspectionTask, Inspector, TeamMembership
from tests.conftest import FAST_KDF, TEST_PASSWORD
from tests.server.live_server import admin_post

SERVER_PASSWORD = "demo-pass-2026"
"""The password of the demo server's accounts (and of the member accounts added here)."""
FAST_RETRY = RetryPolicy(attempts=2, first_delay=0.05)
MEMBER_NAME = "组员"


@dataclass(frozen=True)
class SharedCase:
    """The demo's case in progress (task …001), as both laptops of a test know it."""

    case_id: str
    finding_id: str
    """Its first finding (by id)."""
    member_code: str
    """The staff code of a member of its team (the first by staff code)."""


def case_in_progress(profile: OpenProfile) -> SharedCase:
    """The demo's open case, its first finding and a team member, read on ``profile``."""
    with profile.read_session() as session:
        task = session.scalar(select(InspectionTask).where(InspectionTask.task_number.like("%001")))
        assert task is not None
        case = session.scalar(select(CaseFile).where(CaseFile.task_id == task.id))
        assert case is not None
        finding_id = session.scalars(
            select(Finding.id).where(Finding.case_id == case.id).order_by(Finding.id)
        ).first()
        assert finding_id is not None
        member_code = session.scalar(
            select(Inspector.staff_code)
            .join(TeamMembership, TeamMembership.inspector_id == Inspector.id)
            .where(TeamMembership.task_id == task.id, TeamMembership.role == TeamRole.MEMBER)
            .order_by(Inspector.staff_code)
        )
        assert member_code is not None
        return SharedCase(case.id, finding_id, member_code)


def add_member_account(
    url: str, username: str, staff_code: str, *, display_name: str = MEMBER_NAME
) -> None:
    """Create an inspector's server account (through the admin API) for the team member with
    ``staff_code``, so that its laptop receives the case; its password is SERVER_PASSWORD."""
    admin_post(
        url,
        "/v1/admin/users",
        {
            "username": username,
            "display_name": display_name,
            "role": "inspector",
            "region_code": "990100",
            "password": SERVER_PASSWORD,
            "staff_code": staff_code,
        },
    )


def new_laptop(
    path: Path,
    username: str,
    *,
    display_name: str = MEMBER_NAME,
    role: UserRole = UserRole.INSPECTOR,
    password: str = TEST_PASSWORD,
    kdf: KdfParams | None = FAST_KDF,
) -> OpenProfile:
    """A fresh, empty profile for ``username`` (open): its first sync brings what it may see."""
    return create_profile(
        path=path,
        password=password,
        display_name=display_name,
        username=username,
        role=role,
        kdf=kdf,
    )


def run_sync(
    profile: OpenProfile,
    url: str,
    wall: Callable[[], int] = wall_millis,
    *,
    retry: RetryPolicy = FAST_RETRY,
) -> SyncReport:
    """One in-process run signed in with the password (the report is returned, not asserted)."""
    return SyncEngine(profile, url, password=SERVER_PASSWORD, retry=retry, wall=wall).run()


def synced(
    profile: OpenProfile,
    url: str,
    wall: Callable[[], int] = wall_millis,
    *,
    retry: RetryPolicy = FAST_RETRY,
) -> SyncReport:
    """:func:`run_sync`, which must succeed."""
    report = run_sync(profile, url, wall, retry=retry)
    assert report.ok, report.failures
    return report


def device_id(profile: OpenProfile) -> str:
    """The laptop's device id (the one the server registers at its first sign-in)."""
    with profile.session() as session:
        return device_identity(session).device_id


def revoke_device(url: str, profile: OpenProfile) -> None:
    """Revoke the laptop of ``profile`` on the server, as an administrator would."""
    admin_post(url, f"/v1/admin/devices/{device_id(profile)}/revoke")
