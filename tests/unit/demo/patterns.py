"""Independent, naive detectors of the planted patterns, written from their definitions.

They read the loaded rows back (not the generator's arrays) and use only the catalogue's
published restrictions, so a planted row that does not really show its pattern — or a clean
claim that shows one by accident — makes the comparison with the ground truth fail.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from inspector_app.demo.clinical import DIAGNOSES
from inspector_app.demo.items import ITEMS

PAEDIATRIC_AGE = 14
LONG_STAY_FACTOR = 3
READMISSION_DAYS = 15
BURST_SIZE, BURST_SECONDS = 5, 60


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


def read_batch(session: Session, batch_id: str) -> tuple[list[ClaimRow], list[LineRow]]:
    """All claims and lines of one batch."""
    claims = [
        ClaimRow(r[0], r[1], r[2], date.fromisoformat(r[3]), r[4], r[5],
                 date.fromisoformat(r[6]), date.fromisoformat(r[7]) if r[7] else None, r[8])
        for r in session.execute(text(
            "SELECT id, patient_id_no, patient_sex, patient_birth_date, visit_type, doctor_code,"
            " admission_date, discharge_date, diagnosis_code FROM claim WHERE batch_id = :b"
        ), {"b": batch_id})
    ]  # fmt: skip
    lines = [
        LineRow(r[0], r[1], r[2], r[3], r[4], r[5], datetime.fromisoformat(r[6]), r[7])
        for r in session.execute(text(
            "SELECT l.claim_id, l.line_no, l.item_code, l.unit_price_fen, l.quantity,"
            " l.amount_fen, l.service_time, l.trace_code FROM claim_line l"
            " JOIN claim c ON c.id = l.claim_id WHERE c.batch_id = :b"
        ), {"b": batch_id})
    ]  # fmt: skip
    return claims, lines


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


def readmissions(
    claims: list[ClaimRow], lines: list[LineRow], *, days: int = READMISSION_DAYS
) -> set[int]:
    """Stays of one patient where the next admission is 1–``days`` days after a discharge."""
    found = set()
    for group in _stays_by_patient(claims).values():
        for first in group:
            for second in group:
                assert first.discharged is not None
                if 1 <= (second.admitted - first.discharged).days <= days:
                    found |= {first.id, second.id}
    return found


def overlapping_stays(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """Two stays of one patient sharing at least one night."""
    found = set()
    for group in _stays_by_patient(claims).values():
        for n, first in enumerate(group):
            for second in group[n + 1 :]:
                assert first.discharged is not None
                if second.admitted < first.discharged:
                    found |= {first.id, second.id}
    return found


def long_stays(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """Stays longer than three times their diagnosis norm."""
    norm = {d.code: d.mean_stay for d in DIAGNOSES}
    return {
        c.id for c in claims
        if c.discharged and (c.discharged - c.admitted).days > LONG_STAY_FACTOR * norm[c.diagnosis]
    }  # fmt: skip


def _claims_by_id(claims: list[ClaimRow]) -> dict[int, ClaimRow]:
    return {claim.id: claim for claim in claims}


def sex_mismatches(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """Items restricted to one sex billed to the other."""
    restricted = {item.code: item.sex for item in ITEMS if item.sex}
    owner = _claims_by_id(claims)
    return {
        line.claim_id for line in lines
        if line.item_code in restricted and restricted[line.item_code] != owner[line.claim_id].sex
    }  # fmt: skip


def age_mismatches(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """Paediatric items billed for a patient aged 14 or more on the day of service."""
    paediatric = {item.code for item in ITEMS if item.paediatric}
    owner = _claims_by_id(claims)
    return {
        line.claim_id for line in lines
        if line.item_code in paediatric
        and _age(owner[line.claim_id].birth, line.service_time.date()) >= PAEDIATRIC_AGE
    }  # fmt: skip


def after_discharge(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """Services dated after the discharge date."""
    owner = _claims_by_id(claims)
    found = set()
    for line in lines:
        discharged = owner[line.claim_id].discharged
        if discharged is not None and line.service_time.date() > discharged:
            found.add(line.claim_id)
    return found


def _per_day(lines: list[LineRow]) -> dict[tuple[int, str, date], list[LineRow]]:
    groups: dict[tuple[int, str, date], list[LineRow]] = defaultdict(list)
    for line in lines:
        groups[(line.claim_id, line.item_code, line.service_time.date())].append(line)
    return groups


def duplicate_charges(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """The same item billed twice on one day of one claim."""
    return {key[0] for key, group in _per_day(lines).items() if len(group) > 1}


def over_quantity(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """A day's quantity of an item above its daily limit."""
    limit = {item.code: item.daily_limit for item in ITEMS if item.daily_limit}
    return {
        key[0] for key, group in _per_day(lines).items()
        if key[1] in limit and sum(line.quantity for line in group) > limit[key[1]]
    }  # fmt: skip


def above_catalogue(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """Unit prices above the catalogue price."""
    price = {item.code: item.price_fen for item in ITEMS}
    return {line.claim_id for line in lines if line.unit_price_fen > price[line.item_code]}


def reused_trace_codes(claims: list[ClaimRow], lines: list[LineRow]) -> set[int]:
    """Traceability codes settled on more than one claim."""
    claims_of: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        if line.trace_code:
            claims_of[line.trace_code].add(line.claim_id)
    return {claim for group in claims_of.values() if len(group) > 1 for claim in group}


def prescription_bursts(
    claims: list[ClaimRow], lines: list[LineRow], *, size: int = BURST_SIZE
) -> set[int]:
    """``size`` or more outpatient prescriptions of one doctor within one minute."""
    owner = _claims_by_id(claims)
    written: dict[int, datetime] = {}
    for line in lines:
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
}
