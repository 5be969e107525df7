"""Decide on flags and turn confirmed ones into findings.

A flag is a suspicion. The case's team reviews it — confirmed, a data-quality issue (e.g. a
code-mapping error behind a man "billed" for a gynaecological test), or dismissed — and only
a confirmed flag can become a finding. A review is a synced ``FlagReview`` naming the flag
by batch, settlement number and rule, written through the ORM so the outbox records it; it
covers every flag the rule raised on that claim and outlives a re-run of the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from inspector_app.casework.access import NotAllowedError, record_case_event, require_recording
from inspector_app.casework.links import LinkRef, link
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.screening.flags import FlagNotFoundError, FlagRow, get_flag, get_run
from inspector_app.screening.ruleset import Rule, UnknownRuleError, shipped_ruleset
from local_db.enums import FindingStatus, FlagReviewStatus, Handling, LinkKind
from local_db.models import Finding, FlagReview, ScreeningFlag

NOTE_REQUIRED = frozenset({FlagReviewStatus.DATA_QUALITY, FlagReviewStatus.DISMISSED})


class FlagNotConfirmedError(ValueError):
    """Only a confirmed flag can become a finding."""


class FlagAlreadyFindingError(ValueError):
    """The flag's review already led to a finding (withdraw it before making another)."""


@dataclass(frozen=True)
class ReviewRow:
    """A decision on the flags of one rule on one claim."""

    id: str
    batch_id: str
    settlement_no: str
    rule_code: str
    status: FlagReviewStatus
    note: str
    finding_id: str | None
    reviewed_by: str = ""  # who last decided (the sync actor of the change)
    reviewed_at: datetime | None = None


@dataclass(frozen=True)
class FindingPrefill:
    """What a finding made from a confirmed flag starts with (the editor may change it)."""

    case_id: str
    violation_code: str
    title: str
    description: str
    legal_basis: str
    amount_fen: int
    handling: tuple[Handling, ...]
    links: tuple[LinkRef, ...]
    review_id: str
    flag_ids: tuple[int, ...]


def _review_row(review: FlagReview) -> ReviewRow:
    return ReviewRow(
        id=review.id, batch_id=review.batch_id, settlement_no=review.settlement_no,
        rule_code=review.rule_code, status=FlagReviewStatus(review.status), note=review.note,
        finding_id=review.finding_id, reviewed_by=review.updated_by,
        reviewed_at=review.updated_at,
    )  # fmt: skip


def _flag_case(session: Session, flag_id: int) -> tuple[ScreeningFlag, str, str]:
    """The flag, its batch and its case; refuses a flag whose batch has no case."""
    flag = session.get(ScreeningFlag, flag_id)
    if flag is None:
        raise FlagNotFoundError(_("The screening flag no longer exists."))
    run = get_run(session, flag.run_id)
    case_id = (
        run.case_id
        or session.execute(
            text("SELECT case_id FROM settlement_batch WHERE id = :b"), {"b": run.batch_id}
        ).scalar()
    )
    if case_id is None:
        raise NotAllowedError(
            _("This settlement data is not part of a case; its flags are reviewed in a case.")
        )
    return flag, run.batch_id, case_id


def _settlement_no(session: Session, claim_id: int) -> str:
    return str(
        session.execute(
            text("SELECT settlement_no FROM claim WHERE id = :id"), {"id": claim_id}
        ).scalar_one()
    )


def _find_review(
    session: Session, batch_id: str, settlement_no: str, rule_code: str
) -> FlagReview | None:
    return session.scalar(
        select(FlagReview).where(
            FlagReview.batch_id == batch_id,
            FlagReview.settlement_no == settlement_no,
            FlagReview.rule_code == rule_code,
        )
    )


def _live_finding(session: Session, finding_id: str | None) -> Finding | None:
    if finding_id is None:
        return None
    finding = session.get(Finding, finding_id)
    if finding is None or finding.deleted_at is not None:
        return None
    if FindingStatus(finding.status) is FindingStatus.WITHDRAWN:
        return None
    return finding


def review_flag(
    *, profile: OpenProfile, flag_id: int, status: FlagReviewStatus, note: str = ""
) -> ReviewRow:
    """Record the team's decision on a flag (and on the rule's other flags on that claim).

    Raises:
        FlagNotFoundError: no such flag.
        NotAllowedError: the batch has no case, or the user may not record in it.
        ValueError: a dismissal or data-quality decision without a note, or a change away
            from "confirmed" after the flag became a finding.
    """
    status = FlagReviewStatus(status)
    note = note.strip()
    if status in NOTE_REQUIRED and not note:
        raise ValueError(_("Say why the flag is dismissed or a data-quality issue."))
    with profile.session() as session:
        flag, batch_id, case_id = _flag_case(session, flag_id)
        require_recording(session, profile, case_id)
        settlement_no = _settlement_no(session, flag.claim_id)
        review = _find_review(session, batch_id, settlement_no, flag.rule_code)
        if review is None:
            review = FlagReview(
                batch_id=batch_id, settlement_no=settlement_no, rule_code=flag.rule_code,
                status=status, note=note,
            )  # fmt: skip
            session.add(review)
        else:
            if (
                _live_finding(session, review.finding_id) is not None
                and status is not FlagReviewStatus.CONFIRMED
            ):
                raise ValueError(
                    _("This flag already became a finding; withdraw the finding first.")
                )
            review.status, review.note = status, note
            review.deleted_at = review.deleted_by = None
        session.flush()
        record_case_event(
            profile, session, case_id, "screening.flag_reviewed", entity="flag_review",
            entity_id=review.id, detail=f"rule={flag.rule_code} status={status.value}",
        )  # fmt: skip
        return _review_row(review)


def review_of_flag(*, profile: OpenProfile, flag_id: int) -> ReviewRow | None:
    """The decision on a flag, None while nobody has reviewed it."""
    with profile.read_session() as session:
        flag = session.get(ScreeningFlag, flag_id)
        if flag is None:
            raise FlagNotFoundError(_("The screening flag no longer exists."))
        run = get_run(session, flag.run_id)
        review = _find_review(
            session, run.batch_id, _settlement_no(session, flag.claim_id), flag.rule_code
        )
        if review is None or review.deleted_at is not None:
            return None
        return _review_row(review)


def _claim_flags(session: Session, flag: ScreeningFlag) -> tuple[tuple[int, ...], int]:
    """Ids and amount of the run's flags of the same rule on the same claim."""
    ids = session.scalars(
        select(ScreeningFlag.id)
        .where(
            ScreeningFlag.run_id == flag.run_id,
            ScreeningFlag.rule_code == flag.rule_code,
            ScreeningFlag.claim_id == flag.claim_id,
        )
        .order_by(ScreeningFlag.id)
    ).all()
    amount = session.scalar(
        select(func.coalesce(func.sum(ScreeningFlag.amount_fen), 0)).where(
            ScreeningFlag.id.in_(ids)
        )
    )
    return tuple(ids), int(amount or 0)


def flag_to_finding(*, profile: OpenProfile, flag_id: int) -> FindingPrefill:
    """What a finding from this (confirmed) flag starts with: violation, amount, words, link.

    Raises:
        FlagNotFoundError: no such flag.
        NotAllowedError: the batch has no case.
        FlagNotConfirmedError: the flag has not been reviewed as confirmed.
    """
    from inspector_app.findings.catalogue import FALLBACK_CODE, violation
    from inspector_app.findings.service import compose_legal_basis

    with profile.read_session() as session:
        flag, batch_id, case_id = _flag_case(session, flag_id)
        settlement_no = _settlement_no(session, flag.claim_id)
        review = _find_review(session, batch_id, settlement_no, flag.rule_code)
        if (
            review is None
            or review.deleted_at is not None
            or (FlagReviewStatus(review.status) is not FlagReviewStatus.CONFIRMED)
        ):
            raise FlagNotConfirmedError(
                _("Only a confirmed flag can become a finding; review it first.")
            )
        ids, amount = _claim_flags(session, flag)
        review_id = review.id
    rows = [get_flag(profile=profile, flag_id=number) for number in ids]
    try:
        rule: Rule | None = shipped_ruleset().rule(flag.rule_code)
    except UnknownRuleError:
        rule = None
    code = rule.violation if rule is not None else FALLBACK_CODE
    title = rule.title.text() if rule is not None else flag.rule_code
    return FindingPrefill(
        case_id=case_id,
        violation_code=code,
        title=_("{rule}: settlement {number}").format(rule=title, number=settlement_no),
        description=_description(rows, flag.rule_code, rule),
        # Only the suggested violation's own article: Art. 38 (fine 1–2x) and Art. 40
        # (2–5x) exclude each other for one act, so the Art. 40 item that applies once an
        # intent to defraud is established goes into the description, not the legal basis.
        legal_basis=compose_legal_basis(code),
        amount_fen=amount,
        handling=violation(code).handling,
        links=(LinkRef(LinkKind.CLAIM, settlement_no),),
        review_id=review_id,
        flag_ids=ids,
    )


def _description(rows: list[FlagRow], rule_code: str, rule: Rule | None = None) -> str:
    reasons = "\n".join(f"- {row.reason}" for row in rows)
    source = _("Found by screening rule {code}; confirmed on review.").format(code=rule_code)
    alternative = rule.fraud_alternative_text() if rule is not None else ""
    return "\n".join(part for part in (reasons, source, alternative) if part).strip()


def _confirmed_review(session: Session, review_id: str) -> FlagReview:
    """The review, if it is (still) confirmed and has no finding that stands."""
    review = session.get(FlagReview, review_id)
    if (
        review is None
        or review.deleted_at is not None
        or FlagReviewStatus(review.status) is not FlagReviewStatus.CONFIRMED
    ):
        raise FlagNotConfirmedError(
            _("Only a confirmed flag can become a finding; review it first.")
        )
    if _live_finding(session, review.finding_id) is not None:
        raise FlagAlreadyFindingError(_("This flag has already become a finding."))
    return review


def finding_from_flag(
    *,
    profile: OpenProfile,
    flag_id: int,
    title: str | None = None,
    description: str | None = None,
    amount_fen: int | None = None,
) -> str:
    """Create the finding of a confirmed flag (prefilled, overridable); returns its id.

    One transaction makes the finding, records it on the review and links the two, after
    checking again — inside that transaction — that the review is still confirmed and has
    no finding: a failure leaves nothing behind, and a retry cannot make a second finding.

    Raises:
        FlagNotConfirmedError: the flag has not been reviewed as confirmed.
        FlagAlreadyFindingError: the review already has a finding that is not withdrawn.
        NotAllowedError: the user may not record in the case.
    """
    # The findings service's session-level insert (the one its own checklist → finding
    # conversion uses): the same validation, links and case history as create_finding,
    # but inside this transaction. It is module-private there; see docs/screening.md.
    from inspector_app.findings.service import insert_finding

    prefill = flag_to_finding(profile=profile, flag_id=flag_id)
    with profile.session() as session:
        require_recording(session, profile, prefill.case_id)
        review = _confirmed_review(session, prefill.review_id)
        finding = insert_finding(
            profile,
            session,
            case_id=prefill.case_id,
            violation_code=prefill.violation_code,
            title=title if title is not None else prefill.title,
            description=description if description is not None else prefill.description,
            legal_basis=prefill.legal_basis,
            amount_fen=amount_fen if amount_fen is not None else prefill.amount_fen,
            handling=prefill.handling,
            status=FindingStatus.DRAFT,
            links=prefill.links,
            action="finding.created",
        )
        review.finding_id = finding.id
        link(
            session, prefill.case_id, LinkRef(LinkKind.FINDING, finding.id),
            LinkRef(LinkKind.SCREENING_FLAG, review.id),
        )  # fmt: skip
        record_case_event(
            profile, session, prefill.case_id, "screening.flag_to_finding",
            entity="flag_review", entity_id=review.id, detail=f"finding={finding.id}",
        )  # fmt: skip
        return finding.id
