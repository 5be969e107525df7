"""Extrapolating a draw from its completed reviews: the bridge from the worksheets to ``appraise``.

The rows and the frame are exactly what ``inspector sample export`` writes (SAMPLE.csv:
settlement number, the review's examined and audited amounts, the stratum of stratified and
risk-based draws; STRATA.csv or ``--frame-size N --frame-examined X``), so the application
and ``inspector stats appraise`` on the exported files agree to the cent. An appraisal is
refused while any sampled claim's review is open, and for PPS samples, whose units the
estimators would weigh wrongly (docs/sampling.md §6), and for draws whose strata do not
add up to the frame (old capped risk-based records), which would extrapolate to part of it.

``inputs_sha256`` identifies what an appraisal was computed from: SHA-256 of the UTF-8 text
with one line ``<settlement_no> TAB <examined fen> TAB <audited fen> TAB <stratum> LF`` per
sampled claim in draw order (the draw itself fixes the frame). A recorded appraisal whose
hash differs from the current one was made before a review changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import (
    NotAllowedError,
    case_access,
    record_case_event,
    require_recording,
)
from inspector_app.i18n import _, ngettext
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.draws import DrawSummary, get_draw, summary_of
from inspector_app.sampling.export import strata_cover_frame
from inspector_app.statistics.recovery import DEFAULT_RULE, REPORTED_LEVELS, RecoveryRule
from inspector_app.statistics.variables import (
    DIFFERENCE,
    Appraisal,
    EstimatorResult,
    Frame,
    SampleRow,
    StratumFrame,
    appraise,
)
from inspector_app.version import __version__
from local_db.enums import ReviewStatus, SamplingMethod
from local_db.models import AppraisalRecord, ClaimReview, SampleDraw, SampleUnit

FrameInput = Frame | tuple[StratumFrame, ...]


class AppraisalNotReadyError(ValueError):
    """The draw cannot be extrapolated yet (open reviews) or at all (PPS, no units, strata
    that do not cover the frame)."""


@dataclass(frozen=True)
class LevelLimits:
    """One estimator's two-sided interval at one reported level, in integer fen."""

    two_sided: float
    lower_fen: int
    upper_fen: int
    precision_fen: int
    selected: bool  # the level whose lower limit the recovery rule takes

    @property
    def one_sided(self) -> float:
        """The one-sided confidence of the same lower bound (two-sided 90 % → 95 %)."""
        return 0.5 + self.two_sided / 2.0


@dataclass(frozen=True)
class DrawAppraisal:
    """A draw's appraisal with what it was computed from and the limits at every level."""

    draw: DrawSummary
    rows: tuple[SampleRow, ...]
    frame: FrameInput
    appraisal: Appraisal
    inputs_sha256: str
    limits: dict[str, tuple[LevelLimits, ...]]

    @property
    def confidence(self) -> float:
        """The two-sided confidence of the reported intervals."""
        return self.appraisal.confidence

    @property
    def rule(self) -> RecoveryRule:
        """Which lower limit recovery uses."""
        return self.appraisal.rule

    @property
    def examined_fen(self) -> int:
        """What the fund paid for the sampled claims."""
        return sum(row.examined_fen for row in self.rows)

    @property
    def audited_fen(self) -> int:
        """What it should have paid according to the reviews."""
        return sum(row.audited_fen for row in self.rows)

    @property
    def improper_fen(self) -> int:
        """Examined minus audited over the sample."""
        return self.examined_fen - self.audited_fen

    @property
    def frame_examined_fen(self) -> int | None:
        """The frame's total paid by the fund (None when not known)."""
        if isinstance(self.frame, Frame):
            return self.frame.examined_fen
        totals = [stratum.examined_fen for stratum in self.frame]
        return None if any(t is None for t in totals) else sum(t or 0 for t in totals)

    def recovery_fen(self, estimator: str = DIFFERENCE) -> int:
        """The lower limit the recovery rule selects for ``estimator``, in fen."""
        return next(level.lower_fen for level in self.limits[estimator] if level.selected)

    def to_json(self, estimator: str = DIFFERENCE) -> dict[str, Any]:
        """``inspector stats appraise --json`` plus the draw and inputs it came from.

        The appraise keys come first and unchanged, so a reader of the command's output
        reads this too; ``draw`` names the sample record, ``inputs_sha256`` the rows.
        """
        draw = self.draw
        frame: Any
        if isinstance(self.frame, Frame):
            frame = {
                "frame_size": self.frame.size,
                "frame_examined": _yuan(self.frame.examined_fen),
            }
        else:
            frame = [
                {
                    "stratum": s.stratum,
                    "frame_size": s.size,
                    "frame_examined": _yuan(s.examined_fen),
                }
                for s in self.frame
            ]
        return {
            **self.appraisal.to_json(),
            "selected_estimator": estimator,
            "inputs_sha256": self.inputs_sha256,
            "draw": {
                "id": draw.draw_id,
                "label": draw.label,
                "method": draw.method.value,
                "batch_id": draw.batch_id,
                "frame_sha256": draw.frame_sha256,
                "frame_size": draw.frame_size,
                "sample_size": draw.sample_size,
                "seed": draw.seed,
                "generator": draw.generator,
                "software_version": draw.software_version,
                "frame": frame,
                "sample": {
                    "examined": _yuan(self.examined_fen),
                    "audited": _yuan(self.audited_fen),
                },
            },
            "software_version": __version__,
        }


def _yuan(fen: int | None) -> float | None:
    return None if fen is None else fen / 100


def _fen(yuan: Decimal) -> int:
    """A yuan amount already rounded to the cent, as integer fen (exact)."""
    return int((yuan * 100).to_integral_value())


def inputs_sha256(rows: tuple[SampleRow, ...] | list[SampleRow]) -> str:
    """The hash of the appraisal's input rows (see the module docstring)."""
    text = "".join(
        f"{row.id}\t{row.examined_fen}\t{row.audited_fen}\t{row.stratum}\n" for row in rows
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _frame(summary: DrawSummary) -> FrameInput:
    """The frame as the export describes it (STRATA.csv, or N and X of the whole frame).

    Its size is the draw's frame size: a draw whose strata do not add up to its frame
    (a risk-based draw recorded with the earlier rule that took only the flagged claims
    largest at stake) would be extrapolated to part of the frame only, so it is refused.
    """
    if not strata_cover_frame(summary):
        covered = sum(stratum.frame_size for stratum in summary.strata)
        raise AppraisalNotReadyError(
            _(
                "The strata of this sample cover {covered} of the {total} claims of its frame: "
                "it took only the flagged claims largest at stake (the rule before random "
                "caps), and the {left} flagged claims it left out were never sampled. It "
                "cannot be extrapolated to the frame; draw again with a cap (now a random "
                "sample of the flagged claims) or without one."
            ).format(covered=covered, total=summary.frame_size, left=summary.frame_size - covered)
        )
    if summary.stratified:
        return tuple(
            StratumFrame(s.label, s.frame_size, s.fund_fen)
            for s in summary.strata
            if s.frame_size > 0
        )
    return Frame(summary.frame_size, summary.frame_fund_fen)


def _rows(session: Session, draw: SampleDraw, summary: DrawSummary) -> tuple[SampleRow, ...]:
    """The reviewed rows in draw order, or why the draw cannot be appraised yet."""
    if summary.method is SamplingMethod.PPS:
        raise AppraisalNotReadyError(
            _(
                "This is a PPS (monetary-unit) sample. The estimators here assume simple "
                "random or stratified random sampling and would be biased for it."
            )
        )
    units = session.execute(
        select(SampleUnit.settlement_no, SampleUnit.stratum)
        .where(SampleUnit.draw_id == draw.id)
        .order_by(SampleUnit.position)
    ).all()
    if not units:
        raise AppraisalNotReadyError(
            _("This profile does not hold the draw's units; it cannot be appraised here.")
        )
    reviews = {
        review.settlement_no: review
        for review in session.scalars(
            select(ClaimReview).where(
                ClaimReview.draw_id == draw.id, ClaimReview.deleted_at.is_(None)
            )
        )
    }
    done = {n: r for n, r in reviews.items() if r.status is ReviewStatus.DONE}
    open_count = sum(1 for number, _stratum in units if number not in done)
    if open_count:
        started = sum(1 for number, _stratum in units if number in reviews and number not in done)
        raise AppraisalNotReadyError(
            ngettext(
                "{open} of {total} sampled claims is not reviewed yet ({started} in progress, "
                "{unstarted} not started). Complete every review before extrapolating.",
                "{open} of {total} sampled claims are not reviewed yet ({started} in progress, "
                "{unstarted} not started). Complete every review before extrapolating.",
                open_count,
            ).format(
                open=open_count,
                total=len(units),
                started=started,
                unstarted=open_count - started,
            )
        )
    return tuple(
        SampleRow(
            id=number,
            examined_fen=done[number].examined_fen,
            audited_fen=done[number].audited_fen,
            stratum=stratum if summary.stratified else "",
        )
        for number, stratum in units
    )


def _limits(result: EstimatorResult, rule: RecoveryRule) -> tuple[LevelLimits, ...]:
    levels = sorted({*REPORTED_LEVELS, rule.two_sided_level})
    limits = []
    for level in levels:
        interval = result.interval.at(level)
        limits.append(
            LevelLimits(
                two_sided=level,
                lower_fen=_fen(interval.lower),
                upper_fen=_fen(interval.upper),
                precision_fen=_fen(interval.precision),
                selected=level == rule.two_sided_level,
            )
        )
    return tuple(limits)


def _appraise(
    session: Session, draw: SampleDraw, *, confidence: float, rule: RecoveryRule
) -> DrawAppraisal:
    summary = summary_of(draw)
    frame = _frame(summary)  # refuses a draw that cannot be extrapolated, before the reviews
    rows = _rows(session, draw, summary)
    appraisal = appraise(rows, frame=frame, confidence=confidence, rule=rule)
    return DrawAppraisal(
        draw=summary,
        rows=rows,
        frame=frame,
        appraisal=appraisal,
        inputs_sha256=inputs_sha256(rows),
        limits={name: _limits(result, rule) for name, result in appraisal.estimators.items()},
    )


def appraise_draw(
    profile: OpenProfile,
    draw_id: str,
    *,
    confidence: float = 0.90,
    rule: RecoveryRule = DEFAULT_RULE,
) -> DrawAppraisal:
    """Extrapolate draw ``draw_id`` from its completed reviews (nothing is stored).

    Raises:
        DrawNotFoundError: no such draw.
        AppraisalNotReadyError: reviews still open, a PPS sample, or no units here.
        AppraisalError: the sample cannot be appraised (e.g. a stratum with one unit).
    """
    with profile.read_session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is not None:
            case_access(session, profile, draw.case_id)
        return _appraise(session, draw, confidence=confidence, rule=rule)


@dataclass(frozen=True)
class RecordingStanding:
    """Whether the user may record for a draw's case, and if not, why (for a banner)."""

    can_record: bool
    reason: str


def recording_standing(profile: OpenProfile, draw_id: str) -> RecordingStanding:
    """May the profile's user record reviews and appraisals of this draw? If not, why.

    Raises:
        DrawNotFoundError: no such draw.
    """
    with profile.read_session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is None:
            return RecordingStanding(False, _("This sample belongs to no case."))
        try:
            require_recording(session, profile, draw.case_id)
        except NotAllowedError as exc:
            return RecordingStanding(False, str(exc))
        return RecordingStanding(True, "")


def record_appraisal(
    profile: OpenProfile,
    draw_id: str,
    *,
    confidence: float = 0.90,
    rule: RecoveryRule = DEFAULT_RULE,
    estimator: str = DIFFERENCE,
    expected_sha256: str | None = None,
) -> str:
    """Compute the draw's appraisal afresh and keep it (``AppraisalRecord``); returns its id.

    ``point_fen``, ``lower_fen`` and ``upper_fen`` are ``estimator``'s figures at
    ``confidence``; ``result`` holds every estimator with the lower limits at each level
    and the one ``rule`` selects. Give ``expected_sha256`` (the inputs the user saw) to
    refuse when a review changed in the meantime.

    Raises:
        NotAllowedError: not on the case's team, or the case is closed.
        AppraisalNotReadyError, AppraisalError, DrawNotFoundError: as for a preview.
        ValueError: the estimator is not available, or the reviews changed.
    """
    with profile.session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is None:
            raise NotAllowedError(_("This sample belongs to no case."))
        require_recording(session, profile, draw.case_id)
        result = _appraise(session, draw, confidence=confidence, rule=rule)
        if expected_sha256 is not None and expected_sha256 != result.inputs_sha256:
            raise ValueError(
                _("The reviews changed since these figures were shown; look again and record.")
            )
        chosen = result.appraisal.estimators.get(estimator)
        if chosen is None:
            raise ValueError(
                _("The {estimator} estimator is not available for this sample.").format(
                    estimator=estimator
                )
            )
        record = AppraisalRecord(
            draw_id=draw_id,
            confidence=confidence,
            estimator=estimator,
            recovery_rule=rule.value,
            point_fen=_fen(chosen.point_estimate),
            lower_fen=_fen(chosen.lower),
            upper_fen=_fen(chosen.upper),
            result=json.dumps(result.to_json(estimator), ensure_ascii=False, sort_keys=True),
            inputs_sha256=result.inputs_sha256,
            software_version=__version__,
        )
        session.add(record)
        session.flush()
        record_case_event(
            profile, session, draw.case_id, "appraisal.recorded", entity="appraisal_record",
            entity_id=record.id,
            detail=f"draw={draw_id} estimator={estimator} confidence={confidence:g}"
            f" rule={rule.value} inputs={result.inputs_sha256[:16]}",
        )  # fmt: skip
        return record.id


@dataclass(frozen=True)
class RecordedAppraisal:
    """A stored appraisal as lists show it."""

    id: str
    draw_id: str
    recorded_at: datetime
    recorded_by: str
    confidence: float
    estimator: str
    rule: RecoveryRule
    point_fen: int
    lower_fen: int
    upper_fen: int
    recovery_fen: int | None
    inputs_sha256: str
    software_version: str
    result: dict[str, Any]


def _recovery_fen(result: dict[str, Any], estimator: str) -> int | None:
    try:
        selected = result["estimators"][estimator]["recovery"]["selected_lower"]
    except (KeyError, TypeError):
        return None
    return _fen(Decimal(str(selected)))


def appraisals_of(profile: OpenProfile, draw_id: str) -> list[RecordedAppraisal]:
    """The appraisals recorded for a draw, newest first.

    Raises:
        DrawNotFoundError: no such draw.
    """
    with profile.read_session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is not None:
            case_access(session, profile, draw.case_id)
        records = session.scalars(
            select(AppraisalRecord)
            .where(AppraisalRecord.draw_id == draw_id, AppraisalRecord.deleted_at.is_(None))
            .order_by(AppraisalRecord.created_at.desc(), AppraisalRecord.id.desc())
        ).all()
        listed = []
        for record in records:
            try:
                result: dict[str, Any] = json.loads(record.result)
            except ValueError:
                result = {}
            listed.append(
                RecordedAppraisal(
                    id=record.id,
                    draw_id=record.draw_id,
                    recorded_at=record.created_at,
                    recorded_by=record.created_by,
                    confidence=record.confidence,
                    estimator=record.estimator,
                    rule=RecoveryRule(record.recovery_rule),
                    point_fen=record.point_fen,
                    lower_fen=record.lower_fen,
                    upper_fen=record.upper_fen,
                    recovery_fen=_recovery_fen(result, record.estimator),
                    inputs_sha256=record.inputs_sha256,
                    software_version=record.software_version,
                    result=result,
                )
            )
        return listed
