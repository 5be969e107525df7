"""Browsing a settlement batch's claims a page at a time, for a table over a million rows.

Pages are keyset pages in settlement-number order (``settlement_no > last ORDER BY
settlement_no LIMIT n``), which walks the unique (batch, settlement number) index: each page
costs the same however deep the user has scrolled, where ``OFFSET`` would re-read every
skipped row. (Ordering by row id instead made SQLite sort the whole batch first: 170 ms a
page on a million claims.) The total comes from the count stored on the batch, never from
``COUNT(*)``, unless a filter is set.

Patient identity is masked here, in the core, so no screen can show more than it should.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, union

from inspector_app.privacy import mask_identifier
from inspector_app.profiles import OpenProfile
from local_db.models import Claim, ClaimLine, SettlementBatch

PAGE_SIZE = 200
# A filtered count stops here: beyond it the screen says "more than 100,000".
COUNT_LIMIT = 100_000


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims of a batch to list; empty fields do not filter."""

    batch_id: str
    search: str = ""  # a settlement or visit number, or its beginning
    visit_type: str = ""
    department: str = ""
    doctor: str = ""  # doctor code or name
    min_total_fen: int | None = None

    @property
    def narrows(self) -> bool:
        """True when any filter beyond the batch is set."""
        return bool(
            self.search.strip()
            or self.visit_type
            or self.department
            or self.doctor.strip()
            or self.min_total_fen is not None
        )


@dataclass(frozen=True)
class ClaimRow:
    """One claim as the table shows it (identity masked)."""

    id: int
    settlement_no: str
    visit_no: str
    visit_type: str
    department: str
    doctor: str
    patient: str
    patient_sex: str
    patient_birth_date: str
    admission_date: str
    discharge_date: str
    diagnosis: str
    total_fen: int
    fund_fen: int
    settled_at: str


@dataclass(frozen=True)
class ClaimPage:
    """Rows of one page, and where the next one starts (None: no more rows)."""

    rows: list[ClaimRow]
    next_after: str | None


@dataclass(frozen=True)
class ClaimLineRow:
    """One billed line of a claim."""

    line_no: int
    item_code: str
    item_name: str
    item_category: str
    unit: str
    unit_price_fen: int
    quantity: float
    amount_fen: int
    coverage_class: str
    ordering_doctor: str
    service_time: str
    trace_code: str
    ordered_quantity: float | None


@dataclass(frozen=True)
class BatchFacets:
    """The values the filters offer: visit types and departments of the batch."""

    visit_types: list[str]
    departments: list[str]


def mask_name(name: str) -> str:
    """``张三丰`` → ``张**``: the family name stays, so a reviewer can still tell rows apart."""
    text = name.strip()
    return text[:1] + "*" * (len(text) - 1) if text else ""


# Searched by prefix; each has an index led by batch_id, so a search is two range scans.
SEARCHED = (Claim.settlement_no, Claim.visit_no)
HIGHEST = "\U0010ffff"  # sorts after any character (UTF-8 byte order)


def _prefixes(column: Any, text: str) -> list[ColumnElement[bool]]:
    """``column`` starts with ``text`` (as typed, or in capitals), as index ranges.

    ``LIKE 'x%'`` cannot use the index (SQLite's LIKE ignores case); a range can.
    """
    forms = dict.fromkeys((text, text.upper()))
    return [(column >= form) & (column < form + HIGHEST) for form in forms]


def _conditions(claim_filter: ClaimFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Claim.batch_id == claim_filter.batch_id]
    search = claim_filter.search.strip()
    if search:
        # The matching ids first, one index range per searched column; a plain OR made
        # SQLite walk the whole batch in settlement order instead.
        matching = union(
            *(
                select(Claim.id).where(Claim.batch_id == claim_filter.batch_id, prefix)
                for column in SEARCHED
                for prefix in _prefixes(column, search)
            )
        )
        conditions[0] = Claim.id.in_(matching.scalar_subquery())
    if claim_filter.visit_type:
        conditions.append(Claim.visit_type == claim_filter.visit_type)
    if claim_filter.department:
        conditions.append(Claim.department == claim_filter.department)
    doctor = claim_filter.doctor.strip()
    if doctor:
        conditions.append((Claim.doctor_code == doctor) | (Claim.doctor_name == doctor))
    if claim_filter.min_total_fen is not None:
        conditions.append(Claim.total_fen >= claim_filter.min_total_fen)
    return conditions


def _row(claim: Any) -> ClaimRow:
    return ClaimRow(
        id=claim.id,
        settlement_no=claim.settlement_no,
        visit_no=claim.visit_no,
        visit_type=claim.visit_type,
        department=claim.department,
        doctor=claim.doctor_name,
        patient=mask_name(claim.patient_name),
        patient_sex=claim.patient_sex,
        patient_birth_date=claim.patient_birth_date,
        admission_date=claim.admission_date,
        discharge_date=claim.discharge_date or "",
        diagnosis=claim.diagnosis_name,
        total_fen=claim.total_fen,
        fund_fen=claim.fund_fen,
        settled_at=claim.settled_at,
    )


def _page_query(claim_filter: ClaimFilter, after: str | None, limit: int) -> Any:
    columns = [
        Claim.id, Claim.settlement_no, Claim.visit_no, Claim.visit_type, Claim.department,
        Claim.doctor_name, Claim.patient_name, Claim.patient_sex, Claim.patient_birth_date,
        Claim.admission_date, Claim.discharge_date, Claim.diagnosis_name, Claim.total_fen,
        Claim.fund_fen, Claim.settled_at,
    ]  # fmt: skip
    query: Any = select(*columns).where(*_conditions(claim_filter))
    if after is not None:
        query = query.where(Claim.settlement_no > after)
    return query.order_by(Claim.settlement_no).limit(limit)


def claim_page(
    *, profile: OpenProfile, claim_filter: ClaimFilter, after: str | None = None,
    limit: int = PAGE_SIZE,
) -> ClaimPage:  # fmt: skip
    """The next ``limit`` claims matching ``claim_filter`` after settlement number ``after``."""
    with profile.read_session() as session:
        rows = [_row(row) for row in session.execute(_page_query(claim_filter, after, limit))]
    return ClaimPage(rows=rows, next_after=rows[-1].settlement_no if len(rows) == limit else None)


def claim_count(*, profile: OpenProfile, claim_filter: ClaimFilter) -> tuple[int, bool]:
    """How many claims match, and whether that is exact (False: at least that many).

    Unfiltered, the batch's stored count answers at once; filtered, counting stops at
    :data:`COUNT_LIMIT` so a broad filter on a million claims does not scan them all.
    """
    with profile.read_session() as session:
        if not claim_filter.narrows:
            batch = session.get(SettlementBatch, claim_filter.batch_id)
            return (batch.claim_count if batch is not None else 0), True
        matching = (
            select(Claim.id).where(*_conditions(claim_filter)).limit(COUNT_LIMIT + 1).subquery()
        )
        counted = int(session.scalar(select(func.count()).select_from(matching)) or 0)
    return min(counted, COUNT_LIMIT), counted <= COUNT_LIMIT


def batch_facets(*, profile: OpenProfile, batch_id: str) -> BatchFacets:
    """Distinct visit types and departments of a batch (one scan; run it in the background)."""
    with profile.read_session() as session:
        pairs = session.execute(
            select(Claim.visit_type, Claim.department)
            .where(Claim.batch_id == batch_id)
            .group_by(Claim.visit_type, Claim.department)
        ).all()
    return BatchFacets(
        visit_types=sorted({visit for visit, _department in pairs}),
        departments=sorted({department for _visit, department in pairs}),
    )


def claim_lines(*, profile: OpenProfile, claim_id: int) -> list[ClaimLineRow]:
    """Every line of one claim, in line order."""
    with profile.read_session() as session:
        lines = session.scalars(
            select(ClaimLine).where(ClaimLine.claim_id == claim_id).order_by(ClaimLine.line_no)
        ).all()
        return [
            ClaimLineRow(
                line_no=line.line_no,
                item_code=line.item_code,
                item_name=line.item_name,
                item_category=line.item_category,
                unit=line.unit,
                unit_price_fen=line.unit_price_fen,
                quantity=line.quantity,
                amount_fen=line.amount_fen,
                coverage_class=line.coverage_class,
                ordering_doctor=line.ordering_doctor,
                service_time=line.service_time,
                trace_code=line.trace_code or "",
                ordered_quantity=line.ordered_quantity,
            )
            for line in lines
        ]


def identity_of(*, profile: OpenProfile, claim_id: int) -> tuple[str, str]:
    """The masked patient name and ID number of one claim (for a detail pane)."""
    with profile.read_session() as session:
        claim = session.get(Claim, claim_id)
        if claim is None:
            return "", ""
        return mask_name(claim.patient_name), mask_identifier(claim.patient_id_no)
