"""What is waiting to be synchronised: the outbox seen from the user's side.

Only unpushed outbox rows count. The outbox holds one row per change to a synced entity
(claims are bulk data and are not synced row by row), so grouping it stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from inspector_app import settings
from inspector_app.profiles import OpenProfile
from inspector_app.services.profile_settings import read_profile_setting
from local_db.enums import OutboxOperation
from local_db.models import OutboxEntry

LATEST_LIMIT = 50


@dataclass(frozen=True)
class EntityCount:
    """Pending changes of one kind of record."""

    entity: str
    count: int


@dataclass(frozen=True)
class PendingChange:
    """One change waiting to be pushed."""

    seq: int
    entity: str
    entity_id: str
    operation: OutboxOperation
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class SyncOverview:
    """The server this profile syncs with and what is waiting for it."""

    server_url: str
    pending_total: int
    by_entity: list[EntityCount]
    latest: list[PendingChange]


# Outbox rows not yet acknowledged by the server; both queries below count the same thing.
_PENDING = OutboxEntry.pushed_at.is_(None)


def pending_change_count(*, profile: OpenProfile) -> int:
    """Number of local changes not yet pushed to the server."""
    with profile.read_session() as session:
        count = session.scalar(select(func.count()).select_from(OutboxEntry).where(_PENDING))
    return int(count or 0)


def sync_overview(*, profile: OpenProfile, latest: int = LATEST_LIMIT) -> SyncOverview:
    """Server address, pending changes by kind of record, and the ``latest`` newest ones."""
    with profile.read_session() as session:
        groups = session.execute(
            select(OutboxEntry.entity, func.count())
            .where(_PENDING)
            .group_by(OutboxEntry.entity)
            .order_by(func.count().desc(), OutboxEntry.entity)
        ).all()
        changes = session.scalars(
            select(OutboxEntry).where(_PENDING).order_by(OutboxEntry.seq.desc()).limit(latest)
        ).all()
        latest_rows = [
            PendingChange(
                seq=change.seq,
                entity=change.entity,
                entity_id=change.entity_id,
                operation=change.operation,
                created_at=change.created_at,
                created_by=change.created_by,
            )
            for change in changes
        ]
    by_entity = [EntityCount(entity=entity, count=int(n)) for entity, n in groups]
    return SyncOverview(
        server_url=read_profile_setting(profile=profile, setting=settings.SERVER_URL),
        pending_total=sum(group.count for group in by_entity),
        by_entity=by_entity,
        latest=latest_rows,
    )
