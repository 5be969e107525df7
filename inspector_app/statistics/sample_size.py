"""Sample sizes for variable (amount) and attribute (error-rate) samples, as RAT-STATS plans them.

Variables (RAT-STATS "Variable Sample Size Determination", ``docs/statistics.md``):

* the precision wanted is a percentage of the estimated total, ``E = (P/100)·mean·N``;
* unrestricted: ``n = (SD·N)² / ((E/z)² + N·SD²)``, rounded up;
* from an expected error rate ``p`` and the reported amounts (mean ``μ_R``, SD ``σ_R``):
  ``μ_D = p·μ_R``, ``σ_D = sqrt(p(σ_R² + (1 − p)μ_R²))``, then as above;
* stratified, total unknown (Neyman): ``n = (Σ N_h S_h)² / ((E/z)² + Σ N_h S_h²)``, then
  ``allocation.allocate`` shares it (rounded up, capped at N_h, remainder reallocated).

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
    """A planned stratified sample: the total and its Neyman allocation."""

    total: int
    allocation: dict[str, int]
    precision_percent: float
    confidence: float
    z: float
    unrounded_total: float | None = None
    strata: tuple[StratumPlan, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The plan as ``inspector stats size stratified --json`` prints it."""
        return {
            "sample_size": sum(self.allocation.values()),
            "planned_total": self.total,
            "unrounded_total": self.unrounded_total,
            "precision_percent": self.precision_percent,
            "confidence": self.confidence,
            "z": self.z,
            "allocation": [
                {
                    "stratum": plan.stratum,
                    "frame_size": plan.size,
                    "sample_size": self.allocation[plan.stratum],
                }
                for plan in self.strata
            ],
        }


def stratified_sample_size(
    strata: Sequence[StratumPlan],
    *,
    precision_percent: float,
    confidence: float,
    total_size: int | None = None,
) -> StratifiedSampleSize:
    """Neyman total and allocation for a precision on the stratified total.

    With ``total_size`` the total is taken as given and only allocated.

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
    unrounded: float | None = None
    if total_size is None:
        estimated_total = sum(plan.size * plan.mean for plan in strata)
        if estimated_total <= 0:
            raise SampleSizeError(_("The expected total must be positive to plan a precision."))
        precision = precision_percent / 100.0 * estimated_total
        spread = sum(size * sd for size, sd in zip(sizes, deviations, strict=True))
        squares = sum(size * sd**2 for size, sd in zip(sizes, deviations, strict=True))
        unrounded = spread**2 / ((precision / z) ** 2 + squares)
        total = min(frame, max(1, math.ceil(unrounded - 1e-9)))
    else:
        total = total_size
    if not 0 < total <= frame:
        raise SampleSizeError(_("The sample size must be between 1 and the frame size."))
    shares = allocate(total, sizes, method=Allocation.NEYMAN, deviations=deviations)
    return StratifiedSampleSize(
        total=total,
        allocation={plan.stratum: n for plan, n in zip(strata, shares, strict=True)},
        precision_percent=precision_percent,
        confidence=confidence,
        z=z,
        unrounded_total=unrounded,
        strata=tuple(strata),
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
