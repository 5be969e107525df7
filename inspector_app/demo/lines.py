"""Generate the billed lines of one chunk of claims, vectorised (about 10 lines per claim).

Clean lines respect every rule the planted kinds break: restricted items are swapped for an
unrestricted substitute when the patient (sex, age) or the institution (level) does not fit,
no item is billed twice on one day of one claim (so quantities per day stay within the daily
limit), prices are the catalogue prices, billed quantities are the ordered ones, services
fall within the stay and are spread over it (line k of n falls in the k-th n-th of the stay,
so no stretch of two days goes without a line), and each drug box has its own traceability
code. A claim chosen for a line-level kind gets one extra "forced" line that breaks one
rule; a planted stay without care has its treatment lines squeezed into the first days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector_app.demo.items import BED_DAY, Setting
from inspector_app.demo.plan import CHUNK_CLAIMS, BatchPlan
from inspector_app.demo.planting import (
    AFTER_DISCHARGE,
    DUPLICATE_CHARGE,
    IDLE_STAY,
    LINE_KINDS,
    ORDERED,
    OVER_QUANTITY,
    PRICE,
    TRACE,
)
from inspector_app.demo.text import BoolArray, FloatArray, IntArray

TRACE_SLOT = 128  # serial = (seed base + claim) × 128 + line slot; 127 = the forced line's box
FORCED_SLOT = 127
MAX_RANDOM_LINES = 120  # below FORCED_SLOT, so no two lines share a box
TRACE_SEEDS = 7_000
TRACE_CLAIMS_PER_SEED = 10_000_000
_DAY_KEY = 512  # > longest stay + days after discharge


@dataclass(frozen=True)
class ChunkLines:
    """Lines of one chunk in claim order (``claim`` is the position within the chunk)."""

    claim: IntArray
    line_no: IntArray
    item: IntArray
    day: IntArray
    second: IntArray
    quantity: IntArray
    price: IntArray
    amount: IntArray
    trace_serial: IntArray  # -1 where the item carries no traceability code
    forced: BoolArray
    ordered_quantity: IntArray  # the quantity in the doctor's order (医嘱)


def trace_serial(seed: int, claim: IntArray, slot: IntArray) -> IntArray:
    """13-digit serial part of a traceability code, unique per (seed, claim, slot)."""
    base = (seed % TRACE_SEEDS) * TRACE_CLAIMS_PER_SEED + claim
    return base * TRACE_SLOT + slot


def _cumulative(weights: FloatArray) -> FloatArray:
    return np.cumsum(weights / weights.sum())


def _draw(rng: np.random.Generator, cumulative: FloatArray, size: int) -> IntArray:
    found = np.searchsorted(cumulative, rng.random(size), side="right")
    return np.asarray(np.minimum(found, cumulative.shape[0] - 1), dtype=np.int64)


def _keep_first_per_day(
    claim: IntArray, item: IntArray, day: IntArray, forced: BoolArray, items: int
) -> IntArray:
    """Indices of lines to keep: one per (claim, item, day), the forced line winning."""
    key = (claim * items + item) * _DAY_KEY + day
    order = np.lexsort((~forced, key))
    ordered = key[order]
    first = np.ones(ordered.shape[0], dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return np.sort(order[first])


@dataclass(frozen=True)
class _Draft:
    """A chunk's lines before de-duplication, with their claim's facts repeated per line."""

    claims: IntArray  # plan position of each claim of the chunk
    claim: IntArray  # per line: chunk position of its claim
    position: IntArray  # per line: its place among the claim's lines (0, 1, …)
    count: IntArray  # per line: how many random (not forced) lines its claim has
    forced: BoolArray
    bed: BoolArray
    inpatient: BoolArray
    stay: IntArray
    kind: IntArray  # planted kind of the claim (-1 clean)
    value: IntArray  # planted value of the claim

    @property
    def size(self) -> int:
        """Number of lines."""
        return int(self.claim.shape[0])


def _draft(plan: BatchPlan, rng: np.random.Generator, claims: IntArray) -> _Draft:
    v, p = plan.visits, plan.plants
    n = claims.shape[0]
    inpatient, stay, kind = v.inpatient[claims], v.stay[claims], p.kind[claims]
    has_forced = np.isin(kind, list(LINE_KINDS))
    noise = np.round(rng.normal(0.0, 3.0, n)).astype(np.int64)
    # At most 40 lines a stay, but more than its days, so every stay has care spread over it.
    most = np.minimum(MAX_RANDOM_LINES, np.maximum(40, stay + 10))
    random_lines = np.where(
        inpatient, np.clip(10 + 2 * stay + noise, 10, most), 2 + rng.binomial(6, 0.5, n)
    )
    total = random_lines + has_forced
    claim = np.repeat(np.arange(n, dtype=np.int64), total)
    first = np.concatenate([[0], np.cumsum(total)[:-1]])
    position = np.arange(claim.shape[0], dtype=np.int64) - first[claim]
    return _Draft(
        claims=claims,
        claim=claim,
        position=position,
        count=random_lines[claim],
        forced=has_forced[claim] & (position == total[claim] - 1),
        bed=inpatient[claim] & (position == 0),
        inpatient=inpatient[claim],
        stay=stay[claim],
        kind=kind[claim],
        value=p.value[claims][claim],
    )


def _items(plan: BatchPlan, rng: np.random.Generator, draft: _Draft) -> IntArray:
    """Random items for the setting, restricted ones swapped when the patient does not fit."""
    c, v = plan.catalogue, plan.visits
    weight = np.where(c.code == BED_DAY, 0.0, c.weight)
    outpatient = _draw(
        rng, _cumulative(weight * ((c.setting & Setting.OUTPATIENT) != 0)), draft.size
    )
    inpatient = _draw(rng, _cumulative(weight * ((c.setting & Setting.INPATIENT) != 0)), draft.size)
    item = np.where(draft.inpatient, inpatient, outpatient)
    patient = v.patient[draft.claims][draft.claim]
    male, child = plan.patients.male[patient], plan.patients.child[patient]
    unfit = ((c.sex[item] == 1) & ~male) | ((c.sex[item] == 2) & male)
    unfit |= c.paediatric[item] & ~child
    unfit |= c.min_level[item] > plan.level
    item = np.where(unfit, c.substitute[item], item)
    item[draft.bed] = c.index(BED_DAY)
    item[draft.forced] = plan.plants.item[draft.claims][draft.claim[draft.forced]]
    return item


def _times(
    plan: BatchPlan, rng: np.random.Generator, draft: _Draft, item: IntArray
) -> tuple[IntArray, IntArray]:
    """Day (offset from admission) and second of each service, spread over the stay."""
    v = plan.visits
    u = rng.random(draft.size)
    share = (draft.position + u) / np.maximum(draft.count, 1)  # in [0, 1): k-th n-th
    days = draft.stay + 1
    idle = (draft.kind == IDLE_STAY) & ~plan.catalogue.routine[item]
    days = np.where(idle, draft.stay - draft.value + 1, days)
    day = np.where(draft.forced, np.floor(u * (draft.stay + 1)), np.floor(share * days))
    day = np.where(draft.inpatient, day, 0).astype(np.int64)
    day[draft.bed] = 0
    after = draft.forced & (draft.kind == AFTER_DISCHARGE)
    day[after] = draft.stay[after] + draft.value[after]
    admitted = v.admit_second[draft.claims][draft.claim]
    second = np.where(
        day == 0,
        np.minimum(admitted + rng.integers(0, 3 * 3600, draft.size), 86_399),
        rng.integers(7 * 3600, 21 * 3600, draft.size),
    )
    return day, np.where(draft.inpatient, second, v.prescribe_second[draft.claims][draft.claim])


def _quantities(
    plan: BatchPlan, rng: np.random.Generator, draft: _Draft, item: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Billed quantity, unit price and ordered quantity of each line (bed days = stay)."""
    c = plan.catalogue
    quantity = 1 + np.floor(rng.random(draft.size) * c.max_quantity[item]).astype(np.int64)
    quantity[draft.bed] = draft.stay[draft.bed]
    over = draft.forced & (draft.kind == OVER_QUANTITY)
    quantity[over] = draft.value[over]
    ordered = quantity.copy()
    more = draft.forced & (draft.kind == ORDERED)
    quantity[more] += draft.value[more]
    price = c.price_fen[item].copy()
    dearer = draft.forced & (draft.kind == PRICE)
    price[dearer] = draft.value[dearer]
    return quantity, price, ordered


def _selection(plan: BatchPlan, draft: _Draft, item: IntArray, day: IntArray) -> IntArray:
    """Lines kept after de-duplication, the planted duplicate charges doubled."""
    keep = _keep_first_per_day(draft.claim, item, day, draft.forced, plan.catalogue.size)
    doubled = keep[draft.forced[keep] & (draft.kind[keep] == DUPLICATE_CHARGE)]
    selected = np.concatenate([keep, doubled])
    return selected[np.argsort(selected, kind="stable")]


def generate_lines(plan: BatchPlan, start: int, stop: int) -> ChunkLines:
    """The lines of claims ``start`` to ``stop - 1`` (deterministic per chunk)."""
    rng = np.random.Generator(np.random.PCG64(plan.chunk_seeds[start // CHUNK_CLAIMS]))
    claims = np.arange(start, stop, dtype=np.int64)
    draft = _draft(plan, rng, claims)
    item = _items(plan, rng, draft)
    day, second = _times(plan, rng, draft, item)
    quantity, price, ordered = _quantities(plan, rng, draft, item)
    selected = _selection(plan, draft, item, day)

    claim, item, forced = draft.claim[selected], item[selected], draft.forced[selected]
    starts = np.searchsorted(claim, np.arange(claims.shape[0]))
    line_no = np.arange(claim.shape[0], dtype=np.int64) - starts[claim] + 1
    # The second claim of a reused-box pair carries its partner's traceability code.
    owner = claims[claim]
    p = plan.plants
    reused = forced & (draft.kind[selected] == TRACE) & ~p.first_of_pair[owner]
    box_claim = np.where(reused, p.partner[owner], owner)
    slot = np.where(forced, FORCED_SLOT, line_no)
    serial = trace_serial(plan.seed, box_claim, slot)
    quantity, price, ordered = quantity[selected], price[selected], ordered[selected]
    return ChunkLines(
        claim=claim,
        line_no=line_no,
        item=item,
        day=day[selected],
        second=second[selected],
        quantity=quantity,
        price=price,
        amount=quantity * price,
        trace_serial=np.where(plan.catalogue.is_drug[item], serial, -1),
        forced=forced,
        ordered_quantity=ordered,
    )
