"""Turn one generated chunk into the row tuples the bulk loader inserts.

Stored values are stable codes, as elsewhere in the database: sex ``M``/``F``, insurance
``employee``/``resident``, visit ``outpatient``/``inpatient``, item category
``drug``/``service``/``consumable``, coverage ``A``/``B``/``C`` (甲/乙/丙). Dates are ISO
text, times ``YYYY-MM-DDTHH:MM:SS`` in the hospital's wall-clock time.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from inspector_app.demo.lines import ChunkLines, generate_lines
from inspector_app.demo.plan import BatchPlan
from inspector_app.demo.planting import (
    AFTER_DEATH,
    AFTER_DISCHARGE,
    AGE,
    BURST,
    DUPLICATE_CHARGE,
    IDLE_STAY,
    KINDS,
    LEVEL,
    LINE_KINDS,
    LOS_OUTLIER,
    ORDERED,
    OUTPATIENT_IN_STAY,
    OVER_QUANTITY,
    OVERLAP,
    PRICE,
    READMISSION,
    SEX,
    TRACE,
    TWO_PLACES,
)
from inspector_app.demo.text import IntArray, ObjectArray, int_digits, join_text, literal
from local_db.settlement_load import RowChunk

_COVERED_TENTHS = {"A": 10, "B": 9, "C": 0}
# Share of the covered amount the fund pays (%), by (inpatient, employee).
_FUND_RATE = {(True, True): 85, (True, False): 70, (False, True): 60, (False, False): 50}


def _texts(values: list[str]) -> ObjectArray:
    return np.array(values, dtype=object)


def _claim_totals(plan: BatchPlan, lines: ChunkLines, claims: IntArray) -> list[IntArray]:
    starts = np.searchsorted(lines.claim, np.arange(claims.shape[0]))
    tenths = np.array([_COVERED_TENTHS[str(code)] for code in plan.catalogue.coverage])
    total = np.add.reduceat(lines.amount, starts)
    covered = np.add.reduceat(lines.amount * tenths[lines.item] // 10, starts)
    inpatient = plan.visits.inpatient[claims]
    employee = plan.patients.employee[plan.visits.patient[claims]]
    rate = np.zeros(claims.shape[0], dtype=np.int64)
    for (inp, emp), percent in _FUND_RATE.items():
        rate[(inpatient == inp) & (employee == emp)] = percent
    fund = covered * rate // 100
    account = np.where(~inpatient & employee, (total - fund) // 2, 0)
    return [total, fund, account, total - fund - account]


def _claim_rows(
    plan: BatchPlan, lines: ChunkLines, claims: IntArray, *, batch_id: str, first_id: int
) -> list[tuple[Any, ...]]:
    v, pt, cal = plan.visits, plan.patients, plan.calendar
    n = claims.shape[0]
    patient, inpatient = v.patient[claims], v.inpatient[claims]
    settle_day = v.settle_day[claims]
    number = int_digits(claims + 1, 9)
    compact_date = cal.date_bytes[settle_day][:, [0, 1, 2, 3, 5, 6, 8, 9]]
    visit_prefix = np.where(inpatient[:, None], literal("ZY", n), literal("MZ", n))
    discharge = cal.iso_dates[settle_day].copy()
    discharge[~inpatient] = None
    total, fund, account, self_paid = _claim_totals(plan, lines, claims)
    columns: list[list[Any]] = [
        (first_id + claims).tolist(),
        [batch_id] * n,
        join_text([literal("JS", n), compact_date, number]),
        join_text([visit_prefix.astype(np.uint8), number]),
        pt.name[patient].tolist(),
        np.where(pt.male[patient], "M", "F").tolist(),
        pt.birth_date[patient].tolist(),
        pt.id_number[patient].tolist(),
        np.where(pt.employee[patient], "employee", "resident").tolist(),
        np.where(inpatient, "inpatient", "outpatient").tolist(),
        plan.clinical.department_name[v.department[claims]].tolist(),
        plan.doctors.code[v.doctor[claims]].tolist(),
        plan.doctors.name[v.doctor[claims]].tolist(),
        cal.dates(v.admit_day[claims]),
        discharge.tolist(),
        plan.clinical.diagnosis_code[v.diagnosis[claims]].tolist(),
        plan.clinical.diagnosis_name[v.diagnosis[claims]].tolist(),
        total.tolist(),
        fund.tolist(),
        account.tolist(),
        self_paid.tolist(),
        cal.timestamps(settle_day, v.settle_second[claims]),
    ]
    return list(zip(*columns, strict=True))


def trace_codes(plan: BatchPlan, item: IntArray, serial: IntArray) -> list[str]:
    """20-digit traceability codes: the drug's 7-digit product part and a 13-digit serial."""
    return join_text([int_digits(plan.catalogue.trace_prefix[item], 7), int_digits(serial, 13)])


def _line_rows(
    plan: BatchPlan, lines: ChunkLines, claims: IntArray, *, first_id: int
) -> tuple[list[Any], ...]:
    c, v = plan.catalogue, plan.visits
    owner = claims[lines.claim]
    traced = lines.trace_serial >= 0
    trace = np.full(lines.item.shape[0], None, dtype=object)
    trace[traced] = _texts(trace_codes(plan, lines.item[traced], lines.trace_serial[traced]))
    return (
        (first_id + owner).tolist(),
        lines.line_no.tolist(),
        c.code[lines.item].tolist(),
        c.name[lines.item].tolist(),
        c.category[lines.item].tolist(),
        c.unit[lines.item].tolist(),
        lines.price.tolist(),
        lines.quantity.astype(np.float64).tolist(),
        lines.amount.tolist(),
        c.coverage[lines.item].tolist(),
        plan.doctors.code[v.doctor[owner]].tolist(),
        plan.calendar.timestamps(v.admit_day[owner] + lines.day, lines.second),
        trace.tolist(),
        lines.ordered_quantity.astype(np.float64).tolist(),
    )


def _forced_rows(lines: ChunkLines) -> dict[int, list[int]]:
    """Row numbers of the forced line(s) of each claim that has one, by chunk position."""
    found: dict[int, list[int]] = {}
    for row in np.flatnonzero(lines.forced).tolist():
        found.setdefault(int(lines.claim[row]), []).append(row)
    return found


def _claim_facts(
    plan: BatchPlan, claim: int, first_id: int, other_first_id: int | None
) -> dict[str, Any]:
    """Ground truth of the header-level kinds (and pair links)."""
    v, p = plan.visits, plan.plants
    kind = int(p.kind[claim])
    detail: dict[str, Any] = {}
    if p.partner[claim] >= 0:
        detail["other_claim_id"] = first_id + int(p.partner[claim])
        detail["first_of_pair"] = bool(p.first_of_pair[claim])
    if p.other[claim] >= 0 and other_first_id is not None:
        detail["other_claim_id"] = other_first_id + int(p.other[claim])
    if kind == TWO_PLACES:
        detail["day"] = str(plan.calendar.iso_dates[int(v.admit_day[claim])])
    elif kind == IDLE_STAY:
        detail |= {"stay_days": int(v.stay[claim]), "idle_days": int(p.value[claim])}
    elif kind == OUTPATIENT_IN_STAY:
        detail["day_in_stay"] = int(p.value[claim])
    elif kind == AFTER_DEATH:
        detail["days_after_death"] = int(p.value[claim])
    if kind == READMISSION:
        detail["gap_days"] = int(p.value[claim])
    elif kind == OVERLAP:
        detail["overlap_days"] = int(p.value[claim])
    elif kind == LOS_OUTLIER:
        detail |= {"stay_days": int(v.stay[claim]), "norm_days": int(p.value[claim])}
    elif kind == BURST:
        detail["doctor_code"] = str(plan.doctors.code[v.doctor[claim]])
        detail["burst"] = int(p.value[claim])
    return detail


def _line_facts(
    plan: BatchPlan, lines: ChunkLines, claim: int, forced: list[int]
) -> dict[str, Any]:
    """Ground truth of the line-level kinds: which line breaks which rule, and how."""
    c, p = plan.catalogue, plan.plants
    kind, row = int(p.kind[claim]), forced[0]
    item = int(lines.item[row])
    detail: dict[str, Any] = {"line_no": int(lines.line_no[row]), "item_code": str(c.code[item])}
    if kind == SEX:
        detail["item_sex"] = "F" if c.sex[item] == 2 else "M"
    elif kind == AGE:
        detail["patient_age"] = int(plan.patients.age[plan.visits.patient[claim]])
    elif kind == AFTER_DISCHARGE:
        detail["days_after_discharge"] = int(p.value[claim])
    elif kind == OVER_QUANTITY:
        detail["quantity"] = int(lines.quantity[row])
        detail["daily_limit"] = int(c.daily_limit[item])
    elif kind == PRICE:
        detail["unit_price_fen"] = int(lines.price[row])
        detail["catalogue_price_fen"] = int(c.price_fen[item])
    elif kind == TRACE:
        serial = lines.trace_serial[row : row + 1]
        detail["trace_code"] = trace_codes(plan, lines.item[row : row + 1], serial)[0]
    elif kind == DUPLICATE_CHARGE:
        detail["line_nos"] = [int(lines.line_no[r]) for r in forced]
    elif kind == LEVEL:
        detail["item_level_rank"] = int(c.min_level[item])
        detail["institution_level_rank"] = int(plan.level)
    elif kind == ORDERED:
        detail["quantity"] = int(lines.quantity[row])
        detail["ordered_quantity"] = int(lines.ordered_quantity[row])
    return detail


def _detail(
    plan: BatchPlan,
    lines: ChunkLines,
    claim: int,
    forced: list[int],
    first_id: int,
    *,
    other_first_id: int | None,
) -> str:
    detail = _claim_facts(plan, claim, first_id, other_first_id)
    if int(plan.plants.kind[claim]) in LINE_KINDS:
        detail |= _line_facts(plan, lines, claim, forced)
    return json.dumps(detail, ensure_ascii=False, sort_keys=True)


def chunk_rows(
    plan: BatchPlan,
    start: int,
    stop: int,
    *,
    batch_id: str,
    first_claim_id: int,
    other_first_claim_id: int | None = None,
) -> RowChunk:
    """Rows of claims ``start`` to ``stop - 1``, claim ids counted from ``first_claim_id``.

    ``other_first_claim_id`` is the first claim id of the batch that shares patients with
    this one, so the ground truth of a pair across the two batches names the other claim.
    """
    claims = np.arange(start, stop, dtype=np.int64)
    lines = generate_lines(plan, start, stop)
    forced = _forced_rows(lines)
    planted = [
        (
            batch_id,
            first_claim_id + claim,
            KINDS[int(plan.plants.kind[claim])],
            _detail(
                plan,
                lines,
                claim,
                forced.get(claim - start, []),
                first_claim_id,
                other_first_id=other_first_claim_id,
            ),
        )
        for claim in claims[plan.plants.kind[claims] >= 0].tolist()
    ]
    return RowChunk(
        claims=_claim_rows(plan, lines, claims, batch_id=batch_id, first_id=first_claim_id),
        lines=zip(*_line_rows(plan, lines, claims, first_id=first_claim_id), strict=True),
        planted=planted,
    )
