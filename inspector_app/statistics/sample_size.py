"""Sample sizes for variable (amount) and attribute (error-rate) samples, as RAT-STATS plans them.

Variables (RAT-STATS "Variable Sample Size Determination", ``docs/statistics.md``):

* the precision wanted is a percentage of the estimated total, ``E = (P/100)·mean·N``;
* unrestricted: ``n = (SD·N)² / ((E/z)² + N·SD²)``, rounded up;
* from an expected error rate ``p`` and the reported amounts (mean ``μ_R``, SD ``σ_R``):
  ``μ_D = p·μ_R``, ``σ_D = sqrt(p(σ_R² + (1 − p)μ_R²))``, then as above;
* stratified: the n whose allocation meets ``E``. The variance of the stratified total with
  ``n_h = n·w_h`` is ``Σ N_h² S_h²/(n w_h) − Σ N_h S_h²`` (Cochran 1977, §5.5 and §5.9), so
  ``n = Σ(N_h² S_h² / w_h) / ((E/z)² + Σ N_h S_h²)``: with Neyman weights
  ``w_h ∝ N_h S_h`` this is ``(Σ N_h S_h)² / (…)``, with proportional weights
  ``w_h = N_h/N`` it is ``N·Σ N_h S_h² / (…)`` (Cochran's n₀/(1 + n₀/N) for proportional
  allocation, written for a total). ``allocation.allocate`` then shares n exactly as the
  draw will (rounded up, capped at N_h, remainder reallocated).

Attributes: the smallest ``n`` whose exact hypergeometric interval (``attributes.py``) at
the expected rate is no wider than ``2 × precision × N`` (precision = the ± half-width).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean, stdev
from typing import Any

from inspector_app.i18n import _
from inspector_app.statistics.allocation import Allocation, allocate
from inspector_app.statistics.attributes import attribute_limits
from inspector_app.statistics.quantiles import check_confidence, two_sided_quantile


class SampleSizeError(ValueError):
    """The planning inputs cannot give a sample size; the message says why."""


@dataclass(frozen=True)
class VariableSampleSize:
    """A planned variable sample: its size and the figures it came from."""

    sample_size: int
    frame_size: int
    mean: float
    standard_deviation: float
    precision_percent: float
    confidence: float
    z: float

    @property
    def precision_amount(self) -> float:
        """E, the precision wanted on the frame total (in the unit of ``mean``)."""
        return self.precision_percent / 100.0 * self.mean * self.frame_size

    def to_json(self) -> dict[str, Any]:
        """The plan as ``inspector stats size variable --json`` prints it."""
        return {
            "sample_size": self.sample_size,
            "frame_size": self.frame_size,
            "mean": self.mean,
            "standard_deviation": self.standard_deviation,
            "precision_percent": self.precision_percent,
            "precision_amount": self.precision_amount,
            "confidence": self.confidence,
            "z": self.z,
        }


def _check_common(frame_size: int, precision_percent: float, confidence: float) -> float:
    if frame_size < 1:
        raise SampleSizeError(_("The frame size must be positive."))
    if precision_percent <= 0:
        raise SampleSizeError(_("The precision must be a positive percentage."))
    try:
        check_confidence(confidence)
    except ValueError as exc:
        raise SampleSizeError(_("The confidence level must be between 0 and 1.")) from exc
    return two_sided_quantile(confidence, None)


def variable_sample_size(
    *,
    frame_size: int,
    mean: float,
    standard_deviation: float,
    precision_percent: float,
    confidence: float,
) -> VariableSampleSize:
    """Sample size for estimating a total within ``precision_percent`` of it.

    Raises:
        SampleSizeError: a non-positive mean (no relative precision exists), a negative
            standard deviation, or bad frame size, precision or confidence.
    """
    z = _check_common(frame_size, precision_percent, confidence)
    if mean <= 0:
        raise SampleSizeError(_("The expected mean must be positive to plan a precision."))
    if standard_deviation < 0:
        raise SampleSizeError(_("The standard deviation must not be negative."))
    precision = precision_percent / 100.0 * mean * frame_size
    sd, big_n = standard_deviation, frame_size
    n = (sd * big_n) ** 2 / ((precision / z) ** 2 + big_n * sd**2)
    size = min(big_n, max(2, math.ceil(n - 1e-9)))
    return VariableSampleSize(size, big_n, mean, sd, precision_percent, confidence, z)


def variable_sample_size_from_probe(
    values: Sequence[float], *, frame_size: int, precision_percent: float, confidence: float
) -> VariableSampleSize:
    """Sample size from a probe sample's values (e.g. its differences): its mean and SD."""
    if len(values) < 2:
        raise SampleSizeError(_("A probe sample needs at least two values."))
    return variable_sample_size(
        frame_size=frame_size,
        mean=fmean(values),
        standard_deviation=stdev(values),
        precision_percent=precision_percent,
        confidence=confidence,
    )


def variable_sample_size_from_error_rate(
    *,
    frame_size: int,
    error_rate: float,
    reported_mean: float,
    reported_sd: float,
    precision_percent: float,
    confidence: float,
) -> VariableSampleSize:
    """Sample size from an expected error rate and the reported (paid) amounts."""
    if not 0 < error_rate <= 1:
        raise SampleSizeError(_("The expected error rate must be in (0, 1]."))
    mean = error_rate * reported_mean
    sd = math.sqrt(error_rate * (reported_sd**2 + (1 - error_rate) * reported_mean**2))
    return variable_sample_size(
        frame_size=frame_size,
        mean=mean,
        standard_deviation=sd,
        precision_percent=precision_percent,
        confidence=confidence,
    )


@dataclass(frozen=True)
class StratumPlan:
    """What planning knows of one stratum: its size and the expected mean and SD."""

    stratum: str
    size: int
    mean: float
    standard_deviation: float


@dataclass(frozen=True)
class StratifiedSampleSize:
    """A planned stratified sample: the total and its allocation (``allocation_method``)."""

    total: int
    allocation: dict[str, int]
    precision_percent: float
    confidence: float
    z: float
    unrounded_total: float | None = None
    strata: tuple[StratumPlan, ...] = field(default=())
    allocation_method: Allocation = Allocation.NEYMAN

    def to_json(self) -> dict[str, Any]:
        """The plan as ``inspector stats size stratified --json`` prints it."""
        return {
            "sample_size": sum(self.allocation.values()),
            "planned_total": self.total,
            "unrounded_total": self.unrounded_total,
            "precision_percent": self.precision_percent,
            "confidence": self.confidence,
            "z": self.z,
            "allocation_method": self.allocation_method.value,
            "allocation": [
                {
                    "stratum": plan.stratum,
                    "frame_size": plan.size,
                    "sample_size": self.allocation[plan.stratum],
                }
                for plan in self.strata
            ],
        }


def stratified_variance(
    sizes: Sequence[int], deviations: Sequence[float], shares: Sequence[int]
) -> float:
    """Σ N_h (N_h − n_h) S_h² / n_h: the variance of the stratified total for these n_h.

    A stratum taken whole adds nothing; a stratum with units but no sample makes it
    infinite (its total would not be estimated at all).
    """
    variance = 0.0
    for size, sd, n in zip(sizes, deviations, shares, strict=True):
        if n >= size or sd == 0:
            continue
        if n <= 0:
            return math.inf
        variance += size * (size - n) * sd**2 / n
    return variance


def _formula_total(
    sizes: Sequence[int], deviations: Sequence[float], weights: Sequence[float], target: float
) -> float:
    """n = Σ(N_h² S_h²/w_h) / ((E/z)² + Σ N_h S_h²) with w_h the normalised weights.

    Infinite when a stratum with spread gets no weight (no n reaches the precision by
    the formula; the caller searches the allocation instead).
    """
    weight_sum = sum(weights)
    numerator = 0.0
    for size, sd, weight in zip(sizes, deviations, weights, strict=True):
        if sd == 0:
            continue
        if weight <= 0:
            return math.inf
        numerator += size**2 * sd**2 * weight_sum / weight
    squares = sum(size * sd**2 for size, sd in zip(sizes, deviations, strict=True))
    return numerator / (target + squares)


def stratified_sample_size(
    strata: Sequence[StratumPlan],
    *,
    precision_percent: float,
    confidence: float,
    total_size: int | None = None,
    allocation: Allocation = Allocation.NEYMAN,
    allocation_deviations: Sequence[float] | None = None,
    minimum: int = 2,
) -> StratifiedSampleSize:
    """The total for a precision on the stratified total, and its allocation.

    Args:
        strata: N_h, the expected mean and the planning SD S_h of each stratum.
        precision_percent: the ± precision wanted, percent of Σ N_h·mean_h.
        confidence: two-sided confidence of that precision (z, not t).
        total_size: take this total as given and only allocate it.
        allocation: how the draw will share the total (the size is planned for it:
            proportional needs more units than Neyman for the same precision).
        allocation_deviations: the S_h the draw's Neyman allocation will weigh (the SD
            of the frame's amounts); default the planning SDs. When they differ (planning
            on error amounts), n is planned for the allocation the draw actually makes.
        minimum: the fewest units a stratum gets (``allocate``'s ``minimum``).

    The formula's n (rounded up) is kept when its allocation meets the precision; when
    it does not (a stratum capped at its size, or one the allocation gives no weight),
    n is raised to the smallest total whose allocation does.

    Raises:
        SampleSizeError: no strata, bad sizes, or a non-positive estimated total.
    """
    if not strata:
        raise SampleSizeError(_("No strata were given."))
    frame = sum(plan.size for plan in strata)
    z = _check_common(frame, precision_percent, confidence)
    if any(plan.size < 1 or plan.standard_deviation < 0 for plan in strata):
        raise SampleSizeError(_("Each stratum needs a positive size and a non-negative SD."))
    sizes = [plan.size for plan in strata]
    deviations = [plan.standard_deviation for plan in strata]
    weighed = list(deviations if allocation_deviations is None else allocation_deviations)
    if len(weighed) != len(sizes) or any(sd < 0 for sd in weighed):
        raise SampleSizeError(_("Each stratum needs a positive size and a non-negative SD."))
    method = Allocation(allocation)
    if method is Allocation.NEYMAN and not any(sd > 0 for sd in weighed):
        method = Allocation.PROPORTIONAL  # no spread to weigh: the draw falls back too

    def share(total: int) -> list[int]:
        return allocate(
            total, sizes, method=method,
            deviations=weighed if method is Allocation.NEYMAN else None, minimum=minimum,
        )  # fmt: skip

    unrounded: float | None = None
    if total_size is None:
        estimated_total = sum(plan.size * plan.mean for plan in strata)
        if estimated_total <= 0:
            raise SampleSizeError(_("The expected total must be positive to plan a precision."))
        target = (precision_percent / 100.0 * estimated_total / z) ** 2
        weights = [
            size * (sd if method is Allocation.NEYMAN else 1.0)
            for size, sd in zip(sizes, weighed, strict=True)
        ]
        unrounded = _formula_total(sizes, deviations, weights, target)
        total = frame if math.isinf(unrounded) else min(frame, max(1, math.ceil(unrounded - 1e-9)))

        def meets(n: int) -> bool:
            return stratified_variance(sizes, deviations, share(n)) <= target * (1 + 1e-12)

        if math.isinf(unrounded) or not meets(total):
            # A census always meets it; search the smallest total that does.
            low, high = (0 if math.isinf(unrounded) else total), frame
            while high - low > 1:
                middle = (low + high) // 2
                if meets(middle):
                    high = middle
                else:
                    low = middle
            total = high
    else:
        total = total_size
    if not 0 < total <= frame:
        raise SampleSizeError(_("The sample size must be between 1 and the frame size."))
    shares = share(total)
    return StratifiedSampleSize(
        total=total,
        allocation={plan.stratum: n for plan, n in zip(strata, shares, strict=True)},
        precision_percent=precision_percent,
        confidence=confidence,
        z=z,
        unrounded_total=None if unrounded is None or math.isinf(unrounded) else unrounded,
        strata=tuple(strata),
        allocation_method=method,
    )


@dataclass(frozen=True)
class AttributeSampleSize:
    """A planned attribute sample and the interval it would give at the expected rate."""

    sample_size: int
    frame_size: int
    expected_rate: float
    precision: float
    confidence: float
    expected_errors: int
    lower: int
    upper: int

    def to_json(self) -> dict[str, Any]:
        """The plan as ``inspector stats size attribute --json`` prints it."""
        return {
            "sample_size": self.sample_size,
            "frame_size": self.frame_size,
            "expected_rate": self.expected_rate,
            "precision": self.precision,
            "confidence": self.confidence,
            "expected_errors": self.expected_errors,
            "lower": self.lower,
            "upper": self.upper,
        }


def attribute_sample_size(
    *, frame_size: int, expected_rate: float, precision: float, confidence: float
) -> AttributeSampleSize:
    """The smallest n whose exact interval at the expected rate is within ± ``precision``.

    The expected errors in a sample of ``n`` are ``round(expected_rate × n)``; the interval
    qualifies when ``upper − lower ≤ 2 × precision × N``. The width shrinks with ``n``
    except for small steps where the rounded error count changes, so the search bisects
    and then walks down while smaller sizes still qualify.

    Raises:
        SampleSizeError: rate or precision outside (0, 1), bad frame or confidence.
    """
    if frame_size < 1:
        raise SampleSizeError(_("The frame size must be positive."))
    if not 0 <= expected_rate <= 1:
        raise SampleSizeError(_("The expected error rate must be between 0 and 1."))
    if not 0 < precision < 1:
        raise SampleSizeError(_("The precision must be between 0 and 1."))
    try:
        check_confidence(confidence)
    except ValueError as exc:
        raise SampleSizeError(_("The confidence level must be between 0 and 1.")) from exc
    allowed = 2 * precision * frame_size

    def interval(n: int) -> tuple[int, int, int]:
        errors = min(n, math.floor(expected_rate * n + 0.5))
        result = attribute_limits(
            frame_size=frame_size, sample_size=n, errors=errors, confidence=confidence
        )
        return errors, result.lower, result.upper

    def fits(n: int) -> bool:
        _errors, lower, upper = interval(n)
        return upper - lower <= allowed

    lo, hi = 0, frame_size  # fits(N) always: a census has a zero-width interval
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if fits(middle):
            hi = middle
        else:
            lo = middle
    while hi > 1 and fits(hi - 1):
        hi -= 1
    errors, lower, upper = interval(hi)
    return AttributeSampleSize(
        hi, frame_size, expected_rate, precision, confidence, errors, lower, upper
    )
