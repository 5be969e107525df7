"""Allocating a total sample size to strata: proportional or Neyman (optimum) allocation.

Used by the sampling dialog (a total n is given) and by sample-size planning (the total
comes from the precision wanted). Rounding follows RAT-STATS: each n_h is rounded up, a
stratum never gets more units than it has, and what a capped stratum cannot take is
reallocated to the others in proportion to their weights, until nothing changes. Every
stratum with units gets at least ``minimum`` (default 2, the least that gives a variance).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum


class Allocation(StrEnum):
    """How a total sample size is shared among strata."""

    PROPORTIONAL = "proportional"  # n_h ∝ N_h
    NEYMAN = "neyman"  # n_h ∝ N_h · S_h


def weights(
    sizes: Sequence[int], deviations: Sequence[float] | None, method: Allocation
) -> list[float]:
    """The allocation weight of each stratum (N_h, or N_h · S_h for Neyman)."""
    if method is Allocation.PROPORTIONAL:
        return [float(size) for size in sizes]
    if deviations is None or len(deviations) != len(sizes):
        raise ValueError("Neyman allocation needs one standard deviation per stratum")
    if any(deviation < 0 for deviation in deviations):
        raise ValueError("standard deviations must not be negative")
    return [size * deviation for size, deviation in zip(sizes, deviations, strict=True)]


def allocate(
    total: int,
    sizes: Sequence[int],
    *,
    method: Allocation = Allocation.PROPORTIONAL,
    deviations: Sequence[float] | None = None,
    minimum: int = 2,
) -> list[int]:
    """Share ``total`` units among strata of ``sizes`` (N_h); returns n_h per stratum.

    The result sums to at least ``total`` (rounding up may add a unit per stratum) and
    never exceeds N_h. A stratum whose weight is zero (no spread under Neyman) still gets
    ``minimum`` units, capped at its size; when no open stratum has any weight left, the
    rest is shared in proportion to size.

    Raises:
        ValueError: negative sizes, a total above the frame, or bad deviations.
    """
    if any(size < 0 for size in sizes):
        raise ValueError("stratum sizes must not be negative")
    frame = sum(sizes)
    if total < 0 or total > frame:
        raise ValueError("the sample size must be between 0 and the frame size")
    base = weights(sizes, deviations, method)
    result = [min(size, minimum) if size > 0 else 0 for size in sizes]
    if total == 0:
        return [0] * len(sizes)
    fixed = [False] * len(sizes)
    while True:
        open_strata = [h for h in range(len(sizes)) if not fixed[h]]
        remaining = total - sum(result[h] for h in range(len(sizes)) if fixed[h])
        weight_sum = sum(base[h] for h in open_strata)
        if weight_sum == 0:
            # No spread anywhere left (Neyman with all S_h = 0): share by size instead, so
            # the total is still reached.
            base = [float(size) if not fixed[h] else base[h] for h, size in enumerate(sizes)]
            weight_sum = sum(base[h] for h in open_strata)
        changed = False
        for h in open_strata:
            share = remaining * base[h] / weight_sum if weight_sum > 0 else 0.0
            wanted = max(math.ceil(share - 1e-9), min(sizes[h], minimum))
            if wanted >= sizes[h]:
                result[h] = sizes[h]
                if not fixed[h]:
                    fixed[h] = changed = True
            else:
                result[h] = wanted
        if not changed:
            return result
