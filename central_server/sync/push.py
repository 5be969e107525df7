"""Apply a pushed batch: idempotent, authorised, merged per field, in one transaction.

Changes are applied parents first (``entities.RANK``), each at most once by its change id;
the response is sent only after the commit, so a client that saw "applied" can forget the
change, and a client that saw nothing sends it again and is told "duplicate".
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from central_server.db.models import (
    AppliedChange,
    Blob,
    BlobRef,
    InspectorCode,
    Record,
    TaskMember,
    utc_now,
)
from central_server.sync import access
from central_server.sync.access import Principal
from central_server.sync.feed import next_seq
from central_server.sync.merge import FieldConflict, merge
from central_server.sync.scope import InvalidPlaceError, Scope, UnplacedError, resolve
from inspector_app.sync.entities import BY_NAME, CONFLICT_ENTITY, RANK, EntitySpec
from inspector_app.sync.hlc import Stamp
from inspector_app.sync.protocol import (
    SHA256_PATTERN,
    Change,
    ChangeOutcome,
    ErrorCode,
    Operation,
    Outcome,
    PushRequest,
    PushResponse,
    Role,
)

SHA256_RE = re.compile(SHA256_PATTERN)

BOOKKEEPING = frozenset({"id", "revision", "created_at", "created_by", "updated_at", "updated_by"})
# How far ahead of the server's clock a change may be stamped. Laptops drift and travel
# across no time zones here, so a day is generous; a stamp beyond it would win every later
# same-field edit and drag every clock that observes it into the future.
MAX_CLOCK_AHEAD = timedelta(days=1)


def too_far_ahead(change: Change, now: datetime) -> bool:
    """True when ``change`` claims a time further ahead of ``now`` than clocks drift."""
    limit = now + MAX_CLOCK_AHEAD
    stamp = Stamp.decode(change.hlc)
    return stamp.millis > limit.timestamp() * 1000 or change.at > limit


class Rejected(Exception):
    """One change cannot be applied; the rest of the batch goes on."""

    def __init__(self, code: ErrorCode, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.retryable = retryable


# Records whose change can change which tasks the pusher is on.
_MEMBERSHIP_ENTITIES = frozenset({"inspection_task", "team_membership", "inspector"})


@dataclass
class _Batch:
    session: Session
    principal: Principal
    seq: int
    stamp: Callable[[], str]
    _member_of: set[str] | None = None

    def member_of(self) -> set[str]:
        """The pusher's tasks, looked up once per batch (it was half a batch's time), and
        again only after a change to a task, a team or an inspector."""
        if self._member_of is None:
            self._member_of = access.member_tasks(self.session, self.principal)
        return self._member_of

    def forget_membership(self) -> None:
        self._member_of = None


def _load(session: Session, entity: str, entity_id: str) -> Record | None:
    return session.scalar(
        select(Record).where(Record.entity == entity, Record.entity_id == entity_id)
    )


def _scope_of(record: Record) -> Scope:
    return Scope(
        record.scope_kind, record.task_id, record.case_id, record.region_code, record.owner
    )


def _lookup(session: Session) -> Callable[[str, str], Scope | None]:
    def lookup(entity: str, entity_id: str) -> Scope | None:
        record = _load(session, entity, entity_id)
        return None if record is None else _scope_of(record)

    return lookup


def _check_blobs(
    session: Session, principal: Principal, spec: EntitySpec, fields: dict[str, Any]
) -> None:
    """A record may point only to a stored blob whose bytes the pusher has shown it holds
    (uploaded them, or may already read them): naming a hash proves nothing."""
    for name in spec.blob_fields:
        sha = fields.get(name)
        if not sha:
            continue
        if not isinstance(sha, str) or not SHA256_RE.fullmatch(sha):
            raise Rejected(ErrorCode.INVALID, f"{spec.name}.{name} must be a SHA-256 in hex")
        if session.get(Blob, sha) is None or not access.holds_blob(session, principal, sha):
            raise Rejected(
                ErrorCode.BLOB_MISSING,
                f"upload blob {sha} before the record that points to it",
                retryable=True,
            )


# Fields the server copies into its own columns, and the JSON type each must have.
_TYPED_FIELDS: dict[str, dict[str, type]] = {
    "team_membership": {"task_id": str, "inspector_id": str},
}
_OPTIONAL_TYPED_FIELDS: dict[str, dict[str, type]] = {
    "team_membership": {"role": str},
    "inspector": {"staff_code": str},
}


def _check_types(spec: EntitySpec, fields: dict[str, Any]) -> None:
    """Refuse values the server's own columns cannot hold (instead of failing the batch)."""
    for name, kind in _TYPED_FIELDS.get(spec.name, {}).items():
        value = fields.get(name)
        if not isinstance(value, kind) or not value:
            raise Rejected(ErrorCode.INVALID, f"{spec.name}.{name} must be a non-empty text")
    for name, kind in _OPTIONAL_TYPED_FIELDS.get(spec.name, {}).items():
        value = fields.get(name)
        if value is not None and not isinstance(value, kind):
            raise Rejected(ErrorCode.INVALID, f"{spec.name}.{name} must be a text")


def _check_fixed(spec: EntitySpec, record: Record, incoming: dict[str, Any]) -> None:
    stored = json.loads(record.fields)
    altered = [
        name
        for name, value in incoming.items()
        if name in stored
        and stored[name] != value
        and spec.is_fixed(name)
        # A fixed field of a mutable record left empty at first (an extract written after
        # its batch) may be filled once; an immutable record never changes.
        and (spec.immutable or stored[name] is not None)
    ]
    if altered:
        raise Rejected(
            ErrorCode.INVALID,
            f"{spec.name} fields {', '.join(sorted(altered))} never change once recorded",
        )


def _place(
    session: Session,
    spec: EntitySpec,
    change: Change,
    record: Record | None,
    fields: dict[str, Any],
) -> Scope:
    if spec.name == CONFLICT_ENTITY and record is not None:
        return _scope_of(record)  # a conflict sits where its record sits
    owner = record.created_by if record else change.actor
    try:
        return resolve(spec, change.entity_id, fields, owner, _lookup(session))
    except InvalidPlaceError as error:
        raise Rejected(ErrorCode.INVALID, str(error)) from error
    except UnplacedError as error:
        raise Rejected(ErrorCode.NOT_FOUND, str(error), retryable=True) from error


def _apply(batch: _Batch, change: Change) -> int:
    session, principal = batch.session, batch.principal
    spec = BY_NAME.get(change.entity)
    if spec is None or (spec.name == CONFLICT_ENTITY and change.operation is Operation.INSERT):
        raise Rejected(ErrorCode.INVALID, f"{change.entity} records are not accepted")
    if change.actor != principal.username and principal.role is not Role.ADMIN:
        # created_by / updated_by and the "tasks I created" rule rest on this name.
        raise Rejected(ErrorCode.FORBIDDEN, "a change is recorded under its pusher's name")
    if too_far_ahead(change, utc_now()):
        raise Rejected(
            ErrorCode.INVALID,
            "this computer's clock is more than a day ahead of the server's; correct the "
            "clock and the change is sent again",
            retryable=True,
        )
    incoming = {k: v for k, v in change.fields.items() if k not in BOOKKEEPING}
    record = _load(session, spec.name, change.entity_id)
    if record is None and change.operation is not Operation.INSERT:
        raise Rejected(
            ErrorCode.NOT_FOUND,
            f"{spec.name} {change.entity_id} is not on the server yet",
            retryable=True,
        )
    if record is not None:
        _check_fixed(spec, record, incoming)
    _check_blobs(session, principal, spec, incoming)
    merged = merge(
        json.loads(record.fields) if record else {},
        json.loads(record.clocks) if record else {},
        json.loads(record.authors) if record else {},
        incoming,
        change.base,
        change.hlc,
        principal.username,
    )
    _check_types(spec, merged.fields)
    scope = _place(session, spec, change, record, merged.fields)
    refusal = access.write_refusal(
        session,
        principal,
        spec,
        scope,
        exists=record is not None,
        created_by=record.created_by if record else None,
        member_of=batch.member_of,
    )
    if refusal is None and record is not None and _scope_of(record) != scope:
        refusal = access.write_refusal(
            session,
            principal,
            spec,
            _scope_of(record),
            exists=True,
            created_by=record.created_by,
            member_of=batch.member_of,
        )
    if refusal is not None:
        raise Rejected(ErrorCode.FORBIDDEN, refusal)
    now = utc_now()
    if record is None:
        record = Record(
            entity=spec.name,
            entity_id=change.entity_id,
            created_at=change.at,
            created_by=change.actor,
        )
        session.add(record)
    record.fields = json.dumps(merged.fields, ensure_ascii=False, sort_keys=True)
    record.clocks = json.dumps(merged.clocks, sort_keys=True)
    record.authors = json.dumps(merged.authors, ensure_ascii=False, sort_keys=True)
    record.scope_kind, record.task_id, record.case_id = scope.kind, scope.task_id, scope.case_id
    record.region_code, record.owner = scope.region_code, scope.owner
    record.seq = batch.seq
    record.updated_at, record.updated_by = max(now, change.at), change.actor
    session.flush()
    if spec.name in _MEMBERSHIP_ENTITIES:
        batch.forget_membership()
    _index(batch, spec, record, merged.fields)
    for conflict in merged.conflicts:
        _add_conflict(batch, record, conflict)
    return len(merged.conflicts)


def _index(batch: _Batch, spec: EntitySpec, record: Record, fields: dict[str, Any]) -> None:
    """Keep the derived tables (blob references, teams, staff codes) in step."""
    session = batch.session
    for name in spec.blob_fields:
        sha = fields.get(name)
        if sha and session.get(BlobRef, (sha, record.rid)) is None:
            session.add(BlobRef(sha256=sha, rid=record.rid))
    if spec.name == "team_membership":
        member = session.get(TaskMember, record.entity_id)
        active = fields.get("deleted_at") is None
        granted = member is None or (active and not member.active)
        if member is None:
            member = TaskMember(membership_id=record.entity_id)
            session.add(member)
        member.task_id = str(fields["task_id"])
        member.inspector_id = str(fields["inspector_id"])
        member.role = str(fields.get("role") or "")
        member.active = active
        if granted and active:
            _republish_task(batch, member.task_id)
    elif spec.name == "inspector" and fields.get("staff_code"):
        code = session.get(InspectorCode, record.entity_id)
        if code is None:
            session.add(
                InspectorCode(inspector_id=record.entity_id, staff_code=fields["staff_code"])
            )
            session.flush()
            tasks = session.scalars(
                select(TaskMember.task_id).where(TaskMember.inspector_id == record.entity_id)
            )
            for task_id in set(tasks):
                _republish_task(batch, task_id)


def _republish_task(batch: _Batch, task_id: str) -> None:
    """Move a task's records to the head of the feed: a new team member receives them all."""
    batch.session.flush()
    batch.session.execute(update(Record).where(Record.task_id == task_id).values(seq=batch.seq))


def _add_conflict(batch: _Batch, record: Record, conflict: FieldConflict) -> None:
    stamp = batch.stamp()
    fields = {
        "entity": record.entity,
        "entity_id": record.entity_id,
        "case_id": record.case_id,
        "field": conflict.field,
        "winner_value": json.dumps(conflict.winner_value, ensure_ascii=False),
        "winner_clock": conflict.winner_clock,
        "winner_by": conflict.winner_by,
        "loser_value": json.dumps(conflict.loser_value, ensure_ascii=False),
        "loser_clock": conflict.loser_clock,
        "loser_by": conflict.loser_by,
        "status": "open",
        "resolved_by": None,
        "resolution": "",
        "deleted_at": None,
        "deleted_by": None,
    }
    now = utc_now()
    batch.session.add(
        Record(
            entity=CONFLICT_ENTITY,
            entity_id=str(uuid.uuid4()),
            fields=json.dumps(fields, ensure_ascii=False, sort_keys=True),
            clocks=json.dumps(dict.fromkeys(fields, stamp), sort_keys=True),
            authors=json.dumps(dict.fromkeys(fields, "server"), sort_keys=True),
            scope_kind=record.scope_kind,
            task_id=record.task_id,
            case_id=record.case_id,
            region_code=record.region_code,
            owner=record.owner,
            seq=batch.seq,
            created_at=now,
            created_by="server",
            updated_at=now,
            updated_by="server",
        )
    )


def apply_batch(
    session: Session, principal: Principal, request: PushRequest, stamp: Callable[[], str]
) -> PushResponse:
    """Apply ``request`` and commit; the outcomes follow the order of the request."""
    seq = next_seq(session)
    batch = _Batch(session, principal, seq, stamp)
    order = sorted(
        range(len(request.changes)),
        key=lambda i: (RANK.get(request.changes[i].entity, len(RANK)), i),
    )
    outcomes: dict[int, ChangeOutcome] = {}
    seen: set[str] = set()
    for index in order:
        change = request.changes[index]
        if change.change_id in seen or session.get(AppliedChange, change.change_id) is not None:
            outcomes[index] = ChangeOutcome(change_id=change.change_id, outcome=Outcome.DUPLICATE)
            continue
        seen.add(change.change_id)
        try:
            with session.begin_nested():
                conflicts = _apply(batch, change)
                session.add(
                    AppliedChange(
                        change_id=change.change_id,
                        device_id=request.device_id,
                        username=principal.username,
                        entity=change.entity,
                        entity_id=change.entity_id,
                        conflicts=conflicts,
                        seq=seq,
                    )
                )
        except Rejected as rejection:
            outcomes[index] = ChangeOutcome(
                change_id=change.change_id,
                outcome=Outcome.REJECTED,
                code=rejection.code,
                reason=rejection.reason,
                retryable=rejection.retryable,
            )
            continue
        except (IntegrityError, DataError) as error:
            outcomes[index] = ChangeOutcome(
                change_id=change.change_id,
                outcome=Outcome.REJECTED,
                code=ErrorCode.INVALID,
                reason=f"the change contradicts a stored record ({type(error.orig).__name__})",
            )
            continue
        outcomes[index] = ChangeOutcome(
            change_id=change.change_id, outcome=Outcome.APPLIED, conflicts=conflicts
        )
    session.commit()
    ordered = [outcomes[i] for i in range(len(request.changes))]
    return PushResponse(
        applied=sum(o.outcome is Outcome.APPLIED for o in ordered),
        duplicates=sum(o.outcome is Outcome.DUPLICATE for o in ordered),
        rejected=sum(o.outcome is Outcome.REJECTED for o in ordered),
        conflicts=sum(o.conflicts for o in ordered),
        outcomes=ordered,
    )
