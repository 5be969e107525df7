"""Drawing a sample and keeping its record: one transaction, audited, team only.

The draw record (``SampleDraw``, synced) holds everything a redraw needs — including what
the frame took from unsynced local tables (the claims of earlier draws left out, the
screening flags), resolved into the frame definition at draw time; the units
(``SampleUnit``, bulk) are written in draw order in the same transaction, so a failed draw
leaves neither.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import case_access, record_case_event, require_recording
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.design import DesignOptions, DesignParameters
from inspector_app.sampling.frame import (
    FrameDefinition,
    FrameError,
    build_frame,
    canonical_json,
    resolve_exclusions,
    with_flag_facts,
)
from inspector_app.sampling.methods import run_method
from inspector_app.sampling.replay import restore_units
from inspector_app.sampling.strata import StratumStatistics, frame_statistics, stratify
from inspector_app.sampling.stream import generator_label, new_seed
from inspector_app.sampling.units import UnitRow, selected_units, stored_units, write_units
from inspector_app.version import __version__
from local_db.enums import SamplingMethod
from local_db.models import (
    CaseFile,
    InspectionTask,
    SampleDraw,
    ScreeningFlag,
    ScreeningRun,
    SettlementBatch,
)
from local_db.types import utc_now

# UnitRow and stored_units moved to units.py; they are still this module's to import.
__all__ = [
    "LABEL_MAX",
    "DrawNotFoundError",
    "DrawSummary",
    "FrameDescription",
    "StratumSummary",
    "UnitRow",
    "default_batch",
    "describe_frame",
    "draw_sample",
    "draw_summary",
    "draw_units",
    "find_case",
    "get_draw",
    "latest_screening_run",
    "list_draws",
    "stored_units",
    "summary_of",
]

LABEL_MAX = 128


class DrawNotFoundError(LookupError):
    """No sample draw with that id in this profile."""


@dataclass(frozen=True)
class StratumSummary:
    """One stratum of a draw: its label, N_h, n_h and its amounts (fen)."""

    label: str
    frame_size: int
    sample_size: int
    amount_fen: int
    fund_fen: int


@dataclass(frozen=True)
class DrawSummary:
    """A draw's record as screens, the CLI and the report show it."""

    draw_id: str
    case_id: str | None
    batch_id: str
    label: str
    method: SamplingMethod
    frame: FrameDefinition
    frame_size: int
    frame_total_fen: int
    frame_fund_fen: int
    frame_sha256: str
    sample_size: int
    seed: str
    generator: str
    software_version: str
    drawn_at: datetime
    drawn_by: str
    strata: tuple[StratumSummary, ...]
    design: dict[str, Any]

    @property
    def stratified(self) -> bool:
        """True when units carry stratum labels (stratified and risk-based draws)."""
        return any(stratum.label for stratum in self.strata)


def summary_of(draw: SampleDraw) -> DrawSummary:
    """The summary of a draw row."""
    design: dict[str, Any] = json.loads(draw.design or "{}")
    strata = tuple(
        StratumSummary(
            label=str(s["label"]),
            frame_size=int(s["frame_size"]),
            sample_size=int(s["sample_size"]),
            amount_fen=int(s["amount_fen"]),
            fund_fen=int(s["fund_fen"]),
        )
        for s in design.get("strata", [])
    )
    return DrawSummary(
        draw_id=draw.id,
        case_id=draw.case_id,
        batch_id=draw.batch_id,
        label=draw.label,
        method=SamplingMethod(draw.method),
        frame=FrameDefinition.from_json(draw.frame_definition),
        frame_size=draw.frame_size,
        frame_total_fen=draw.frame_total_fen,
        frame_fund_fen=int(design.get("frame_fund_fen", 0)),
        frame_sha256=draw.frame_sha256,
        sample_size=draw.sample_size,
        seed=draw.seed,
        generator=draw.generator,
        software_version=draw.software_version,
        drawn_at=draw.drawn_at,
        drawn_by=draw.created_by,
        strata=strata,
        design=design,
    )


def get_draw(session: Session, draw_id: str) -> SampleDraw:
    """The draw row, or :class:`DrawNotFoundError`."""
    draw = session.get(SampleDraw, draw_id)
    if draw is None or draw.deleted_at is not None:
        raise DrawNotFoundError(_("No sample draw {id} in this profile.").format(id=draw_id))
    return draw


def _check_batch(session: Session, case: CaseFile, batch_id: str) -> None:
    batch = session.get(SettlementBatch, batch_id)
    if batch is None or batch.deleted_at is not None:
        raise FrameError(_("The settlement batch of the frame does not exist."))
    task = session.get(InspectionTask, case.task_id)
    if task is not None and task.institution_id not in (None, batch.institution_id):
        raise FrameError(_("The settlement batch belongs to another institution than the case."))


def _check_run(session: Session, definition: FrameDefinition) -> None:
    if definition.screening_run_id is None or definition.flag_facts is not None:
        return
    run = session.get(ScreeningRun, definition.screening_run_id)
    if run is None or run.batch_id != definition.batch_id:
        raise FrameError(_("The screening run does not belong to the frame's batch."))
    # A run synced from another computer brings its summary, not its flags (bulk rows):
    # drawing on it here would silently treat every claim as unflagged.
    if run.flag_count > 0 and (
        session.scalar(select(ScreeningFlag.id).where(ScreeningFlag.run_id == run.id).limit(1))
        is None
    ):
        raise FrameError(
            _(
                "This profile does not hold the flags of that screening run (it was run on "
                "another computer); run the screening of the batch here and use that run."
            )
        )


def _restore_excluded(session: Session, definition: FrameDefinition) -> None:
    """Re-create the units of the draws to leave out that this profile holds only the
    record of, so their claims are left out here as on the machine that drew them."""
    if definition.excluded_settlement_nos is not None:
        return  # already resolved by the caller
    for draw_id in definition.exclude_draw_ids:
        draw = session.get(SampleDraw, draw_id)
        if draw is None or draw.deleted_at is not None:
            continue
        reason = restore_units(session, draw)
        if reason is not None:
            raise FrameError(
                _(
                    "The claims of sample “{label}” are to be left out, but this profile "
                    "does not hold its units and cannot re-create them: {reason}"
                ).format(label=draw.label, reason=reason)
            )


def draw_sample(
    profile: OpenProfile,
    *,
    case_id: str,
    frame: FrameDefinition,
    method: SamplingMethod,
    size: int,
    options: DesignOptions | None = None,
    seed: int | None = None,
    label: str = "",
) -> DrawSummary:
    """Draw a sample of claims for a case and record it (draw, units, audit entry).

    ``seed`` defaults to a fresh 128-bit seed from ``secrets``; give one only to repeat
    a draw published elsewhere.

    Raises:
        NotAllowedError: the user is not on the case's team or the case is closed.
        FrameError: the frame definition is invalid or names a foreign batch or run.
        DesignError: the design does not fit the frame (e.g. n > N).
    """
    parameters = DesignParameters(
        method=SamplingMethod(method), size=size, options=options or DesignOptions()
    )
    parameters.validate()
    seed = new_seed() if seed is None else seed
    label = " ".join(label.split())[:LABEL_MAX] or _("{method} sample of {size}").format(
        method=method.value, size=size
    )
    with profile.session() as session:
        case = require_recording(session, profile, case_id)
        _check_batch(session, case, frame.batch_id)
        _check_run(session, frame)
        frame = resolve_exclusions(session, frame, case_id, numbers=False)
        _restore_excluded(session, frame)
        frame = resolve_exclusions(session, frame, case_id)
        arrays = with_flag_facts(build_frame(session, frame))
        assert arrays.definition is not None
        frame = arrays.definition  # now rebuildable from the record alone
        selection = run_method(arrays, parameters, seed)
        draw = SampleDraw(
            case_id=case_id,
            batch_id=frame.batch_id,
            label=label,
            method=parameters.method,
            frame_definition=frame.to_json(),
            frame_size=arrays.size,
            frame_total_fen=arrays.total_fen,
            frame_sha256=arrays.sha256(),
            design=canonical_json(selection.design),
            generator=generator_label(),
            seed=str(seed),
            software_version=__version__,
            sample_size=selection.size,
            drawn_at=utc_now(),
        )
        session.add(draw)
        session.flush()
        write_units(session, draw.id, selected_units(arrays, selection))
        record_case_event(
            profile, session, case_id, "sample.drawn", entity="sample_draw", entity_id=draw.id,
            detail=f"method={parameters.method.value} n={selection.size} N={arrays.size}"
            f" frame={draw.frame_sha256[:16]}",
        )  # fmt: skip
        return summary_of(draw)


def draw_summary(profile: OpenProfile, draw_id: str) -> DrawSummary:
    """One draw's record.

    Raises:
        DrawNotFoundError: no such draw.
    """
    with profile.read_session() as session:
        return summary_of(get_draw(session, draw_id))


def list_draws(profile: OpenProfile, *, case_id: str | None = None) -> list[DrawSummary]:
    """The profile's draws (of one case, if given), newest first."""
    with profile.read_session() as session:
        query = select(SampleDraw).where(SampleDraw.deleted_at.is_(None))
        if case_id is not None:
            case_access(session, profile, case_id)
            query = query.where(SampleDraw.case_id == case_id)
        draws = session.scalars(query.order_by(SampleDraw.drawn_at.desc())).all()
        return [summary_of(draw) for draw in draws]


def draw_units(profile: OpenProfile, draw_id: str) -> list[UnitRow]:
    """The units of a draw in draw order (empty if this profile does not hold them)."""
    with profile.read_session() as session:
        get_draw(session, draw_id)
        return stored_units(session, draw_id)


def default_batch(profile: OpenProfile, case_id: str) -> str | None:
    """The batch a case's draws come from by default: the newest loaded for the case, else
    the newest of the case's institution; None if there is none."""
    with profile.read_session() as session:
        case = session.get(CaseFile, case_id)
        if case is None:
            return None
        newest = select(SettlementBatch.id).where(SettlementBatch.deleted_at.is_(None))
        own = session.scalar(
            newest.where(SettlementBatch.case_id == case_id).order_by(
                SettlementBatch.loaded_at.desc()
            )
        )
        if own is not None:
            return own
        task = session.get(InspectionTask, case.task_id)
        if task is None or task.institution_id is None:
            return None
        return session.scalar(
            newest.where(SettlementBatch.institution_id == task.institution_id).order_by(
                SettlementBatch.loaded_at.desc()
            )
        )


def latest_screening_run(profile: OpenProfile, batch_id: str) -> str | None:
    """The newest screening run over a batch (None if it was never screened)."""
    with profile.read_session() as session:
        return session.scalar(
            select(ScreeningRun.id)
            .where(ScreeningRun.batch_id == batch_id, ScreeningRun.deleted_at.is_(None))
            .order_by(ScreeningRun.finished_at.desc())
        )


def find_case(profile: OpenProfile, text: str) -> str | None:
    """A case's id from its id or its case number (None if neither matches)."""
    value = text.strip()
    with profile.read_session() as session:
        case = session.get(CaseFile, value)
        if case is not None and case.deleted_at is None:
            return case.id
        return session.scalar(
            select(CaseFile.id).where(CaseFile.case_number == value, CaseFile.deleted_at.is_(None))
        )


@dataclass(frozen=True)
class FrameDescription:
    """A frame before drawing: its size, totals, hash and per-stratum figures."""

    size: int
    total_fen: int
    fund_fen: int
    sha256: str
    strata: list[StratumStatistics]


def describe_frame(
    profile: OpenProfile, *, frame: FrameDefinition, options: DesignOptions | None = None
) -> FrameDescription:
    """Build a frame and summarise it (the sampling dialog and the sample-size planner).

    With ``options.stratify_by`` set the figures are per stratum (certainty stratum
    first, as a draw would make them), else for the whole frame as one stratum ``""``.

    Raises:
        FrameError, DesignError: as for a draw.
    """
    with profile.read_session() as session:
        arrays = build_frame(session, frame)
    strata = stratify(arrays, options) if options is not None and options.stratify_by else None
    return FrameDescription(
        size=arrays.size,
        total_fen=arrays.total_fen,
        fund_fen=arrays.fund_total_fen,
        sha256=arrays.sha256(),
        strata=frame_statistics(arrays, strata),
    )
