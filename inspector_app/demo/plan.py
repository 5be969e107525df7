"""Everything about a demo batch decided before a single row is written, from one seed.

The plan holds the patients, doctors, clean claim headers and planted irregularities of the
whole batch as numpy arrays (a few hundred MB for a million claims at most), sorted by
settlement time. Lines are then generated chunk by chunk from it, each chunk with its own
random stream spawned from the seed, so the output depends only on (seed, claims).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from inspector_app.demo.catalogue import LEVEL_RANK, CatalogueArrays, catalogue_arrays
from inspector_app.demo.clinical import ClinicalArrays, clinical_arrays
from inspector_app.demo.partner import Lender, borrow_patients, link_lender
from inspector_app.demo.planting import (
    BURST,
    BURST_SHARE,
    NO_DEATH,
    PAIR_SHARE,
    SINGLE_SHARE,
    Planter,
    Plants,
)
from inspector_app.demo.population import (
    Doctors,
    Patients,
    claims_per_patient,
    draw_doctors,
    draw_patients,
)
from inspector_app.demo.text import Calendar, IntArray
from inspector_app.demo.visits import Visits, draw_visits, schedule

GENERATOR_VERSION = "fund-inspector-demo-settlement/2"
CHUNK_CLAIMS = 25_000  # part of the algorithm: changing it changes the data of a seed
MIN_CLAIMS = 500
MAX_CLAIMS = 10_000_000
SETTLEMENT_YEAR_START = date(2025, 1, 1)
CALENDAR_DAYS = 400  # stays admitted in late December are settled in January


@dataclass
class BatchPlan:
    """The arrays a batch is generated from (see module doc)."""

    seed: int
    patients: Patients
    doctors: Doctors
    visits: Visits
    plants: Plants
    calendar: Calendar
    catalogue: CatalogueArrays = field(repr=False)
    clinical: ClinicalArrays = field(repr=False)
    chunk_seeds: list[np.random.SeedSequence] = field(repr=False)
    level: int = LEVEL_RANK["grade_3"]  # the institution's level (items above it swapped)
    death_day: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def lender(self) -> Lender:
        """This plan as the source of patients for a second institution's batch."""
        return Lender(self.patients, self.visits, self.plants, self.death_day)

    def deaths(self) -> list[tuple[str, str]]:
        """``(ID number, ISO date)`` of every recorded death among the batch's patients."""
        who = np.flatnonzero(self.death_day != NO_DEATH)
        day = np.datetime64(self.calendar.first, "D") + self.death_day[who].astype("m8[D]")
        return list(
            zip(self.patients.id_number[who].tolist(), day.astype(str).tolist(), strict=True)
        )

    @property
    def count(self) -> int:
        """Number of claims."""
        return self.visits.count

    @property
    def chunks(self) -> list[tuple[int, int]]:
        """``(start, stop)`` claim positions of each chunk."""
        return [
            (start, min(start + CHUNK_CLAIMS, self.count))
            for start in range(0, self.count, CHUNK_CLAIMS)
        ]

    @property
    def period(self) -> tuple[str, str]:
        """First and last settlement date, ISO text."""
        settle = self.visits.settle_day
        return (
            str(self.calendar.iso_dates[int(settle.min())]),
            str(self.calendar.iso_dates[int(settle.max())]),
        )


def check_arguments(*, claims: int, seed: int) -> None:
    """Refuse a claim count or seed the generator cannot honour.

    Raises:
        ValueError: with a message naming the bad argument.
    """
    if not MIN_CLAIMS <= claims <= MAX_CLAIMS:
        raise ValueError(f"claims must be between {MIN_CLAIMS:,} and {MAX_CLAIMS:,}")
    if seed < 0:
        raise ValueError("seed must not be negative")


def partner_pairs(claims: int) -> int:
    """Planted same-day pairs (and as many near misses) in a partner batch of ``claims``."""
    return max(3, round(claims * 2 * PAIR_SHARE))


def plan_batch(
    *,
    claims: int,
    seed: int,
    regions: IntArray,
    doctor_prefix: str,
    year_start: date = SETTLEMENT_YEAR_START,
    level: str = "grade_3",
    patient_serial_offset: int = 0,
    lender: BatchPlan | None = None,
) -> BatchPlan:
    """Plan ``claims`` claims of one hospital whose patients live in ``regions``.

    Args:
        level: the institution's level (an ``InstitutionLevel`` value): items restricted to
            a higher level are swapped for their substitute, and a lower level gets planted
            ``level_restricted`` lines.
        patient_serial_offset: added to the sequence part of ID numbers, so a second batch's
            patients never share an ID number with the first's by accident.
        lender: the first batch's plan, when this batch is a second institution's that
            shares some patients with it (see :mod:`inspector_app.demo.partner`); the
            lender's ground truth gains its side of the planted pairs.

    Raises:
        ValueError: ``claims`` is out of range or ``seed`` is negative.
        NotEnoughClaimsError: some kind could not be planted (too few claims).
    """
    check_arguments(claims=claims, seed=seed)
    chunk_count = -(-claims // CHUNK_CLAIMS)
    streams = np.random.SeedSequence(seed).spawn(1 + chunk_count)
    rng = np.random.Generator(np.random.PCG64(streams[0]))
    catalogue, clinical = catalogue_arrays(), clinical_arrays()
    counts = claims_per_patient(rng, claims)
    patients = draw_patients(
        rng, counts.shape[0], year_start=year_start, regions=regions,
        serial_offset=patient_serial_offset,
    )  # fmt: skip
    doctors = draw_doctors(rng, claims, clinical=clinical, prefix=doctor_prefix)
    visits = draw_visits(rng, counts, patients=patients, doctors=doctors, clinical=clinical)
    planter = Planter(
        rng=rng,
        visits=visits,
        patients=patients,
        doctors=doctors,
        clinical=clinical,
        catalogue=catalogue,
        single=(counts == 1)[visits.patient],
        plants=Plants.none(claims),
        level=LEVEL_RANK[level],
        death_day=np.full(patients.count, NO_DEATH, dtype=np.int64),
    )
    singles = max(2, round(claims * SINGLE_SHARE))
    pairs = max(2, round(claims * PAIR_SHARE))
    planter.readmissions(pairs)
    planter.overlapping_stays(pairs)
    planter.outpatient_visits_in_stays(pairs)
    planter.long_stays(singles)
    planter.idle_stays(singles)
    planter.bursts(max(1, round(claims * BURST_SHARE)))
    planter.line_kinds(singles, pairs)
    planter.deaths(singles)
    planter.later_deaths(singles)
    if lender is not None:
        shared = partner_pairs(claims)
        borrow_patients(planter, lender.lender, pairs=shared, near=shared)
    schedule(rng, visits, scheduled=planter.plants.kind != BURST)
    order = np.lexsort((np.arange(claims), visits.settle_second, visits.settle_day))
    visits.reorder(order)
    planter.plants.reorder(order)
    if lender is not None:
        link_lender(planter.plants, lender.plants)
    return BatchPlan(
        seed=seed,
        patients=patients,
        doctors=doctors,
        visits=visits,
        plants=planter.plants,
        calendar=Calendar(year_start, CALENDAR_DAYS),
        catalogue=catalogue,
        clinical=clinical,
        chunk_seeds=list(streams[1:]),
        level=planter.level,
        death_day=planter.death_day,
    )
