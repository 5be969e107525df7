"""Sample-size planning: each size achieves the precision asked and a smaller one does not.

No published worked example of RAT-STATS' sample-size screens could be retrieved in text
(the Companion Manual's chapter 4 is not available to us), so these tests check the
formulas of docs/statistics.md by their defining property instead of by quoted figures.
"""

from __future__ import annotations

import math
from statistics import fmean, pstdev, stdev

import pytest

from inspector_app.statistics.attributes import attribute_limits
from inspector_app.statistics.sample_size import (
    SampleSizeError,
    StratumPlan,
    attribute_sample_size,
    stratified_sample_size,
    variable_sample_size,
    variable_sample_size_from_error_rate,
    variable_sample_size_from_probe,
)

Z90 = 1.644853626951


def _achieved_precision(n: int, frame: int, sd: float, z: float) -> float:
    """z · SE(N·ȳ) for a sample of n: z · N · SD · sqrt((N − n)/(n N))."""
    return z * frame * sd * math.sqrt((frame - n) / (n * frame))


@pytest.mark.parametrize(
    ("frame", "mean", "sd", "percent"),
    [(10_000, 100.0, 150.0, 10.0), (2_500, 40.0, 400.0, 20.0), (1_000_000, 800.0, 2_000.0, 5.0)],
)
def test_variable_size_is_the_smallest_that_meets_the_precision(
    frame: int, mean: float, sd: float, percent: float
) -> None:
    plan = variable_sample_size(
        frame_size=frame, mean=mean, standard_deviation=sd, precision_percent=percent,
        confidence=0.90,
    )  # fmt: skip
    target = percent / 100 * mean * frame
    assert plan.precision_amount == pytest.approx(target)
    assert plan.z == pytest.approx(Z90, abs=1e-11)
    assert _achieved_precision(plan.sample_size, frame, sd, plan.z) <= target * (1 + 1e-12)
    assert _achieved_precision(plan.sample_size - 1, frame, sd, plan.z) > target


def test_error_rate_plan_uses_the_mixture_mean_and_sd() -> None:
    """μ_D = pμ_R and σ_D² = p(σ_R² + (1 − p)μ_R²) are the moments of a population where a
    share p of units (independently of amount) is wholly improper and the rest correct."""
    reported = [120.0, 80.0, 300.0, 45.0, 455.0]
    copies, in_error = 10, 3  # p = 0.3 for every amount
    differences = [
        amount if copy < in_error else 0.0 for amount in reported for copy in range(copies)
    ]
    p = in_error / copies
    plan = variable_sample_size_from_error_rate(
        frame_size=50_000, error_rate=p, reported_mean=fmean(reported),
        reported_sd=pstdev(reported), precision_percent=10, confidence=0.90,
    )  # fmt: skip
    assert plan.mean == pytest.approx(fmean(differences))
    assert plan.standard_deviation == pytest.approx(pstdev(differences))


def test_probe_plan_uses_the_probe_mean_and_sample_sd() -> None:
    probe = [0.0, 0.0, 120.5, 30.0, 0.0, 400.0, 12.0, 0.0]
    plan = variable_sample_size_from_probe(
        probe, frame_size=20_000, precision_percent=15, confidence=0.95
    )
    direct = variable_sample_size(
        frame_size=20_000, mean=fmean(probe), standard_deviation=stdev(probe),
        precision_percent=15, confidence=0.95,
    )  # fmt: skip
    assert plan == direct


def test_stratified_neyman_total_and_allocation() -> None:
    strata = [
        StratumPlan("low", 5_000, 10.0, 5.0),
        StratumPlan("mid", 1_000, 100.0, 50.0),
        StratumPlan("high", 200, 1_000.0, 800.0),
    ]
    plan = stratified_sample_size(strata, precision_percent=5, confidence=0.90)
    total = sum(s.size * s.mean for s in strata)
    e = 0.05 * total
    spread = sum(s.size * s.standard_deviation for s in strata)
    squares = sum(s.size * s.standard_deviation**2 for s in strata)
    expected = spread**2 / ((e / Z90) ** 2 + squares)
    assert plan.unrounded_total == pytest.approx(expected)
    assert plan.total == math.ceil(expected)
    shares = plan.allocation
    assert sum(shares.values()) >= plan.total
    assert all(shares[s.stratum] <= s.size for s in strata)
    # Neyman: the allocation follows N_h·S_h (within the rounding up of each share).
    for s in strata:
        ideal = plan.total * s.size * s.standard_deviation / spread
        assert math.ceil(ideal - 1e-9) <= shares[s.stratum] <= math.ceil(ideal) + 1
    given = stratified_sample_size(strata, precision_percent=5, confidence=0.90, total_size=60)
    assert given.total == 60 and given.unrounded_total is None


@pytest.mark.parametrize(("frame", "rate", "precision"), [(10_000, 0.05, 0.02), (800, 0.2, 0.05)])
def test_attribute_size_is_the_smallest_whose_interval_fits(
    frame: int, rate: float, precision: float
) -> None:
    plan = attribute_sample_size(
        frame_size=frame, expected_rate=rate, precision=precision, confidence=0.90
    )
    allowed = 2 * precision * frame
    assert plan.upper - plan.lower <= allowed
    n = plan.sample_size - 1
    smaller = attribute_limits(
        frame_size=frame, sample_size=n, errors=math.floor(rate * n + 0.5), confidence=0.90
    )
    assert smaller.upper - smaller.lower > allowed


@pytest.mark.parametrize(
    "call",
    [
        lambda: variable_sample_size(
            frame_size=100, mean=0, standard_deviation=1, precision_percent=5, confidence=0.9
        ),
        lambda: variable_sample_size(
            frame_size=100, mean=5, standard_deviation=1, precision_percent=0, confidence=0.9
        ),
        lambda: variable_sample_size_from_probe(
            [1.0], frame_size=100, precision_percent=5, confidence=0.9
        ),
        lambda: attribute_sample_size(
            frame_size=100, expected_rate=0.1, precision=0, confidence=0.9
        ),
        lambda: stratified_sample_size([], precision_percent=5, confidence=0.9),
    ],
)
def test_unplannable_input_is_refused(call: object) -> None:
    with pytest.raises(SampleSizeError):
        call()  # type: ignore[operator]
