"""The demo organisation: the accounts that match the desktop demo profile.

The desktop demo (``inspector demo``) builds the register of 示范市 with the demo user
沈亦舟 (demo.leader) as inspector YB990100001. These accounts carry the same usernames,
regions and staff codes, so the demo profile's first sync lands its tasks with their
teams, and a second profile signed in as demo.inspector receives the task both work on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from central_server.db.models import User
from central_server.reference import put_reference
from central_server.users import create_user
from inspector_app.sync.protocol import Role

DEMO_SERVER_PASSWORD = "demo-pass-2026"
# The desktop demo's user (``inspector_app.demo.DEMO_USER``; a test keeps them equal).
DEMO_LEADER = ("demo.leader", "沈亦舟")
DEMO_CITY = "990100"
DEMO_PROVINCE = "990000"


@dataclass(frozen=True)
class DemoAccount:
    """One demo account."""

    username: str
    display_name: str
    role: Role
    region_code: str
    staff_code: str | None


# The demo's regions (``inspector_app.demo.places``; a test keeps them equal): code, name,
# parent.
DEMO_REGIONS = (
    ("990000", "示范省", None),
    ("990100", "示范市", "990000"),
    ("990102", "明湖区", "990100"),
    ("990121", "青禾县", "990100"),
    ("990122", "云岫县", "990100"),
    ("990123", "望川县", "990100"),
)

DEMO_ACCOUNTS = (
    DemoAccount(*DEMO_LEADER, Role.TEAM_LEADER, DEMO_CITY, "YB990100001"),
    DemoAccount("demo.inspector", "白睿斌", Role.INSPECTOR, DEMO_CITY, "YB990100004"),
    DemoAccount("demo.supervisor", "示范审核员", Role.SUPERVISOR, DEMO_CITY, None),
    DemoAccount("demo.admin", "示范管理员", Role.ADMIN, DEMO_PROVINCE, None),
)


def seed_demo(session: Session) -> list[str]:
    """Create the demo regions and accounts that do not exist yet; returns the usernames."""
    for code, name, parent in DEMO_REGIONS:
        put_reference(session, "region", code, {"code": code, "name": name, "parent_code": parent})
    created = []
    for account in DEMO_ACCOUNTS:
        if session.query(User).filter(User.username == account.username).count():
            continue
        create_user(
            session,
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            region_code=account.region_code,
            password=DEMO_SERVER_PASSWORD,
            staff_code=account.staff_code,
        )
        created.append(account.username)
    return created
