"""The synthetic patients and doctors behind a demo settlement batch.

Patients are drawn once per batch (a few hundred thousand for a million claims) so that a
patient's claims, in whichever chunk they are written, always carry the same name, sex,
birth date and ID number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from inspector_app.demo.clinical import ClinicalArrays
from inspector_app.demo.people import id_numbers, synthetic_names
from inspector_app.demo.text import BoolArray, IntArray, ObjectArray, int_digits, join_text

# Age bands at the start of the settlement year: (share, youngest, oldest).
AGE_BANDS = ((0.17, 0, 11), (0.06, 12, 17), (0.45, 18, 59), (0.32, 60, 94))
CHILD_MAX_AGE = 11  # children (≤ 11 on 1 January) are under 14 even at a stay in January
ADULT_MIN_AGE = 18
CLAIMS_PER_DOCTOR = 2_500
MIN_DOCTORS = 40


@dataclass(frozen=True)
class Patients:
    """One entry per synthetic patient."""

    male: BoolArray
    age: IntArray  # completed years on the first day of the settlement year
    child: BoolArray
    adult: BoolArray
    employee: BoolArray  # employees' insurance (职工) rather than residents' (居民)
    name: ObjectArray
    birth_date: ObjectArray  # ISO text
    id_number: ObjectArray

    @property
    def count(self) -> int:
        """Number of patients."""
        return int(self.male.shape[0])


@dataclass(frozen=True)
class Doctors:
    """Insurance doctors of the hospital, grouped by department."""

    department: IntArray
    code: ObjectArray
    name: ObjectArray
    first_of_department: IntArray
    count_of_department: IntArray


def draw_patients(
    rng: np.random.Generator,
    count: int,
    *,
    year_start: date,
    regions: IntArray,
    serial_offset: int = 0,
) -> Patients:
    """``count`` patients living in ``regions`` (six-digit fictional codes).

    ``serial_offset`` shifts the sequence part of their ID numbers (see ``id_numbers``).
    """
    shares = np.array([band[0] for band in AGE_BANDS])
    band = rng.choice(len(AGE_BANDS), size=count, p=shares / shares.sum())
    low = np.array([b[1] for b in AGE_BANDS])[band]
    high = np.array([b[2] for b in AGE_BANDS])[band]
    age = (low + np.floor(rng.random(count) * (high - low + 1))).astype(np.int64)
    # Born between one and 364 days more than ``age`` years before 1 January.
    days_old = np.round(age * 365.25).astype(np.int64) + rng.integers(1, 365, count)
    birth = np.datetime64(year_start, "D") - days_old.astype("timedelta64[D]")
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = birth.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (birth - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    male = rng.random(count) < 0.5
    employee = np.where(age >= 60, rng.random(count) < 0.5, rng.random(count) < 0.65)
    employee &= age >= ADULT_MIN_AGE
    region = regions[rng.integers(0, regions.shape[0], count)]
    birth_text = join_text(
        [
            int_digits(year, 4),
            np.full((count, 1), ord("-"), dtype=np.uint8),
            int_digits(month, 2),
            np.full((count, 1), ord("-"), dtype=np.uint8),
            int_digits(day, 2),
        ]
    )
    return Patients(
        male=male,
        age=age,
        child=age <= CHILD_MAX_AGE,
        adult=age >= ADULT_MIN_AGE,
        employee=employee,
        name=np.array(synthetic_names(rng, male), dtype=object),
        birth_date=np.array(birth_text, dtype=object),
        id_number=np.array(
            id_numbers(region, year * 10_000 + month * 100 + day, male, first_rank=serial_offset),
            dtype=object,
        ),
    )


def claims_per_patient(rng: np.random.Generator, claims: int) -> IntArray:
    """How many claims each patient has (1–4, mean ~1.9), summing to ``claims``."""
    shares = np.array([0.45, 0.30, 0.15, 0.10])
    counts = np.zeros(0, dtype=np.int64)
    while counts.sum() < claims:
        more = rng.choice(4, size=max(16, int(claims / 1.9 * 1.1)), p=shares) + 1
        counts = np.concatenate([counts, more.astype(np.int64)])
    total = np.cumsum(counts)
    patients = int(np.searchsorted(total, claims)) + 1
    counts = counts[:patients].copy()
    counts[-1] -= int(total[patients - 1]) - claims
    return counts


def draw_doctors(
    rng: np.random.Generator, claims: int, *, clinical: ClinicalArrays, prefix: str
) -> Doctors:
    """Enough doctors that no one settles more than a few dozen claims a day."""
    total = max(MIN_DOCTORS, -(-claims // CLAIMS_PER_DOCTOR))
    weight = clinical.outpatient_weight + clinical.inpatient_weight
    per_department = np.maximum(2, np.round(total * weight / weight.sum())).astype(np.int64)
    department = np.repeat(np.arange(per_department.shape[0], dtype=np.int64), per_department)
    first = np.concatenate([[0], np.cumsum(per_department)[:-1]]).astype(np.int64)
    size = department.shape[0]
    codes = [f"{prefix}{n + 1:05d}" for n in range(size)]
    names = synthetic_names(rng, rng.random(size) < 0.5)
    return Doctors(
        department=department,
        code=np.array(codes, dtype=object),
        name=np.array(names, dtype=object),
        first_of_department=first,
        count_of_department=per_department,
    )
