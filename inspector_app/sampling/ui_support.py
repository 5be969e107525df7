"""What the sampling screens show, shaped for them, without Qt.

The batch's draws with how far their review has got, the drawn claims beside their review
status, the cases and screening runs a new draw can use, a preview of the frame (N, totals,
per-stratum N_h, mean and SD) before drawing, the sample-size planner on that preview, the
checks that tell the user in words why a design cannot be drawn yet, and the words for
methods, origins and strata. The draw itself stays ``draws.draw_sample``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from inspector_app import vocabulary
from inspector_app.casework.access import case_access
from inspector_app.i18n import _, pgettext
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.design import (
    CERTAINTY,
    FLAGGED,
    NO_DEPARTMENT,
    ORIGIN_CERTAINTY,
    ORIGIN_FLAGGED,
    ORIGIN_RANDOM,
    UNFLAGGED,
    DesignOptions,
    Stratifier,
    TierRule,
)
from inspector_app.sampling.draws import DrawSummary, get_draw, summary_of
from inspector_app.sampling.frame import FrameDefinition, build_frame, resolve_exclusions
from inspector_app.sampling.strata import StratumStatistics, frame_statistics, stratify
from inspector_app.statistics.allocation import Allocation
from local_db.enums import ReviewStatus, SamplingMethod
from local_db.models import (
    CaseFile,
    Claim,
    ClaimReview,
    InspectionTask,
    SampleDraw,
    SampleUnit,
    ScreeningRun,
    SettlementBatch,
)

# ------------------------------------------------------------------ the batch's draws


@dataclass(frozen=True)
class DrawRow:
    """A draw of the batch with its review counts (completed, and opened but not done)."""

    summary: DrawSummary
    reviewed: int
    in_review: int

    @property
    def draw_id(self) -> str:
        """The draw's id."""
        return self.summary.draw_id


def batch_draws(profile: OpenProfile, batch_id: str) -> list[DrawRow]:
    """The draws made from ``batch_id``, newest first, with their review counts."""
    with profile.read_session() as session:
        draws = session.scalars(
            select(SampleDraw)
            .where(SampleDraw.batch_id == batch_id, SampleDraw.deleted_at.is_(None))
            .order_by(SampleDraw.drawn_at.desc())
        ).all()
        done = ClaimReview.status == ReviewStatus.DONE.value
        counts = {
            draw_id: (int(finished), int(opened))
            for draw_id, finished, opened in session.execute(
                select(
                    ClaimReview.draw_id,
                    func.count().filter(done),
                    func.count().filter(~done),
                )
                .where(
                    ClaimReview.draw_id.in_([draw.id for draw in draws]),
                    ClaimReview.deleted_at.is_(None),
                )
                .group_by(ClaimReview.draw_id)
            ).all()
        }
        return [
            DrawRow(summary_of(draw), *counts.get(draw.id, (0, 0)))
            for draw in draws
        ]  # fmt: skip


# ------------------------------------------------------------------ the drawn claims


@dataclass(frozen=True)
class SampledClaim:
    """One drawn unit with its claim's figures and its review's status (None: not opened)."""

    position: int
    claim_id: int
    settlement_no: str
    stratum: str
    origin: str
    hits: int
    probability: float
    visit_type: str
    department: str
    total_fen: int
    fund_fen: int
    review: ReviewStatus | None
    examined_fen: int | None
    audited_fen: int | None

    @property
    def improper_fen(self) -> int | None:
        """Examined minus audited of a completed review (None before it is done)."""
        if self.review is not ReviewStatus.DONE or self.examined_fen is None:
            return None
        return self.examined_fen - (self.audited_fen or 0)


def sampled_claims(profile: OpenProfile, draw_id: str) -> list[SampledClaim]:
    """The units of a draw in draw order, each with its claim and review status.

    Raises:
        DrawNotFoundError: no such draw.
    """
    with profile.read_session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is not None:
            case_access(session, profile, draw.case_id)
        rows = session.execute(
            select(
                SampleUnit.position, SampleUnit.claim_id, SampleUnit.settlement_no,
                SampleUnit.stratum, SampleUnit.origin, SampleUnit.hits, SampleUnit.probability,
                Claim.visit_type, Claim.department, Claim.total_fen, Claim.fund_fen,
                ClaimReview.status, ClaimReview.examined_fen, ClaimReview.audited_fen,
            )
            .join(Claim, Claim.id == SampleUnit.claim_id)
            .outerjoin(
                ClaimReview,
                (ClaimReview.draw_id == SampleUnit.draw_id)
                & (ClaimReview.settlement_no == SampleUnit.settlement_no)
                & ClaimReview.deleted_at.is_(None),
            )
            .where(SampleUnit.draw_id == draw_id)
            .order_by(SampleUnit.position)
        ).all()  # fmt: skip
    return [
        SampledClaim(
            position=row.position,
            claim_id=row.claim_id,
            settlement_no=row.settlement_no,
            stratum=row.stratum,
            origin=row.origin,
            hits=row.hits,
            probability=row.probability,
            visit_type=row.visit_type,
            department=row.department,
            total_fen=row.total_fen,
            fund_fen=row.fund_fen,
            review=ReviewStatus(row.status) if row.status is not None else None,
            examined_fen=row.examined_fen,
            audited_fen=row.audited_fen,
        )
        for row in rows
    ]


# ------------------------------------------------------------------ what a draw can use


@dataclass(frozen=True)
class CaseChoice:
    """A case a draw from the batch may be filed under; ``refusal`` says why not, if not."""

    case_id: str
    case_number: str
    title: str
    of_batch: bool
    refusal: str | None

    @property
    def can_draw(self) -> bool:
        """The user may draw in this case."""
        return self.refusal is None


@dataclass(frozen=True)
class RunChoice:
    """A screening run over the batch, whose flags risk-based and rule-hit designs use."""

    run_id: str
    finished_at: datetime
    ruleset_version: str
    flagged_claims: int
    flag_count: int


@dataclass(frozen=True)
class SamplingChoices:
    """Everything the new-sample dialog offers for one batch."""

    batch_id: str
    period_start: str
    period_end: str
    cases: list[CaseChoice]
    runs: list[RunChoice]
    visit_types: list[str]
    departments: list[str]


def sampling_choices(profile: OpenProfile, batch_id: str) -> SamplingChoices:
    """The cases (the batch's own first), screening runs (newest first) and filter values.

    Raises:
        LookupError: no such batch.
    """
    with profile.read_session() as session:
        batch = session.get(SettlementBatch, batch_id)
        if batch is None or batch.deleted_at is not None:
            raise LookupError(_("The settlement batch does not exist."))
        cases = session.execute(
            select(CaseFile.id, CaseFile.case_number, InspectionTask.title)
            .join(InspectionTask, InspectionTask.id == CaseFile.task_id)
            .where(
                CaseFile.deleted_at.is_(None),
                or_(
                    CaseFile.id == batch.case_id,
                    InspectionTask.institution_id == batch.institution_id,
                ),
            )
            .order_by(CaseFile.case_number.desc())
        ).all()
        choices = [
            CaseChoice(case_id, number, title, case_id == batch.case_id,
                       _refusal(session, profile, case_id))
            for case_id, number, title in cases
        ]  # fmt: skip
        choices.sort(key=lambda c: not c.of_batch)  # stable: the batch's case first
        runs = [
            RunChoice(run.id, run.finished_at, run.ruleset_version, run.flagged_claims,
                      run.flag_count)
            for run in session.scalars(
                select(ScreeningRun)
                .where(ScreeningRun.batch_id == batch_id, ScreeningRun.deleted_at.is_(None))
                .order_by(ScreeningRun.finished_at.desc())
            )
        ]  # fmt: skip
        pairs = session.execute(
            select(Claim.visit_type, Claim.department)
            .where(Claim.batch_id == batch_id)
            .group_by(Claim.visit_type, Claim.department)
        ).all()
        return SamplingChoices(
            batch_id=batch_id,
            period_start=batch.period_start,
            period_end=batch.period_end,
            cases=choices,
            runs=runs,
            visit_types=sorted({visit for visit, _department in pairs}),
            departments=sorted({department for _visit, department in pairs}),
        )


def _refusal(session: Session, profile: OpenProfile, case_id: str) -> str | None:
    access = case_access(session, profile, case_id)
    if access.read_only:
        return _("This case file is closed.")
    if not access.can_record:
        return _("Your role in this inspection team does not allow drawing samples.")
    return None


# ------------------------------------------------------------------ frame preview


@dataclass(frozen=True)
class StratumPreview:
    """One stratum of a previewed frame: N_h, its total, mean and SD, its amount range."""

    label: str
    size: int
    total_fen: int
    mean_fen: float
    sd_fen: float
    lower_fen: int | None = None
    upper_fen: int | None = None


@dataclass(frozen=True)
class FramePreview:
    """A frame as it would be drawn from: the whole and, if the design divides it, strata.

    ``strata`` is empty for unstratified designs; for a risk-based design it holds the
    flagged and unflagged parts. ``flagged`` is None when no screening run is used.
    """

    definition: FrameDefinition
    size: int
    total_fen: int
    fund_fen: int
    sha256: str
    whole: StratumPreview
    strata: tuple[StratumPreview, ...]
    flagged: int | None
    nonpositive: int

    def stratum(self, label: str) -> StratumPreview | None:
        """The stratum labelled ``label``, if the preview has it."""
        return next((s for s in self.strata if s.label == label), None)

    @property
    def certainty_size(self) -> int:
        """Claims of the certainty stratum (taken whole), 0 without one."""
        found = self.stratum(CERTAINTY)
        return found.size if found is not None else 0


def preview_frame(
    profile: OpenProfile,
    *,
    case_id: str | None,
    frame: FrameDefinition,
    method: SamplingMethod,
    options: DesignOptions,
) -> FramePreview:
    """Build the frame a draw would use and summarise it (run it in the background).

    ``exclude_case_draws`` is resolved against ``case_id``'s draws as a draw would.

    Raises:
        FrameError, DesignError: the filters or the strata cannot be built (message for
            the user).
    """
    with profile.read_session() as session:
        if case_id is not None:
            frame = resolve_exclusions(session, frame, case_id)
        arrays = build_frame(session, frame)
    whole = _preview(frame_statistics(arrays)[0], (None, None))
    strata: tuple[StratumPreview, ...] = ()
    if method is SamplingMethod.STRATIFIED and options.stratify_by is not None:
        parts = stratify(arrays, options)
        stats = frame_statistics(arrays, parts)
        strata = tuple(_preview(s, b) for s, b in zip(stats, parts.bounds, strict=True))
    elif method is SamplingMethod.RISK_BASED and frame.screening_run_id is not None:
        parts = stratify(arrays, replace(options, stratify_by=Stratifier.FLAGS, certainty_fen=None))
        stats = frame_statistics(arrays, parts)
        strata = tuple(_preview(s, b) for s, b in zip(stats, parts.bounds, strict=True))
    return FramePreview(
        definition=frame,
        size=arrays.size,
        total_fen=arrays.total_fen,
        fund_fen=arrays.fund_total_fen,
        sha256=arrays.sha256(),
        whole=whole,
        strata=strata,
        flagged=int((arrays.flags > 0).sum()) if frame.screening_run_id is not None else None,
        nonpositive=int((arrays.amounts <= 0).sum()),
    )


def _preview(stats: StratumStatistics, bounds: tuple[int | None, int | None]) -> StratumPreview:
    return StratumPreview(
        stats.label, stats.size, stats.total_fen, stats.mean_fen, stats.sd_fen, *bounds
    )


# ------------------------------------------------------------------ sample-size planning


@dataclass(frozen=True)
class SizePlan:
    """A planned size for the dialog's size field, and what it rests on.

    ``size`` is what the draw is asked for (a stratified plan includes the certainty
    stratum, taken whole); ``allocation`` the n_h a stratified draw would make of it;
    ``frame_size`` the N the formula used (the unflagged claims for risk-based designs).
    """

    size: int
    frame_size: int
    confidence: float
    allocation: tuple[tuple[str, int], ...] = ()
    certainty: int = 0
    lower: int | None = None
    upper: int | None = None


def _planned_part(preview: FramePreview, method: SamplingMethod) -> StratumPreview:
    """The part of the frame a random sample is drawn from (unflagged claims, risk-based)."""
    if method is SamplingMethod.RISK_BASED:
        return preview.stratum(UNFLAGGED) or replace(preview.whole, size=0)
    return preview.whole


def _error_moments(rate: float, mean: float, sd: float) -> tuple[float, float]:
    """Mean and SD of the improper amounts at an expected error rate (as
    ``variable_sample_size_from_error_rate`` derives them): μ_D = pμ, σ_D² = p(σ² + (1 − p)μ²)."""
    return rate * mean, (rate * (sd**2 + (1 - rate) * mean**2)) ** 0.5


def plan_variables(
    preview: FramePreview,
    *,
    method: SamplingMethod,
    confidence: float,
    precision_percent: float,
    error_rate: float | None = None,
    options: DesignOptions | None = None,
) -> SizePlan:
    """The variable (amount) sample size for a precision on the frame's total.

    Without ``error_rate`` the formula plans on the frame's amounts (mean and SD); with it,
    on the improper amounts expected at that rate. A stratified preview is planned by
    ``stratified_sample_size`` over the random strata for the allocation the draw will
    make (``options.allocation``, Neyman weighing the SD of the amounts as the draw
    does), with the precision taken on the whole frame's total (the certainty stratum,
    taken whole, adds no sampling error) and the certainty stratum added to the size.

    Raises:
        SampleSizeError: the inputs give no size (message for the user).
    """
    from inspector_app.statistics.sample_size import (
        SampleSizeError,
        StratumPlan,
        stratified_sample_size,
        variable_sample_size,
        variable_sample_size_from_error_rate,
    )

    options = options or DesignOptions()
    if method is SamplingMethod.STRATIFIED and preview.strata:
        random = [s for s in preview.strata if s.label != CERTAINTY and s.size > 0]
        if not random:
            raise SampleSizeError(_("The certainty stratum holds the whole frame."))
        plans = []
        for s in random:
            mean, sd = (s.mean_fen, s.sd_fen)
            if error_rate is not None:
                mean, sd = _error_moments(error_rate, mean, sd)
            plans.append(StratumPlan(s.label, s.size, mean, sd))
        whole_mean = preview.whole.mean_fen
        if error_rate is not None:
            whole_mean = error_rate * whole_mean
        random_total = sum(p.size * p.mean for p in plans)
        if random_total <= 0:
            raise SampleSizeError(_("The expected total must be positive to plan a precision."))
        # The precision wanted is P % of the whole frame's total; the formula measures it on
        # the strata it is given, so P is rescaled to the random strata's total.
        scaled = precision_percent * whole_mean * preview.size / random_total
        plan = stratified_sample_size(
            plans, precision_percent=scaled, confidence=confidence,
            allocation=options.allocation, allocation_deviations=[s.sd_fen for s in random],
            minimum=options.minimum,
        )  # fmt: skip
        certainty = preview.certainty_size
        allocation = ([(CERTAINTY, certainty)] if certainty else []) + [
            (p.stratum, plan.allocation[p.stratum]) for p in plans
        ]
        return SizePlan(
            size=plan.total + certainty,
            frame_size=preview.size,
            confidence=confidence,
            allocation=tuple(allocation),
            certainty=certainty,
        )
    part = _planned_part(preview, method)
    if error_rate is None:
        result = variable_sample_size(
            frame_size=part.size, mean=part.mean_fen, standard_deviation=part.sd_fen,
            precision_percent=precision_percent, confidence=confidence,
        )  # fmt: skip
    else:
        result = variable_sample_size_from_error_rate(
            frame_size=part.size, error_rate=error_rate, reported_mean=part.mean_fen,
            reported_sd=part.sd_fen, precision_percent=precision_percent, confidence=confidence,
        )  # fmt: skip
    return SizePlan(size=result.sample_size, frame_size=part.size, confidence=confidence)


def plan_attributes(
    preview: FramePreview,
    *,
    method: SamplingMethod,
    expected_rate: float,
    precision: float,
    confidence: float,
) -> SizePlan:
    """The attribute (error-rate) sample size: its exact interval at the expected rate is
    within ± ``precision`` (``attribute_sample_size``).

    Raises:
        SampleSizeError: the inputs give no size (message for the user).
    """
    from inspector_app.statistics.sample_size import attribute_sample_size

    part = _planned_part(preview, method)
    result = attribute_sample_size(
        frame_size=part.size, expected_rate=expected_rate, precision=precision,
        confidence=confidence,
    )  # fmt: skip
    return SizePlan(
        size=result.sample_size,
        frame_size=part.size,
        confidence=confidence,
        lower=result.lower,
        upper=result.upper,
    )


# ------------------------------------------------------------------ is the design drawable?


def design_problems(
    preview: FramePreview, *, method: SamplingMethod, size: int, options: DesignOptions
) -> list[str]:
    """Why this design cannot be drawn from the previewed frame, in words (empty: it can)."""
    problems: list[str] = []
    if preview.size == 0:
        return [_("No claim passes the frame's filters.")]
    if method is SamplingMethod.RISK_BASED:
        if preview.flagged is None:
            return [_("Risk-based sampling needs a screening run of the batch.")]
        unflagged = preview.size - preview.flagged
        if size > unflagged:
            problems.append(
                _("The random remainder {size} is larger than the {count} claims not flagged.")
                .format(size=size, count=unflagged)
            )  # fmt: skip
        cap = options.flagged_cap
        taken = preview.flagged if cap is None else min(preview.flagged, cap)
        if cap is not None and cap < 2 and cap < preview.flagged:
            problems.append(
                _(
                    "A cap of {cap} on {count} flagged claims leaves too few of them to "
                    "extrapolate (at least 2 are needed); raise the cap or take them all."
                ).format(cap=cap, count=preview.flagged)
            )
        if size + taken == 0:
            problems.append(_("The sample would be empty: no flagged claim and no remainder."))
        return problems
    if size < 1:
        return [_("The sample size must be at least 1.")]
    if method is SamplingMethod.STRATIFIED:
        if options.stratify_by is Stratifier.FLAGS and preview.definition.screening_run_id is None:
            return [_("Strata by rule hits need a screening run of the batch.")]
        certain = preview.certainty_size
        if certain > size:
            problems.append(
                _(
                    "The certainty stratum alone holds {count} claims, more than the sample "
                    "size {size}: raise the size or the threshold."
                ).format(count=certain, size=size)
            )
    elif method is SamplingMethod.PPS and preview.nonpositive == preview.size:
        problems.append(_("PPS needs claims with positive amounts; this frame has none."))
    if method is not SamplingMethod.PPS and size > preview.size:
        problems.append(
            _("The sample size {size} is larger than the {count} claims of the frame.").format(
                size=size, count=preview.size
            )
        )
    return problems


# ------------------------------------------------------------------ words


def method_label(method: SamplingMethod) -> str:
    """The method in words."""
    return {
        SamplingMethod.SIMPLE_RANDOM: _("Simple random"),
        SamplingMethod.STRATIFIED: _("Stratified"),
        SamplingMethod.PPS: _("PPS (monetary unit)"),
        SamplingMethod.RISK_BASED: _("Risk-based"),
    }[SamplingMethod(method)]


def origin_label(origin: str) -> str:
    """Why a unit is in the sample."""
    return {
        ORIGIN_RANDOM: _("Random"),
        ORIGIN_CERTAINTY: _("Certainty"),
        ORIGIN_FLAGGED: _("Flagged"),
    }.get(origin, origin)


def stratum_label(label: str) -> str:
    """A stratum's label in words (reserved labels translated, tiers and departments as is)."""
    return {
        CERTAINTY: _("Certainty"),
        FLAGGED: _("Flagged"),
        UNFLAGGED: _("Not flagged"),
        NO_DEPARTMENT: _("No department"),
    }.get(label, label)


def stratifier_label(value: Stratifier) -> str:
    """What the strata divide the frame by."""
    return {
        Stratifier.AMOUNT: _("Amount tiers"),
        Stratifier.DEPARTMENT: _("Department"),
        Stratifier.FLAGS: _("Screening flags"),
    }[value]


def tier_rule_label(value: TierRule) -> str:
    """How tier boundaries are set."""
    return {
        TierRule.CUM_SQRT_F: _("Cumulative √f (Dalenius–Hodges)"),
        TierRule.EQUAL_VALUE: _("Equal total amount per tier"),
        TierRule.GIVEN: _("Boundaries I give"),
    }[value]


def allocation_label(value: Allocation) -> str:
    """How the size is shared among strata."""
    return {
        Allocation.PROPORTIONAL: _("Proportional (n_h ∝ N_h)"),
        Allocation.NEYMAN: _("Neyman (n_h ∝ N_h·S_h)"),
    }[value]


def review_label(status: ReviewStatus | None) -> str:
    """A sampled claim's review status."""
    if status is None:
        return _("Not started")
    if status is ReviewStatus.DONE:
        return pgettext("sampling", "Done")
    return _("In progress")


def visit_type_label(value: str) -> str:
    """A claim's visit type in words (unknown values as they are)."""
    return vocabulary.visit_type_label(value)


def strata_of(values: Sequence[tuple[str, int]]) -> str:
    """``[("A1", 3), ("A2", 4)]`` → ``A1 3 · A2 4`` (labels in words)."""
    return " · ".join(f"{stratum_label(label)} {n}" for label, n in values)
