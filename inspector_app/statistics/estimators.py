"""The three estimators of a frame's improper total, exact in rationals, for one stratum.

Each takes integer fen and returns an :class:`Estimate`: the point estimate and its
estimated variance as ``Fraction`` values, so that stratified results are exact sums and
the only inexact steps (square root, quantile) come last. Formulas and sources are in
``docs/statistics.md``:

* difference (RAT-STATS variable appraisal on the difference column; Cochran 1977, §2.4):
  ``N·d̄`` with ``v = N(N−n)/n · s_d²``;
* ratio (Cochran 1977, eq. 6.9 and 6.13): ``X·Σd/Σe`` with
  ``v = N(N−n)/n · Σ(d − R̂e)²/(n−1)``;
* mean-per-unit of the audited values: ``X − N·ā`` with the variance of ``N·ā``.

``N(N−n)/n`` is ``N²·(1 − n/N)/n``: the finite-population correction is always applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its estimated variance, in fen and fen², exactly."""

    point: Fraction
    variance: Fraction
    sample_size: int
    frame_size: int

    @property
    def degrees_of_freedom(self) -> int:
        """n − 1, the degrees of freedom of t for an unrestricted sample."""
        return self.sample_size - 1


def _check_sizes(sample_size: int, frame_size: int) -> None:
    if sample_size < 1:
        raise ValueError("the sample is empty")
    if sample_size > frame_size:
        raise ValueError("the sample is larger than the frame")


def _variance_factor(sample_size: int, frame_size: int) -> Fraction:
    """``N(N−n)/n``: turns a unit variance into the variance of an estimated total."""
    return Fraction(frame_size * (frame_size - sample_size), sample_size)


def sample_variance(values: Sequence[int]) -> Fraction:
    """``s² = Σ(x − x̄)²/(n − 1)``, exactly; 0 for a single value."""
    n = len(values)
    if n < 2:
        return Fraction(0)
    total = sum(values)
    squares = sum(value * value for value in values)
    return Fraction(n * squares - total * total, n * (n - 1))


def mean_total(values: Sequence[int], frame_size: int) -> Estimate:
    """``N·x̄`` and its variance: the mean-per-unit expansion of one column."""
    n = len(values)
    _check_sizes(n, frame_size)
    point = Fraction(frame_size * sum(values), n)
    variance = _variance_factor(n, frame_size) * sample_variance(values) if n < frame_size else 0
    return Estimate(Fraction(point), Fraction(variance), n, frame_size)


def difference(differences: Sequence[int], frame_size: int) -> Estimate:
    """The difference estimator of the improper total: ``N`` times the mean difference."""
    return mean_total(differences, frame_size)


def ratio(
    differences: Sequence[int], examined: Sequence[int], frame_size: int, frame_examined: int
) -> Estimate:
    """The ratio estimator ``X·Σd/Σe`` of the improper total.

    Amounts may be negative (reversals), but their sum must be positive.

    Raises:
        ValueError: the sample's examined amounts sum to zero or less (no ratio exists:
            dividing by a negative paid total would turn overpayments into refunds).
    """
    n = len(differences)
    _check_sizes(n, frame_size)
    examined_total = sum(examined)
    if examined_total <= 0:
        raise ValueError("the examined amounts of the sample sum to zero or less")
    r = Fraction(sum(differences), examined_total)
    point = frame_examined * r
    if n < 2 or n == frame_size:
        return Estimate(point, Fraction(0), n, frame_size)
    dd = sum(d * d for d in differences)
    de = sum(d * e for d, e in zip(differences, examined, strict=True))
    ee = sum(e * e for e in examined)
    residuals = dd - 2 * r * de + r * r * ee  # Σ(d − R̂e)², expanded to stay rational
    variance = _variance_factor(n, frame_size) * residuals / (n - 1)
    return Estimate(point, variance, n, frame_size)


def mean_per_unit(audited: Sequence[int], frame_size: int, frame_examined: int) -> Estimate:
    """``X − N·ā``: the paid total less the mean-per-unit estimate of the correct total."""
    correct = mean_total(audited, frame_size)
    return Estimate(
        frame_examined - correct.point, correct.variance, correct.sample_size, frame_size
    )


def combined(estimates: Sequence[Estimate]) -> Estimate:
    """The stratified (separate) estimate: sums of the strata's points and variances."""
    return Estimate(
        sum((e.point for e in estimates), Fraction(0)),
        sum((e.variance for e in estimates), Fraction(0)),
        sum(e.sample_size for e in estimates),
        sum(e.frame_size for e in estimates),
    )
