"""Exact hypergeometric limits: bisection against a brute-force rational computation."""

from __future__ import annotations

import itertools
import math
import time
from fractions import Fraction
from math import comb

import pytest

from inspector_app.statistics.attributes import (
    AttributeSampleError,
    AttributeStratum,
    attribute_limits,
    stratified_attribute_limits,
)


def _brute_force(frame: int, sample: int, errors: int, confidence: float) -> tuple[int, int]:
    """RAT-STATS' definition, literally: scan every K with exact rational probabilities."""
    tail = (1 - Fraction(str(confidence))) / 2
    total = comb(frame, sample)

    def probability(k: int, outcomes: range) -> Fraction:
        return Fraction(sum(comb(k, i) * comb(frame - k, sample - i) for i in outcomes), total)

    upper = max(k for k in range(frame + 1) if probability(k, range(errors + 1)) > tail)
    lower = min(k for k in range(frame + 1) if probability(k, range(errors, sample + 1)) > tail)
    return lower, upper


CASES = [
    (frame, sample, errors, confidence)
    for frame in (12, 37)
    for sample in (1, 5, 11, frame)
    for errors in sorted({0, 1, sample // 2, sample - 1, sample} - {-1})
    for confidence in (0.80, 0.90, 0.95)
    if 0 <= errors <= sample
]


@pytest.mark.parametrize(("frame", "sample", "errors", "confidence"), CASES)
def test_bisection_equals_the_definition(
    frame: int, sample: int, errors: int, confidence: float
) -> None:
    result = attribute_limits(
        frame_size=frame, sample_size=sample, errors=errors, confidence=confidence
    )
    assert (result.lower, result.upper) == _brute_force(frame, sample, errors, confidence)


def test_wider_frames_on_a_coarser_grid() -> None:
    for frame, sample, errors in [(400, 60, 7), (250, 100, 0), (250, 100, 100), (999, 30, 29)]:
        result = attribute_limits(
            frame_size=frame, sample_size=sample, errors=errors, confidence=0.90
        )
        assert (result.lower, result.upper) == _brute_force(frame, sample, errors, 0.90)


def test_edges_and_point_estimate() -> None:
    none = attribute_limits(frame_size=5000, sample_size=100, errors=0, confidence=0.9)
    assert none.lower == 0 and none.point_estimate == 0 and none.upper > 0
    every = attribute_limits(frame_size=5000, sample_size=100, errors=100, confidence=0.9)
    assert every.upper == 5000 and every.lower < 5000
    census = attribute_limits(frame_size=80, sample_size=80, errors=13, confidence=0.95)
    assert (census.lower, census.upper) == (13, 13)
    some = attribute_limits(frame_size=1000, sample_size=64, errors=8, confidence=0.9)
    assert some.point_estimate == Fraction(1000 * 8, 64)
    data = some.to_json()
    assert data["point_estimate"] == 125.0 and data["lower"] <= 125 <= data["upper"]
    p = 8 / 64
    assert data["standard_error"] == round(1000 * math.sqrt(p * (1 - p) / 63 * (1 - 64 / 1000)), 2)


def test_ten_million_units_take_milliseconds_and_nest_by_confidence() -> None:
    start = time.perf_counter()
    limits = [
        attribute_limits(frame_size=10_000_000, sample_size=400, errors=37, confidence=c)
        for c in (0.80, 0.90, 0.95, 0.99)
    ]
    assert time.perf_counter() - start < 2.0
    for narrower, wider in itertools.pairwise(limits):
        assert wider.lower <= narrower.lower <= narrower.upper <= wider.upper


@pytest.mark.parametrize(
    ("frame", "sample", "errors", "confidence"),
    [(0, 1, 0, 0.9), (10, 0, 0, 0.9), (10, 11, 0, 0.9), (10, 5, 6, 0.9), (10, 5, 1, 1.0)],
)
def test_impossible_input_is_refused(
    frame: int, sample: int, errors: int, confidence: float
) -> None:
    with pytest.raises(AttributeSampleError):
        attribute_limits(frame_size=frame, sample_size=sample, errors=errors, confidence=confidence)


def test_stratified_uses_the_normal_approximation() -> None:
    """SE_h = sqrt((N_h − n_h)/N_h · p̂_h(1 − p̂_h)/(n_h − 1)) per unit, times N_h."""
    strata = [AttributeStratum("A", 1000, 50, 5), AttributeStratum("B", 300, 30, 12)]
    result = stratified_attribute_limits(strata, confidence=0.90)
    point = 1000 * 5 / 50 + 300 * 12 / 30
    variance = 1000**2 * (950 / 1000) * 0.1 * 0.9 / 49 + 300**2 * (270 / 300) * 0.4 * 0.6 / 29
    assert result.point_estimate == pytest.approx(point)
    assert result.standard_error == pytest.approx(math.sqrt(variance))
    assert result.lower == pytest.approx(point - 1.644853626951 * math.sqrt(variance))
    assert [s.errors for s in result.strata] == [5, 12]
    assert result.to_json()["distribution"] == {"name": "z"}
