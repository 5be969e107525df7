"""The review worksheet: decisions, amounts, checks, completion, links and who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspector_app.casework.access import NotAllowedError
from inspector_app.casework.links import LinkRef
from inspector_app.findings.catalogue import UnknownViolationError
from inspector_app.profiles import OpenProfile
from inspector_app.review import (
    ReviewClosedError,
    ReviewNotFoundError,
    complete_review,
    decide_line,
    link_review,
    open_worksheet,
    reopen_review,
    review_progress,
    set_checks,
    unlink_review,
    worksheet,
)
from local_db.enums import CaseStatus, LineDecision, LinkKind, ReviewStatus, TeamRole
from local_db.models import (
    AuditLogEntry,
    CaseFile,
    Claim,
    ClaimLine,
    ClaimReview,
    EvidenceItem,
    Finding,
    Inspector,
    OutboxEntry,
    TeamMembership,
)
from tests.unit.review.conftest import Sampled
from tests.unit.sampling.world import act_as_inspector


def _claim(profile: OpenProfile, number: str, batch_id: str) -> tuple[Claim, list[ClaimLine]]:
    with profile.read_session() as session:
        claim = session.scalars(
            select(Claim).where(Claim.batch_id == batch_id, Claim.settlement_no == number)
        ).one()
        lines = list(session.scalars(
            select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(ClaimLine.line_no)
        ))  # fmt: skip
        return claim, lines


def _covered(lines: list[ClaimLine]) -> list[ClaimLine]:
    return [line for line in lines if line.coverage_class != "C" and line.amount_fen > 0]


def _pick(profile: OpenProfile, sampled: Sampled) -> tuple[str, Claim, list[ClaimLine]]:
    """A sampled claim with at least three covered lines."""
    for number in sampled.numbers:
        claim, lines = _claim(profile, number, sampled.world.batch_id)
        if len(_covered(lines)) >= 3 and claim.fund_fen > 0:
            return number, claim, lines
    raise AssertionError("no sampled claim with three covered lines")


def test_review_round_trip_with_amounts(profile: OpenProfile, sampled: Sampled) -> None:
    number, claim, lines = _pick(profile, sampled)
    view = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=number)
    assert view.status is ReviewStatus.IN_PROGRESS and view.can_record
    assert view.examined_fen == view.audited_fen == claim.fund_fen
    assert [line.line_no for line in view.lines] == [line.line_no for line in lines]
    assert all(line.decision is LineDecision.ACCEPTED and not line.decided for line in view.lines)
    expected_checks = "nursing_bed_days" in [c.key for c in view.checks]
    assert expected_checks == (claim.visit_type == "inpatient")
    review_id = view.review_id
    assert review_id is not None
    first, second, third = _covered(lines)[:3]
    decide_line(profile, review_id=review_id, line_no=first.line_no,
                decision=LineDecision.DISALLOWED, violation_code="art38.3",
                reason="无医嘱收费")  # fmt: skip
    partly = max(1, second.amount_fen // 3)
    decide_line(profile, review_id=review_id, line_no=second.line_no,
                decision=LineDecision.PARTLY_DISALLOWED, disallowed_fen=partly,
                violation_code="art38.2")  # fmt: skip
    decide_line(profile, review_id=review_id, line_no=third.line_no,
                decision=LineDecision.DISALLOWED, violation_code="art38.3")  # fmt: skip
    view = decide_line(
        profile, review_id=review_id, line_no=third.line_no, decision=LineDecision.ACCEPTED
    )  # changed mind: accepted again
    disallowed = first.amount_fen + partly
    base = sum(line.amount_fen for line in _covered(lines))
    share = min(claim.fund_fen, (2 * disallowed * claim.fund_fen + base) // (2 * base))
    assert view.disallowed_fen == disallowed and view.disallowed_fund_fen == share
    assert view.audited_fen == claim.fund_fen - share
    by_line = {line.line_no: line for line in view.lines}
    assert by_line[first.line_no].violation_code == "art38.3"
    assert by_line[first.line_no].reason == "无医嘱收费"
    assert by_line[second.line_no].disallowed_fen == partly
    assert by_line[third.line_no].decided and by_line[third.line_no].disallowed_fen == 0
    key = view.checks[0].key
    view = set_checks(profile, review_id=review_id, answers={key: "yes", view.checks[1].key: "no"})
    assert [c.answer for c in view.checks[:3]] == ["yes", "no", ""]
    view = set_checks(profile, review_id=review_id, answers={key: ""})
    assert view.checks[0].answer == ""
    progress = review_progress(profile, sampled.draw_id)
    assert (progress.total, progress.done, progress.in_progress) == (len(sampled.numbers), 0, 1)
    assert progress.examined_fen == 0  # an unfinished review does not count yet
    done = complete_review(profile, review_id=review_id, note="病历核对完毕")
    assert done.status is ReviewStatus.DONE and done.completed_at is not None
    assert done.note == "病历核对完毕" and done.audited_fen == claim.fund_fen - share
    with profile.read_session() as session:
        stored = session.get_one(ClaimReview, review_id)
        assert (stored.examined_fen, stored.audited_fen) == (claim.fund_fen, claim.fund_fen - share)
        outbox = session.scalars(select(OutboxEntry.entity).where(
            OutboxEntry.entity.in_(["claim_review", "line_review"]))).all()  # fmt: skip
        actions = session.scalars(select(AuditLogEntry.action).where(
            AuditLogEntry.entity_id == review_id)).all()  # fmt: skip
    assert {"claim_review", "line_review"} <= set(outbox)
    assert "review.completed" in actions and actions.count("review.line_decided") == 4
    progress = review_progress(profile, sampled.draw_id)
    assert (progress.done, progress.in_progress) == (1, 0)
    assert progress.not_started == len(sampled.numbers) - 1
    assert (progress.examined_fen, progress.improper_fen) == (claim.fund_fen, share)
    assert sum(s.total for s in progress.strata) == progress.total and not progress.complete
    stratum = next(s for s in progress.strata if s.done)
    assert stratum.stratum == done.stratum and stratum.audited_fen == done.audited_fen
    assert worksheet(profile, review_id=review_id).audited_fen == done.audited_fen


def test_a_completed_review_changes_only_after_reopening(
    profile: OpenProfile, sampled: Sampled
) -> None:
    number, _claim_row, lines = _pick(profile, sampled)
    review_id = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=number).review_id
    assert review_id is not None
    complete_review(profile, review_id=review_id)
    line_no = _covered(lines)[0].line_no
    with pytest.raises(ReviewClosedError):
        decide_line(profile, review_id=review_id, line_no=line_no,
                    decision=LineDecision.DISALLOWED, violation_code="art38.1")  # fmt: skip
    reopened = reopen_review(profile, review_id=review_id)
    assert reopened.status is ReviewStatus.IN_PROGRESS and reopened.completed_at is None
    decide_line(profile, review_id=review_id, line_no=line_no,
                decision=LineDecision.DISALLOWED, violation_code="art38.1")  # fmt: skip
    assert review_progress(profile, sampled.draw_id).done == 0


@pytest.mark.parametrize(
    "case",
    [
        (LineDecision.PARTLY_DISALLOWED, None, "art38.1", ValueError),
        (LineDecision.PARTLY_DISALLOWED, 0, "art38.1", ValueError),
        (LineDecision.PARTLY_DISALLOWED, 10**9, "art38.1", ValueError),
        (LineDecision.DISALLOWED, 1, "art38.1", ValueError),
        (LineDecision.DISALLOWED, None, "", ValueError),
        # Neither a data-quality note nor an Art. 39 duty says money was paid wrongly.
        (LineDecision.DISALLOWED, None, "dq", ValueError),
        (LineDecision.DISALLOWED, None, "art39.2", ValueError),
        (LineDecision.DISALLOWED, None, "art99.9", UnknownViolationError),
    ],
)
def test_decisions_that_do_not_fit_the_line_are_refused(
    profile: OpenProfile,
    sampled: Sampled,
    case: tuple[LineDecision, int | None, str, type[Exception]],
) -> None:
    decision, amount, code, error = case
    number, _claim_row, lines = _pick(profile, sampled)
    line = max(_covered(lines), key=lambda row: row.amount_fen)
    review_id = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=number).review_id
    assert review_id is not None and line.amount_fen > 1
    with pytest.raises(error):
        decide_line(profile, review_id=review_id, line_no=line.line_no, decision=decision,
                    disallowed_fen=amount, violation_code=code)  # fmt: skip
    assert worksheet(profile, review_id=review_id).disallowed_fen == 0


def test_unknown_claims_lines_and_checks(profile: OpenProfile, sampled: Sampled) -> None:
    with pytest.raises(ReviewNotFoundError):
        open_worksheet(profile, draw_id=sampled.draw_id, settlement_no="NOT-SAMPLED")
    with pytest.raises(ReviewNotFoundError):
        open_worksheet(profile, draw_id="no-such-draw", settlement_no=sampled.numbers[0])
    review_id = open_worksheet(
        profile, draw_id=sampled.draw_id, settlement_no=sampled.numbers[0]
    ).review_id
    assert review_id is not None
    with pytest.raises(ReviewNotFoundError):
        decide_line(profile, review_id=review_id, line_no=9999, decision=LineDecision.ACCEPTED)
    with pytest.raises(ValueError, match="not a check"):
        set_checks(profile, review_id=review_id, answers={"no_such_check": "yes"})
    with pytest.raises(ValueError, match="not an answer"):
        set_checks(profile, review_id=review_id, answers={"patient_identity": "maybe"})
    # Opening again returns the same review, not a second one.
    again = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=sampled.numbers[0])
    assert again.review_id == review_id


def _link_targets(profile: OpenProfile, case_id: str) -> tuple[str, str, str]:
    with profile.read_session() as session:
        evidence = session.scalars(select(EvidenceItem.id).where(EvidenceItem.case_id == case_id))
        finding = session.scalars(select(Finding.id).where(Finding.case_id == case_id))
        foreign = session.scalars(select(Finding.id).where(Finding.case_id != case_id))
        ids = (evidence.first(), finding.first(), foreign.first())
    assert all(ids)
    return ids  # type: ignore[return-value]


def test_links_only_to_evidence_and_findings_of_the_case(
    profile: OpenProfile, sampled: Sampled
) -> None:
    _evidence, _finding, foreign = _link_targets(profile, sampled.world.case_id)
    review_id = open_worksheet(
        profile, draw_id=sampled.draw_id, settlement_no=sampled.numbers[1]
    ).review_id
    assert review_id is not None
    with pytest.raises(LookupError):
        link_review(profile, review_id=review_id, target=LinkRef(LinkKind.FINDING, foreign))
    with pytest.raises(ValueError):
        link_review(profile, review_id=review_id, target=LinkRef(LinkKind.CLAIM, "x"))


def test_evidence_and_findings_of_the_case_are_linked(
    profile: OpenProfile, sampled: Sampled
) -> None:
    evidence_id, finding_id, _foreign = _link_targets(profile, sampled.world.case_id)
    review_id = open_worksheet(
        profile, draw_id=sampled.draw_id, settlement_no=sampled.numbers[1]
    ).review_id
    assert review_id is not None
    link_review(profile, review_id=review_id, target=LinkRef(LinkKind.EVIDENCE, evidence_id))
    view = link_review(profile, review_id=review_id, target=LinkRef(LinkKind.FINDING, finding_id))
    assert view.evidence_ids == (evidence_id,) and view.finding_ids == (finding_id,)
    view = unlink_review(
        profile, review_id=review_id, target=LinkRef(LinkKind.EVIDENCE, evidence_id)
    )
    assert view.evidence_ids == () and view.finding_ids == (finding_id,)


def _join_team(profile: OpenProfile, case_id: str, role: TeamRole) -> str:
    with profile.session() as session:
        case = session.get_one(CaseFile, case_id)
        members = select(TeamMembership.inspector_id).where(TeamMembership.task_id == case.task_id)
        outsider = session.scalars(select(Inspector).where(Inspector.id.not_in(members))).first()
        assert outsider is not None
        session.add(TeamMembership(task_id=case.task_id, inspector_id=outsider.id, role=role))
        return outsider.id


def test_social_supervisors_read_without_identity_and_change_nothing(
    profile: OpenProfile, sampled: Sampled
) -> None:
    number, claim, lines = _pick(profile, sampled)
    review_id = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=number).review_id
    assert review_id is not None
    untouched = sampled.numbers[-1] if sampled.numbers[-1] != number else sampled.numbers[-2]
    act_as_inspector(
        profile, _join_team(profile, sampled.world.case_id, TeamRole.SOCIAL_SUPERVISOR)
    )
    view = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=number)
    assert not view.can_record and view.review_id == review_id
    assert view.claim.patient_name != claim.patient_name and "*" in view.claim.patient_name
    assert view.claim.patient_id_no != claim.patient_id_no
    unopened = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=untouched)
    assert unopened.review_id is None and unopened.status is None  # reading starts nothing
    line_no = _covered(lines)[0].line_no
    for attempt in (
        lambda: decide_line(profile, review_id=review_id, line_no=line_no,
                            decision=LineDecision.DISALLOWED, violation_code="art38.1"),
        lambda: set_checks(profile, review_id=review_id, answers={"patient_identity": "yes"}),
        lambda: complete_review(profile, review_id=review_id),
    ):  # fmt: skip
        with pytest.raises(NotAllowedError):
            attempt()
    assert review_progress(profile, sampled.draw_id).in_progress == 1


def test_a_closed_case_is_read_only_for_the_team(profile: OpenProfile, sampled: Sampled) -> None:
    review_id = open_worksheet(
        profile, draw_id=sampled.draw_id, settlement_no=sampled.numbers[0]
    ).review_id
    assert review_id is not None
    with profile.session() as session:
        session.get_one(CaseFile, sampled.world.case_id).status = CaseStatus.CLOSED
    with pytest.raises(NotAllowedError, match="closed"):
        complete_review(profile, review_id=review_id)
    view = open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=sampled.numbers[2])
    assert view.review_id is None and not view.can_record
