"""Read the outbox as protocol changes, parents first, and record what the server said."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from inspector_app.sync import local_state
from inspector_app.sync.entities import RANK
from inspector_app.sync.hlc import HybridClock
from inspector_app.sync.protocol import Change, ChangeOutcome, Operation, Outcome
from local_db.models import OutboxEntry
from local_db.types import utc_now

# A change refused this often (for a reason that may pass) is shown as failed.
MAX_ATTEMPTS_BEFORE_SHOWN = 3

PENDING = (OutboxEntry.pushed_at.is_(None), OutboxEntry.failed.is_(False))


@dataclass(frozen=True)
class Batch:
    """Changes to send and the outbox rows they came from (same order)."""

    changes: list[Change]
    seqs: list[int]


def next_batch(session: Session, clock: HybridClock, limit: int, skip: Sequence[int] = ()) -> Batch:
    """The oldest ``limit`` pending changes, parents first; stamps them on first send.

    Stamps are given in outbox order and kept, so a replay sends identical changes. The
    caller commits before sending: a change is never sent with a stamp that could be lost.
    """
    query = select(OutboxEntry).where(*PENDING)
    if skip:
        query = query.where(OutboxEntry.seq.not_in(list(skip)))
    rows = list(session.scalars(query.order_by(OutboxEntry.seq).limit(limit)))
    for row in rows:
        if row.hlc is None:
            row.hlc = clock.now()
        else:
            clock.observe(row.hlc)
    rows.sort(key=lambda row: (RANK.get(row.entity, len(RANK)), row.seq))
    clocks = local_state.many_clocks(session, {(row.entity, row.entity_id) for row in rows})
    changes = []
    for row in rows:
        fields = json.loads(row.payload)["fields"]
        known = clocks.setdefault((row.entity, row.entity_id), {})
        base = {name: known.get(name) for name in fields}
        # This device's own earlier change is what the next one was made on top of.
        known.update(dict.fromkeys(fields, row.hlc))
        changes.append(
            Change(
                change_id=row.change_id,
                entity=row.entity,
                entity_id=row.entity_id,
                operation=Operation(row.operation.value),
                hlc=row.hlc or clock.now(),
                fields=fields,
                base=base,
                actor=row.created_by,
                at=row.created_at,
            )
        )
    return Batch(changes, [row.seq for row in rows])


def record_outcomes(session: Session, batch: Batch, outcomes: Sequence[ChangeOutcome]) -> None:
    """Mark accepted changes pushed; count refusals, and fail the ones that cannot pass."""
    now = utc_now()
    accepted = [
        seq
        for seq, outcome in zip(batch.seqs, outcomes, strict=True)
        if outcome.outcome in (Outcome.APPLIED, Outcome.DUPLICATE)
    ]
    if accepted:
        session.execute(
            update(OutboxEntry).where(OutboxEntry.seq.in_(accepted)).values(pushed_at=now)
        )
    for change, outcome in zip(batch.changes, outcomes, strict=True):
        if outcome.outcome is Outcome.APPLIED:
            known = local_state.clocks_of(session, change.entity, change.entity_id)
            known.update(dict.fromkeys(change.fields, change.hlc))
            local_state.set_clocks(session, change.entity, change.entity_id, known)
    for seq, outcome in zip(batch.seqs, outcomes, strict=True):
        if outcome.outcome is not Outcome.REJECTED:
            continue
        row = session.get(OutboxEntry, seq)
        assert row is not None
        row.attempts += 1
        row.last_error = f"{outcome.code.value if outcome.code else ''}: {outcome.reason}"
        row.failed = not outcome.retryable


def pending_fields(session: Session) -> dict[tuple[str, str], set[str]]:
    """Fields with local changes the server has not accepted yet, per record."""
    result: dict[tuple[str, str], set[str]] = {}
    rows = session.execute(
        select(OutboxEntry.entity, OutboxEntry.entity_id, OutboxEntry.payload).where(
            OutboxEntry.pushed_at.is_(None)
        )
    )
    for entity, entity_id, payload in rows:
        result.setdefault((entity, entity_id), set()).update(json.loads(payload)["fields"])
    return result
