"""The review worksheet of one sampled claim: its lines, the medical-file checks, decisions.

A review (``ClaimReview``, synced) starts when a team member opens the worksheet; each
line decision is a ``LineReview`` (a line without one is accepted). The audited amount is
kept current with every decision (see ``amounts.py`` for the rule) and counts for the
appraisal once the review is completed; a completed review is changed only after
reopening it. Only the case's team writes; everyone who may open the case reads, social
supervisors without the patient's identity.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.casework.access import (
    CaseAccess,
    case_access,
    record_case_event,
    require_recording,
)
from inspector_app.casework.links import LinkRef, link, unlink
from inspector_app.findings.catalogue import violation
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.review.amounts import disallowed_fund_share
from inspector_app.review.checks import ANSWERS, check_list
from inspector_app.review.view import (
    WorksheetView,
    amount_inputs,
    answers_of,
    claim_lines,
    decisions_of,
    view_of,
)
from inspector_app.sampling.draws import DrawNotFoundError, get_draw
from local_db.enums import LineDecision, LinkKind, ReviewStatus
from local_db.models import (
    Claim,
    ClaimLine,
    ClaimReview,
    EvidenceItem,
    Finding,
    LineReview,
    SampleDraw,
    SampleUnit,
)
from local_db.types import utc_now

REASON_MAX = 2000
LINK_TARGETS = (LinkKind.EVIDENCE, LinkKind.FINDING)


class ReviewNotFoundError(LookupError):
    """No such review, or the claim is not a unit of the draw."""


class ReviewClosedError(ValueError):
    """The review is completed; reopen it before changing it."""


def _unit(session: Session, draw_id: str, settlement_no: str) -> SampleUnit:
    unit = session.scalar(
        select(SampleUnit).where(
            SampleUnit.draw_id == draw_id, SampleUnit.settlement_no == settlement_no
        )
    )
    if unit is None:
        raise ReviewNotFoundError(
            _("Claim {number} is not in this sample.").format(number=settlement_no)
        )
    return unit


def _review_of(session: Session, draw_id: str, settlement_no: str) -> ClaimReview | None:
    return session.scalar(
        select(ClaimReview).where(
            ClaimReview.draw_id == draw_id,
            ClaimReview.settlement_no == settlement_no,
            ClaimReview.deleted_at.is_(None),
        )
    )


def _case_of(session: Session, draw_id: str) -> tuple[SampleDraw, str]:
    try:
        draw = get_draw(session, draw_id)
    except DrawNotFoundError as exc:
        raise ReviewNotFoundError(str(exc)) from exc
    if draw.case_id is None:
        raise ReviewNotFoundError(_("This sample belongs to no case; it cannot be reviewed."))
    return draw, draw.case_id


# ------------------------------------------------------------------ services


def open_worksheet(profile: OpenProfile, *, draw_id: str, settlement_no: str) -> WorksheetView:
    """The worksheet of a sampled claim; a team member opening it starts its review.

    Raises:
        ReviewNotFoundError: no such draw, or the claim is not one of its units.
        CaseNotFoundError: the draw's case does not exist.
    """
    with profile.session() as session:
        _draw, case_id = _case_of(session, draw_id)
        access = case_access(session, profile, case_id)
        unit = _unit(session, draw_id, settlement_no)
        review = _review_of(session, draw_id, settlement_no)
        if review is None and access.can_record:
            require_recording(session, profile, case_id)
            claim = session.get_one(Claim, unit.claim_id)
            review = ClaimReview(
                draw_id=draw_id, claim_id=claim.id, settlement_no=settlement_no,
                status=ReviewStatus.IN_PROGRESS, examined_fen=claim.fund_fen,
                audited_fen=claim.fund_fen, checks="{}",
            )  # fmt: skip
            session.add(review)
            session.flush()
            _event(profile, session, case_id, "review.opened", review, detail=f"draw={draw_id}")
        return view_of(session, access, unit, review)


def _writable(
    profile: OpenProfile, session: Session, review_id: str, *, allow_done: bool = False
) -> tuple[ClaimReview, CaseAccess, SampleUnit]:
    review = session.get(ClaimReview, review_id)
    if review is None or review.deleted_at is not None:
        raise ReviewNotFoundError(_("The review no longer exists."))
    _draw, case_id = _case_of(session, review.draw_id)
    require_recording(session, profile, case_id)
    if review.status is ReviewStatus.DONE and not allow_done:
        raise ReviewClosedError(_("The review is completed; reopen it to change it."))
    access = case_access(session, profile, case_id)
    return review, access, _unit(session, review.draw_id, review.settlement_no)


def _event(
    profile: OpenProfile, session: Session, case_id: str, action: str, review: ClaimReview,
    *, detail: str = "",
) -> None:  # fmt: skip
    record_case_event(
        profile, session, case_id, action, entity="claim_review", entity_id=review.id,
        detail=detail,
    )  # fmt: skip


def _refresh_audited(session: Session, review: ClaimReview) -> None:
    claim = session.get_one(Claim, review.claim_id)
    inputs = amount_inputs(claim_lines(session, claim.id), decisions_of(session, review))
    share = disallowed_fund_share(inputs, fund_fen=review.examined_fen, total_fen=claim.total_fen)
    review.audited_fen = review.examined_fen - share


def worksheet(profile: OpenProfile, *, review_id: str) -> WorksheetView:
    """A review's worksheet (read only).

    Raises:
        ReviewNotFoundError: no such review.
    """
    with profile.read_session() as session:
        review = session.get(ClaimReview, review_id)
        if review is None or review.deleted_at is not None:
            raise ReviewNotFoundError(_("The review no longer exists."))
        _draw, case_id = _case_of(session, review.draw_id)
        access = case_access(session, profile, case_id)
        return view_of(
            session, access, _unit(session, review.draw_id, review.settlement_no), review
        )


def decide_line(
    profile: OpenProfile,
    *,
    review_id: str,
    line_no: int,
    decision: LineDecision,
    disallowed_fen: int | None = None,
    violation_code: str = "",
    reason: str = "",
) -> WorksheetView:
    """Accept or (partly) disallow one line of the claim.

    A disallowed line loses its whole amount; a partly disallowed one the amount given
    (more than 0, at most the line's amount). Disallowing needs a violation type of the
    catalogue; accepting clears amount, type and reason.

    Raises:
        NotAllowedError, ReviewClosedError, ReviewNotFoundError: see the messages.
        UnknownViolationError: the code is not in the catalogue.
        ValueError: an amount that does not fit the line (message for the user).
    """
    decision = LineDecision(decision)
    with profile.session() as session:
        review, access, unit = _writable(profile, session, review_id)
        line = session.scalar(
            select(ClaimLine).where(
                ClaimLine.claim_id == review.claim_id, ClaimLine.line_no == line_no
            )
        )
        if line is None:
            raise ReviewNotFoundError(_("The claim has no line {number}.").format(number=line_no))
        amount, code, text = _checked_decision(
            decision, line.amount_fen, disallowed_fen, violation_code, reason
        )
        row = session.scalar(
            select(LineReview).where(
                LineReview.claim_review_id == review.id, LineReview.line_no == line_no
            )
        )
        if row is None:
            row = LineReview(claim_review_id=review.id, line_no=line_no, decision=decision)
            session.add(row)
        row.decision, row.disallowed_fen, row.violation_code, row.reason = (
            decision, amount, code, text,
        )  # fmt: skip
        row.deleted_at = None
        row.deleted_by = None
        session.flush()
        _refresh_audited(session, review)
        _event(
            profile, session, access.case_id, "review.line_decided", review,
            detail=f"line={line_no} decision={decision.value} fen={amount} violation={code}",
        )  # fmt: skip
        session.flush()
        return view_of(session, access, unit, review)


# Violation groups under which billed money was paid improperly (Order 735 Art. 38, 40, 41).
DISALLOWING_GROUPS = frozenset({"irregular_use", "fraud", "insured_person"})


def _checked_decision(
    decision: LineDecision, line_fen: int, disallowed_fen: int | None, code: str, reason: str
) -> tuple[int, str, str]:
    text = reason.strip()
    if len(text) > REASON_MAX:
        raise ValueError(_("The reason is too long (at most {n} characters).").format(n=REASON_MAX))
    if decision is LineDecision.ACCEPTED:
        return 0, "", ""
    if line_fen <= 0:
        raise ValueError(_("Only a line with a positive amount can be disallowed."))
    if disallowed_fen is not None and (
        isinstance(disallowed_fen, bool) or not isinstance(disallowed_fen, int)
    ):
        raise TypeError("amounts are integer fen")
    if decision is LineDecision.DISALLOWED:
        if disallowed_fen not in (None, line_fen):
            raise ValueError(
                _("A disallowed line loses its whole amount; use “partly disallowed” for less.")
            )
        amount = line_fen
    else:
        if disallowed_fen is None or not 0 < disallowed_fen <= line_fen:
            raise ValueError(
                _("The disallowed amount must be more than 0 and at most the line's amount.")
            )
        amount = disallowed_fen
    if not code.strip():
        raise ValueError(_("Disallowing a line needs a violation type."))
    kind = violation(code.strip())
    if kind.group not in DISALLOWING_GROUPS:
        # Art. 39 duties and data-quality notes say nothing about money paid wrongly; an
        # amount disallowed under them would flow into the extrapolated improper amount.
        raise ValueError(
            _("“{title}” is not a reason to disallow an amount; choose an Article 38, 40 or "
              "41 type.").format(title=kind.title())
        )  # fmt: skip
    return amount, kind.code, text


def set_checks(
    profile: OpenProfile, *, review_id: str, answers: Mapping[str, str]
) -> WorksheetView:
    """Record answers (``yes`` / ``no`` / ``n/a``; ``""`` clears) to medical-file checks.

    Raises:
        ValueError: a check that does not apply to the claim's visit type, or a bad answer.
    """
    with profile.session() as session:
        review, access, unit = _writable(profile, session, review_id)
        claim = session.get_one(Claim, review.claim_id)
        known = {c.key for c in check_list().for_visit_type(claim.visit_type)}
        current = answers_of(review)
        for key, answer in answers.items():
            if key not in known:
                raise ValueError(_("“{key}” is not a check of this claim.").format(key=key))
            if answer and answer not in ANSWERS:
                raise ValueError(
                    _("“{answer}” is not an answer (yes, no, n/a).").format(answer=answer)
                )
            if answer:
                current[key] = answer
            else:
                current.pop(key, None)
        review.checks = json.dumps(current, sort_keys=True, ensure_ascii=False)
        _event(profile, session, access.case_id, "review.checks_set", review,
               detail=",".join(sorted(answers)))  # fmt: skip
        session.flush()
        return view_of(session, access, unit, review)


def complete_review(
    profile: OpenProfile, *, review_id: str, note: str | None = None
) -> WorksheetView:
    """Complete a review: its audited amount now counts for the appraisal.

    Lines never decided count as accepted.
    """
    with profile.session() as session:
        review, access, unit = _writable(profile, session, review_id)
        if note is not None:
            review.note = note.strip()
        _refresh_audited(session, review)
        review.status = ReviewStatus.DONE
        review.completed_at = utc_now()
        _event(profile, session, access.case_id, "review.completed", review,
               detail=f"examined={review.examined_fen} audited={review.audited_fen}")  # fmt: skip
        session.flush()
        return view_of(session, access, unit, review)


def set_review_note(profile: OpenProfile, *, review_id: str, note: str) -> WorksheetView:
    """Save the review's note without completing it (only the team; not once completed)."""
    with profile.session() as session:
        review, access, unit = _writable(profile, session, review_id)
        review.note = note.strip()
        _event(profile, session, access.case_id, "review.note_set", review)
        session.flush()
        return view_of(session, access, unit, review)


def reopen_review(profile: OpenProfile, *, review_id: str) -> WorksheetView:
    """Put a completed review back in progress (it stops counting until completed again)."""
    with profile.session() as session:
        review, access, unit = _writable(profile, session, review_id, allow_done=True)
        review.status = ReviewStatus.IN_PROGRESS
        review.completed_at = None
        _event(profile, session, access.case_id, "review.reopened", review)
        session.flush()
        return view_of(session, access, unit, review)


def _check_link_target(session: Session, case_id: str, target: LinkRef) -> None:
    if target.kind not in LINK_TARGETS:
        raise ValueError(f"a review cannot link to {target.kind}")
    row: EvidenceItem | Finding | None = (
        session.get(EvidenceItem, target.ref)
        if target.kind is LinkKind.EVIDENCE
        else session.get(Finding, target.ref)
    )
    if row is None or row.case_id != case_id or row.deleted_at is not None:
        raise LookupError(_("The linked record is not part of this case."))


def link_review(profile: OpenProfile, *, review_id: str, target: LinkRef) -> WorksheetView:
    """Link evidence or a finding of the case to the review (also after completion)."""
    with profile.session() as session:
        review, access, unit = _writable(profile, session, review_id, allow_done=True)
        _check_link_target(session, access.case_id, target)
        link(session, access.case_id, LinkRef(LinkKind.CLAIM_REVIEW, review.id), target)
        _event(profile, session, access.case_id, "review.linked", review,
               detail=f"{target.kind.value}:{target.ref}")  # fmt: skip
        session.flush()
        return view_of(session, access, unit, review)


def unlink_review(profile: OpenProfile, *, review_id: str, target: LinkRef) -> WorksheetView:
    """Remove a link from the review (no-op if there was none)."""
    with profile.session() as session:
        review, access, unit = _writable(profile, session, review_id, allow_done=True)
        if unlink(session, access.case_id, LinkRef(LinkKind.CLAIM_REVIEW, review.id), target):
            _event(profile, session, access.case_id, "review.unlinked", review,
                   detail=f"{target.kind.value}:{target.ref}")  # fmt: skip
        session.flush()
        return view_of(session, access, unit, review)
