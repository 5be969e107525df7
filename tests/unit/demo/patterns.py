"""Independent, naive detectors of the planted patterns, written from their definitions.

They read the loaded rows back (not the generator's arrays) and use only the catalogue's
published restrictions, so a planted row that does not really show its pattern — or a clean
claim that shows one by accident — makes the comparison with the ground truth fail.
Each detector takes a :class:`Batch` (its claims and lines, the recorded deaths, the
institution's level and the claims other institutions settled) and returns claim ids.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from sqlalchemy import text
from sqlalchemy.orm import Session

from inspector_app.demo.catalogue import LEVEL_RANK
from inspector_app.demo.clinical import DIAGNOSES
from inspector_app.demo.items import ITEMS, ROUTINE_PREFIXES

PAEDIATRIC_AGE = 14
LONG_STAY_FACTOR = 3
READMISSION_DAYS = 15
BURST_SIZE, BURST_SECONDS = 5, 60
IDLE_DAYS = 7


@dataclass(frozen=True)
class ClaimRow:
    """The claim columns the detectors need."""

    id: int
    patient: str
    sex: str
    birth: date
    visit_type: str
    doctor: str
    admitted: date
    discharged: date | None
    diagnosis: str


@dataclass(frozen=True)
class LineRow:
    """The line columns the detectors need."""

    claim_id: int
    line_no: int
    item_code: str
    unit_price_fen: int
    quantity: float
    amount_fen: int
    service_time: datetime
    trace_code: str | None
    ordered_quantity: float | None


@dataclass(frozen=True)
class Batch:
    """One batch as the detectors see it."""

    claims: list[ClaimRow]
    lines: list[LineRow]
    deaths: dict[str, date]  # earliest recorded death per ID number
    level: str  # the institution's level
    others: list[ClaimRow]  # claims of other institutions' batches


def _claim_rows(session: Session, where: str, batch_id: str) -> list[ClaimRow]:
    return [
        ClaimRow(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5],
                 date.fromisoformat(r[6]), date.fromisoformat(r[7]) if r[7] else None, r[8])
        for r in session.execute(text(
            "SELECT c.id, patient_id_no, patient_sex, patient_birth_date, visit_type, doctor_code,"
            " admission_date, discharge_date, diagnosis_code FROM claim c"
            f" JOIN settlement_batch b ON b.id = c.batch_id WHERE {where}"
        ), {"b": batch_id})
    ]  # fmt: skip


def read_batch(session: Session, batch_id: str) -> Batch:
    """All claims and lines of one batch, and what the cross-checks need beside them."""
    claims = _claim_rows(session, "c.batch_id = :b", batch_id)
    others = _claim_rows(
        session,
        "b.institution_id != (SELECT institution_id FROM settlement_batch WHERE id = :b)",
        batch_id,
    )
    lines = [
        LineRow(r[0], r[1], r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]), r[7], r[8])
        for r in session.execute(text(
            "SELECT l.claim_id, l.line_no, l.item_code, l.unit_price_fen, l.quantity,"
            " l.amount_fen, l.service_time, l.trace_code, l.ordered_quantity FROM claim_line l"
            " JOIN claim c ON c.id = l.claim_id WHERE c.batch_id = :b"
        ), {"b": batch_id})
    ]  # fmt: skip
    deaths: dict[str, date] = {}
    for number, day in session.execute(text("SELECT id_no, death_date FROM death_record")):
        died = date.fromisoformat(day)
        deaths[number] = min(deaths.get(number, died), died)
    level = session.execute(text(
        "SELECT i.level FROM institution i JOIN settlement_batch b ON b.institution_id = i.id"
        " WHERE b.id = :b"
    ), {"b": batch_id}).scalar_one()  # fmt: skip
    return Batch(claims, lines, deaths, level, others)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _stays_by_patient(claims: list[ClaimRow]) -> dict[str, list[ClaimRow]]:
    stays: dict[str, list[ClaimRow]] = defaultdict(list)
    for claim in claims:
        if claim.visit_type == "inpatient":
            stays[claim.patient].append(claim)
    for group in stays.values():
        group.sort(key=lambda c: c.admitted)
    return stays


def readmissions(batch: Batch, *, days: int = READMISSION_DAYS) -> set[int]:
    """Stays of one patient where the next admission is 1–``days`` days after a discharge."""
    found = set()
    for group in _stays_by_patient(batch.claims).values():
        for first in group:
            for second in group:
                assert first.discharged is not None
                if 1 <= (second.admitted - first.discharged).days <= days:
                    found |= {first.id, second.id}
    return found


def overlapping_stays(batch: Batch) -> set[int]:
    """Two stays of one patient sharing at least one night."""
    found = set()
    for group in _stays_by_patient(batch.claims).values():
        for n, first in enumerate(group):
            for second in group[n + 1 :]:
                assert first.discharged is not None
                if second.admitted < first.discharged:
                    found |= {first.id, second.id}
    return found


def long_stays(batch: Batch) -> set[int]:
    """Stays longer than three times their diagnosis norm."""
    norm = {d.code: d.mean_stay for d in DIAGNOSES}
    return {
        c.id for c in batch.claims
        if c.discharged and (c.discharged - c.admitted).days > LONG_STAY_FACTOR * norm[c.diagnosis]
    }  # fmt: skip


def _claims_by_id(claims: list[ClaimRow]) -> dict[int, ClaimRow]:
    return {claim.id: claim for claim in claims}


def sex_mismatches(batch: Batch) -> set[int]:
    """Items restricted to one sex billed to the other."""
    restricted = {item.code: item.sex for item in ITEMS if item.sex}
    owner = _claims_by_id(batch.claims)
    return {
        line.claim_id for line in batch.lines
        if line.item_code in restricted and restricted[line.item_code] != owner[line.claim_id].sex
    }  # fmt: skip


def age_mismatches(batch: Batch) -> set[int]:
    """Paediatric items billed for a patient aged 14 or more on the day of service."""
    paediatric = {item.code for item in ITEMS if item.paediatric}
    owner = _claims_by_id(batch.claims)
    return {
        line.claim_id for line in batch.lines
        if line.item_code in paediatric
        and _age(owner[line.claim_id].birth, line.service_time.date()) >= PAEDIATRIC_AGE
    }  # fmt: skip


def after_discharge(batch: Batch) -> set[int]:
    """Services dated after the discharge date."""
    owner = _claims_by_id(batch.claims)
    found = set()
    for line in batch.lines:
        discharged = owner[line.claim_id].discharged
        if discharged is not None and line.service_time.date() > discharged:
            found.add(line.claim_id)
    return found


def _per_day(lines: list[LineRow]) -> dict[tuple[int, str, date], list[LineRow]]:
    groups: dict[tuple[int, str, date], list[LineRow]] = defaultdict(list)
    for line in lines:
        groups[(line.claim_id, line.item_code, line.service_time.date())].append(line)
    return groups


def duplicate_charges(batch: Batch) -> set[int]:
    """The same item billed twice on one day of one claim."""
    return {key[0] for key, group in _per_day(batch.lines).items() if len(group) > 1}


def over_quantity(batch: Batch) -> set[int]:
    """A day's quantity of an item above its daily limit."""
    limit = {item.code: item.daily_limit for item in ITEMS if item.daily_limit}
    return {
        key[0] for key, group in _per_day(batch.lines).items()
        if key[1] in limit and sum(line.quantity for line in group) > limit[key[1]]
    }  # fmt: skip


def above_catalogue(batch: Batch) -> set[int]:
    """Unit prices above the catalogue price."""
    price = {item.code: item.price_fen for item in ITEMS}
    return {line.claim_id for line in batch.lines if line.unit_price_fen > price[line.item_code]}


def reused_trace_codes(batch: Batch) -> set[int]:
    """Traceability codes settled on more than one claim."""
    claims_of: dict[str, set[int]] = defaultdict(set)
    for line in batch.lines:
        if line.trace_code:
            claims_of[line.trace_code].add(line.claim_id)
    return {claim for group in claims_of.values() if len(group) > 1 for claim in group}


def prescription_bursts(batch: Batch, *, size: int = BURST_SIZE) -> set[int]:
    """``size`` or more outpatient prescriptions of one doctor within one minute."""
    owner = _claims_by_id(batch.claims)
    written: dict[int, datetime] = {}
    for line in batch.lines:
        if owner[line.claim_id].visit_type == "outpatient":
            written[line.claim_id] = min(
                written.get(line.claim_id, line.service_time), line.service_time
            )
    by_doctor: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for claim_id, at in written.items():
        by_doctor[owner[claim_id].doctor].append((at, claim_id))
    found: set[int] = set()
    for events in by_doctor.values():
        events.sort()
        for n, (start, _claim) in enumerate(events):
            window = [c for at, c in events[n:] if (at - start).total_seconds() < BURST_SECONDS]
            if len(window) >= size:
                found.update(window)
    return found


def _routine(code: str) -> bool:
    return code.startswith(ROUTINE_PREFIXES)


def idle_stays(batch: Batch, *, days: int = IDLE_DAYS) -> set[int]:
    """Stays with ``days`` or more days in a row without a line other than bed and nursing.

    The admission and discharge days bound the stretch, as if care happened on them.
    """
    care: dict[int, set[date]] = defaultdict(set)
    for line in batch.lines:
        if not _routine(line.item_code):
            care[line.claim_id].add(line.service_time.date())
    found = set()
    for claim in batch.claims:
        if claim.visit_type != "inpatient" or claim.discharged is None:
            continue
        marks = sorted(care[claim.id] | {claim.admitted, claim.discharged})
        if any((b - a).days - 1 >= days for a, b in pairwise(marks)):
            found.add(claim.id)
    return found


def outpatient_in_stays(batch: Batch) -> set[int]:
    """An outpatient visit strictly inside a stay of the same patient (both claims)."""
    stays = _stays_by_patient(batch.claims)
    found = set()
    for claim in batch.claims:
        if claim.visit_type != "outpatient":
            continue
        for stay in stays.get(claim.patient, []):
            assert stay.discharged is not None
            if stay.admitted < claim.admitted < stay.discharged:
                found |= {claim.id, stay.id}
    return found


def after_death(batch: Batch) -> set[int]:
    """Claims with care dated after the patient's recorded death."""
    owner = _claims_by_id(batch.claims)
    found = set()
    for line in batch.lines:
        died = batch.deaths.get(owner[line.claim_id].patient)
        if died is not None and line.service_time.date() > died:
            found.add(line.claim_id)
    return found


def level_mismatches(batch: Batch) -> set[int]:
    """Items restricted to a higher institution level than the batch's institution."""
    restricted = {item.code: LEVEL_RANK[item.min_level] for item in ITEMS if item.min_level}
    level = LEVEL_RANK[batch.level]
    return {
        line.claim_id for line in batch.lines
        if restricted.get(line.item_code, 0) > level
    }  # fmt: skip


def quantity_mismatches(batch: Batch) -> set[int]:
    """Billed quantity different from the ordered quantity."""
    return {
        line.claim_id for line in batch.lines
        if line.ordered_quantity is not None and line.ordered_quantity != line.quantity
    }  # fmt: skip


def _clash(claim: ClaimRow, other: ClaimRow) -> bool:
    """Two visits on one day, a visit strictly inside a stay, or two stays sharing a night."""
    if claim.discharged is None and other.discharged is None:
        return claim.admitted == other.admitted
    if claim.discharged is None:
        assert other.discharged is not None
        return other.admitted < claim.admitted < other.discharged
    if other.discharged is None:
        return claim.admitted < other.admitted < claim.discharged
    return max(claim.admitted, other.admitted) < min(claim.discharged, other.discharged)


def two_institutions(batch: Batch) -> set[int]:
    """Claims of a patient who was at another institution on the same day (or in a stay)."""
    elsewhere: dict[str, list[ClaimRow]] = defaultdict(list)
    for other in batch.others:
        elsewhere[other.patient].append(other)
    return {
        claim.id
        for claim in batch.claims
        if any(_clash(claim, other) for other in elsewhere.get(claim.patient, []))
    }


DETECTORS = {
    "readmission_15d": readmissions,
    "los_outlier": long_stays,
    "sex_inconsistent": sex_mismatches,
    "age_inconsistent": age_mismatches,
    "after_discharge": after_discharge,
    "duplicate_charge": duplicate_charges,
    "over_quantity": over_quantity,
    "overlapping_stay": overlapping_stays,
    "price_above_catalogue": above_catalogue,
    "duplicate_trace_code": reused_trace_codes,
    "burst_prescriptions": prescription_bursts,
    "stay_without_care": idle_stays,
    "outpatient_during_stay": outpatient_in_stays,
    "after_death": after_death,
    "level_restricted": level_mismatches,
    "quantity_mismatch": quantity_mismatches,
    "two_institutions_same_day": two_institutions,
}
