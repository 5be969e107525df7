"""Dividing a frame into strata, and the per-stratum figures allocation and planning need.

Strata come in a fixed order (certainty first, then amount tiers upwards, departments by
code point, or flagged before unflagged), which is also the order units are drawn in.
Amount tiers are half-open ``[lower, upper)`` in integer fen. Standard deviations are
computed from exact integer sums (no floating-point accumulation), so the same frame gives
the same Neyman allocation on every machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from inspector_app.i18n import _
from inspector_app.sampling.design import (
    CERTAINTY,
    FLAGGED,
    NO_DEPARTMENT,
    UNFLAGGED,
    DesignError,
    DesignOptions,
    Stratifier,
    TierRule,
)
from inspector_app.sampling.frame import FrameArrays, IntArray, hash_lines


@dataclass(frozen=True)
class Strata:
    """A partition of the frame: ``index[i]`` is the stratum (into ``labels``) of unit i.

    ``bounds`` gives each stratum's amount range ``(lower, upper)`` in fen for amount
    tiers and the certainty stratum (None where open), ``description`` what the design
    record keeps about how the strata were made.
    """

    labels: list[str]
    index: IntArray
    bounds: list[tuple[int | None, int | None]]
    description: dict[str, Any]
    certainty: bool = False

    def sizes(self) -> list[int]:
        """N_h per stratum."""
        counts = np.bincount(self.index, minlength=len(self.labels))
        return [int(count) for count in counts]


@dataclass(frozen=True)
class StratumStatistics:
    """One stratum of a frame: N_h, its totals, and mean and SD of the amount (fen)."""

    label: str
    size: int
    total_fen: int
    fund_fen: int
    mean_fen: float
    sd_fen: float


def exact_sd(values: IntArray) -> float:
    """Sample standard deviation (divisor n − 1) of integer amounts; 0 for fewer than two.

    Computed as sqrt((n·Σx² − (Σx)²) / (n(n − 1))) with exact integers, rounded once.
    """
    count = int(values.shape[0])
    if count < 2:
        return 0.0
    items = values.tolist()
    first = sum(items)
    second = sum(v * v for v in items)
    variance = Fraction(count * second - first * first, count * (count - 1))
    return math.sqrt(float(variance))


def _mean(values: IntArray) -> float:
    count = int(values.shape[0])
    return float(Fraction(int(values.sum()), count)) if count else 0.0


def frame_statistics(frame: FrameArrays, strata: Strata | None = None) -> list[StratumStatistics]:
    """Per-stratum N_h, total amount, fund total, mean and SD (the planner's inputs).

    Without ``strata`` the whole frame is one stratum labelled ``""``.
    """
    if strata is None:
        groups = [("", np.arange(frame.size, dtype=np.int64))]
    else:
        order = np.argsort(strata.index, kind="stable")
        cuts = np.searchsorted(strata.index[order], np.arange(1, len(strata.labels)))
        groups = list(zip(strata.labels, np.split(order, cuts), strict=True))
    result = []
    for label, members in groups:
        amounts = frame.amounts[members]
        result.append(
            StratumStatistics(
                label=label,
                size=int(members.shape[0]),
                total_fen=int(amounts.sum()),
                fund_fen=int(frame.fund[members].sum()),
                mean_fen=_mean(amounts),
                sd_fen=exact_sd(amounts),
            )
        )
    return result


# ------------------------------------------------------------------ amount tiers


def equal_value_boundaries(values: IntArray, tiers: int) -> list[int]:
    """Boundaries giving ``tiers`` tiers of about equal total amount.

    With the amounts sorted ascending, x_(1) ≤ … ≤ x_(N), and S_j the sum of
    max(x_(i), 0) for i ≤ j, boundary k (k = 1 … tiers − 1) is x_(j) + 1 for the first j
    with tiers·S_j ≥ k·S_N: the unit that reaches the k-th share closes tier k.
    """
    if values.shape[0] == 0 or tiers < 2:
        return []
    ordered = np.sort(values)
    cumulative = np.cumsum(np.maximum(ordered, 0))
    total = int(cumulative[-1])
    if total <= 0:
        return []
    result = []
    for k in range(1, tiers):
        j = int(np.searchsorted(cumulative * tiers, k * total, side="left"))
        result.append(int(ordered[j]) + 1)
    return result


def cum_sqrt_f_boundaries(values: IntArray, tiers: int, classes: int) -> list[int]:
    """Dalenius–Hodges boundaries by the cumulative √f rule (Cochran 1977, §5A.7).

    The range [lo, hi] of the amounts is cut into equal-width classes of width
    w = max(1, ceil((hi − lo + 1) / classes)) fen; class c holds lo + c·w ≤ x < lo + (c+1)·w.
    With f_c the class counts and Q_c = √f_0 + … + √f_c (IEEE double, added in class
    order), boundary k is lo + (c + 1)·w for the first class c with Q_c ≥ k·Q/tiers,
    where Q is the last Q_c.
    """
    if values.shape[0] == 0 or tiers < 2:
        return []
    low, high = int(values.min()), int(values.max())
    width = max(1, -(-(high - low + 1) // classes))
    counts = np.bincount(((values - low) // width).astype(np.int64)).tolist()
    cumulative: list[float] = []
    running = 0.0
    for count in counts:
        running += math.sqrt(count)
        cumulative.append(running)
    total = cumulative[-1]
    result = []
    for k in range(1, tiers):
        target = k * total / tiers
        c = next(i for i, q in enumerate(cumulative) if q >= target)
        result.append(low + (c + 1) * width)
    return result


def _tidy_boundaries(boundaries: list[int], values: IntArray) -> list[int]:
    """Distinct boundaries that leave no computed tier empty at either end."""
    if values.shape[0] == 0:
        return []
    low, high = int(values.min()), int(values.max())
    return sorted({b for b in boundaries if low < b <= high})


def _tier_labels(count: int) -> list[str]:
    return [f"A{h}" for h in range(1, count + 1)]


# ------------------------------------------------------------------ stratify


def stratify(frame: FrameArrays, options: DesignOptions) -> Strata:
    """Assign every unit of ``frame`` to a stratum as ``options`` ask.

    Raises:
        DesignError: rule-hit strata without a screening run, a department named like a
            reserved stratum, or no stratifier.
    """
    if options.stratify_by is None:
        raise DesignError(_("A stratified draw needs strata (amount, department or flags)."))
    amounts = frame.amounts
    certain = (
        amounts >= options.certainty_fen
        if options.certainty_fen is not None
        else np.zeros(frame.size, dtype=bool)
    )
    rest = ~certain
    labels: list[str]
    bounds: list[tuple[int | None, int | None]]
    description: dict[str, Any] = {"by": options.stratify_by.value}
    if options.stratify_by is Stratifier.AMOUNT:
        labels, bounds, index = _amount_tiers(amounts, rest, options, description)
    elif options.stratify_by is Stratifier.DEPARTMENT:
        names = [d if d else NO_DEPARTMENT for d in frame.departments]
        labels = sorted({n for n, keep in zip(names, rest.tolist(), strict=True) if keep})
        if {CERTAINTY, FLAGGED, UNFLAGGED} & set(labels):
            raise DesignError(_("A department is named like a reserved stratum label."))
        position = {label: h for h, label in enumerate(labels)}
        index = np.array([position.get(n, 0) for n in names], dtype=np.int64)
        bounds = [(None, None)] * len(labels)
        description["attributes_sha256"] = hash_lines(
            f"{no}\t{d}" for no, d in zip(frame.settlement_nos, frame.departments, strict=True)
        )
    else:
        if frame.definition is not None and frame.definition.screening_run_id is None:
            raise DesignError(_("Rule-hit strata need a screening run in the frame definition."))
        labels = [FLAGGED, UNFLAGGED]
        index = np.where(frame.flags > 0, 0, 1).astype(np.int64)
        bounds = [(None, None)] * 2
        description["attributes_sha256"] = flags_sha256(frame)
    if options.certainty_fen is not None:
        description["certainty_fen"] = int(options.certainty_fen)
        index = np.where(certain, 0, index + 1).astype(np.int64)
        labels = [CERTAINTY, *labels]
        bounds = [(int(options.certainty_fen), None), *bounds]
    return Strata(
        labels=labels,
        index=index,
        bounds=bounds,
        description=description,
        certainty=options.certainty_fen is not None,
    )


def flags_sha256(frame: FrameArrays) -> str:
    """Hash of the ordered ``<settlement_no>\\t<flag count>\\t<stake fen>`` lines."""
    return hash_lines(
        f"{no}\t{int(n)}\t{int(s)}"
        for no, n, s in zip(frame.settlement_nos, frame.flags, frame.stakes, strict=True)
    )


def _amount_tiers(
    amounts: IntArray, rest: np.ndarray[Any, np.dtype[np.bool_]], options: DesignOptions,
    description: dict[str, Any],
) -> tuple[list[str], list[tuple[int | None, int | None]], IntArray]:  # fmt: skip
    values = amounts[rest]
    rule = options.tier_rule
    if rule is TierRule.GIVEN:
        boundaries = list(options.boundaries_fen)
    elif rule is TierRule.EQUAL_VALUE:
        boundaries = _tidy_boundaries(equal_value_boundaries(values, options.tiers), values)
    else:
        boundaries = _tidy_boundaries(
            cum_sqrt_f_boundaries(values, options.tiers, options.tier_classes), values
        )
        description["classes"] = options.tier_classes
    description.update(rule=rule.value, tiers_requested=options.tiers, boundaries_fen=boundaries)
    index = np.searchsorted(np.asarray(boundaries, dtype=np.int64), amounts, side="right")
    edges: list[int | None] = [None, *boundaries, None]
    bounds = [(edges[h], edges[h + 1]) for h in range(len(boundaries) + 1)]
    return _tier_labels(len(boundaries) + 1), bounds, index.astype(np.int64)
