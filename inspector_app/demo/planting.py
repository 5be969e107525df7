"""Plant known irregularities in ~5 % of the claims: the ground truth for screening tests.

Header-level patterns (split admissions, long stays, overlapping stays, outpatient visits
during a stay, stays without care, prescription bursts, care after death) are made here by
editing the clean claim headers; line-level patterns (sex, age or institution-level
mismatch, service after discharge, duplicate charge, excess quantity, price above the
catalogue, billed quantity above the order, reused traceability code) are chosen here and
written as one extra "forced" line per claim when the lines are generated. Pairs are built
on patients who have no other claim, so a planted pattern never meets a clean claim of the
same patient. The same patient at two institutions is planted across two batches
(:mod:`inspector_app.demo.partner`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector_app.demo.catalogue import CatalogueArrays
from inspector_app.demo.clinical import GENERAL_ADULT_DEPARTMENTS, ClinicalArrays
from inspector_app.demo.items import Setting
from inspector_app.demo.population import Doctors, Patients
from inspector_app.demo.text import BoolArray, IntArray
from inspector_app.demo.visits import (
    MAX_STAY_TO_NORM,
    Visits,
    clean_stay,
    pick_diagnosis,
    pick_doctor,
)

KINDS = (
    "readmission_15d",
    "los_outlier",
    "sex_inconsistent",
    "age_inconsistent",
    "after_discharge",
    "duplicate_charge",
    "over_quantity",
    "overlapping_stay",
    "price_above_catalogue",
    "duplicate_trace_code",
    "burst_prescriptions",
    "stay_without_care",
    "outpatient_during_stay",
    "after_death",
    "level_restricted",
    "quantity_mismatch",
    "two_institutions_same_day",
)
(
    READMISSION,
    LOS_OUTLIER,
    SEX,
    AGE,
    AFTER_DISCHARGE,
    DUPLICATE_CHARGE,
    OVER_QUANTITY,
    OVERLAP,
    PRICE,
    TRACE,
    BURST,
    IDLE_STAY,
    OUTPATIENT_IN_STAY,
    AFTER_DEATH,
    LEVEL,
    ORDERED,
    TWO_PLACES,
) = range(len(KINDS))
LINE_KINDS = frozenset(
    {SEX, AGE, AFTER_DISCHARGE, DUPLICATE_CHARGE, OVER_QUANTITY, PRICE, TRACE, LEVEL, ORDERED}
)
# Kinds planted on pairs of claims (both claims carry the kind and point at each other).
PAIR_KINDS = frozenset({READMISSION, OVERLAP, TRACE, OUTPATIENT_IN_STAY})

SINGLE_SHARE, PAIR_SHARE, BURST_SHARE = 0.003, 0.0015, 0.0004
LAST_PLANTED_ADMISSION = 240  # leaves room for a readmission or a 90-day stay in the year
BURST_START, BURST_END = 18 * 3600, 20 * 3600  # after every clean schedule has ended
BURST_WINDOW = 50  # seconds from the first to the last prescription of a burst
# Stays without care: 14–28 days and at most 2.5 × the diagnosis norm (as long as a clean
# stay may be), the last 8 or more of them with nothing but bed, ward-round and nursing fees.
IDLE_STAY_DAYS = (14, 28)
MIN_IDLE_DAYS = 8
# Deaths: planted care comes 1–60 days after the death; a clean patient with a death record
# died 5–60 days after their only claim (the near miss the rule must not flag).
DEATH_BEFORE_CARE = (1, 60)
DEATH_AFTER_CARE = (5, 60)
NO_DEATH = np.iinfo(np.int64).min  # per-patient death day when none is recorded


class NotEnoughClaimsError(ValueError):
    """Too few claims of some kind to plant every irregularity (use more claims)."""


@dataclass
class Plants:
    """Per claim: the planted kind (-1 clean), its pair partner, forced item and a value.

    ``other`` is the position of the claim's partner in another batch's plan (the same
    patient at two institutions), -1 for none.
    """

    kind: IntArray
    partner: IntArray
    first_of_pair: BoolArray
    item: IntArray
    value: IntArray
    other: IntArray

    @classmethod
    def none(cls, count: int) -> Plants:
        """No claim planted yet."""
        minus = np.full(count, -1, dtype=np.int64)
        return cls(
            minus.copy(), minus.copy(), np.zeros(count, bool), minus.copy(), minus.copy(),
            minus.copy(),
        )  # fmt: skip

    def reorder(self, order: IntArray) -> None:
        """Permute by ``order`` and renumber partners accordingly."""
        position = np.empty_like(order)
        position[order] = np.arange(order.shape[0])
        partner = self.partner[order]
        self.partner = np.where(partner >= 0, position[np.maximum(partner, 0)], -1)
        self.kind, self.item = self.kind[order], self.item[order]
        self.first_of_pair, self.value = self.first_of_pair[order], self.value[order]
        self.other = self.other[order]


@dataclass
class Planter:
    """Chooses claims for each kind (never one claim twice) and edits them."""

    rng: np.random.Generator
    visits: Visits
    patients: Patients
    doctors: Doctors
    clinical: ClinicalArrays
    catalogue: CatalogueArrays
    single: BoolArray  # the claim's patient has no other claim
    plants: Plants
    level: int  # LEVEL_RANK of the institution (items above it are not allowed)
    death_day: IntArray  # per patient: day offset of a recorded death, NO_DEATH if none

    def take(self, eligible: BoolArray, count: int, what: str) -> IntArray:
        """``count`` random unplanted (and not reserved) claims among ``eligible``."""
        candidates = np.flatnonzero(eligible & (self.plants.kind == -1))
        if candidates.shape[0] < count:
            raise NotEnoughClaimsError(f"not enough claims to plant {what}")
        chosen = self.rng.choice(candidates, size=count, replace=False).astype(np.int64)
        self.plants.kind[chosen] = -2  # reserved until the caller sets the kind
        return chosen

    def mark(self, kind: int, claims: IntArray, partner: IntArray | None = None) -> None:
        """Record ``kind`` on ``claims`` (and the pair link both ways)."""
        self.plants.kind[claims] = kind
        if partner is not None:
            self.plants.kind[partner] = kind
            self.plants.partner[claims], self.plants.partner[partner] = partner, claims
            self.plants.first_of_pair[claims] = True

    def _admitted_early(self, *, min_stay: int = 1) -> BoolArray:
        v = self.visits
        return (
            self.single
            & v.inpatient
            & (v.admit_day <= LAST_PLANTED_ADMISSION)
            & (v.stay >= min_stay)
        )

    def _move_stay(self, moved: IntArray, onto: IntArray, admit_day: IntArray) -> None:
        """Make ``moved`` a stay of ``onto``'s patient, same diagnosis, from ``admit_day``."""
        v = self.visits
        v.patient[moved], v.inpatient[moved] = v.patient[onto], True
        v.department[moved], v.diagnosis[moved] = v.department[onto], v.diagnosis[onto]
        v.doctor[moved] = pick_doctor(self.rng, self.doctors, v.department[moved])
        v.admit_day[moved] = admit_day
        v.stay[moved] = clean_stay(self.rng, self.clinical.mean_stay[v.diagnosis[moved]])

    def readmissions(self, pairs: int) -> None:
        """分解住院: the same patient admitted again 1–14 days after discharge."""
        first = self.take(self._admitted_early(), pairs, "readmissions")
        second = self.take(np.ones(self.visits.count, bool), pairs, "readmissions")
        gap = self.rng.integers(1, 15, pairs)
        self._move_stay(second, first, self.visits.settle_day[first] + gap)
        self.plants.value[first] = self.plants.value[second] = gap
        self.mark(READMISSION, first, second)

    def overlapping_stays(self, pairs: int) -> None:
        """Two stays of one patient that overlap by at least one night."""
        first = self.take(self._admitted_early(min_stay=3), pairs, "overlapping stays")
        second = self.take(np.ones(self.visits.count, bool), pairs, "overlapping stays")
        offset = 1 + np.floor(self.rng.random(pairs) * (self.visits.stay[first] - 1))
        self._move_stay(second, first, self.visits.admit_day[first] + offset.astype(np.int64))
        overlap = (
            np.minimum(self.visits.settle_day[first], self.visits.settle_day[second])
            - (self.visits.admit_day[second])
        )
        self.plants.value[first] = self.plants.value[second] = overlap
        self.mark(OVERLAP, first, second)

    def outpatient_visits_in_stays(self, pairs: int) -> None:
        """挂床 contradiction: an outpatient visit of an inpatient strictly inside the stay."""
        v = self.visits
        first = self.take(self._admitted_early(min_stay=3), pairs, "outpatient visits in stays")
        second = self.take(np.ones(v.count, bool), pairs, "outpatient visits in stays")
        offset = 1 + np.floor(self.rng.random(pairs) * (v.stay[first] - 1)).astype(np.int64)
        v.patient[second], v.inpatient[second], v.stay[second] = v.patient[first], False, 0
        v.department[second], v.diagnosis[second] = v.department[first], v.diagnosis[first]
        v.doctor[second] = pick_doctor(self.rng, self.doctors, v.department[second])
        v.admit_day[second] = v.admit_day[first] + offset
        self.plants.value[first] = self.plants.value[second] = offset
        self.mark(OUTPATIENT_IN_STAY, first, second)

    def long_stays(self, count: int) -> None:
        """挂床-like stays: at least four times the diagnosis norm and 45 days."""
        claims = self.take(self._admitted_early(), count, "long stays")
        norm = self.clinical.mean_stay[self.visits.diagnosis[claims]]
        self.visits.stay[claims] = np.maximum(45, 4 * norm) + self.rng.integers(0, 16, count)
        self.plants.value[claims] = norm
        self.mark(LOS_OUTLIER, claims)

    def idle_stays(self, count: int) -> None:
        """挂床: a 14–28-day stay whose last 8+ days have bed and nursing fees but no care.

        The value is the number of days at the end of the stay without care lines; the
        line generator keeps every other line before them.
        """
        v = self.visits
        low, high = IDLE_STAY_DAYS
        norm = self.clinical.mean_stay[v.diagnosis]
        # Within the clean ceiling of 2.5 × the diagnosis norm: long, not an outlier.
        ceiling = np.minimum(high, np.floor(MAX_STAY_TO_NORM * norm).astype(np.int64))
        early = self.single & (v.admit_day <= LAST_PLANTED_ADMISSION) & (ceiling >= low)
        claims = self.take(early, count, "stays without care")
        stay = low + np.floor(self.rng.random(count) * (ceiling[claims] - low + 1))
        v.inpatient[claims], v.stay[claims] = True, stay.astype(np.int64)
        self.plants.value[claims] = self.rng.integers(MIN_IDLE_DAYS, v.stay[claims] - 3)
        self.mark(IDLE_STAY, claims)

    def deaths(self, count: int) -> None:
        """Care billed 1–60 days after the patient's recorded death (冒用已故人员身份)."""
        claims = self.take(self.single, count, "care after death")
        low, high = DEATH_BEFORE_CARE
        before = self.rng.integers(low, high + 1, count)
        self.death_day[self.visits.patient[claims]] = self.visits.admit_day[claims] - before
        self.plants.value[claims] = before
        self.mark(AFTER_DEATH, claims)

    def later_deaths(self, count: int) -> None:
        """Near misses: clean patients whose recorded death came after their only claim.

        Run last, so no later step edits these claims or gives the patient more care.
        """
        v = self.visits
        candidates = np.flatnonzero(self.single & (self.plants.kind == -1))
        if candidates.shape[0] < count:
            raise NotEnoughClaimsError("not enough claims for deaths after care")
        chosen = self.rng.choice(candidates, size=count, replace=False)
        low, high = DEATH_AFTER_CARE
        after = self.rng.integers(low, high + 1, count)
        self.death_day[v.patient[chosen]] = v.settle_day[chosen] + after

    def bursts(self, count: int) -> IntArray:
        """One doctor settling 8–12 prescriptions within 50 seconds, in the evening."""
        v, doctors = self.visits, self.doctors
        departments = [self.clinical.department(name) for name in GENERAL_ADULT_DEPARTMENTS]
        eligible = self.single & self.patients.adult[v.patient]
        chosen = []
        for number in range(count):
            size = int(self.rng.integers(8, 13))
            claims = self.take(eligible, size, "prescription bursts")
            department = departments[int(self.rng.integers(0, len(departments)))]
            doctor = pick_doctor(self.rng, doctors, np.array([department]))[0]
            v.inpatient[claims], v.stay[claims] = False, 0
            v.department[claims], v.doctor[claims] = department, doctor
            v.diagnosis[claims] = pick_diagnosis(
                self.rng, self.clinical, v.department[claims], self.patients.male[v.patient[claims]]
            )
            v.admit_day[claims] = int(self.rng.integers(0, 365))
            start = int(self.rng.integers(BURST_START, BURST_END - BURST_WINDOW))
            offsets = np.sort(self.rng.integers(0, BURST_WINDOW + 1, size))
            offsets[0], offsets[-1] = 0, BURST_WINDOW
            v.prescribe_second[claims] = start + offsets
            v.settle_second[claims] = start + offsets + self.rng.integers(30, 90, size)
            self.plants.value[claims] = number
            self.mark(BURST, claims)
            chosen.append(claims)
        return np.concatenate(chosen)

    def _items(self, mask: BoolArray, size: int) -> IntArray:
        if size == 0:
            return np.zeros(0, dtype=np.int64)
        choices = np.flatnonzero(mask & (self.catalogue.weight > 0))
        return choices[self.rng.integers(0, choices.shape[0], size)].astype(np.int64)

    def _forced_item(self, kind: int, claims: IntArray) -> IntArray:
        """The item of each claim's forced line: one that breaks exactly ``kind``'s rule."""
        v, c = self.visits, self.catalogue
        setting = np.where(v.inpatient[claims], Setting.INPATIENT, Setting.OUTPATIENT)
        # Unrestricted for this patient and this institution: only the planted rule breaks.
        plain = (c.sex == 0) & ~c.paediatric & (c.min_level <= self.level)
        unlimited_service = plain & (c.category == "service") & (c.daily_limit == 0)
        item = np.empty(claims.shape[0], dtype=np.int64)
        for where in (Setting.INPATIENT, Setting.OUTPATIENT):
            rows = setting == where
            fits = (c.setting & where) != 0
            if kind == SEX:
                men = self.patients.male[v.patient[claims[rows]]]
                women_only = self._items(fits & (c.sex == 2), int(rows.sum()))
                men_only = self._items(fits & (c.sex == 1), int(rows.sum()))
                item[rows] = np.where(men, women_only, men_only)
                continue
            mask = {
                AGE: fits & c.paediatric,
                AFTER_DISCHARGE: fits & unlimited_service,
                DUPLICATE_CHARGE: fits & unlimited_service,
                OVER_QUANTITY: fits & plain & (c.daily_limit > 0),
                PRICE: fits & plain,
                LEVEL: fits & (c.min_level > self.level) & (c.sex == 0) & ~c.paediatric,
                ORDERED: fits & plain & (c.daily_limit == 0),
            }[kind]
            item[rows] = self._items(mask, int(rows.sum()))
        return item

    def _level_eligible(self) -> BoolArray:
        """Claims whose setting has an item above the institution's level (none at grade 3)."""
        v, c = self.visits, self.catalogue
        above = c.min_level > self.level
        inpatient = bool((above & ((c.setting & Setting.INPATIENT) != 0)).any())
        outpatient = bool((above & ((c.setting & Setting.OUTPATIENT) != 0)).any())
        return np.where(v.inpatient, inpatient, outpatient)

    def line_kinds(self, count: int, pairs: int) -> None:
        """Choose the claims and forced items of the line-level kinds."""
        v, c = self.visits, self.catalogue
        adult_outpatient = ~v.inpatient & self.patients.adult[v.patient]
        everyone = np.ones(v.count, bool)
        level_count = count if bool((c.min_level > self.level).any()) else 0
        for kind, eligible, size in (
            (SEX, adult_outpatient, count),
            (AGE, adult_outpatient, count),
            (AFTER_DISCHARGE, v.inpatient, count),
            (DUPLICATE_CHARGE, everyone, count),
            (OVER_QUANTITY, everyone, count),
            (PRICE, everyone, count),
            (LEVEL, self._level_eligible(), level_count),
            (ORDERED, everyone, count),
        ):
            claims = self.take(eligible, size, KINDS[kind])
            item = self._forced_item(kind, claims)
            self.plants.item[claims] = item
            if kind == OVER_QUANTITY:
                self.plants.value[claims] = c.daily_limit[item] + self.rng.integers(1, 4, size)
            elif kind == PRICE:
                markup = self.rng.uniform(1.2, 1.8, size)
                self.plants.value[claims] = np.ceil(c.price_fen[item] * markup).astype(np.int64)
            elif kind in (AFTER_DISCHARGE, ORDERED):
                self.plants.value[claims] = self.rng.integers(1, 4, size)
            self.mark(kind, claims)
        self._trace_pairs(pairs)

    def _trace_pairs(self, pairs: int) -> None:
        """The same drug box (traceability code) settled on two claims of two patients."""
        v, c = self.visits, self.catalogue
        first = self.take(~v.inpatient, pairs, "reused traceability codes")
        eligible = ~v.inpatient & ~np.isin(v.patient, v.patient[first])
        second = self.take(eligible, pairs, "reused traceability codes")
        drugs = (
            c.is_drug & (c.sex == 0) & ~c.paediatric & (c.min_level <= self.level)
            & ((c.setting & Setting.OUTPATIENT) != 0)
        )  # fmt: skip
        item = self._items(drugs, pairs)
        self.plants.item[first] = self.plants.item[second] = item
        self.mark(TRACE, first, second)
