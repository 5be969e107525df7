"""The methods as pure functions: their rules, their statistics, and a third party's redo."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from inspector_app.sampling.design import (
    CapRule,
    DesignError,
    DesignOptions,
    DesignParameters,
    Stratifier,
    TierRule,
)
from inspector_app.sampling.frame import FrameArrays, FrameDefinition, frame_arrays
from inspector_app.sampling.methods import run_method
from inspector_app.sampling.strata import (
    cum_sqrt_f_boundaries,
    equal_value_boundaries,
    exact_sd,
    frame_statistics,
    stratify,
)
from inspector_app.statistics.allocation import Allocation, allocate
from local_db.enums import SamplingMethod
from tests.unit.sampling import reference
from tests.unit.sampling.reference import PCG64


def _frame(amounts: list[int], **extra: object) -> FrameArrays:
    numbers = [f"S{i:04d}" for i in range(len(amounts))]
    return frame_arrays(claim_ids=range(1, len(amounts) + 1), settlement_nos=numbers,
                        amounts=amounts, **extra)  # type: ignore[arg-type]  # fmt: skip


def _numbers(frame: FrameArrays, positions: np.ndarray) -> list[str]:
    return [frame.settlement_nos[i] for i in positions]


SKEWED = [100 * (i % 17 + 1) + (5000 if i % 10 == 0 else 0) for i in range(60)]


def test_simple_random_follows_the_documented_keys_rule() -> None:
    frame = _frame(SKEWED)
    for seed in (1, 99, 2**127 + 5):
        selection = run_method(frame, DesignParameters(SamplingMethod.SIMPLE_RANDOM, 12), seed)
        expected = reference.simple_random(frame.settlement_nos, 12, seed)
        assert _numbers(frame, selection.positions) == expected
        assert selection.design["stream_words"] == 60
        assert selection.probabilities == [12 / 60] * 12


def test_a_smaller_sample_is_the_beginning_of_a_larger_one() -> None:
    frame = _frame(SKEWED)
    small = run_method(frame, DesignParameters(SamplingMethod.SIMPLE_RANDOM, 5), 42)
    large = run_method(frame, DesignParameters(SamplingMethod.SIMPLE_RANDOM, 20), 42)
    assert small.positions.tolist() == large.positions[:5].tolist()


def test_simple_random_includes_each_unit_with_probability_n_over_n() -> None:
    frame = _frame([1] * 40)
    runs, n = 3000, 8
    counts: Counter[int] = Counter()
    for seed in range(runs):
        positions = run_method(frame, DesignParameters(SamplingMethod.SIMPLE_RANDOM, n), seed)
        chosen = positions.positions.tolist()
        assert len(set(chosen)) == n
        counts.update(chosen)
    frequencies = np.array([counts[i] / runs for i in range(40)])
    # n/N = 0.2; one run's SD of a frequency is sqrt(0.2·0.8/3000) ≈ 0.0073: allow 5 SD.
    assert np.abs(frequencies - 0.2).max() < 0.037
    first = Counter(
        run_method(frame, DesignParameters(SamplingMethod.SIMPLE_RANDOM, 1), seed).positions[0]
        for seed in range(runs)
    )
    assert max(first.values()) / runs < 1 / 40 + 0.015  # the first unit is uniform too


def test_pps_follows_the_documented_systematic_rule_with_certainty_units() -> None:
    amounts = [120, 0, 4500, 80, -30, 900, 15000, 60, 2500, 700] * 3
    frame = _frame(amounts)
    for seed in (3, 17, 2**100):
        selection = run_method(frame, DesignParameters(SamplingMethod.PPS, 8), seed)
        got = list(zip(_numbers(frame, selection.positions), selection.hits, strict=True))
        pairs = list(zip(frame.settlement_nos, amounts, strict=True))
        assert got == reference.pps(pairs, 8, seed)
        design = selection.design
        total = sum(max(a, 0) for a in amounts)
        assert design["total_size_fen"] == total and design["interval"] == f"{total}/8"
        # 15000 fen ≥ interval (total/8 ≈ 9919): every 15000 unit is taken, with its hits
        for number, hits, origin, probability in zip(
            _numbers(frame, selection.positions), selection.hits, selection.origins,
            selection.probabilities, strict=True,
        ):  # fmt: skip
            amount = amounts[frame.settlement_nos.index(number)]
            assert amount > 0
            if amount * 8 >= total:
                assert origin == "certainty" and probability == 1.0 and hits >= 1
            else:
                assert origin == "random" and probability == pytest.approx(8 * amount / total)
        assert sum(selection.hits) == 8
        certain = [n for n, a in pairs if a * 8 >= total]
        assert set(certain) <= set(_numbers(frame, selection.positions))


def test_pps_inclusion_is_proportional_to_the_amount() -> None:
    amounts = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] * 4  # total 2200, n = 5: max π = 0.23
    frame = _frame(amounts)
    runs = 3000
    counts: Counter[int] = Counter()
    for seed in range(runs):
        counts.update(run_method(frame, DesignParameters(SamplingMethod.PPS, 5), seed).positions)
    for i, amount in enumerate(amounts):
        expected = 5 * amount / 2200
        assert abs(counts[i] / runs - expected) < 5 * np.sqrt(expected * (1 - expected) / runs)


def test_stratified_by_amount_with_certainty_and_neyman() -> None:
    frame = _frame(SKEWED)
    options = DesignOptions(
        stratify_by=Stratifier.AMOUNT, allocation=Allocation.NEYMAN, tier_rule=TierRule.GIVEN,
        boundaries_fen=(600, 1200), certainty_fen=5500,
    )  # fmt: skip
    selection = run_method(frame, DesignParameters(SamplingMethod.STRATIFIED, 20, options), 8)
    strata = selection.design["strata"]
    assert [s["label"] for s in strata] == ["certainty", "A1", "A2", "A3"]
    amounts = np.array(SKEWED)
    certain = amounts >= 5500
    rest = amounts[~certain]
    sizes = [int((rest < 600).sum()), int(((rest >= 600) & (rest < 1200)).sum()),
             int((rest >= 1200).sum())]  # fmt: skip
    deviations = [exact_sd(rest[rest < 600]), exact_sd(rest[(rest >= 600) & (rest < 1200)]),
                  exact_sd(rest[rest >= 1200])]  # fmt: skip
    wanted = allocate(20 - int(certain.sum()), sizes, method=Allocation.NEYMAN,
                      deviations=deviations)  # fmt: skip
    assert [s["frame_size"] for s in strata] == [int(certain.sum()), *sizes]
    assert [s["sample_size"] for s in strata] == [int(certain.sum()), *wanted]
    assert [s["sd_fen"] for s in strata[1:]] == deviations
    assert selection.design["allocation_used"] == "neyman"
    # Within each stratum: the units of that stratum with the smallest keys, in key order.
    generator = PCG64(8)
    keys = [generator.next() for _ in range(60)]
    labels = selection.strata
    for stratum in strata:
        members = [i for i in range(60) if _label(SKEWED[i]) == stratum["label"]]
        expected = sorted(members, key=lambda i: (keys[i], i))[: stratum["sample_size"]]
        got = [p for p, lab in zip(selection.positions, labels, strict=True)
               if lab == stratum["label"]]  # fmt: skip
        assert got == expected
    assert selection.origins.count("certainty") == int(certain.sum())


def _label(amount: int) -> str:
    if amount >= 5500:
        return "certainty"
    return "A1" if amount < 600 else "A2" if amount < 1200 else "A3"


def test_neyman_without_spread_falls_back_to_proportional_and_says_so() -> None:
    frame = _frame([500] * 30 + [900] * 10)
    options = DesignOptions(stratify_by=Stratifier.AMOUNT, allocation=Allocation.NEYMAN,
                            tier_rule=TierRule.GIVEN, boundaries_fen=(800,))  # fmt: skip
    selection = run_method(frame, DesignParameters(SamplingMethod.STRATIFIED, 8, options), 1)
    assert selection.design["allocation_used"] == "proportional"
    assert [s["sample_size"] for s in selection.design["strata"]] == [6, 2]


def test_department_and_rule_hit_strata() -> None:
    departments = ["骨科", "", "儿科", "骨科"] * 10
    flags = [1 if i % 5 == 0 else 0 for i in range(40)]
    frame = _frame(list(range(100, 140)), departments=departments, flags=flags,
                   stakes=[0] * 40)  # fmt: skip
    by_department = stratify(frame, DesignOptions(stratify_by=Stratifier.DEPARTMENT))
    assert by_department.labels == ["-", "儿科", "骨科"]  # code point order, blank as "-"
    assert by_department.sizes() == [10, 10, 20]
    by_flags = stratify(frame, DesignOptions(stratify_by=Stratifier.FLAGS))
    assert by_flags.labels == ["flagged", "unflagged"] and by_flags.sizes() == [8, 32]
    stats = frame_statistics(frame, by_flags)
    assert [s.size for s in stats] == [8, 32]
    assert stats[0].total_fen == sum(100 + i for i in range(0, 40, 5))
    with_run = FrameDefinition(batch_id="b")  # no screening run: rule hits cannot be used
    frame_without_run = FrameArrays(**{**frame.__dict__, "definition": with_run})
    with pytest.raises(DesignError):
        stratify(frame_without_run, DesignOptions(stratify_by=Stratifier.FLAGS))


def test_risk_based_with_a_cap_samples_the_flagged_stratum_at_random() -> None:
    """With a cap the flagged claims are a simple random sample of the flagged stratum
    (keys rule), whose N_h is every flagged claim: the strata add up to the frame."""
    flags = [1 if i % 4 == 0 else 0 for i in range(40)]
    stakes = [(i * 37) % 101 if f else 0 for i, f in enumerate(flags)]
    frame = _frame([1000] * 40, flags=flags, stakes=stakes)
    parameters = DesignParameters(SamplingMethod.RISK_BASED, 6, DesignOptions(flagged_cap=4))
    selection = run_method(frame, parameters, 77)
    generator = PCG64(77)
    keys = [generator.next() for _ in range(40)]
    flagged = [i for i in range(40) if flags[i]]
    assert selection.positions[:4].tolist() == sorted(flagged, key=lambda i: (keys[i], i))[:4]
    assert selection.origins == ["flagged"] * 4 + ["random"] * 6
    unflagged = [i for i in range(40) if not flags[i]]
    assert selection.positions[4:].tolist() == sorted(unflagged, key=lambda i: keys[i])[:6]
    assert selection.probabilities == [4 / 10] * 4 + [6 / 30] * 6
    design = selection.design
    assert (design["flagged_total"], design["flagged_taken"]) == (10, 4)
    assert (design["flagged_selection"], design["flagged_order"]) == ("random", "keys")
    assert design["stream_words"] == 40
    assert [(s["label"], s["frame_size"], s["sample_size"]) for s in design["strata"]] == [
        ("flagged", 10, 4), ("unflagged", 30, 6),
    ]  # fmt: skip
    assert design["parameters"]["options"]["cap_rule"] == "random"


def test_risk_based_cap_example_of_the_review_covers_the_whole_frame() -> None:
    """N = 1000 with 100 flagged, cap 10, size 30: strata 100/10 and 900/30 (Σ N_h = N);
    the earlier rule gave 10/10 and 900/30, leaving 90 flagged claims in no stratum."""
    flags = [1 if i % 10 == 3 else 0 for i in range(1000)]
    stakes = [i if f else 0 for i, f in enumerate(flags)]
    frame = _frame([500 + i for i in range(1000)], flags=flags, stakes=stakes)
    options = DesignOptions(flagged_cap=10)
    design = run_method(frame, DesignParameters(SamplingMethod.RISK_BASED, 30, options), 5).design
    strata = [(s["label"], s["frame_size"], s["sample_size"]) for s in design["strata"]]
    assert strata == [("flagged", 100, 10), ("unflagged", 900, 30)]
    assert sum(s["frame_size"] for s in design["strata"]) == design["frame_size"] == 1000
    assert sum(s["fund_fen"] for s in design["strata"]) == design["frame_fund_fen"]
    old = replace(options, cap_rule=CapRule.LARGEST_STAKE)
    legacy = run_method(frame, DesignParameters(SamplingMethod.RISK_BASED, 30, old), 5).design
    assert [s["frame_size"] for s in legacy["strata"]] == [10, 900]


def test_risk_based_without_a_cap_is_a_census_of_the_flagged_ranked_by_stake() -> None:
    flags = [1 if i % 4 == 0 else 0 for i in range(40)]
    stakes = [(i * 37) % 101 if f else 0 for i, f in enumerate(flags)]
    frame = _frame([1000] * 40, flags=flags, stakes=stakes)
    for cap in (None, 10, 25):
        options = DesignOptions(flagged_cap=cap)
        selection = run_method(frame, DesignParameters(SamplingMethod.RISK_BASED, 6, options), 77)
        flagged = [i for i in range(40) if flags[i]]
        assert selection.positions[:10].tolist() == sorted(flagged, key=lambda i: (-stakes[i], i))
        assert selection.probabilities[:10] == [1.0] * 10
        assert selection.design["flagged_selection"] == "all"


def test_risk_based_refuses_a_cap_that_leaves_no_variance() -> None:
    frame = _frame([1000] * 40, flags=[1 if i % 4 == 0 else 0 for i in range(40)])
    for cap in (0, 1):
        options = DesignOptions(flagged_cap=cap)
        with pytest.raises(DesignError, match="at least 2"):
            run_method(frame, DesignParameters(SamplingMethod.RISK_BASED, 6, options), 1)


def test_records_before_the_random_cap_still_take_the_largest_at_stake() -> None:
    """Parameters without ``cap_rule`` (every record written before it existed) redraw with
    the earlier rule, and ``to_dict`` writes them back without the key, byte for byte."""
    flags = [1 if i % 4 == 0 else 0 for i in range(40)]
    stakes = [(i * 37) % 101 if f else 0 for i, f in enumerate(flags)]
    frame = _frame([1000] * 40, flags=flags, stakes=stakes)
    stored = {"method": "risk_based", "size": 6, "options": {
        "allocation": "proportional", "boundaries_fen": [], "certainty_fen": None,
        "flagged_cap": 4, "minimum": 2, "stratify_by": None, "tier_classes": 100,
        "tier_rule": "cum_sqrt_f", "tiers": 4}}  # fmt: skip
    parameters = DesignParameters.from_dict(stored)
    assert parameters.options.cap_rule is CapRule.LARGEST_STAKE
    assert parameters.to_dict() == stored
    selection = run_method(frame, parameters, 77)
    flagged = [i for i in range(40) if flags[i]]
    assert selection.positions[:4].tolist() == sorted(flagged, key=lambda i: (-stakes[i], i))[:4]
    design = selection.design
    assert design["ranking"] == "stake_desc_then_frame_order"
    assert [(s["label"], s["frame_size"], s["sample_size"]) for s in design["strata"]] == [
        ("flagged", 4, 4), ("unflagged", 30, 6),
    ]  # fmt: skip


def test_equal_value_boundaries_by_hand() -> None:
    # cumulative 1, 3, 6, 10, 20 of 20: the 4 closes the first half, so tiers are < 5, ≥ 5
    assert equal_value_boundaries(np.array([10, 3, 1, 4, 2]), 2) == [5]
    assert equal_value_boundaries(np.array([0, 0]), 3) == []


def test_cum_sqrt_f_boundaries_by_hand() -> None:
    # classes of width 10 over [0, 99]: counts 16, 9, 4, 0…0, 1 → √f 4, 3, 2, 0…, 1; Q = 10
    values = [0] + [5] * 15 + [15] * 9 + [25] * 4 + [99]
    assert cum_sqrt_f_boundaries(np.array(values), 2, 10) == [20]  # Q_1 = 7 ≥ 5
    assert cum_sqrt_f_boundaries(np.array(values), 3, 10) == [10, 20]  # 4 ≥ 3.33; 7 ≥ 6.67


def test_exact_sd_matches_the_textbook_formula() -> None:
    values = np.array([2, 4, 4, 4, 5, 5, 7, 9])
    assert exact_sd(values) == pytest.approx(float(np.std(values, ddof=1)), rel=1e-15)
    assert exact_sd(np.array([10**9, 10**9 + 1, 10**9 + 2])) == 1.0
    assert exact_sd(np.array([5])) == 0.0


def test_parameters_round_trip_through_the_design_record() -> None:
    options = DesignOptions(stratify_by=Stratifier.AMOUNT, allocation=Allocation.NEYMAN,
                            tier_rule=TierRule.GIVEN, boundaries_fen=(100, 900),
                            certainty_fen=10_000, flagged_cap=3, minimum=1)  # fmt: skip
    parameters = DesignParameters(SamplingMethod.STRATIFIED, 30, options)
    assert DesignParameters.from_dict(parameters.to_dict()) == parameters


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        (DesignParameters(SamplingMethod.SIMPLE_RANDOM, 61), "larger than"),
        (DesignParameters(SamplingMethod.STRATIFIED, 5, DesignOptions(
            stratify_by=Stratifier.AMOUNT, certainty_fen=600)), "certainty stratum"),
        (DesignParameters(SamplingMethod.STRATIFIED, 5), "needs strata"),
        (DesignParameters(SamplingMethod.STRATIFIED, 5, DesignOptions(
            stratify_by=Stratifier.AMOUNT, tier_rule=TierRule.GIVEN,
            boundaries_fen=(5, 3))), "ascending"),
    ],
)  # fmt: skip
def test_designs_that_cannot_be_drawn_are_refused(
    parameters: DesignParameters, message: str
) -> None:
    with pytest.raises(DesignError, match=message):
        run_method(_frame(SKEWED), parameters, 1)
