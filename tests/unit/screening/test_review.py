"""Flags are reviewed by the case's team, survive a re-run; only confirmed ones become findings."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspector_app import i18n
from inspector_app.casework.access import NotAllowedError
from inspector_app.findings.service import finding_detail
from inspector_app.profiles import OpenProfile
from inspector_app.screening import (
    UNREVIEWED,
    FindingPrefill,
    FlagAlreadyFindingError,
    FlagFilter,
    FlagNotConfirmedError,
    finding_from_flag,
    flag_to_finding,
    list_flags,
    review_flag,
    review_of_flag,
    rule_summaries,
)
from inspector_app.screening import review as review_module
from local_db.enums import FlagReviewStatus, LinkKind
from local_db.models import CaseLink, Finding, FlagReview, LocalUser, OutboxEntry
from tests.unit.screening.world import (
    DRUG,
    GYNAE,
    Claim,
    Line,
    World,
    load_claims,
    make_world,
    screen,
)

DAY = "2025-03-05"


@pytest.fixture
def world(profile: OpenProfile) -> World:
    return make_world(profile)


def _batch(profile: OpenProfile, world: World, institution: str = "H2") -> str:
    claims = [
        Claim("MAN-1", DAY, patient="990102198001010001", lines=[Line(GYNAE, DAY)]),
        Claim("MAN-2", DAY, patient="990102198001010002", department="外科",
              lines=[Line(GYNAE, DAY), Line(GYNAE, DAY, time="10:00:00", price=1300)]),
        Claim("OK", DAY, patient="990102198001010003", lines=[Line(DRUG, DAY)]),
    ]  # fmt: skip
    return load_claims(profile, world, claims, institution=institution)


def _flag(profile: OpenProfile, run_id: str, settlement_no: str) -> int:
    page = list_flags(profile=profile, run_id=run_id, filters=FlagFilter(search=settlement_no))
    return page.rows[0].id


def _act_as(profile: OpenProfile, inspector_id: str | None) -> None:
    with profile.session() as session:
        session.get_one(LocalUser, profile.user_id).inspector_id = inspector_id


def test_review_round_trip_survives_a_rerun(profile: OpenProfile, world: World) -> None:
    batch = _batch(profile, world)
    run = screen(profile, batch, "SEX_ITEM")
    flag = _flag(profile, run, "MAN-1")
    assert review_of_flag(profile=profile, flag_id=flag) is None
    decided = review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.CONFIRMED)
    assert decided.status is FlagReviewStatus.CONFIRMED and decided.settlement_no == "MAN-1"
    with pytest.raises(ValueError, match="Say why"):
        review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.DISMISSED)
    review_flag(
        profile=profile, flag_id=flag, status=FlagReviewStatus.DATA_QUALITY, note="编码对照错误"
    )
    with profile.read_session() as session:
        reviews = session.scalars(select(FlagReview)).all()
        synced = session.scalar(select(func.count()).where(OutboxEntry.entity == "flag_review"))
    assert [(r.settlement_no, r.status, r.note) for r in reviews] == [
        ("MAN-1", FlagReviewStatus.DATA_QUALITY, "编码对照错误")
    ]
    assert synced == 2  # insert, then update: through the ORM, so the outbox has both
    rerun = screen(profile, batch, "SEX_ITEM")
    statuses = {
        row.settlement_no: row.status for row in list_flags(profile=profile, run_id=rerun).rows
    }
    assert statuses == {"MAN-1": FlagReviewStatus.DATA_QUALITY, "MAN-2": None}
    unreviewed = list_flags(profile=profile, run_id=rerun, filters=FlagFilter(status=UNREVIEWED))
    assert {row.settlement_no for row in unreviewed.rows} == {"MAN-2"}
    summary = {s.code: s for s in rule_summaries(profile=profile, run_id=rerun)}["SEX_ITEM"]
    assert (summary.flags, summary.claims, summary.data_quality, summary.unreviewed) == (
        3,
        2,
        1,
        1,
    )


def test_a_flag_becomes_a_finding_only_once_confirmed(profile: OpenProfile, world: World) -> None:
    batch = _batch(profile, world)
    run = screen(profile, batch, "SEX_ITEM")
    flag = _flag(profile, run, "MAN-2")
    with pytest.raises(FlagNotConfirmedError):
        flag_to_finding(profile=profile, flag_id=flag)
    review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.DISMISSED, note="已核实")
    with pytest.raises(FlagNotConfirmedError):
        finding_from_flag(profile=profile, flag_id=flag)
    review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.CONFIRMED)
    prefill = flag_to_finding(profile=profile, flag_id=flag)
    assert prefill.case_id == world.case_id
    assert prefill.violation_code == "art38.4"
    assert prefill.amount_fen == 1200 + 1300  # both lines of the rule on this claim
    assert len(prefill.flag_ids) == 2
    assert [(link.kind, link.ref) for link in prefill.links] == [(LinkKind.CLAIM, "MAN-2")]
    assert "MAN-2" in prefill.title and "阴道分泌物检查" in prefill.description
    finding_id = finding_from_flag(profile=profile, flag_id=flag)
    finding = finding_detail(profile=profile, finding_id=finding_id)
    assert (finding.violation_code, finding.amount_fen) == ("art38.4", 2500)
    assert finding.links.claims == ("MAN-2",)
    review = review_of_flag(profile=profile, flag_id=flag)
    assert review is not None and review.finding_id == finding_id
    with profile.read_session() as session:
        link = session.scalars(
            select(CaseLink).where(CaseLink.target_kind == LinkKind.SCREENING_FLAG)
        ).one()
    assert (link.source_id, link.target_ref) == (finding_id, review.id)
    with pytest.raises(FlagAlreadyFindingError):
        finding_from_flag(profile=profile, flag_id=flag)
    with pytest.raises(ValueError, match="already became a finding"):
        review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.DISMISSED, note="x")


def test_only_the_case_team_may_review(profile: OpenProfile, world: World) -> None:
    run = screen(profile, _batch(profile, world), "SEX_ITEM")
    flag = _flag(profile, run, "MAN-1")
    _act_as(profile, world.people["supervisor"])  # a social supervisor changes nothing
    with pytest.raises(NotAllowedError):
        review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.CONFIRMED)
    _act_as(profile, None)  # not on the team
    with pytest.raises(NotAllowedError):
        review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.CONFIRMED)
    _act_as(profile, world.people["member"])
    assert review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.CONFIRMED)


def test_flags_of_data_outside_a_case_cannot_be_reviewed(
    profile: OpenProfile, world: World
) -> None:
    run = screen(profile, _batch(profile, world, institution="H3"), "SEX_ITEM")
    flag = _flag(profile, run, "MAN-1")
    with pytest.raises(NotAllowedError, match="not part of a case"):
        review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.CONFIRMED)


def _confirmed_flag(profile: OpenProfile, world: World) -> int:
    run = screen(profile, _batch(profile, world), "SEX_ITEM")
    flag = _flag(profile, run, "MAN-2")
    review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.CONFIRMED)
    return flag


def _findings(profile: OpenProfile) -> int:
    with profile.read_session() as session:
        return int(session.scalar(select(func.count()).select_from(Finding)) or 0)


def test_the_prefill_cites_only_the_suggested_violations_article(
    profile: OpenProfile, world: World
) -> None:
    """Art. 38 (fine 1–2x) and Art. 40 (2–5x) exclude each other; Art. 40 is named only as
    what applies if an intent to defraud is established."""
    flag = _confirmed_flag(profile, world)
    i18n.set_language("zh_CN")
    prefill = flag_to_finding(profile=profile, flag_id=flag)
    assert prefill.violation_code == "art38.4"
    assert prefill.legal_basis == "《医疗保障基金使用监督管理条例》第三十八条第四项"
    assert "第四十条第三项" in prefill.description
    finding = finding_detail(
        profile=profile, finding_id=finding_from_flag(profile=profile, flag_id=flag)
    )
    assert "第四十条" not in finding.legal_basis


def test_a_failure_while_linking_leaves_no_orphan_finding(
    profile: OpenProfile, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag = _confirmed_flag(profile, world)

    def broken_link(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(review_module, "link", broken_link)
        with pytest.raises(OSError, match="disk full"):
            finding_from_flag(profile=profile, flag_id=flag)
    assert _findings(profile) == 0
    review = review_of_flag(profile=profile, flag_id=flag)
    assert review is not None and review.finding_id is None
    finding_id = finding_from_flag(profile=profile, flag_id=flag)  # the retry makes one
    assert _findings(profile) == 1
    review = review_of_flag(profile=profile, flag_id=flag)
    assert review is not None and review.finding_id == finding_id


def test_a_flag_dismissed_meanwhile_does_not_become_a_finding(
    profile: OpenProfile, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone dismisses the flag between the prefill and the write: nothing is made."""
    flag = _confirmed_flag(profile, world)
    prefill = review_module.flag_to_finding

    def prefill_then_dismiss(**kwargs: Any) -> FindingPrefill:
        made = prefill(**kwargs)
        review_flag(profile=profile, flag_id=flag, status=FlagReviewStatus.DISMISSED, note="x")
        return made

    monkeypatch.setattr(review_module, "flag_to_finding", prefill_then_dismiss)
    with pytest.raises(FlagNotConfirmedError):
        finding_from_flag(profile=profile, flag_id=flag)
    assert _findings(profile) == 0
