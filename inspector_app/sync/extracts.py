"""Settlement and 进销存 extracts in the sync: written before a push, loaded after a pull.

A batch whose rows are here and that names no extract yet gets one before the outbox goes
up (the batch's update carries the extract's hash; the blob goes up before it). A batch
that arrived naming an extract this laptop has downloaded but whose rows it lacks gets its
rows; the sample draws made on that batch elsewhere then get their units back (replayed
from their seed and verified against their stored frame hash), its screening runs their
flags (the rules run again, kept only when every rule finds what the run recorded), and
records that waited for the claims can be stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.evidence.store import BlobError, open_original, store_original
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.replay import restore_units
from inspector_app.screening.engine import restore_flags
from inspector_app.settlement_import.extract import (
    ExtractError,
    LoadedExtract,
    has_rows,
    load_extract,
    write_extract,
)
from inspector_app.settlement_import.inventory_extract import (
    has_movements,
    load_inventory_extract,
    write_inventory_extract,
)
from inspector_app.sync import blobs, local_state
from local_db.models import (
    InventoryBatch,
    SampleDraw,
    ScreeningFlag,
    ScreeningRun,
    SettlementBatch,
)
from local_db.settlement_load import WriteLockBusyError, begin_write

UNRESTORABLE_RUNS = "unrestorable_screening_runs"


@dataclass
class ExtractReport:
    """Extracts written and loaded in one run, and why any could not be loaded."""

    written: int = 0
    loaded: int = 0
    screening_runs: int = 0
    """Runs made elsewhere whose flags were re-created here."""
    notices: list[str] = field(default_factory=list)
    """What could not be re-created here: worth telling, not a failed sync."""
    failures: list[str] = field(default_factory=list)


Batch = SettlementBatch | InventoryBatch


@dataclass(frozen=True)
class _Kind:
    """A synced batch whose bulk rows travel as its extract."""

    model: type[SettlementBatch] | type[InventoryBatch]
    has_rows: Callable[[Session, str], bool]
    write: Callable[[Session, Any], bytes]
    load: Callable[[Session, Any, Iterable[bytes]], LoadedExtract]


_KINDS = (
    _Kind(SettlementBatch, has_rows, write_extract, load_extract),
    _Kind(InventoryBatch, has_movements, write_inventory_extract, load_inventory_extract),
)


def _live(session: Session, kind: _Kind) -> list[Any]:
    model = kind.model
    return list(session.scalars(select(model).where(model.deleted_at.is_(None))))


def _label(batch: Batch) -> str:
    if isinstance(batch, SettlementBatch):
        return batch.source
    return _("Inventory data {start} to {end}").format(
        start=batch.period_start, end=batch.period_end
    )


def write_missing_extracts(profile: OpenProfile) -> ExtractReport:
    """Give every batch whose rows are here and that has no extract its extract."""
    report = ExtractReport()
    for kind in _KINDS:
        with profile.read_session() as session:
            waiting = [
                batch.id
                for batch in _live(session, kind)
                if batch.extract_sha256 is None and kind.has_rows(session, batch.id)
            ]
        for batch_id in waiting:
            with profile.session() as session:
                batch = cast("Batch | None", session.get(kind.model, batch_id))
                if batch is None or batch.extract_sha256 is not None:
                    continue
                stored = store_original(profile, kind.write(session, batch))
                batch.extract_sha256, batch.extract_size = stored.sha256, stored.size_bytes
            report.written += 1
    return report


def wanted_extracts(session: Session) -> set[str]:
    """The extracts of batches whose rows this laptop lacks (to download)."""
    return {
        batch.extract_sha256
        for kind in _KINDS
        for batch in _live(session, kind)
        if batch.extract_sha256 is not None and not kind.has_rows(session, batch.id)
    }


def load_received_extracts(profile: OpenProfile) -> ExtractReport:
    """Load the rows of every batch whose extract is here and whose rows are not."""
    report = ExtractReport()
    for kind in _KINDS:
        with profile.read_session() as session:
            waiting = [
                (batch.id, batch.extract_sha256)
                for batch in _live(session, kind)
                if batch.extract_sha256 is not None
                and blobs.has_local(profile, batch.extract_sha256)
                and not kind.has_rows(session, batch.id)
            ]
        for batch_id, sha256 in waiting:
            source = batch_id
            try:
                with profile.session() as session:
                    begin_write(session)  # before any read: the load numbers new rows
                    held = cast("Batch | None", session.get(kind.model, batch_id))
                    if held is None or kind.has_rows(session, batch_id):
                        continue
                    source = _label(held)
                    kind.load(session, held, open_original(profile, sha256))
            except (ExtractError, BlobError, WriteLockBusyError) as error:
                report.failures.append(
                    _("Settlement data “{source}”: {reason}").format(source=source, reason=error)
                )
                continue
            report.loaded += 1
    with profile.session() as session:
        _restore_draws(session, report)
    _restore_screening(profile, report)
    return report


def _restore_screening(profile: OpenProfile, report: ExtractReport) -> None:
    """Re-create the flags of screening runs made elsewhere on a batch whose rows are here.

    A run whose flags cannot be re-created (another rule set, other data) is reported once
    and not tried again at every sync: screening a large batch takes minutes.
    """
    with profile.read_session() as session:
        given_up = set(json.loads(local_state.get(session, UNRESTORABLE_RUNS) or "[]"))
        runs = [
            run.id
            for run in session.scalars(
                select(ScreeningRun).where(
                    ScreeningRun.deleted_at.is_(None), ScreeningRun.flag_count > 0
                )
            )
            if run.id not in given_up
            and has_rows(session, run.batch_id)
            and session.scalar(select(ScreeningFlag.id).where(ScreeningFlag.run_id == run.id))
            is None
        ]
    for run_id in runs:
        reason = restore_flags(profile, run_id)
        if reason is None:
            report.screening_runs += 1
            continue
        given_up.add(run_id)
        report.notices.append(
            _("Screening run {id}: its flags cannot be re-created: {reason}").format(
                id=run_id, reason=reason
            )
        )
    if runs:
        with profile.session() as session:
            local_state.put(session, UNRESTORABLE_RUNS, json.dumps(sorted(given_up)))


def _restore_draws(session: Session, report: ExtractReport) -> None:
    """Re-create the units of draws made elsewhere on a batch whose rows are now here."""
    draws = session.scalars(select(SampleDraw).where(SampleDraw.deleted_at.is_(None)))
    for draw in draws:
        if not has_rows(session, draw.batch_id):
            continue
        reason = restore_units(session, draw)
        if reason is not None:
            report.notices.append(
                _("Sample draw {id}: its units cannot be re-created: {reason}").format(
                    id=draw.id, reason=reason
                )
            )
