"""Write an outbox row for every change to a synced entity, in the same transaction.

The hook runs in SQLAlchemy's ``before_flush``: whatever path a service takes to change a
synced row, the change and its outbox entry are flushed together and commit or roll back
together. It also owns the bookkeeping columns (revision, created/updated by and at), so no
service can forget them, and it refuses hard deletes: a deleted row must still reach the
server, so deletion is a tombstone (``deleted_at``).

Who is acting comes from ``session.info["actor"]``; a synced change without an actor is a
programming error and fails loudly.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Table, UniqueConstraint, event, inspect
from sqlalchemy.orm import MANYTOONE, ONETOMANY, Mapper, Session, UOWTransaction
from sqlalchemy.sql import ColumnElement

from local_db.base import SYNC_BOOKKEEPING_COLUMNS, SyncedMixin
from local_db.enums import OutboxOperation
from local_db.ids import natural_id, new_id
from local_db.models.system import OutboxEntry
from local_db.types import utc_now

ACTOR_KEY = "actor"
# Set by the sync engine while it stores records pulled from the server: they are the
# server's already, so they write no outbox rows and keep the bookkeeping they arrive with.
REMOTE_APPLY_KEY = "applying_remote_changes"


class MissingActorError(RuntimeError):
    """A synced row changed in a session that does not say who is acting."""


class HardDeleteError(RuntimeError):
    """A synced row was deleted instead of tombstoned."""


def _json_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _column_values(obj: SyncedMixin, names: list[str]) -> dict[str, Any]:
    return {name: _json_value(getattr(obj, name)) for name in names}


def _changed_columns(obj: SyncedMixin) -> list[str]:
    state = inspect(obj)
    return [
        attr.key
        for attr in state.mapper.column_attrs
        if attr.key not in SYNC_BOOKKEEPING_COLUMNS
        and attr.key not in obj.__local_columns__
        and state.attrs[attr.key].history.has_changes()
    ]


def _apply_python_defaults(obj: SyncedMixin) -> None:
    """Fill client-side column defaults now, so the insert payload carries real values.

    SQLAlchemy applies ``default=`` only while emitting the INSERT, after this hook ran.
    """
    mapper = inspect(obj).mapper
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        default = column.default
        if default is None or getattr(obj, attr.key) is not None:
            continue
        if default.is_scalar:
            setattr(obj, attr.key, default.arg)
        elif default.is_callable:
            setattr(obj, attr.key, default.arg(None))


def _attribute_key(mapper: Mapper[Any], column: ColumnElement[Any]) -> str:
    return mapper.get_property_by_column(column).key


def _copy_related_keys(obj: SyncedMixin) -> None:
    """Copy the keys of relationships changed since the last flush into their FK columns.

    SQLAlchemy fills ``task_id`` from ``membership.task = task`` only while it flushes, after
    this hook ran; without this step the payload would carry ``task_id: None`` and a link
    changed only through a relationship would write no outbox row at all.
    """
    state = inspect(obj)
    mapper = state.mapper
    for relationship in mapper.relationships:
        history = state.attrs[relationship.key].history
        if not history.has_changes():
            continue
        if relationship.direction is MANYTOONE:
            target = history.added[0] if history.added else None
            for local, remote in relationship.local_remote_pairs:
                value = (
                    None
                    if target is None
                    else getattr(target, _attribute_key(relationship.mapper, remote))
                )
                setattr(obj, _attribute_key(mapper, local), value)
        elif relationship.direction is ONETOMANY:
            for child in history.added:
                for local, remote in relationship.local_remote_pairs:
                    setattr(
                        child,
                        _attribute_key(relationship.mapper, remote),
                        getattr(obj, _attribute_key(mapper, local)),
                    )


def _actor(session: Session) -> str:
    actor = session.info.get(ACTOR_KEY)
    if not actor:
        raise MissingActorError("set session.info['actor'] before changing synced data")
    return str(actor)


def _record(
    session: Session, obj: SyncedMixin, operation: OutboxOperation, fields: list[str], actor: str
) -> None:
    payload = {"fields": _column_values(obj, fields)}
    session.add(
        OutboxEntry(
            entity=obj.__sync_entity__,
            entity_id=obj.id,
            operation=operation,
            revision=obj.revision,
            payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            created_by=actor,
        )
    )


def _natural_key(table: Table) -> tuple[str, ...] | None:
    """The columns of the table's one unique key besides its id, if it has exactly one."""
    keys = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    if len(keys) != 1:
        return None
    return tuple(column.key for column in keys[0].columns)


def _row_id(obj: SyncedMixin) -> str:
    """A natural id when the row has a complete natural key (see ``natural_id``), else new."""
    table = inspect(obj).mapper.local_table
    natural = type(obj).__natural_id__ and isinstance(table, Table)
    key = _natural_key(table) if natural and isinstance(table, Table) else None
    if key is not None:
        parts = tuple(getattr(obj, name, None) for name in key)
        if all(part is not None for part in parts):
            return natural_id(obj.__sync_entity__, parts)
    return new_id()


def _before_flush(session: Session, _flush_context: UOWTransaction, _instances: object) -> None:
    if session.info.get(REMOTE_APPLY_KEY):
        return
    for obj in session.new:
        if isinstance(obj, SyncedMixin) and obj.id is None:
            obj.id = _row_id(obj)  # before relationships copy it into other rows' FK columns
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, SyncedMixin):
            _copy_related_keys(obj)
    new = [o for o in session.new if isinstance(o, SyncedMixin)]
    dirty = [o for o in session.dirty if isinstance(o, SyncedMixin) and session.is_modified(o)]
    deleted = [o for o in session.deleted if isinstance(o, SyncedMixin)]
    if deleted:
        names = ", ".join(sorted({o.__sync_entity__ for o in deleted}))
        raise HardDeleteError(f"synced rows are tombstoned, never deleted ({names})")
    if not new and not dirty:
        return
    actor = _actor(session)
    now = utc_now()
    for obj in new:
        _apply_python_defaults(obj)
        obj.revision = 1
        obj.created_at = obj.updated_at = now
        obj.created_by = obj.updated_by = actor
        fields = [a.key for a in inspect(obj).mapper.column_attrs]
        fields = [
            f
            for f in fields
            if f not in SYNC_BOOKKEEPING_COLUMNS and f not in obj.__local_columns__
        ]
        _record(session, obj, OutboxOperation.INSERT, fields, actor)
    for obj in dirty:
        changed = _changed_columns(obj)
        if not changed:
            continue
        obj.revision = (obj.revision or 0) + 1
        obj.updated_at = now
        obj.updated_by = actor
        tombstoned = "deleted_at" in changed and obj.deleted_at is not None
        operation = OutboxOperation.DELETE if tombstoned else OutboxOperation.UPDATE
        _record(session, obj, operation, changed, actor)


def install(session_class: type[Session]) -> None:
    """Attach the outbox hook to a session class (idempotent)."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)


def tombstone(session: Session, obj: SyncedMixin) -> None:
    """Mark a synced row deleted; the outbox hook records the deletion."""
    obj.deleted_at = utc_now()
    obj.deleted_by = _actor(session)
