"""Attribute appraisal: how many units of the frame are in error, with exact limits.

Unrestricted samples get RAT-STATS' exact hypergeometric limits (Buonaccorsi 1987, as the
RAT-STATS Companion Manual describes): with ``x`` errors in a sample of ``n`` from ``N``
and ``TAIL = (1 − confidence)/2``,

* upper limit ``k2`` = the largest ``K`` with ``P(X ≤ x | N, K, n) > TAIL``,
* lower limit ``k1`` = the smallest ``K`` with ``P(X ≥ x | N, K, n) > TAIL``.

``P(X ≤ x)`` falls and ``P(X ≥ x)`` rises as ``K`` grows, so both limits are found by
bisection over ``K`` with scipy's hypergeometric CDF: about 2·log2(N) evaluations, a few
milliseconds even for N = 10⁷. Stratified samples use the normal approximation with
``SE_h = sqrt((N_h − n_h)/N_h · p̂_h(1 − p̂_h)/(n_h − 1))`` per stratum, as RAT-STATS does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from inspector_app.i18n import _
from inspector_app.statistics.quantiles import check_confidence, two_sided_quantile


class AttributeSampleError(ValueError):
    """The attribute sample cannot be appraised; the message says why."""


@dataclass(frozen=True)
class AttributeResult:
    """Exact limits of the number of frame units in error (unrestricted sample)."""

    frame_size: int
    sample_size: int
    errors: int
    confidence: float
    lower: int
    upper: int

    @property
    def point_estimate(self) -> Fraction:
        """``N · x / n``, the projected number of units in error."""
        return Fraction(self.frame_size * self.errors, self.sample_size)

    @property
    def rate(self) -> Fraction:
        """The sample error rate ``x / n``."""
        return Fraction(self.errors, self.sample_size)

    @property
    def standard_error(self) -> float:
        """Informative only: ``N · sqrt(p̂(1 − p̂)/(n − 1) · (1 − n/N))`` (0 when n = 1)."""
        n, big_n = self.sample_size, self.frame_size
        if n < 2:
            return 0.0
        p = float(self.rate)
        return big_n * math.sqrt(p * (1 - p) / (n - 1) * (1 - n / big_n))

    def to_json(self) -> dict[str, Any]:
        """As ``inspector stats attribute --json`` prints it."""
        return {
            "frame_size": self.frame_size,
            "sample_size": self.sample_size,
            "errors": self.errors,
            "confidence": self.confidence,
            "point_estimate": round(float(self.point_estimate), 2),
            "lower": self.lower,
            "upper": self.upper,
            "rate": round(float(self.rate), 6),
            "lower_rate": round(self.lower / self.frame_size, 6),
            "upper_rate": round(self.upper / self.frame_size, 6),
            "standard_error": round(self.standard_error, 2),
            "method": "hypergeometric",
        }


def _check(frame_size: int, sample_size: int, errors: int) -> None:
    if frame_size < 1:
        raise AttributeSampleError(_("The frame size must be positive."))
    if not 1 <= sample_size <= frame_size:
        raise AttributeSampleError(_("The sample size must be between 1 and the frame size."))
    if not 0 <= errors <= sample_size:
        raise AttributeSampleError(_("The number of errors must be between 0 and the sample size."))


def _largest(lo: int, hi: int, holds: Callable[[int], bool]) -> int:
    """The largest K in [lo, hi] where ``holds`` (true at ``lo``, then false for good)."""
    if holds(hi):
        return hi
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if holds(middle):
            lo = middle
        else:
            hi = middle
    return lo


def _smallest(lo: int, hi: int, holds: Callable[[int], bool]) -> int:
    """The smallest K in [lo, hi] where ``holds`` (false at first, true from then on)."""
    if holds(lo):
        return lo
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if holds(middle):
            hi = middle
        else:
            lo = middle
    return hi


def attribute_limits(
    *, frame_size: int, sample_size: int, errors: int, confidence: float
) -> AttributeResult:
    """Exact two-sided limits of the number of units in error in the frame.

    Raises:
        AttributeSampleError: sizes or counts out of range, or a confidence outside (0, 1).
    """
    from scipy import stats

    _check(frame_size, sample_size, errors)
    try:
        check_confidence(confidence)
    except ValueError as exc:
        raise AttributeSampleError(_("The confidence level must be between 0 and 1.")) from exc
    tail = (1.0 - confidence) / 2.0
    big_n, n, x = frame_size, sample_size, errors
    # K can be neither below the errors seen nor above N minus the clean units seen.
    lowest, highest = x, big_n - (n - x)

    def at_most_x(k: int) -> bool:
        return float(stats.hypergeom.cdf(x, big_n, k, n)) > tail

    def at_least_x(k: int) -> bool:
        return x == 0 or float(stats.hypergeom.sf(x - 1, big_n, k, n)) > tail

    upper = _largest(lowest, highest, at_most_x)
    lower = _smallest(lowest, highest, at_least_x)
    return AttributeResult(big_n, n, x, confidence, lower, upper)


@dataclass(frozen=True)
class AttributeStratum:
    """One stratum of a stratified attribute sample."""

    stratum: str
    frame_size: int
    sample_size: int
    errors: int


@dataclass(frozen=True)
class StratifiedAttributeResult:
    """Normal-approximation limits of the number of units in error over all strata."""

    confidence: float
    point_estimate: float
    standard_error: float
    lower: float
    upper: float
    strata: tuple[AttributeResult, ...]
    labels: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Overall and per-stratum figures (per stratum: exact limits)."""
        return {
            "confidence": self.confidence,
            "point_estimate": round(self.point_estimate, 2),
            "standard_error": round(self.standard_error, 2),
            "lower": round(self.lower, 2),
            "upper": round(self.upper, 2),
            "distribution": {"name": "z"},
            "method": "normal",
            "strata": [
                {"stratum": label, **result.to_json()}
                for label, result in zip(self.labels, self.strata, strict=True)
            ],
        }


def stratified_attribute_limits(
    strata: Sequence[AttributeStratum], *, confidence: float
) -> StratifiedAttributeResult:
    """Normal-approximation limits for a stratified attribute sample (RAT-STATS)."""
    if not strata:
        raise AttributeSampleError(_("No strata were given."))
    point = 0.0
    variance = 0.0
    results = []
    for stratum in strata:
        big_n, n, x = stratum.frame_size, stratum.sample_size, stratum.errors
        _check(big_n, n, x)
        if n < 2 and n < big_n:
            raise AttributeSampleError(
                _("{where}: at least two sampled units are needed to estimate a variance.").format(
                    where=stratum.stratum
                )
            )
        p = x / n
        point += big_n * p
        if n > 1:
            variance += big_n**2 * (big_n - n) / big_n * p * (1 - p) / (n - 1)
        results.append(
            attribute_limits(frame_size=big_n, sample_size=n, errors=x, confidence=confidence)
        )
    z = two_sided_quantile(confidence, None)
    standard_error = math.sqrt(variance)
    return StratifiedAttributeResult(
        confidence=confidence,
        point_estimate=point,
        standard_error=standard_error,
        lower=point - z * standard_error,
        upper=point + z * standard_error,
        strata=tuple(results),
        labels=tuple(stratum.stratum for stratum in strata),
    )
