"""Where synchronisation stands, seen from the user's side: the sync screen's one read.

What waits in the outbox, what the server refused for good (and why), the conflicts a person
must look at, the records waiting for related ones, and how the last contact and the last
run went. The outbox holds one row per change to a synced entity (claims are bulk data and
are not synced row by row), so grouping it stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from inspector_app import settings
from inspector_app.profiles import OpenProfile
from inspector_app.services.profile_settings import read_profile_setting
from inspector_app.sync import credentials, local_state
from inspector_app.sync.apply import synced_models
from inspector_app.sync.conflicts import OPEN
from inspector_app.sync.grant import offline_grant
from inspector_app.sync.hlc import InvalidStampError, Stamp
from inspector_app.sync.refusals import refused_record_keys
from local_db.base import SyncedMixin
from local_db.enums import OutboxOperation
from local_db.models import CaseFile, OutboxEntry, SyncConflict, SyncParked
from local_db.types import utc_now

if TYPE_CHECKING:
    from inspector_app.sync.engine import SyncReport

LATEST_LIMIT = 50
FAILED_LIMIT = 200
CONFLICT_LIMIT = 200
# The sync engine's own facts live in ``sync_state``; the summary of the last run joins them
# (written by whoever ran it, the desktop or the command line), so the screen can say how the
# last run went after a restart too.
LAST_RUN = "last_run"
# Attributes that name a record for a person, in order of preference.
_NAME_ATTRIBUTES = (
    "title",
    "case_number",
    "task_number",
    "caption",
    "name",
    "interviewee_name",
    "item_code",
    "question",
)


@dataclass(frozen=True)
class EntityCount:
    """Pending changes (or parked records) of one kind of record."""

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
class FailedChange:
    """A change the server refused for good: it is never sent again, and says why."""

    seq: int
    entity: str
    entity_id: str
    record_name: str
    operation: OutboxOperation
    created_at: datetime
    attempts: int
    reason: str
    server_version: bool = False
    """The server holds the record: this laptop can take its version instead."""


@dataclass(frozen=True)
class ConflictSide:
    """One of two concurrent values of a field: the value, who wrote it, and when."""

    value: Any
    """The decoded value (text, number, None for empty, …)."""
    by: str
    at: datetime | None
    """When it was written, read from its clock stamp (None if the stamp is unreadable)."""


@dataclass(frozen=True)
class OpenConflict:
    """A field two people changed at the same time; the server kept one value."""

    id: str
    entity: str
    entity_id: str
    field: str
    case_id: str | None
    case_number: str
    record_name: str
    record_exists: bool
    """False when the record is not (or no longer) on this computer: nothing to resolve."""
    current: ConflictSide
    """The value the server kept, which the record holds."""
    other: ConflictSide
    """The value set aside."""


@dataclass(frozen=True)
class ParkedGroup:
    """Pulled records of one kind waiting for a related record, with one of their reasons."""

    entity: str
    count: int
    reason: str


@dataclass(frozen=True)
class RunSummary:
    """What the last sync run did (kept in the profile, so it survives a restart)."""

    finished_at: datetime
    pushed: int
    duplicates: int
    rejected: int
    conflicts: int
    pulled: int
    parked: int
    blobs_up: int
    bytes_up: int
    blobs_down: int
    bytes_down: int
    failures: tuple[str, ...]
    sign_in_needed: bool
    extracts_loaded: int = 0
    """Settlement batches whose claims arrived (their extract downloaded and loaded)."""
    notices: tuple[str, ...] = ()
    """What the run could not re-create here (not failures; see ``SyncReport.notices``)."""

    @property
    def ok(self) -> bool:
        """Nothing failed and the server refused nothing."""
        return not self.failures and not self.rejected


@dataclass(frozen=True)
class SyncOverview:
    """The server this profile syncs with, what waits for it, and what needs a person."""

    server_url: str
    pending_total: int
    by_entity: list[EntityCount]
    latest: list[PendingChange]
    failed: list[FailedChange]
    failed_total: int
    conflicts: list[OpenConflict]
    parked_total: int
    parked: list[ParkedGroup]
    last_contact: datetime | None
    last_run: RunSummary | None
    signed_in_as: str
    """The server username of the sign-in kept in the keyring for this server ("": none)."""
    grant_expires_at: datetime | None
    """Until when work without contacting the server is allowed (None: no limit applies)."""


# Outbox rows waiting to be sent; a change the server refused for good is failed, not pending.
_PENDING = OutboxEntry.pushed_at.is_(None) & OutboxEntry.failed.is_(False)
_FAILED = OutboxEntry.pushed_at.is_(None) & OutboxEntry.failed.is_(True)


def pending_change_count(*, profile: OpenProfile) -> int:
    """Number of local changes still to be pushed (refused ones excluded)."""
    with profile.read_session() as session:
        count = session.scalar(select(func.count()).select_from(OutboxEntry).where(_PENDING))
    return int(count or 0)


def kept_sign_in(profile_id: str, server_url: str) -> str:
    """The username of the sign-in kept in the keyring for ``server_url`` ("": none)."""
    if not server_url:
        return ""
    stored = credentials.load(profile_id)
    if stored is None or stored.server_url != server_url.rstrip("/"):
        return ""
    return stored.username


def record_run(
    *, profile: OpenProfile, report: SyncReport, finished_at: datetime | None = None
) -> None:
    """Keep the summary of a finished run (nothing for a revoked profile: it is gone)."""
    if report.revoked:
        return
    summary = {
        "finished_at": (finished_at or utc_now()).isoformat(),
        "pushed": report.pushed,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "conflicts": report.conflicts,
        "pulled": report.pulled,
        "parked": report.parked,
        "blobs_up": report.blobs_up,
        "bytes_up": report.bytes_up,
        "blobs_down": report.blobs_down,
        "bytes_down": report.bytes_down,
        "failures": list(report.failures),
        "sign_in_needed": report.sign_in_needed,
        "extracts_loaded": report.extracts_loaded,
        "notices": list(report.notices),
    }
    with profile.session() as session:
        local_state.put(session, LAST_RUN, json.dumps(summary, ensure_ascii=False))


def _last_run(session: Session) -> RunSummary | None:
    text = local_state.get(session, LAST_RUN)
    if not text:
        return None
    try:
        data = json.loads(text)
        data["finished_at"] = datetime.fromisoformat(data["finished_at"])
        data["failures"] = tuple(data["failures"])
        data["notices"] = tuple(data.get("notices", ()))
        return RunSummary(**data)
    except (KeyError, TypeError, ValueError):
        return None  # written by another version: not worth failing the screen for


def _decoded(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _stamp_time(stamp: str) -> datetime | None:
    try:
        millis = Stamp.decode(stamp).millis
    except InvalidStampError:
        return None
    return datetime.fromtimestamp(millis / 1000, UTC)


def _side(value: str, by: str, clock: str) -> ConflictSide:
    """One side of a stored conflict: its JSON value decoded, its stamp read as a time."""
    return ConflictSide(_decoded(value), by, _stamp_time(clock))


class _RecordNames:
    """Looks up the records that changes and conflicts concern, once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.models = synced_models()
        self._rows: dict[tuple[str, str], object | None] = {}
        self._cases: dict[str, str] = {}

    def row(self, entity: str, entity_id: str) -> object | None:
        """The live local row (None when missing or tombstoned)."""
        key = (entity, entity_id)
        if key not in self._rows:
            model = self.models.get(entity)
            row = self.session.get(model, entity_id) if model is not None else None
            if isinstance(row, SyncedMixin) and row.is_deleted:
                row = None
            self._rows[key] = row
        return self._rows[key]

    def name(self, entity: str, entity_id: str) -> str:
        """The record's own name (title, number, caption, …), "" when it has none here."""
        row = self.row(entity, entity_id)
        for attribute in _NAME_ATTRIBUTES:
            value = getattr(row, attribute, None)
            if isinstance(value, str) and value:
                return value
        return ""

    def case_number(self, case_id: str | None) -> str:
        """The case number of ``case_id`` ("" when unknown here)."""
        if not case_id:
            return ""
        if case_id not in self._cases:
            number = self.session.scalar(select(CaseFile.case_number).where(CaseFile.id == case_id))
            self._cases[case_id] = number or ""
        return self._cases[case_id]


def _open_conflicts(session: Session, names: _RecordNames) -> list[OpenConflict]:
    rows = session.scalars(
        select(SyncConflict)
        .where(SyncConflict.status == OPEN, SyncConflict.deleted_at.is_(None))
        .order_by(SyncConflict.created_at.desc(), SyncConflict.id)
        .limit(CONFLICT_LIMIT)
    ).all()
    conflicts = []
    for row in rows:
        case_id = row.case_id or (row.entity_id if row.entity == "case_file" else None)
        conflicts.append(
            OpenConflict(
                id=row.id,
                entity=row.entity,
                entity_id=row.entity_id,
                field=row.field,
                case_id=case_id,
                case_number=names.case_number(case_id),
                record_name=names.name(row.entity, row.entity_id),
                record_exists=names.row(row.entity, row.entity_id) is not None,
                current=_side(row.winner_value, row.winner_by, row.winner_clock),
                other=_side(row.loser_value, row.loser_by, row.loser_clock),
            )
        )
    return conflicts


def _newest_entries(
    session: Session, condition: ColumnElement[bool], limit: int
) -> Sequence[OutboxEntry]:
    """The ``limit`` latest outbox rows that meet ``condition``, newest first."""
    return session.scalars(
        select(OutboxEntry).where(condition).order_by(OutboxEntry.seq.desc()).limit(limit)
    ).all()


def _failed_changes(session: Session, names: _RecordNames) -> tuple[list[FailedChange], int]:
    total = session.scalar(select(func.count()).select_from(OutboxEntry).where(_FAILED))
    on_server = refused_record_keys(session)
    failed = [
        FailedChange(
            seq=row.seq,
            entity=row.entity,
            entity_id=row.entity_id,
            record_name=names.name(row.entity, row.entity_id),
            operation=row.operation,
            created_at=row.created_at,
            attempts=row.attempts,
            reason=row.last_error or "",
            server_version=(row.entity, row.entity_id) in on_server,
        )
        for row in _newest_entries(session, _FAILED, FAILED_LIMIT)
    ]
    return failed, int(total or 0)


def _parked(session: Session) -> list[ParkedGroup]:
    rows = session.execute(
        select(SyncParked.entity, func.count(), func.min(SyncParked.reason))
        .group_by(SyncParked.entity)
        .order_by(func.count().desc(), SyncParked.entity)
    ).all()
    return [ParkedGroup(entity=e, count=int(n), reason=reason or "") for e, n, reason in rows]


def sync_overview(*, profile: OpenProfile, latest: int = LATEST_LIMIT) -> SyncOverview:
    """Everything the sync screen shows, in one read."""
    server_url = read_profile_setting(profile=profile, setting=settings.SERVER_URL)
    with profile.read_session() as session:
        groups = session.execute(
            select(OutboxEntry.entity, func.count())
            .where(_PENDING)
            .group_by(OutboxEntry.entity)
            .order_by(func.count().desc(), OutboxEntry.entity)
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
            for change in _newest_entries(session, _PENDING, latest)
        ]
        names = _RecordNames(session)
        failed, failed_total = _failed_changes(session, names)
        conflicts = _open_conflicts(session, names)
        parked = _parked(session)
        grant = offline_grant(session)
        last_run = _last_run(session)
    by_entity = [EntityCount(entity=entity, count=int(n)) for entity, n in groups]
    return SyncOverview(
        server_url=server_url,
        pending_total=sum(group.count for group in by_entity),
        by_entity=by_entity,
        latest=latest_rows,
        failed=failed,
        failed_total=failed_total,
        conflicts=conflicts,
        parked_total=sum(group.count for group in parked),
        parked=parked,
        last_contact=grant.last_contact,
        last_run=last_run,
        signed_in_as=kept_sign_in(profile.info.profile_id, server_url),
        grant_expires_at=grant.expires_at if grant.linked else None,
    )
