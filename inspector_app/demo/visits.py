"""Clean claim headers: who came when, to which department, for how long — with no anomaly.

The timing is built so that the screening patterns cannot occur by chance. The year is cut
into four 86-day slots per patient (shifted by a random phase), each claim of a patient
sits in its own slot, admissions fall in the first 20 days of a slot and clean stays last at
most 30 days: two stays of one patient never overlap and are always more than 30 days apart.
Each doctor's settlements are at least three minutes apart (a random schedule per doctor
and day between 08:00 and 17:00), so no doctor ever has two prescriptions within a minute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector_app.demo.clinical import ClinicalArrays
from inspector_app.demo.population import Doctors, Patients
from inspector_app.demo.text import BoolArray, FloatArray, IntArray

SLOT_DAYS = 86
SLOTS = 4
ADMISSION_SPREAD_DAYS = 20
MAX_CLEAN_STAY = 30
MAX_STAY_TO_NORM = 2.5
INPATIENT_SHARE = 0.25
DAY_START = 8 * 3600
SCHEDULE_SECONDS = 8 * 3600  # the last clean settlement of a day is before 17:00
MIN_GAP, MAX_GAP = 180, 360  # seconds between two settlements of one doctor
MAX_START_OFFSET = 3600


@dataclass
class Visits:
    """Claim headers as parallel arrays (mutable: the planting step edits them)."""

    patient: IntArray
    inpatient: BoolArray
    department: IntArray
    diagnosis: IntArray
    doctor: IntArray
    admit_day: IntArray  # day offset from 1 January
    admit_second: IntArray  # second of the day (inpatients)
    stay: IntArray  # days; 0 for outpatient visits
    settle_second: IntArray  # second of the settlement day
    prescribe_second: IntArray  # outpatient prescription time (second of the day)

    @property
    def count(self) -> int:
        """Number of claims."""
        return int(self.patient.shape[0])

    @property
    def settle_day(self) -> IntArray:
        """Day of settlement: the visit day, or the discharge day of a stay."""
        return self.admit_day + self.stay

    def reorder(self, order: IntArray) -> None:
        """Permute every array by ``order``."""
        for name, value in vars(self).items():
            setattr(self, name, value[order])


def _sample(rng: np.random.Generator, weights: FloatArray, size: int) -> IntArray:
    cumulative = np.cumsum(weights / weights.sum())
    found = np.searchsorted(cumulative, rng.random(size), side="right")
    return np.asarray(np.minimum(found, weights.shape[0] - 1), dtype=np.int64)


def clean_stay(rng: np.random.Generator, mean: IntArray) -> IntArray:
    """Lengths of stay around each diagnosis norm, never above 2.5 × norm or 30 days."""
    drawn = np.round(mean * rng.lognormal(0.0, 0.35, mean.shape[0])).astype(np.int64)
    ceiling = np.minimum(MAX_CLEAN_STAY, np.floor(MAX_STAY_TO_NORM * mean).astype(np.int64))
    return np.clip(drawn, 1, ceiling)


def pick_doctor(rng: np.random.Generator, doctors: Doctors, department: IntArray) -> IntArray:
    """A doctor of each claim's department, uniformly."""
    offset = np.floor(rng.random(department.shape[0]) * doctors.count_of_department[department])
    return np.asarray(doctors.first_of_department[department] + offset, dtype=np.int64)


def pick_diagnosis(
    rng: np.random.Generator, clinical: ClinicalArrays, department: IntArray, male: BoolArray
) -> IntArray:
    """A diagnosis of the department that fits the patient's sex."""
    sex = male.astype(np.int64)
    count = clinical.choice_count[department, sex]
    column = np.floor(rng.random(department.shape[0]) * count).astype(np.int64)
    return np.asarray(clinical.choices[department, sex, column], dtype=np.int64)


def draw_visits(
    rng: np.random.Generator,
    counts: IntArray,
    *,
    patients: Patients,
    doctors: Doctors,
    clinical: ClinicalArrays,
) -> Visits:
    """Clean claim headers for patients with ``counts`` claims each (see module doc)."""
    total = int(counts.sum())
    patient = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    nth = np.arange(total, dtype=np.int64) - first[patient]
    slot_order = np.argsort(rng.random((counts.shape[0], SLOTS)), axis=1)
    phase = np.asarray(rng.integers(0, SLOT_DAYS, counts.shape[0]), dtype=np.int64)
    admit_day = (
        phase[patient]
        + SLOT_DAYS * slot_order[patient, nth]
        + rng.integers(0, ADMISSION_SPREAD_DAYS, total)
    )
    inpatient = rng.random(total) < INPATIENT_SHARE
    adult_out = np.where(clinical.department_paediatric, 0.0, clinical.outpatient_weight)
    adult_in = np.where(clinical.department_paediatric, 0.0, clinical.inpatient_weight)
    department = np.where(inpatient, _sample(rng, adult_in, total), _sample(rng, adult_out, total))
    male = patients.male[patient]
    department[patients.child[patient]] = int(np.flatnonzero(clinical.department_paediatric)[0])
    women_only = clinical.department_sex[department] == 2
    department[women_only & male] = clinical.department("泌尿外科")
    diagnosis = pick_diagnosis(rng, clinical, department, male)
    stay = np.where(inpatient, clean_stay(rng, clinical.mean_stay[diagnosis]), 0)
    zeros = np.zeros(total, dtype=np.int64)
    return Visits(
        patient=patient,
        inpatient=inpatient,
        department=department,
        diagnosis=diagnosis,
        doctor=pick_doctor(rng, doctors, department),
        admit_day=admit_day.astype(np.int64),
        admit_second=rng.integers(DAY_START, 20 * 3600, total),
        stay=stay.astype(np.int64),
        settle_second=zeros.copy(),
        prescribe_second=zeros.copy(),
    )


def schedule(rng: np.random.Generator, visits: Visits, *, scheduled: BoolArray) -> None:
    """Give each ``scheduled`` claim a settlement time: per doctor and day, ≥ 3 min apart."""
    index = np.flatnonzero(scheduled)
    key = visits.doctor[index] * 1000 + visits.settle_day[index]
    order = np.lexsort((rng.random(index.shape[0]), key))
    ordered = key[order]
    starts = np.ones(ordered.shape[0], dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    group = np.cumsum(starts) - 1
    gap = np.asarray(rng.integers(MIN_GAP, MAX_GAP, ordered.shape[0]), dtype=np.int64)
    gap[starts] = 0
    elapsed = np.cumsum(gap)
    elapsed -= elapsed[np.flatnonzero(starts)][group]
    if elapsed.size and int(elapsed.max()) + MAX_START_OFFSET > SCHEDULE_SECONDS:
        raise RuntimeError("a doctor has too many settlements in one day for the demo schedule")
    start = rng.integers(0, MAX_START_OFFSET, int(starts.sum()))
    second = DAY_START + start[group] + elapsed
    target = index[order]
    visits.settle_second[target] = second
    # An outpatient prescription is written 30–89 s before it is settled.
    visits.prescribe_second[target] = second - rng.integers(30, 90, target.shape[0])
