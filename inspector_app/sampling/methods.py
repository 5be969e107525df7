"""The sampling methods: pure functions of the frame arrays, the parameters and the seed.

Each method reads the stream only as raw PCG64 words (see ``stream.py``) by one of two
rules, both written out in docs/sampling.md:

* *keys*: the first N words of the stream, word i belonging to frame unit i; a simple
  random sample of n from a set of units is the n units of the set with the smallest keys,
  in ascending key order (ties, which need two equal 64-bit words, by frame position).
  Simple random, stratified and risk-based draws use it.
* *start*: one uniform integer below a bound by rejection; systematic PPS uses it.

Every method returns the full design record: what was asked and what was computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inspector_app.i18n import _
from inspector_app.sampling.design import (
    FLAGGED,
    ORIGIN_CERTAINTY,
    ORIGIN_FLAGGED,
    ORIGIN_RANDOM,
    UNFLAGGED,
    CapRule,
    DesignError,
    DesignParameters,
    Selection,
)
from inspector_app.sampling.frame import FrameArrays, IntArray
from inspector_app.sampling.strata import (
    StratumStatistics,
    flags_sha256,
    frame_statistics,
    stratify,
)
from inspector_app.sampling.stream import Stream
from inspector_app.statistics.allocation import Allocation, allocate
from local_db.enums import SamplingMethod

# n·T must stay below this, so systematic PPS works in exact 64-bit integers.
_PPS_LIMIT = 1 << 63


def _too_large(size: int, available: int) -> DesignError:
    return DesignError(
        _("The sample size {size} is larger than the {available} claims it is drawn from.").format(
            size=size, available=available
        )
    )


def _stratum_record(
    statistics: StratumStatistics, sample_size: int, bounds: tuple[int | None, int | None]
) -> dict[str, Any]:
    return {
        "label": statistics.label,
        "lower_fen": bounds[0],
        "upper_fen": bounds[1],
        "frame_size": statistics.size,
        "sample_size": sample_size,
        "amount_fen": statistics.total_fen,
        "fund_fen": statistics.fund_fen,
        "mean_fen": statistics.mean_fen,
        "sd_fen": statistics.sd_fen,
    }


def _smallest_keys(members: IntArray, keys: np.ndarray[Any, Any], count: int) -> IntArray:
    """The ``count`` members with the smallest keys, in key order (ties: frame order)."""
    order = np.argsort(keys[members], kind="stable")
    return members[order[:count]].astype(np.int64)


def simple_random(frame: FrameArrays, parameters: DesignParameters, stream: Stream) -> Selection:
    """Simple random sampling without replacement, in the order of the keys."""
    size = parameters.size
    if size > frame.size:
        raise _too_large(size, frame.size)
    keys = stream.words(frame.size)
    positions = _smallest_keys(np.arange(frame.size, dtype=np.int64), keys, size)
    whole = frame_statistics(frame)[0]
    probability = size / frame.size if frame.size else 0.0
    return Selection(
        positions=positions,
        strata=[""] * size,
        probabilities=[probability] * size,
        hits=[1] * size,
        origins=[ORIGIN_RANDOM] * size,
        design={"rule": "keys", "strata": [_stratum_record(whole, size, (None, None))]},
    )


def stratified(frame: FrameArrays, parameters: DesignParameters, stream: Stream) -> Selection:
    """Stratified simple random sampling with proportional or Neyman allocation.

    A certainty stratum (amount ≥ ``certainty_fen``) is taken whole; the rest of the size
    is allocated to the other strata with :func:`allocate` (Neyman on the SD of the
    amount). When every stratum's SD is zero Neyman has no weights; the design then falls
    back to proportional allocation and says so (``allocation_used``).
    """
    options = parameters.options
    strata = stratify(frame, options)
    sizes = strata.sizes()
    statistics = frame_statistics(frame, strata)
    first = 1 if strata.certainty else 0
    certain = sizes[0] if strata.certainty else 0
    remaining = parameters.size - certain
    if remaining < 0:
        raise DesignError(
            _("The certainty stratum alone holds {count} claims, more than the sample size.")
            .format(count=certain)
        )  # fmt: skip
    random_sizes = sizes[first:]
    if remaining > sum(random_sizes):
        raise _too_large(parameters.size, frame.size)
    deviations = [s.sd_fen for s in statistics[first:]]
    used = options.allocation
    if used is Allocation.NEYMAN and not any(
        size > 0 and sd > 0 for size, sd in zip(random_sizes, deviations, strict=True)
    ):
        used = Allocation.PROPORTIONAL
    allocated = (
        allocate(
            remaining,
            random_sizes,
            method=used,
            deviations=deviations if used is Allocation.NEYMAN else None,
            minimum=options.minimum,
        )
        if random_sizes
        else []
    )
    wanted = ([certain] if strata.certainty else []) + allocated
    keys = stream.words(frame.size)
    order = np.lexsort((keys, strata.index))  # by stratum, then key; stable on ties
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(int)
    chosen: list[IntArray] = []
    labels: list[str] = []
    probabilities: list[float] = []
    origins: list[str] = []
    for h, label in enumerate(strata.labels):
        segment = order[starts[h] : starts[h] + wanted[h]].astype(np.int64)
        chosen.append(segment)
        labels += [label] * wanted[h]
        probabilities += [wanted[h] / sizes[h] if sizes[h] else 0.0] * wanted[h]
        is_certain = strata.certainty and h == 0
        origins += [ORIGIN_CERTAINTY if is_certain else ORIGIN_RANDOM] * wanted[h]
    positions = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    records = [
        _stratum_record(s, n, b) for s, n, b in zip(statistics, wanted, strata.bounds, strict=True)
    ]
    return Selection(
        positions=positions.astype(np.int64),
        strata=labels,
        probabilities=probabilities,
        hits=[1] * len(labels),
        origins=origins,
        design={
            "rule": "keys",
            "stratification": strata.description,
            "allocation": options.allocation.value,
            "allocation_used": used.value,
            "minimum": options.minimum,
            "strata": records,
        },
    )


def pps(frame: FrameArrays, parameters: DesignParameters, stream: Stream) -> Selection:
    """Systematic probability-proportional-to-size (monetary-unit) sampling.

    Size s_i = max(amount_i, 0); T = Σ s_i; n points. All arithmetic is scaled by n so it
    stays in integers: the start R is uniform in [0, T) (``Stream.below``), point k lies at
    R + k·T, and unit i (cumulative scaled edges n·C_{i-1} ≤ p < n·C_i) is hit by every
    point in its range. The interval is T/n fen, the start R/n fen. A unit with n·s_i ≥ T
    (as large as the interval) is hit at least once whatever the start: it is taken with
    certainty. Its probability is min(1, n·s_i/T).
    """
    points = parameters.size
    sizes = np.maximum(frame.amounts, 0)
    total = int(sizes.sum()) if frame.size else 0
    if points > 0 and total == 0:
        raise DesignError(_("PPS needs claims with positive amounts; this frame has none."))
    if points * total >= _PPS_LIMIT:
        raise DesignError(_("The frame's total is too large for this sample size."))
    start = stream.below(total) if points > 0 else 0
    edges = np.cumsum(sizes) * points  # scaled upper edges n·C_i
    scaled = start + np.arange(points, dtype=np.int64) * total
    hit_units = np.searchsorted(edges, scaled, side="right")
    hits_per_unit = np.bincount(hit_units, minlength=frame.size)
    positions = np.flatnonzero(hits_per_unit).astype(np.int64)
    unit_sizes = [int(sizes[i]) for i in positions]
    probabilities = [min(1.0, points * s / total) for s in unit_sizes]
    origins = [ORIGIN_CERTAINTY if points * s >= total else ORIGIN_RANDOM for s in unit_sizes]
    whole = frame_statistics(frame)[0]
    return Selection(
        positions=positions,
        strata=[""] * len(positions),
        probabilities=probabilities,
        hits=[int(hits_per_unit[i]) for i in positions],
        origins=origins,
        design={
            "rule": "start",
            "points": points,
            "total_size_fen": total,
            "interval": f"{total}/{points}" if points else "",
            "interval_fen": total / points if points else 0.0,
            "random_start_scaled": start,
            "random_start_fen": start / points if points else 0.0,
            "certainty_units": origins.count(ORIGIN_CERTAINTY),
            "distinct_units": len(positions),
            "nonpositive_units": int((frame.amounts <= 0).sum()),
            "strata": [_stratum_record(whole, len(positions), (None, None))],
        },
    )


def risk_based(frame: FrameArrays, parameters: DesignParameters, stream: Stream) -> Selection:
    """Flagged claims (all, or a random ``flagged_cap`` of them) plus a random remainder.

    Two strata, each a simple random sample by the keys rule (one key per frame unit,
    flagged and unflagged claims competing only within their stratum):

    * ``flagged``: every flagged claim when there is no cap (or the cap reaches them all),
      ranked by amount at stake (sum of the run's flag amounts) downwards, then by frame
      position — a census; with a smaller cap, the ``flagged_cap`` flagged claims with the
      smallest keys, probability cap/N_flagged. N_h is always every flagged claim, so the
      two strata together are the frame and the export extrapolates to all of it.
    * ``unflagged``: ``size`` of the unflagged claims, probability size/N_unflagged.

    Records drawn before the random cap (``CapRule.LARGEST_STAKE``) took the cap largest
    at stake; they are reproduced as they were (see :func:`_risk_based_largest_stake`).
    """
    if frame.definition is not None and frame.definition.screening_run_id is None:
        raise DesignError(_("Risk-based sampling needs a screening run in the frame definition."))
    options = parameters.options
    if options.cap_rule is CapRule.LARGEST_STAKE:
        return _risk_based_largest_stake(frame, parameters, stream)
    keys = stream.words(frame.size)
    flagged = frame.flags > 0
    flagged_positions = np.flatnonzero(flagged).astype(np.int64)
    flagged_count = int(flagged_positions.shape[0])
    cap = options.flagged_cap
    census = cap is None or cap >= flagged_count
    if census:
        ranking = np.lexsort((flagged_positions, -frame.stakes[flagged_positions]))
        taken = flagged_positions[ranking]
    else:
        assert cap is not None
        if cap < 2:
            raise DesignError(
                _(
                    "A cap of {cap} on {count} flagged claims leaves too few of them to "
                    "extrapolate (at least 2 are needed); raise the cap or take them all."
                ).format(cap=cap, count=flagged_count)
            )
        taken = _smallest_keys(flagged_positions, keys, cap)
    unflagged_positions = np.flatnonzero(~flagged).astype(np.int64)
    size = parameters.size
    if size > unflagged_positions.shape[0]:
        raise _too_large(size, int(unflagged_positions.shape[0]))
    drawn = _smallest_keys(unflagged_positions, keys, size)
    unflagged_count = int(unflagged_positions.shape[0])
    taken_count = int(taken.shape[0])
    flagged_probability = taken_count / flagged_count if flagged_count else 0.0
    probability = size / unflagged_count if unflagged_count else 0.0
    records = [
        _part_record(frame, FLAGGED, flagged_positions, taken_count),
        _part_record(frame, UNFLAGGED, unflagged_positions, size),
    ]
    return Selection(
        positions=np.concatenate((taken, drawn)).astype(np.int64),
        strata=[FLAGGED] * taken_count + [UNFLAGGED] * size,
        probabilities=[flagged_probability] * taken_count + [probability] * size,
        hits=[1] * (taken_count + size),
        origins=[ORIGIN_FLAGGED] * taken_count + [ORIGIN_RANDOM] * size,
        design={
            "rule": "keys",
            "flagged_total": flagged_count,
            "flagged_taken": taken_count,
            "flagged_cap": cap,
            "flagged_selection": "all" if census else "random",
            "flagged_order": "stake_desc_then_frame_order" if census else "keys",
            "attributes_sha256": flags_sha256(frame),
            "strata": records,
        },
    )


def _part_record(
    frame: FrameArrays, label: str, members: IntArray, sample_size: int
) -> dict[str, Any]:
    return {
        "label": label,
        "frame_size": int(members.shape[0]),
        "sample_size": sample_size,
        "amount_fen": int(frame.amounts[members].sum()),
        "fund_fen": int(frame.fund[members].sum()),
    }


def _risk_based_largest_stake(
    frame: FrameArrays, parameters: DesignParameters, stream: Stream
) -> Selection:
    """The rule of draws recorded before the random cap: the ``flagged_cap`` largest at stake.

    Kept only so those records still redraw exactly. The flagged stratum's N_h is the
    claims taken, so the flagged claims left out belong to neither stratum and the
    appraisal refuses such a draw (its strata do not cover the frame).
    """
    keys = stream.words(frame.size)
    flagged = frame.flags > 0
    flagged_positions = np.flatnonzero(flagged).astype(np.int64)
    ranking = np.lexsort((flagged_positions, -frame.stakes[flagged_positions]))
    cap = parameters.options.flagged_cap
    taken = flagged_positions[ranking][: cap if cap is not None else None]
    unflagged_positions = np.flatnonzero(~flagged).astype(np.int64)
    size = parameters.size
    if size > unflagged_positions.shape[0]:
        raise _too_large(size, int(unflagged_positions.shape[0]))
    drawn = _smallest_keys(unflagged_positions, keys, size)
    unflagged_count = int(unflagged_positions.shape[0])
    probability = size / unflagged_count if unflagged_count else 0.0
    taken_count = int(taken.shape[0])
    records = [
        _part_record(frame, FLAGGED, taken, taken_count),
        _part_record(frame, UNFLAGGED, unflagged_positions, size),
    ]
    return Selection(
        positions=np.concatenate((taken, drawn)).astype(np.int64),
        strata=[FLAGGED] * taken_count + [UNFLAGGED] * size,
        probabilities=[1.0] * taken_count + [probability] * size,
        hits=[1] * (taken_count + size),
        origins=[ORIGIN_FLAGGED] * taken_count + [ORIGIN_RANDOM] * size,
        design={
            "rule": "keys",
            "flagged_total": int(flagged_positions.shape[0]),
            "flagged_taken": taken_count,
            "flagged_cap": cap,
            "ranking": "stake_desc_then_frame_order",
            "attributes_sha256": flags_sha256(frame),
            "strata": records,
        },
    )


METHODS = {
    SamplingMethod.SIMPLE_RANDOM: simple_random,
    SamplingMethod.STRATIFIED: stratified,
    SamplingMethod.PPS: pps,
    SamplingMethod.RISK_BASED: risk_based,
}


def run_method(frame: FrameArrays, parameters: DesignParameters, seed: int) -> Selection:
    """Draw from ``frame`` as ``parameters`` say with the stream of ``seed``.

    The returned design holds the parameters, the frame's size and totals, the method's
    own record and how many stream words were used.

    Raises:
        DesignError: the parameters do not fit this frame (message for the user).
    """
    parameters.validate()
    stream = Stream(seed)
    selection = METHODS[parameters.method](frame, parameters, stream)
    design: dict[str, Any] = {
        "parameters": parameters.to_dict(),
        "frame_size": frame.size,
        "frame_total_fen": frame.total_fen,
        "frame_fund_fen": frame.fund_total_fen,
        "sample_size": selection.size,
        "stream_words": stream.used,
        **selection.design,
    }
    return Selection(
        positions=selection.positions,
        strata=selection.strata,
        probabilities=selection.probabilities,
        hits=selection.hits,
        origins=selection.origins,
        design=design,
    )
