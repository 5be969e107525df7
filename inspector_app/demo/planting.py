"""Plant known irregularities in ~3–4 % of the claims: the ground truth for screening tests.

Header-level patterns (split admissions, phantom-stay-like stays, overlapping stays,
prescription bursts) are made here by editing the clean claim headers; line-level patterns
(sex or age mismatch, service after discharge, duplicate charge, excess quantity, price
above the catalogue, reused traceability code) are chosen here and written as one extra
"forced" line per claim when the lines are generated. Pairs are built on patients who have
no other claim, so a planted pattern never meets a clean claim of the same patient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector_app.demo.catalogue import CatalogueArrays
from inspector_app.demo.clinical import GENERAL_ADULT_DEPARTMENTS, ClinicalArrays
from inspector_app.demo.items import Setting
from inspector_app.demo.population import Doctors, Patients
from inspector_app.demo.text import BoolArray, IntArray
from inspector_app.demo.visits import Visits, clean_stay, pick_diagnosis, pick_doctor

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
) = range(len(KINDS))
LINE_KINDS = frozenset({SEX, AGE, AFTER_DISCHARGE, DUPLICATE_CHARGE, OVER_QUANTITY, PRICE, TRACE})

SINGLE_SHARE, PAIR_SHARE, BURST_SHARE = 0.003, 0.0015, 0.0004
LAST_PLANTED_ADMISSION = 240  # leaves room for a readmission or a 90-day stay in the year
BURST_START, BURST_END = 18 * 3600, 20 * 3600  # after every clean schedule has ended
BURST_WINDOW = 50  # seconds from the first to the last prescription of a burst


class NotEnoughClaimsError(ValueError):
    """Too few claims of some kind to plant every irregularity (use more claims)."""


@dataclass
class Plants:
    """Per claim: the planted kind (-1 clean), its pair partner, forced item and a value."""

    kind: IntArray
    partner: IntArray
    first_of_pair: BoolArray
    item: IntArray
    value: IntArray

    @classmethod
    def none(cls, count: int) -> Plants:
        """No claim planted yet."""
        minus = np.full(count, -1, dtype=np.int64)
        return cls(minus.copy(), minus.copy(), np.zeros(count, bool), minus.copy(), minus.copy())

    def reorder(self, order: IntArray) -> None:
        """Permute by ``order`` and renumber partners accordingly."""
        position = np.empty_like(order)
        position[order] = np.arange(order.shape[0])
        partner = self.partner[order]
        self.partner = np.where(partner >= 0, position[np.maximum(partner, 0)], -1)
        self.kind, self.item = self.kind[order], self.item[order]
        self.first_of_pair, self.value = self.first_of_pair[order], self.value[order]


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

    def take(self, eligible: BoolArray, count: int, what: str) -> IntArray:
        """``count`` random unplanted claims among ``eligible``."""
        candidates = np.flatnonzero(eligible & (self.plants.kind < 0))
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

    def long_stays(self, count: int) -> None:
        """挂床-like stays: at least four times the diagnosis norm and 45 days."""
        claims = self.take(self._admitted_early(), count, "long stays")
        norm = self.clinical.mean_stay[self.visits.diagnosis[claims]]
        self.visits.stay[claims] = np.maximum(45, 4 * norm) + self.rng.integers(0, 16, count)
        self.plants.value[claims] = norm
        self.mark(LOS_OUTLIER, claims)

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

    def line_kinds(self, count: int, pairs: int) -> None:
        """Choose the claims and forced items of the line-level kinds."""
        v, c = self.visits, self.catalogue
        adult_outpatient = ~v.inpatient & self.patients.adult[v.patient]
        plain = (c.sex == 0) & ~c.paediatric
        for kind, eligible in (
            (SEX, adult_outpatient),
            (AGE, adult_outpatient),
            (AFTER_DISCHARGE, v.inpatient),
            (DUPLICATE_CHARGE, np.ones(v.count, bool)),
            (OVER_QUANTITY, np.ones(v.count, bool)),
            (PRICE, np.ones(v.count, bool)),
        ):
            claims = self.take(eligible, count, KINDS[kind])
            setting = np.where(v.inpatient[claims], Setting.INPATIENT, Setting.OUTPATIENT)
            item = np.empty(count, dtype=np.int64)
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
                    AFTER_DISCHARGE: fits
                    & plain
                    & (c.category == "service")
                    & (c.daily_limit == 0),
                    DUPLICATE_CHARGE: fits
                    & plain
                    & (c.category == "service")
                    & (c.daily_limit == 0),
                    OVER_QUANTITY: fits & plain & (c.daily_limit > 0),
                    PRICE: fits & plain,
                }[kind]
                item[rows] = self._items(mask, int(rows.sum()))
            self.plants.item[claims] = item
            if kind == OVER_QUANTITY:
                self.plants.value[claims] = c.daily_limit[item] + self.rng.integers(1, 4, count)
            elif kind == PRICE:
                markup = self.rng.uniform(1.2, 1.8, count)
                self.plants.value[claims] = np.ceil(c.price_fen[item] * markup).astype(np.int64)
            elif kind == AFTER_DISCHARGE:
                self.plants.value[claims] = self.rng.integers(1, 4, count)
            self.mark(kind, claims)
        self._trace_pairs(pairs)

    def _trace_pairs(self, pairs: int) -> None:
        """The same drug box (traceability code) settled on two claims of two patients."""
        v, c = self.visits, self.catalogue
        first = self.take(~v.inpatient, pairs, "reused traceability codes")
        eligible = ~v.inpatient & ~np.isin(v.patient, v.patient[first])
        second = self.take(eligible, pairs, "reused traceability codes")
        drugs = c.is_drug & (c.sex == 0) & ~c.paediatric & ((c.setting & Setting.OUTPATIENT) != 0)
        item = self._items(drugs, pairs)
        self.plants.item[first] = self.plants.item[second] = item
        self.mark(TRACE, first, second)
