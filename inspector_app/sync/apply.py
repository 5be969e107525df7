"""Store records pulled from the server in the profile database.

A pulled record replaces the local fields except those with local changes the server has
not accepted yet (they go up next and the server merges them). A record that points to a
row this laptop lacks (its parent comes in a later page, or it needs settlement data that
was never loaded here) is *parked* and retried after every page; nothing is dropped. Pulled
records write no outbox rows: they are the server's already.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Date, LargeBinary, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.types import Enum as EnumType

from inspector_app.sync import local_state
from inspector_app.sync.entities import RANK
from inspector_app.sync.protocol import RecordState
from local_db.base import Base, SyncedMixin
from local_db.models import Claim, Region, SampleDraw, SyncParked
from local_db.outbox import REMOTE_APPLY_KEY
from local_db.types import UTCDateTime, utc_now

# Reference tables that are not synced entities locally but arrive from the server.
PLAIN_MODELS: dict[str, type[Base]] = {"region": Region}
IMMUTABLE_LOCAL = frozenset({"custody_event"})


def synced_models() -> dict[str, type[Base]]:
    """Every synced entity's model by its wire name."""
    models: dict[str, type[Base]] = dict(PLAIN_MODELS)
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, SyncedMixin) and issubclass(cls, Base):
            models[cls.__sync_entity__] = cls
    return models


def _from_json(column: Any, value: Any) -> Any:
    if value is None:
        return None
    column_type = column.type
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, EnumType) and column_type.enum_class is not None:
        enum_class: type[Enum] = column_type.enum_class
        return enum_class(value)
    if isinstance(column_type, LargeBinary):
        return bytes.fromhex(value)
    return value


@dataclass
class ApplyReport:
    """What one page (or the retry of parked records) did."""

    applied: int = 0
    unchanged: int = 0
    """Records already here as the server holds them (a device's own pushes coming back)."""
    parked: int = 0
    unparked: int = 0
    reasons: list[str] = field(default_factory=list)


class _Park(Exception):
    pass


def _hold_back_links(session: Session, mapper: Mapper[Any], values: dict[str, Any]) -> bool:
    """Check every link of a record to a row that must already be here.

    A missing parent parks the record (:class:`_Park`). A circular link (``use_alter``) to a
    row that may legitimately come later is cleared for now; returns True when one was, so
    the record stays parked and is stored again, whole, once that row has arrived.
    """
    cleared = False
    for column in mapper.columns:
        for key in column.foreign_keys:
            attribute = mapper.get_property_by_column(column).key
            value = values.get(attribute)
            if value is None:
                continue
            exists = session.execute(select(key.column).where(key.column == value).limit(1)).first()
            if exists is not None:
                continue
            if not key.use_alter:
                raise _Park(f"{key.column.table.name} {value} has not arrived")
            values[attribute] = None
            cleared = True
    return cleared


def _claim_of_review(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """This laptop's claim row of a claim review: by its draw's batch and settlement number."""
    draw = session.get(SampleDraw, values.get("draw_id"))
    if draw is None:
        raise _Park(f"sample_draw {values.get('draw_id')} has not arrived")
    claim_id = session.scalar(
        select(Claim.id).where(
            Claim.batch_id == draw.batch_id, Claim.settlement_no == values.get("settlement_no")
        )
    )
    if claim_id is None:
        raise _Park(f"the claims of settlement_batch {draw.batch_id} are not on this laptop yet")
    return {"claim_id": claim_id}


# How a record with local columns (``SyncedMixin.__local_columns__``) finds their values.
_LOCAL_KEYS: dict[str, Callable[[Session, dict[str, Any]], dict[str, Any]]] = {
    "claim_review": _claim_of_review,
}


def _apply_one(
    session: Session, model: type[Base], state: RecordState, pending: set[str]
) -> str | None:
    """Store one record; returns why it stays parked (None: it is stored whole)."""
    mapper = inspect(model)
    values: dict[str, Any] = {}
    for attribute in mapper.column_attrs:
        key = attribute.key
        if key in state.fields and key not in pending:
            values[key] = _from_json(attribute.columns[0], state.fields[key])
    primary = mapper.get_property_by_column(mapper.primary_key[0]).key
    identity = state.entity_id
    existing = session.get(model, identity)
    if existing is not None and state.entity in IMMUTABLE_LOCAL:
        return None
    if issubclass(model, SyncedMixin) and model.__local_columns__:
        for name in model.__local_columns__:
            values.pop(name, None)  # another laptop's row ids mean nothing here
        if existing is None:
            values.update(_LOCAL_KEYS[state.entity](session, values))
    deferred = _hold_back_links(session, mapper, values)
    if issubclass(model, SyncedMixin):
        values.update(
            created_at=state.created_at,
            created_by=state.created_by,
            updated_at=state.updated_at,
            updated_by=state.updated_by,
        )
    values.pop(primary, None)
    if existing is None:
        obj = model(**values)
        setattr(obj, primary, identity)
        if isinstance(obj, SyncedMixin):
            obj.revision = 1
        session.add(obj)
    else:
        for key, value in values.items():
            if getattr(existing, key) != value:
                setattr(existing, key, value)
    session.flush()
    return "a linked record has not arrived" if deferred else None


def apply_records(
    session: Session, records: list[RecordState], pending: dict[tuple[str, str], set[str]]
) -> ApplyReport:
    """Apply one page in the caller's transaction (parents first), parking what must wait."""
    report = ApplyReport()
    models = synced_models()
    session.info[REMOTE_APPLY_KEY] = True
    try:
        ordered = sorted(records, key=lambda r: RANK.get(r.entity, -1))
        known = local_state.many_clocks(session, {(r.entity, r.entity_id) for r in ordered})
        for state in ordered:
            key = (state.entity, state.entity_id)
            held = known.get(key, {})
            if (
                key not in pending
                and state.clocks
                and all(held.get(name) == clock for name, clock in state.clocks.items())
            ):
                # Every field's clock names a write this laptop holds (it pushed it, or
                # stored it from an earlier pull): the values are the same, so skip it.
                report.unchanged += 1
                continue
            _store(session, models, state, pending.get(key, set()), report)
    finally:
        session.info[REMOTE_APPLY_KEY] = False
    return report


def _store(
    session: Session,
    models: dict[str, type[Base]],
    state: RecordState,
    pending: set[str],
    report: ApplyReport,
) -> None:
    model = models.get(state.entity)
    if model is None:
        _park(session, state, "this version of the application does not know this record")
        report.parked += 1
        return
    try:
        with session.begin_nested():
            park_reason = _apply_one(session, model, state, pending)
    except _Park as reason:
        _park(session, state, str(reason))
        report.parked += 1
        return
    except (IntegrityError, DBAPIError) as error:
        _park(session, state, f"not stored: {type(error.orig).__name__}: {error.orig}")
        report.parked += 1
        report.reasons.append(str(error.orig))
        return
    if park_reason is not None:
        _park(session, state, park_reason)
    else:
        parked = session.get(SyncParked, (state.entity, state.entity_id))
        if parked is not None:
            session.delete(parked)
            report.unparked += 1
    known = local_state.clocks_of(session, state.entity, state.entity_id)
    known.update({k: v for k, v in state.clocks.items() if k not in pending})
    local_state.set_clocks(session, state.entity, state.entity_id, known)
    report.applied += 1


def _park(session: Session, state: RecordState, reason: str) -> None:
    text = state.model_dump_json()
    parked = session.get(SyncParked, (state.entity, state.entity_id))
    if parked is None:
        session.add(
            SyncParked(
                entity=state.entity,
                entity_id=state.entity_id,
                record=text,
                reason=reason,
                parked_at=utc_now(),
            )
        )
    else:
        parked.record, parked.reason = text, reason


def retry_parked(session: Session, pending: dict[tuple[str, str], set[str]]) -> ApplyReport:
    """Try every parked record again (their parents may have arrived)."""
    rows = list(session.scalars(select(SyncParked)))
    states = [RecordState.model_validate(json.loads(row.record)) for row in rows]
    return apply_records(session, states, pending) if states else ApplyReport()
