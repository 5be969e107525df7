"""Variable appraisal: exact arithmetic, the rules around strata, and clear refusals."""

from __future__ import annotations

import json
import random
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from scipy import stats

from inspector_app.statistics import estimators, exact
from inspector_app.statistics.intervals import json_amount
from inspector_app.statistics.recovery import RecoveryRule
from inspector_app.statistics.variables import (
    AppraisalError,
    Frame,
    SampleRow,
    StratumFrame,
    appraise,
)


def _rows(differences: list[int], stratum: str = "", prefix: str = "") -> list[SampleRow]:
    """Rows with the given differences (fen): examined = 10,000 + d, audited = 10,000."""
    return [
        SampleRow(f"{prefix}{i}", 1_000_000 + d, 1_000_000, stratum)
        for i, d in enumerate(differences)
    ]


def _yuan(fen: Fraction | Decimal) -> Decimal:
    with localcontext() as context:
        context.prec = 50
        value = (
            Decimal(fen.numerator) / Decimal(fen.denominator) if isinstance(fen, Fraction) else fen
        )
        return (value / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _reference(differences: list[int], frame_size: int, confidence: float) -> dict[str, Decimal]:
    """The unrestricted appraisal straight from the textbook definitions, in fen.

    Written independently of the module: the mean and the sum of squared deviations
    around it (not the n·Σx² − (Σx)² expansion the module uses).
    """
    n = len(differences)
    mean = Fraction(sum(differences), n)
    squares = sum(((Fraction(d) - mean) ** 2 for d in differences), Fraction(0))
    variance_of_mean: Fraction = squares / (n - 1) / n * Fraction(frame_size - n, frame_size)
    total: Fraction = frame_size * mean
    with localcontext() as context:
        context.prec = 50
        se_mean = (
            Decimal(variance_of_mean.numerator) / Decimal(variance_of_mean.denominator)
        ).sqrt()
        se_total = se_mean * frame_size
        point = Decimal(total.numerator) / Decimal(total.denominator)
        t = Decimal(float(stats.t.ppf(0.5 + confidence / 2, n - 1)))
        return {
            "point": _yuan(point),
            "se": _yuan(se_total),
            "lower": _yuan(point - t * se_total),
            "upper": _yuan(point + t * se_total),
        }


@pytest.mark.parametrize("seed", range(5))
def test_unrestricted_matches_the_definition_to_the_cent(seed: int) -> None:
    generator = random.Random(seed)
    n = generator.randint(2, 60)
    frame_size = generator.randint(n, 50_000)
    # Skewed amounts as in claims: many zeros, some large overpayments, a few underpayments.
    differences = [
        generator.choice([0, 0, 0, generator.randint(1, 5_000_00), -generator.randint(1, 300_00)])
        for _ in range(n)
    ]
    result = appraise(_rows(differences), frame=Frame(frame_size), confidence=0.90)
    difference = result.estimators["difference"]
    reference = _reference(differences, frame_size, 0.90)
    assert difference.point_estimate == reference["point"]
    assert difference.standard_error == reference["se"]
    assert difference.lower == reference["lower"]
    assert difference.upper == reference["upper"]


def test_half_a_fen_rounds_away_from_zero() -> None:
    """Point 3 × (1 fen + 0 fen)/2 = 1.5 fen = ¥0.015: shown as ¥0.02, never a float's 0.01."""
    result = appraise(_rows([1, 0]), frame=Frame(3), confidence=0.9).estimators["difference"]
    assert result.interval.estimate.point == Fraction(3, 2)
    assert result.point_estimate == Decimal("0.02")


def test_sums_beyond_float_precision_stay_exact() -> None:
    """Amounts near 10^13 fen lose cents in floats; rationals keep them."""
    differences = [10**13 + 1, 10**13 + 2, 10**13 + 4]
    result = appraise(_rows(differences), frame=Frame(10**6), confidence=0.9)
    point = result.estimators["difference"].interval.estimate.point
    assert point == Fraction(10**6 * (3 * 10**13 + 7), 3)


def test_all_differences_zero_gives_a_zero_interval() -> None:
    result = appraise(_rows([0] * 30), frame=Frame(1000), confidence=0.9).estimators["difference"]
    assert (result.point_estimate, result.standard_error) == (Decimal("0.00"), Decimal("0.00"))
    assert result.lower == result.upper == Decimal("0.00")
    assert result.interval.precision_percent == Decimal("0.00")


def test_precision_percent_is_zero_when_the_point_is_not_positive() -> None:
    result = appraise(_rows([-500, -100, 20]), frame=Frame(50), confidence=0.9)
    difference = result.estimators["difference"]
    assert difference.point_estimate < 0
    assert difference.interval.precision_percent == Decimal("0.00")
    positive = appraise(_rows([500, 100, 20]), frame=Frame(50), confidence=0.9)
    interval = positive.estimators["difference"].interval
    expected = (100 * interval.precision_fen / interval.point_fen).quantize(Decimal("0.01"))
    assert interval.precision_percent == expected


def test_stratified_sums_strata_and_uses_z_overall_t_within() -> None:
    a, b = [100, 0, 250, 75], [3000, 0, 0, 1200, 50]
    rows = _rows(a, "A", "a") + _rows(b, "B", "b")
    strata = [StratumFrame("A", 40), StratumFrame("B", 90)]
    result = appraise(rows, frame=strata, confidence=0.95).estimators["difference"]
    alone_a = appraise(_rows(a), frame=Frame(40), confidence=0.95).estimators["difference"]
    alone_b = appraise(_rows(b), frame=Frame(90), confidence=0.95).estimators["difference"]
    assert (
        result.interval.estimate.point
        == alone_a.interval.estimate.point + alone_b.interval.estimate.point
    )
    assert result.interval.estimate.variance == (
        alone_a.interval.estimate.variance + alone_b.interval.estimate.variance
    )
    assert result.interval.distribution.name == "z"
    assert [s.interval.distribution.df for s in result.strata] == [3, 4]
    assert result.strata[0].interval.lower == alone_a.lower


def test_a_single_stratum_keeps_t() -> None:
    rows = _rows([5, 9, 0, 4], "only")
    result = appraise(rows, frame=[StratumFrame("only", 100)], confidence=0.9)
    assert result.estimators["difference"].interval.distribution.to_json() == {"name": "t", "df": 3}


def test_a_stratum_examined_in_full_has_no_sampling_error() -> None:
    """A certainty stratum (n_h = N_h, even 1 unit) adds its total and no variance."""
    rows = _rows([700], "big", "x") + _rows([1, 2, 3], "rest", "y")
    strata = [StratumFrame("big", 1), StratumFrame("rest", 10)]
    result = appraise(rows, frame=strata, confidence=0.9).estimators["difference"]
    big = result.strata[0].interval
    assert big.standard_error_fen == 0 and big.estimate.point == 700


def test_ratio_and_mean_per_unit_need_every_frame_total() -> None:
    rows = _rows([100, 0, 50], "A", "a") + _rows([10, 20], "B", "b")
    partial = [StratumFrame("A", 10, 5_000_000_00), StratumFrame("B", 10)]
    assert set(appraise(rows, frame=partial, confidence=0.9).estimators) == {"difference"}
    full = [StratumFrame("A", 10, 5_000_000_00), StratumFrame("B", 10, 9_000_000_00)]
    names = set(appraise(rows, frame=full, confidence=0.9).estimators)
    assert names == {"difference", "ratio", "mean_per_unit"}


def test_ratio_is_left_out_with_a_note_when_a_stratum_paid_nothing() -> None:
    rows = [SampleRow("1", 0, 0), SampleRow("2", 0, 0)]
    result = appraise(rows, frame=Frame(10, 500), confidence=0.9)
    assert "ratio" not in result.estimators
    assert result.notes


def test_recovery_rule_selects_the_configured_lower_limit() -> None:
    rows = _rows([1000, 0, 300, 800, 0, 50, 1200])
    for rule, level in [
        (RecoveryRule.TWO_SIDED_90_LOWER, 0.90),
        (RecoveryRule.CMS_ONE_SIDED_90_LOWER, 0.80),
        (RecoveryRule.TWO_SIDED_95_LOWER, 0.95),
    ]:
        result = appraise(rows, frame=Frame(500), confidence=0.95, rule=rule)
        difference = result.estimators["difference"]
        assert difference.recovery_lower == difference.lower_limit(level)
        recovery = difference.to_json()["recovery"]
        assert recovery["rule"] == rule.value
        assert [limit["two_sided_confidence"] for limit in recovery["lower_limits"]] == [
            0.80,
            0.90,
            0.95,
        ]
    ninety = appraise(rows, frame=Frame(500), confidence=0.90).estimators["difference"]
    assert ninety.recovery_lower == ninety.lower  # default rule = the two-sided 90 % interval


def test_json_has_the_fields_the_issue_names() -> None:
    rows = _rows([100, 0, 250, 75])
    data = appraise(rows, frame=Frame(40, 1_000_000_00), confidence=0.9).to_json()
    assert data["frame_size"] == 40 and data["sample_size"] == 4 and data["unit"] == "yuan"
    for name in ("difference", "ratio", "mean_per_unit"):
        estimator = data["estimators"][name]
        for key in ("point_estimate", "standard_error", "lower", "upper", "precision"):
            assert isinstance(estimator[key], float)
        assert estimator["distribution"] == {"name": "t", "df": 3}
        assert estimator["frame_size"] == 40 and estimator["sample_size"] == 4


@pytest.mark.parametrize(
    ("rows", "frame", "message"),
    [
        ([], Frame(10), "no rows"),
        ([SampleRow("1", 5, 0), SampleRow("1", 6, 0)], Frame(10), "more than once"),
        ([SampleRow("1", 5, 0), SampleRow("2", 6, 0)], Frame(1), "larger than the frame"),
        ([SampleRow("1", 5, 0)], Frame(10), "at least two"),
        ([SampleRow("1", 5, 0, "A"), SampleRow("2", 6, 0, "B")], Frame(10), "several strata"),
        (
            [SampleRow("1", 5, 0, "A"), SampleRow("2", 6, 0, "Z")],
            [StratumFrame("A", 10)],
            "Z",
        ),
        (
            [SampleRow("1", 5, 0, "A"), SampleRow("2", 6, 0, "A")],
            [StratumFrame("A", 10), StratumFrame("B", 10)],
            "no sampled units",
        ),
        ([SampleRow("1", 500, 0), SampleRow("2", 600, 0)], Frame(10, 900), "total paid"),
    ],
)
def test_bad_input_is_refused_with_a_reason(
    rows: list[SampleRow], frame: Frame | list[StratumFrame], message: str
) -> None:
    with pytest.raises(AppraisalError, match=message):
        appraise(rows, frame=frame, confidence=0.9)


def test_reversal_claims_with_negative_amounts_are_appraised() -> None:
    """A 冲销 (reversal) claim pays back: examined −25.00 yuan. The difference estimator is
    defined for any sign and matches the textbook definition to the cent; mean-per-unit
    and ratio are computed too while the sample's paid total stays positive."""
    rows = [
        SampleRow("r1", -2_500, -2_500),  # a reversal, reviewed: nothing improper
        SampleRow("c2", 120_000, 90_000),
        SampleRow("c3", 45_000, 45_000),
        SampleRow("c4", 8_800, 0),
        SampleRow("c5", -700, 0),  # a reversal that should not have been paid back
    ]
    result = appraise(rows, frame=Frame(400, 30_000_000), confidence=0.90)
    assert set(result.estimators) == {"difference", "ratio", "mean_per_unit"}
    differences = [row.difference_fen for row in rows]
    reference = _reference(differences, 400, 0.90)
    difference = result.estimators["difference"]
    assert (difference.point_estimate, difference.lower, difference.upper) == (
        reference["point"], reference["lower"], reference["upper"],
    )  # fmt: skip
    ratio = result.estimators["ratio"].interval.estimate.point
    assert ratio == Fraction(30_000_000 * sum(differences), sum(r.examined_fen for r in rows))
    mean_per_unit = result.estimators["mean_per_unit"].interval.estimate.point
    assert mean_per_unit == 30_000_000 - Fraction(400 * sum(r.audited_fen for r in rows), 5)


def test_ratio_is_refused_when_the_sample_paid_less_than_nothing() -> None:
    """R̂ = Σd/Σe with Σe < 0 would turn overpayments into refunds: left out, with the
    stratum and its paid total named; the difference estimator still stands."""
    rows = [SampleRow("1", -5_000, -5_000), SampleRow("2", 3_000, 1_000)]
    result = appraise(rows, frame=Frame(50, 100_000), confidence=0.9)
    assert "ratio" not in result.estimators
    assert {"difference", "mean_per_unit"} <= set(result.estimators)
    assert any("-20.00" in note and "zero or less" in note for note in result.notes)
    strata = [StratumFrame("A", 10, 100_000), StratumFrame("B", 10, 50_000)]
    both = [SampleRow("a1", 500, 0, "A"), SampleRow("a2", 900, 900, "A"),
            SampleRow("b1", -800, -800, "B"), SampleRow("b2", 300, 0, "B")]  # fmt: skip
    stratified = appraise(both, frame=strata, confidence=0.9)
    assert "ratio" not in stratified.estimators
    assert any("B" in note for note in stratified.notes)
    with pytest.raises(ValueError, match="zero or less"):
        estimators.ratio([0, 2_000], [-5_000, 3_000], 50, 100_000)


def test_a_frame_total_below_the_sample_is_allowed_once_amounts_can_be_negative() -> None:
    """With a reversal in the sample the frame may hold more of them, so its total paid may
    be below the sample's; without negative amounts that stays impossible and refused."""
    rows = [SampleRow("1", 500, 0), SampleRow("2", 600, 0), SampleRow("3", -100, -100)]
    assert "ratio" in appraise(rows, frame=Frame(10, 900), confidence=0.9).estimators


def test_confidence_outside_zero_one_is_refused() -> None:
    with pytest.raises(AppraisalError, match="confidence"):
        appraise(_rows([1, 2]), frame=Frame(10), confidence=90)


def test_json_never_shows_negative_zero() -> None:
    """A limit of −0.4 fen rounds to −0.00 yuan; JSON must print 0.0, not −0.0."""
    rounded = exact.fen_to_yuan(Fraction(-2, 5))
    assert str(rounded) == "-0.00"
    assert json.dumps(json_amount(rounded)) == "0.0"
