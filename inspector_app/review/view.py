"""What the worksheet of one sampled claim shows: header, lines with decisions, checks.

Read-only assembly of a review's view, shared by every worksheet service; identity is
masked here, in the core, for users who may not see it (social supervisors).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import CaseAccess
from inspector_app.casework.links import LinkRef, sources_of, targets_of
from inspector_app.privacy import mask_identifier
from inspector_app.review.amounts import LineAmount, disallowed_fund_share, fund_base, fund_share
from inspector_app.review.checks import check_list
from local_db.enums import LineDecision, LinkKind, ReviewStatus
from local_db.models import Claim, ClaimLine, ClaimReview, LineReview, SampleUnit


@dataclass(frozen=True)
class ClaimHeader:
    """The claim as the worksheet shows it (identity masked for social supervisors)."""

    settlement_no: str
    visit_no: str
    visit_type: str
    department: str
    doctor_name: str
    patient_name: str
    patient_id_no: str
    patient_sex: str
    patient_birth_date: str
    admission_date: str
    discharge_date: str | None
    diagnosis_code: str
    diagnosis_name: str
    total_fen: int
    fund_fen: int
    settled_at: str


@dataclass(frozen=True)
class LineView:
    """One line with its decision (accepted when never decided)."""

    line_no: int
    item_code: str
    item_name: str
    item_category: str
    unit: str
    unit_price_fen: int
    quantity: float
    ordered_quantity: float | None
    amount_fen: int
    coverage_class: str
    ordering_doctor: str
    service_time: str
    decision: LineDecision
    decided: bool
    disallowed_fen: int
    fund_share_fen: int
    violation_code: str
    reason: str


@dataclass(frozen=True)
class CheckView:
    """One medical-file check and its answer (``""`` when not answered yet)."""

    key: str
    title: str
    detail: str
    answer: str


@dataclass(frozen=True)
class WorksheetView:
    """Everything the worksheet screen shows for one sampled claim."""

    review_id: str | None
    draw_id: str
    case_id: str
    position: int
    stratum: str
    status: ReviewStatus | None
    claim: ClaimHeader
    lines: list[LineView]
    checks: list[CheckView]
    examined_fen: int
    disallowed_fen: int
    disallowed_fund_fen: int
    audited_fen: int
    note: str
    can_record: bool
    evidence_ids: tuple[str, ...]
    finding_ids: tuple[str, ...]
    updated_by: str
    updated_at: datetime | None
    completed_at: datetime | None


def _header(claim: Claim, access: CaseAccess) -> ClaimHeader:
    name, id_no = claim.patient_name, claim.patient_id_no
    if not access.sees_identifiers:
        name = name[:1] + "*" * (len(name) - 1)
        id_no = mask_identifier(id_no)
    return ClaimHeader(
        settlement_no=claim.settlement_no, visit_no=claim.visit_no, visit_type=claim.visit_type,
        department=claim.department, doctor_name=claim.doctor_name, patient_name=name,
        patient_id_no=id_no, patient_sex=claim.patient_sex,
        patient_birth_date=claim.patient_birth_date, admission_date=claim.admission_date,
        discharge_date=claim.discharge_date, diagnosis_code=claim.diagnosis_code,
        diagnosis_name=claim.diagnosis_name, total_fen=claim.total_fen, fund_fen=claim.fund_fen,
        settled_at=claim.settled_at,
    )  # fmt: skip


def claim_lines(session: Session, claim_id: int) -> list[ClaimLine]:
    """A claim's lines in line order."""
    return list(
        session.scalars(
            select(ClaimLine).where(ClaimLine.claim_id == claim_id).order_by(ClaimLine.line_no)
        )
    )


def decisions_of(session: Session, review: ClaimReview | None) -> dict[int, LineReview]:
    """A review's line decisions by line number (none before the review starts)."""
    if review is None:
        return {}
    rows = session.scalars(
        select(LineReview).where(
            LineReview.claim_review_id == review.id, LineReview.deleted_at.is_(None)
        )
    )
    return {row.line_no: row for row in rows}


def amount_inputs(lines: list[ClaimLine], decisions: dict[int, LineReview]) -> list[LineAmount]:
    """What the amount rule needs of each line; an undecided line disallows nothing."""
    return [
        LineAmount(
            amount_fen=line.amount_fen,
            coverage_class=line.coverage_class,
            disallowed_fen=decisions[line.line_no].disallowed_fen
            if line.line_no in decisions
            else 0,
        )
        for line in lines
    ]


def answers_of(review: ClaimReview | None) -> dict[str, str]:
    """The stored check answers (an unreadable value reads as no answers)."""
    if review is None:
        return {}
    try:
        value = json.loads(review.checks or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def view_of(
    session: Session, access: CaseAccess, unit: SampleUnit, review: ClaimReview | None
) -> WorksheetView:
    """The worksheet of ``unit`` as ``access`` may see it, with ``review`` (None: unstarted)."""
    claim = session.get_one(Claim, unit.claim_id)
    lines = claim_lines(session, claim.id)
    decisions = decisions_of(session, review)
    inputs = amount_inputs(lines, decisions)
    base = fund_base(inputs, claim.total_fen)
    line_views = []
    for line, amount in zip(lines, inputs, strict=True):
        decision = decisions.get(line.line_no)
        line_views.append(
            LineView(
                line_no=line.line_no, item_code=line.item_code, item_name=line.item_name,
                item_category=line.item_category, unit=line.unit,
                unit_price_fen=line.unit_price_fen, quantity=line.quantity,
                ordered_quantity=line.ordered_quantity, amount_fen=line.amount_fen,
                coverage_class=line.coverage_class, ordering_doctor=line.ordering_doctor,
                service_time=line.service_time,
                decision=LineDecision(decision.decision) if decision else LineDecision.ACCEPTED,
                decided=decision is not None,
                disallowed_fen=amount.disallowed_fen,
                fund_share_fen=fund_share(amount.disallowed_fen, fund_fen=claim.fund_fen,
                                          base_fen=base) if amount.covered else 0,
                violation_code=decision.violation_code if decision else "",
                reason=decision.reason if decision else "",
            )
        )  # fmt: skip
    answers = answers_of(review)
    checks = [
        CheckView(key=c.key, title=c.title(), detail=c.detail(), answer=answers.get(c.key, ""))
        for c in check_list().for_visit_type(claim.visit_type)
    ]
    examined = review.examined_fen if review is not None else claim.fund_fen
    share = disallowed_fund_share(inputs, fund_fen=examined, total_fen=claim.total_fen)
    evidence, findings = _linked(session, access.case_id, review, claim.settlement_no)
    return WorksheetView(
        review_id=review.id if review else None,
        draw_id=unit.draw_id,
        case_id=access.case_id,
        position=unit.position,
        stratum=unit.stratum,
        status=ReviewStatus(review.status) if review else None,
        claim=_header(claim, access),
        lines=line_views,
        checks=checks,
        examined_fen=examined,
        disallowed_fen=sum(a.disallowed_fen for a in inputs),
        disallowed_fund_fen=share,
        audited_fen=examined - share,
        note=review.note if review else "",
        can_record=access.can_record,
        evidence_ids=evidence,
        finding_ids=findings,
        updated_by=review.updated_by if review else "",
        updated_at=review.updated_at if review else None,
        completed_at=review.completed_at if review else None,
    )


def _linked(
    session: Session, case_id: str, review: ClaimReview | None, settlement_no: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Evidence and findings linked to the review, plus findings resting on the claim."""
    evidence: list[str] = []
    findings: list[str] = []
    if review is not None:
        source = LinkRef(LinkKind.CLAIM_REVIEW, review.id)
        evidence = [t.ref for t in targets_of(session, case_id, source, LinkKind.EVIDENCE)]
        findings = [t.ref for t in targets_of(session, case_id, source, LinkKind.FINDING)]
    claim_ref = LinkRef(LinkKind.CLAIM, settlement_no)
    for found in sources_of(session, case_id, claim_ref, LinkKind.FINDING):
        if found.ref not in findings:
            findings.append(found.ref)
    return tuple(evidence), tuple(findings)
