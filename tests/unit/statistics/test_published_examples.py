"""Extrapolation and attribute limits against worked examples published in textbooks.

The data sets are Lohr's (Sampling: Design and Analysis), distributed with the book and its
R package SDAResources; ``data/lohr_agsrs.csv`` and ``data/lohr_agstrat.csv`` keep the
columns these tests use (county, state, [region,] acres92, acres87). Amounts are acres;
the estimators do not care about the unit, and one acre stands for one yuan here.

Where the figures come from: we could not read the printed book. The expected values are
Lohr's as quoted by two independent reproductions of her examples: the test suite of the
ICES RDBEScore R package ("Expected values are those of Lohr, Sampling: Design and
Analysis … reproduced with survey::svytotal"; its Lohr data object is labelled "eg 3.2,
3.6") and the published R code of Lu & Lohr's *R Companion for Sampling: Design and
Analysis* (CRC 2022), which names the example numbers used below.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import comb
from pathlib import Path

import pytest

from inspector_app.statistics import estimators, exact
from inspector_app.statistics.attributes import attribute_limits
from inspector_app.statistics.variables import Frame, SampleRow, StratumFrame, appraise

DATA = Path(__file__).parent / "data"
AGPOP_SIZE = 3078
AGSTRAT_SIZES = {"NC": 1054, "NE": 220, "S": 1382, "W": 422}
ACRES87_TOTAL = 964_470_625  # population total of acres87, given in Lohr's Example 4.2


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _units(value: Decimal) -> int:
    """Round a yuan (acre) amount to the unit as the book prints it."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_unrestricted_difference_reproduces_lohr_agsrs_total() -> None:
    """Lohr, *Sampling: Design and Analysis*, 3rd ed. (CRC 2022), Examples 2.6, 2.7 and 2.11.

    An SRS of n = 300 of the N = 3,078 U.S. counties (agsrs); estimated total acreage
    devoted to farms in 1992: t̂ = 916,927,110, SE(t̂) = 58,169,381, and the 95 % interval
    with t(299): [802,453,859; 1,031,400,361]. The interval is the one Lu & Lohr's R
    Companion (chapter 2 code, ``confint(stotal, df = 299)``) computes for Example 2.7.
    The difference estimator with audited = 0 is exactly this N·ȳ estimator with t(n − 1),
    which is also RAT-STATS' unrestricted variable appraisal.
    """
    rows = [
        SampleRow(id=str(i), examined_fen=int(r["acres92"]) * 100, audited_fen=0)
        for i, r in enumerate(_read("lohr_agsrs.csv"))
    ]
    result = appraise(rows, frame=Frame(AGPOP_SIZE), confidence=0.95).estimators["difference"]
    assert _units(result.point_estimate) == 916_927_110
    assert _units(result.standard_error) == 58_169_381
    assert _units(result.lower) == 802_453_859
    assert _units(result.upper) == 1_031_400_361
    assert result.interval.distribution.to_json() == {"name": "t", "df": 299}


def test_mean_per_unit_standard_error_is_lohr_agsrs_one() -> None:
    """Lohr (3rd ed.), Example 2.7: SE(N·ȳ) = 58,169,381 for the agsrs acres92 column.

    Mean-per-unit estimates the improper total as X − N·ā; its standard error is that of
    N·ā, so with the audited column = acres92 it must equal the book's SE, and the point
    estimate must be X − 916,927,110 (X chosen here, any value ≥ the sample's total).
    """
    records = _read("lohr_agsrs.csv")
    rows = [
        SampleRow(
            id=str(i), examined_fen=int(r["acres92"]) * 100, audited_fen=int(r["acres92"]) * 100
        )
        for i, r in enumerate(records)
    ]
    frame_paid = 2_000_000_000
    result = appraise(rows, frame=Frame(AGPOP_SIZE, frame_paid * 100), confidence=0.95).estimators[
        "mean_per_unit"
    ]
    assert _units(result.standard_error) == 58_169_381
    assert _units(result.point_estimate) == frame_paid - 916_927_110


def test_stratified_difference_reproduces_lohr_agstrat() -> None:
    """Lohr, *Sampling: Design and Analysis*, 3rd ed., Examples 3.2 and 3.6 (agstrat).

    Stratified random sample of 300 counties by region (N_h: NC 1,054, NE 220, S 1,382,
    W 422; n_h: 103, 21, 135, 41). Published estimates of total 1992 farm acreage:
    t̂_str = 909,736,035 with SE 50,417,248; by stratum (t̂_h, SE): NC 316,731,380 and
    16,977,399; NE 21,478,558 and 3,992,889; S 292,037,391 and 26,154,840; W 279,488,706
    and 39,416,342 (also ``svyby(~acres92, ~region, dstr, svytotal)`` in Lu & Lohr's
    R Companion, chapter 3). RAT-STATS' stratified appraisal uses the same point and
    variance (Σ N_h²(1 − n_h/N_h)s_h²/n_h) and z for the overall interval.
    """
    rows = [
        SampleRow(str(i), int(r["acres92"]) * 100, 0, r["region"])
        for i, r in enumerate(_read("lohr_agstrat.csv"))
    ]
    strata = [StratumFrame(label, size) for label, size in AGSTRAT_SIZES.items()]
    result = appraise(rows, frame=strata, confidence=0.95).estimators["difference"]
    assert _units(result.point_estimate) == 909_736_035
    assert _units(result.standard_error) == 50_417_248
    published = {
        "NC": (316_731_380, 16_977_399),
        "NE": (21_478_558, 3_992_889),
        "S": (292_037_391, 26_154_840),
        "W": (279_488_706, 39_416_342),
    }
    got = {
        s.stratum: (_units(s.interval.point_estimate), _units(s.interval.standard_error))
        for s in result.strata
    }
    assert got == published
    assert result.interval.distribution.to_json() == {"name": "z"}
    assert [s.interval.distribution.df for s in result.strata] == [102, 20, 134, 40]


def test_ratio_estimate_reproduces_lohr_example_4_3() -> None:
    """Lohr, *Sampling: Design and Analysis*, 3rd ed., Examples 4.2 and 4.3 (agsrs).

    Ratio estimate of the 1992 total from acres87 (t_x = 964,470,625): t̂_yr = 951,513,191
    (Lu & Lohr, R Companion, chapter 4: ``predict(sratio, total = xpoptotal)``).

    Its standard error there (survey package) is 5,546,162: V̂ = (t_x / t̂_x)² · N²(1 −
    n/N) s_e²/n, with t̂_x = N·x̄. We follow Cochran (1977, eq. 6.9, 6.13) and
    ``docs/statistics.md``: V̂ = N²(1 − n/N) s_e²/n, without the (x̄_U/x̄)² factor. The test
    checks our SE times x̄_U/x̄ against the published figure, so the only difference is
    that documented factor.
    """
    records = _read("lohr_agsrs.csv")
    y = [int(r["acres92"]) for r in records]
    x = [int(r["acres87"]) for r in records]
    estimate = estimators.ratio(y, x, AGPOP_SIZE, ACRES87_TOTAL)
    assert round(estimate.point) == 951_513_191
    se = exact.sqrt(estimate.variance)
    sample_mean_x = Decimal(sum(x)) / len(x)
    population_mean_x = Decimal(ACRES87_TOTAL) / AGPOP_SIZE
    assert _units(se * population_mean_x / sample_mean_x) == 5_546_162
    assert _units(se) == 5_344_567


def _kk_limits(frame: int, sample: int, errors: int, confidence: float) -> tuple[int, int]:
    """Kauermann & Küchenhoff's convention: the last K rejected (inclusive boundaries).

    Computed exactly with integer binomial coefficients, independent of scipy.
    """
    tail = Fraction(1 - Fraction(str(confidence)), 2)
    total = comb(frame, sample)

    def at_least(k: int) -> Fraction:
        return Fraction(
            sum(comb(k, i) * comb(frame - k, sample - i) for i in range(errors, sample + 1)),
            total,
        )

    def at_most(k: int) -> Fraction:
        return Fraction(
            sum(comb(k, i) * comb(frame - k, sample - i) for i in range(errors + 1)), total
        )

    lower = max(k for k in range(errors, frame + 1) if k == errors or at_least(k) <= tail)
    upper = min(
        k
        for k in range(errors, frame - (sample - errors) + 1)
        if k == frame - (sample - errors) or at_most(k) <= tail
    )
    return lower, upper


@pytest.mark.parametrize(
    ("errors", "published"),
    [(45, (110, 161)), (2, (2, 19))],
)
def test_attribute_limits_match_kauermann_kuechenhoff_page_53(
    errors: int, published: tuple[int, int]
) -> None:
    """Kauermann & Küchenhoff, *Stichproben. Methoden und praktische Umsetzung mit R*
    (Springer 2010), p. 53: N = 300 employees, n = 100 asked, 45 (resp. 2) said yes; the
    95 % exact hypergeometric interval for the number in the population is [110, 161]
    (resp. [2, 19]). Figures as reproduced by the book's R package samplingbook
    (``tests/testthat/tests_ch2.r``, "toy example page 53", and its README).

    The book takes as limits the last K a two-sided test rejects (P ≤ α/2); RAT-STATS
    (Buonaccorsi 1987, ``docs/statistics.md``) takes the first K it does not reject
    (P > α/2), one unit inside wherever the limit is not pinned at x or N − (n − x). The
    test first reproduces the published pair exactly with the book's convention, then
    checks that our RAT-STATS limits sit one unit inside it.
    """
    assert _kk_limits(300, 100, errors, 0.95) == published
    result = attribute_limits(frame_size=300, sample_size=100, errors=errors, confidence=0.95)
    kk_lower, kk_upper = published
    assert result.lower == (kk_lower + 1 if kk_lower > errors else kk_lower)
    assert result.upper == kk_upper - 1
