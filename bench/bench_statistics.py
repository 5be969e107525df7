"""Extrapolation and attribute limits: exact arithmetic must stay interactive.

Appraises a stratified sample (4 strata, frame totals given, so all three estimators) with
the exact rational code and compares it with the same difference estimator computed in
numpy floats (the baseline: what exactness costs). Then times the exact hypergeometric
limits and the attribute sample-size search for a frame of 10,000,000 units. Full size:
20,000 sampled rows (a large stratified review); smoke: 2,000.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.common import BenchResult
from inspector_app.statistics.variables import SampleRow, StratumFrame


def _rows(count: int) -> tuple[list[SampleRow], list[StratumFrame]]:
    generator = np.random.default_rng(20261123)
    examined = generator.integers(1_000, 5_000_000, size=count)
    share = np.where(generator.random(count) < 0.15, generator.random(count), 0.0)
    audited = (examined * (1 - share)).astype(np.int64)
    labels = np.array(["A", "B", "C", "D"])[np.arange(count) % 4]
    rows = [
        SampleRow(str(i), int(e), int(a), str(s))
        for i, (e, a, s) in enumerate(zip(examined, audited, labels, strict=True))
    ]
    strata = [StratumFrame(label, count * 50, int(examined.sum()) * 60) for label in "ABCD"]
    return rows, strata


def _numpy_difference(rows: list[SampleRow], frame_sizes: dict[str, int]) -> float:
    """Float difference estimator per stratum, summed: point ± 1.645·SE (the baseline)."""
    labels = np.array([row.stratum for row in rows])
    d = np.array([row.difference_fen for row in rows], dtype=float)
    point = variance = 0.0
    for label, size in frame_sizes.items():
        values = d[labels == label]
        n = values.size
        point += size * values.mean()
        variance += size * (size - n) * values.var(ddof=1) / n
    return float(point - 1.6448536269514722 * np.sqrt(variance))


def run(*, smoke: bool, workdir: Path) -> list[BenchResult]:
    """Time appraisal, attribute limits and attribute sample size."""
    from inspector_app.statistics.attributes import attribute_limits
    from inspector_app.statistics.sample_size import attribute_sample_size
    from inspector_app.statistics.variables import appraise

    del workdir  # no files
    count = 2_000 if smoke else 20_000
    rows, strata = _rows(count)
    started = time.perf_counter()
    from scipy import stats  # the first quantile pays scipy's import; time it apart

    stats.t.ppf(0.95, 10)
    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    appraisal = appraise(rows, frame=strata, confidence=0.90)
    exact_seconds = time.perf_counter() - started
    started = time.perf_counter()
    lower = _numpy_difference(rows, {s.stratum: s.size for s in strata})
    float_seconds = time.perf_counter() - started
    exact_lower = float(appraisal.estimators["difference"].lower) * 100
    assert abs(exact_lower - lower) <= max(1.0, abs(lower) * 1e-9), (exact_lower, lower)

    started = time.perf_counter()
    for confidence in (0.80, 0.90, 0.95, 0.99):
        attribute_limits(frame_size=10_000_000, sample_size=400, errors=37, confidence=confidence)
    limits_ms = (time.perf_counter() - started) * 1000 / 4
    started = time.perf_counter()
    plan = attribute_sample_size(
        frame_size=10_000_000, expected_rate=0.05, precision=0.02, confidence=0.90
    )
    plan_seconds = time.perf_counter() - started
    return [
        BenchResult(
            f"appraise {count:,} rows, 4 strata, 3 estimators (exact)",
            exact_seconds,
            "s",
            baseline=float_seconds,
            baseline_name="numpy float difference estimator only",
        ),
        BenchResult("first use of scipy.stats (import)", import_seconds, "s"),
        BenchResult("exact attribute limits, N = 10,000,000", limits_ms, "ms"),
        BenchResult(
            "attribute sample size, N = 10,000,000",
            plan_seconds,
            "s",
            note=f"n = {plan.sample_size:,}",
        ),
    ]
