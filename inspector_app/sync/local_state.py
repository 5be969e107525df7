"""The sync engine's own bookkeeping in the profile database."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from local_db.models import SyncRecordState, SyncStateValue

SERVER_URL = "server_url"
CURSOR = "cursor"
EPOCH = "epoch"
CLOCK = "clock"
LAST_CONTACT = "last_contact"
OFFLINE_GRANT_DAYS = "offline_grant_days"
USERNAME = "server_username"
STAFF_CODE = "server_staff_code"
REGION_CODE = "server_region_code"


def get(session: Session, key: str, default: str = "") -> str:
    """One stored fact, or ``default``."""
    row = session.get(SyncStateValue, key)
    return row.value if row is not None else default


def put(session: Session, key: str, value: str) -> None:
    """Store one fact (in the caller's transaction)."""
    row = session.get(SyncStateValue, key)
    if row is None:
        session.add(SyncStateValue(key=key, value=value))
    else:
        row.value = value


def last_contact(session: Session) -> datetime | None:
    """When the server last answered this profile."""
    text = get(session, LAST_CONTACT)
    return datetime.fromisoformat(text) if text else None


def clocks_of(session: Session, entity: str, entity_id: str) -> dict[str, str]:
    """The server clocks of a record's fields as last pulled (empty: never pulled)."""
    row = session.get(SyncRecordState, (entity, entity_id))
    return dict(json.loads(row.clocks)) if row is not None else {}


def many_clocks(
    session: Session, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, str]]:
    """:func:`clocks_of` for many records in a few queries."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    by_entity: dict[str, list[str]] = {}
    for entity, entity_id in keys:
        by_entity.setdefault(entity, []).append(entity_id)
    for entity, ids in by_entity.items():
        for start in range(0, len(ids), 500):
            rows = session.scalars(
                select(SyncRecordState).where(
                    SyncRecordState.entity == entity,
                    SyncRecordState.entity_id.in_(ids[start : start + 500]),
                )
            )
            for row in rows:
                found[(row.entity, row.entity_id)] = json.loads(row.clocks)
    return found


def set_clocks(session: Session, entity: str, entity_id: str, clocks: dict[str, str]) -> None:
    """Remember the server clocks of a record."""
    text = json.dumps(clocks, sort_keys=True)
    row = session.get(SyncRecordState, (entity, entity_id))
    if row is None:
        session.add(SyncRecordState(entity=entity, entity_id=entity_id, clocks=text))
    else:
        row.clocks = text
