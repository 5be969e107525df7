"""What "the same state everywhere" means in the convergence test, read from each side.

The server's view of the shared task is every record it files under the task (the task,
its team, the case and everything in it, the conflicts about them), with their field values
and field clocks, read from its database. A laptop's view is the same records read from its
own database, each column converted the way the outbox sends it, and the field clocks it
would send as ``base``. Converged means: every laptop's view equals the server's, nothing
waits to be sent or is parked, and every evidence original is held on every side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from central_server.db.models import Record
from central_server.sync.push import BOOKKEEPING
from inspector_app.profiles import OpenProfile
from inspector_app.sync import blobs, local_state
from inspector_app.sync.apply import synced_models
from local_db.models import EvidenceItem, OutboxEntry, SyncParked
from tests.server.live_server import LiveServer, server_blob_shas, server_database

Key = tuple[str, str]  # (entity, entity id)


@dataclass(frozen=True)
class View:
    """Field values and field clocks of the shared task's records, as one side holds them."""

    fields: dict[Key, dict[str, Any] | None]
    clocks: dict[Key, dict[str, str]]


def _wire(value: Any) -> Any:
    """A column value as the outbox puts it on the wire (``local_db/outbox.py``)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def server_view(server: LiveServer, task_id: str) -> View:
    """Every record the server files under ``task_id``."""
    fields: dict[Key, dict[str, Any] | None] = {}
    clocks: dict[Key, dict[str, str]] = {}
    with server_database(server) as engine, Session(engine) as session:
        for record in session.scalars(select(Record).where(Record.task_id == task_id)):
            key = (record.entity, record.entity_id)
            stored = json.loads(record.fields)
            fields[key] = {k: v for k, v in stored.items() if k not in BOOKKEEPING}
            clocks[key] = json.loads(record.clocks)
    return View(fields, clocks)


def client_view(profile: OpenProfile, keys: set[Key]) -> View:
    """The records named by ``keys`` as this laptop holds them (None: it has no such row)."""
    fields: dict[Key, dict[str, Any] | None] = dict.fromkeys(keys)
    by_entity: dict[str, list[str]] = {}
    for entity, entity_id in keys:
        by_entity.setdefault(entity, []).append(entity_id)
    with profile.read_session() as session:
        for entity, ids in by_entity.items():
            mapper = inspect(synced_models()[entity])
            primary = mapper.primary_key[0]
            key = mapper.get_property_by_column(primary).key
            columns = [a.key for a in mapper.column_attrs if a.key not in BOOKKEEPING]
            for row in session.scalars(select(mapper).where(primary.in_(ids))):
                values = {name: _wire(getattr(row, name)) for name in columns}
                fields[(entity, getattr(row, key))] = values
        clocks = local_state.many_clocks(session, keys)
    return View(fields, clocks)


def differences(name: str, mine: View, server: View, limit: int = 12) -> list[str]:
    """Where ``mine`` differs from the server's view (at most ``limit`` lines)."""
    found: list[str] = []
    for key, expected in sorted(server.fields.items()):
        held = mine.fields.get(key)
        if held is None or expected is None:
            if held != expected:
                found.append(f"{name}: {key} held={held is not None} on server")
            continue
        for field in sorted(set(expected) | set(held)):
            if held.get(field, "<none>") != expected.get(field, "<none>"):
                found.append(
                    f"{name}: {key} {field}: here {held.get(field, '<none>')!r}, "
                    f"server {expected.get(field, '<none>')!r}"
                )
        for field, clock in sorted(server.clocks.get(key, {}).items()):
            if mine.clocks.get(key, {}).get(field) != clock:
                found.append(
                    f"{name}: {key} clock of {field}: here "
                    f"{mine.clocks.get(key, {}).get(field)}, server {clock}"
                )
    return found[:limit]


def leftovers(profile: OpenProfile, case_id: str, keys: set[Key]) -> list[str]:
    """What a converged laptop must not have: unsent or refused changes, parked records of
    the task, case rows the server does not file under the task."""
    found: list[str] = []
    models = synced_models()
    with profile.read_session() as session:
        for entry in session.scalars(select(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))):
            found.append(f"unsent {entry.entity} {entry.entity_id}: {entry.last_error}")
        for parked in session.scalars(select(SyncParked)):
            if (parked.entity, parked.entity_id) in keys:
                found.append(f"parked {parked.entity} {parked.entity_id}: {parked.reason}")
        for entity, model in sorted(models.items()):
            case_column = getattr(model, "case_id", None)
            if case_column is None:
                continue
            ids = session.scalars(select(model.id).where(case_column == case_id))  # type: ignore[attr-defined]
            found.extend(f"not on the server: {entity} {i}" for i in ids if (entity, i) not in keys)
    return found


def missing_originals(profile: OpenProfile, server: LiveServer, case_id: str) -> list[str]:
    """Evidence originals of the case that this laptop or the server does not hold."""
    stored = set(server_blob_shas(server))
    with profile.read_session() as session:
        shas = set(
            session.scalars(select(EvidenceItem.sha256).where(EvidenceItem.case_id == case_id))
        )
    return [
        f"{where} lacks {sha[:12]}"
        for sha in sorted(shas)
        for where, held in (("laptop", blobs.has_local(profile, sha)), ("server", sha in stored))
        if not held
    ]
