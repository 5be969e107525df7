"""The same patient at two institutions: a second batch borrows patients of the first.

Screening looks for a patient settled at two institutions on the same day, so the demo
plants it across two batches. While the second (smaller) batch is planned, some of its clean
outpatient claims take over the identity (name, sex, birth date, ID number, insurance) of a
clean outpatient of the first batch: half of them on the very day of that patient's visit
(planted), half 10–40 days away from it (the near miss a rule must leave alone). Only
adults of the same sex with no other claim in either batch and no recorded death are used,
so the borrowed identity fits the lines the second batch generates for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector_app.demo.planting import NO_DEATH, TWO_PLACES, NotEnoughClaimsError, Planter, Plants
from inspector_app.demo.population import Patients
from inspector_app.demo.text import BoolArray, IntArray
from inspector_app.demo.visits import Visits

NEAR_MISS_DAYS = (10, 40)
LAST_DAY = 364
IDENTITY = ("male", "age", "child", "adult", "employee", "name", "birth_date", "id_number")


@dataclass(frozen=True)
class Lender:
    """What the second batch needs to know of the first batch's plan."""

    patients: Patients
    visits: Visits
    plants: Plants
    death_day: IntArray


def _single(visits: Visits, patients: Patients) -> BoolArray:
    counts = np.bincount(visits.patient, minlength=patients.count)
    return np.asarray(counts[visits.patient] == 1)


def _pick(rng: np.random.Generator, pool: IntArray, size: int, what: str) -> IntArray:
    if pool.shape[0] < size:
        raise NotEnoughClaimsError(f"not enough claims to plant {what}")
    return rng.choice(pool, size=size, replace=False).astype(np.int64)


def borrow_patients(planter: Planter, lender: Lender, *, pairs: int, near: int) -> None:
    """Give ``pairs + near`` clean claims of the planter's batch patients of ``lender``.

    The first ``pairs`` are planted (same day, kind ``two_institutions_same_day`` in both
    plans, linked through ``Plants.other`` on the second plan); the rest are near misses.
    The first plan's ``other`` is filled in once the second plan has its final order
    (:func:`link_lender`).
    """
    rng, total = planter.rng, pairs + near
    v1, p1, v2, p2 = lender.visits, lender.patients, planter.visits, planter.patients
    fits1 = (
        _single(v1, p1) & ~v1.inpatient & p1.adult[v1.patient] & (lender.plants.kind == -1)
        & (lender.death_day[v1.patient] == NO_DEATH)
    )  # fmt: skip
    fits2 = (
        planter.single & ~v2.inpatient & p2.adult[v2.patient] & (planter.plants.kind == -1)
        & (planter.death_day[v2.patient] == NO_DEATH)
    )  # fmt: skip
    what = "the same patient at two institutions"
    lent = _pick(rng, np.flatnonzero(fits1), total, what)
    borrowing = np.empty(total, dtype=np.int64)
    for male in (True, False):
        rows = np.flatnonzero(p1.male[v1.patient[lent]] == male)
        pool = np.flatnonzero(fits2 & (p2.male[v2.patient] == male))
        borrowing[rows] = _pick(rng, pool, rows.shape[0], what)
    source, target = v1.patient[lent], v2.patient[borrowing]
    for name in IDENTITY:
        getattr(p2, name)[target] = getattr(p1, name)[source]
    day = v1.admit_day[lent].copy()
    low, high = NEAR_MISS_DAYS
    shift = rng.integers(low, high + 1, total)
    later = day + shift
    moved = np.where(later <= LAST_DAY, later, day - shift)
    day[pairs:] = moved[pairs:]
    v2.admit_day[borrowing] = day
    planted, partners = borrowing[:pairs], lent[:pairs]
    planter.plants.kind[planted] = TWO_PLACES
    planter.plants.other[planted] = partners
    lender.plants.kind[partners] = TWO_PLACES


def link_lender(plants: Plants, lender: Plants) -> None:
    """Point the first plan's planted claims at their partners' final positions."""
    borrowed = np.flatnonzero((plants.kind == TWO_PLACES) & (plants.other >= 0))
    lender.other[plants.other[borrowed]] = borrowed
