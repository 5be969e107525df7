"""Who may see and change which records.

Inspectors and team leaders see the tasks whose team lists them (through their staff code)
and everything inside those tasks; supervisors see every task in their region; everyone sees
the reference data (institutions, inspectors) of their region and of the regions above it,
their own records, and public keys; administrators see everything. A sealed task is visible
to its team like any other: its target is encrypted inside ``sealed_payload``, which the
server cannot open either.

Reading has one rule, :func:`visible_filter`: the change feed and blob downloads both apply
it, so nothing can be downloaded that the feed would not deliver, and the other way round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from central_server.db.models import BlobHolder, BlobRef, InspectorCode, Record, TaskMember
from central_server.sync.scope import Scope
from inspector_app.sync.entities import EntitySpec, region_contains, region_prefix
from inspector_app.sync.protocol import Role


@dataclass(frozen=True)
class Principal:
    """The signed-in user and device of a request."""

    user_id: str
    username: str
    role: Role
    region_code: str
    staff_code: str | None
    device_id: str
    view_version: int
    # The token family of the request's sign-in (one login and its refreshes): what
    # signing out revokes.
    sign_in: str = ""


def member_tasks(session: Session, principal: Principal) -> set[str]:
    """Ids of the tasks whose team lists the principal, and of the tasks it set up."""
    created = set(
        session.scalars(
            select(Record.entity_id).where(
                Record.entity == "inspection_task", Record.created_by == principal.username
            )
        )
    )
    if not principal.staff_code:
        return created
    rows = session.scalars(
        select(TaskMember.task_id)
        .join(InspectorCode, InspectorCode.inspector_id == TaskMember.inspector_id)
        .where(InspectorCode.staff_code == principal.staff_code, TaskMember.active.is_(True))
    )
    return created | set(rows)


def enclosing_regions(code: str) -> list[str]:
    """The regions that contain ``code`` (990105 → 990100, 990000), by GB/T 2260 levels."""
    return [
        code[:cut] + "0" * (len(code) - cut)
        for cut in (4, 2)
        if code[:cut] + "0" * (len(code) - cut) != code
    ]


def leads_task(session: Session, principal: Principal, task_id: str) -> bool:
    """True when the principal is the leader on the task's team."""
    if not principal.staff_code:
        return False
    found = session.scalar(
        select(TaskMember.membership_id)
        .join(InspectorCode, InspectorCode.inspector_id == TaskMember.inspector_id)
        .where(
            InspectorCode.staff_code == principal.staff_code,
            TaskMember.task_id == task_id,
            TaskMember.active.is_(True),
            TaskMember.role == "leader",
        )
        .limit(1)
    )
    return found is not None


def visible_filter(session: Session, principal: Principal) -> ColumnElement[bool]:
    """A WHERE clause on ``Record`` selecting what the principal may read (the one rule)."""
    if principal.role is Role.ADMIN:
        return true()
    in_region = Record.region_code.startswith(region_prefix(principal.region_code), autoescape=True)
    # Reference data of the regions above: a district's tasks name city-level institutions
    # and inspectors, which a district supervisor or inspector needs to open them.
    reference = and_(
        Record.scope_kind == "region",
        or_(in_region, Record.region_code.in_(enclosing_regions(principal.region_code))),
    )
    own = and_(Record.scope_kind == "owner", Record.owner == principal.username)
    public = Record.scope_kind == "global"
    if principal.role is Role.SUPERVISOR:
        tasks: ColumnElement[bool] = in_region
    else:
        member_of = member_tasks(session, principal)
        tasks = Record.task_id.in_(member_of) if member_of else false()
    return or_(and_(Record.scope_kind == "task", tasks), reference, own, public)


def may_download(session: Session, principal: Principal, sha256: str) -> bool:
    """True when a record the principal may read points to the blob."""
    found = session.scalar(
        select(BlobRef.rid)
        .join(Record, Record.rid == BlobRef.rid)
        .where(BlobRef.sha256 == sha256, visible_filter(session, principal))
        .limit(1)
    )
    return found is not None


def holds_blob(session: Session, principal: Principal, sha256: str) -> bool:
    """True when the principal has shown it has the blob's bytes: it uploaded them in full,
    or it may read a record that points to the blob (and so could download them)."""
    uploaded = session.get(BlobHolder, (sha256, principal.user_id))
    return uploaded is not None or may_download(session, principal, sha256)


def write_refusal(
    session: Session,
    principal: Principal,
    spec: EntitySpec,
    scope: Scope,
    *,
    exists: bool,
    created_by: str | None,
    member_of: Callable[[], set[str]] | None = None,
) -> str | None:
    """Why the principal may not write this record, or None when it may.

    ``member_of`` answers :func:`member_tasks` for a caller that asks many times in one
    transaction (a push batch) and keeps the answer between its changes.
    """
    if principal.role is Role.ADMIN:
        return None
    if scope.kind == "global":
        own = created_by in (None, principal.username)
        return None if own else "only the user who published a device key may change it"
    if scope.kind == "owner":
        return None if scope.owner == principal.username else "this record belongs to another user"
    in_region = scope.region_code is not None and region_contains(
        principal.region_code, scope.region_code
    )
    enclosing = scope.region_code in enclosing_regions(principal.region_code)
    if not in_region and not (scope.kind == "region" and enclosing):
        return "the record lies outside your region"
    if principal.role is Role.SUPERVISOR:
        return None
    if scope.kind == "region":
        if not exists:
            return (
                None
                if principal.role is Role.TEAM_LEADER
                else "only a team leader adds reference data"
            )
        return (
            None if created_by == principal.username else "reference data is changed by supervisors"
        )
    assert scope.task_id is not None
    tasks = member_of() if member_of is not None else member_tasks(session, principal)
    if scope.task_id in tasks:
        return None
    if spec.name == "inspection_task" and not exists:
        return None if principal.role is Role.TEAM_LEADER else "only a team leader creates a task"
    return "you are not on this task's team"
