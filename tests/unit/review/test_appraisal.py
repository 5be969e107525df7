"""Appraising a draw from its reviews: the same figures as ``inspector stats appraise`` on
the exported files, refusals while reviews are open or for PPS, and recorded appraisals."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select, update

from inspector_app.casework.access import NotAllowedError
from inspector_app.cli.main import EXIT_OK, main
from inspector_app.profiles import OpenProfile
from inspector_app.review import complete_review, decide_line, open_worksheet, reopen_review
from inspector_app.review.appraisal import (
    AppraisalNotReadyError,
    appraisals_of,
    appraise_draw,
    record_appraisal,
    recording_standing,
)
from inspector_app.sampling import (
    DesignOptions,
    DesignParameters,
    FrameDefinition,
    build_frame,
    draw_sample,
    draw_units,
    export_sample_csv,
    run_method,
)
from inspector_app.sampling.design import CapRule
from inspector_app.sampling.export import yuan
from inspector_app.statistics.recovery import RecoveryRule
from inspector_app.statistics.sample_csv import parse_amount_fen
from local_db.enums import CaseStatus, LineDecision, SamplingMethod, TeamRole
from local_db.models import (
    AppraisalRecord,
    AuditLogEntry,
    CaseFile,
    Claim,
    LocalUser,
    OutboxEntry,
)
from tests.unit.review.conftest import Sampled
from tests.unit.review.test_worksheet import _join_team
from tests.unit.sampling.world import act_as_inspector, screen


def review_all(profile: OpenProfile, draw_id: str, *, every: int = 3) -> list[str]:
    """Complete every unit's review; every ``every``-th loses its largest covered line
    (whole or, alternately, half of it). Returns the review ids in draw order."""
    ids = []
    for position, unit in enumerate(draw_units(profile, draw_id)):
        view = open_worksheet(profile, draw_id=draw_id, settlement_no=unit.settlement_no)
        assert view.review_id is not None
        covered = [ln for ln in view.lines if ln.coverage_class != "C" and ln.amount_fen > 1]
        if position % every == 0 and covered:
            line = max(covered, key=lambda ln: ln.amount_fen)
            if position % (2 * every) == 0:
                decide_line(profile, review_id=view.review_id, line_no=line.line_no,
                            decision=LineDecision.DISALLOWED, violation_code="art38.1",
                            reason="无医嘱")  # fmt: skip
            else:
                decide_line(profile, review_id=view.review_id, line_no=line.line_no,
                            decision=LineDecision.PARTLY_DISALLOWED,
                            disallowed_fen=line.amount_fen // 2, violation_code="art38.2",
                            reason="超量")  # fmt: skip
        complete_review(profile, review_id=view.review_id)
        ids.append(view.review_id)
    return ids


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main(["--lang", "en", "stats", "appraise", *args, "--json"])
    captured = capsys.readouterr()
    assert code == EXIT_OK, captured.err
    data: dict[str, object] = json.loads(captured.out)
    return data


def _hash_of_export(path: Path) -> str:
    """inputs_sha256 recomputed from SAMPLE.csv alone, as a third party would."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    text = "".join(
        f"{r['id']}\t{parse_amount_fen(r['examined'])}\t{parse_amount_fen(r['audited'])}"
        f"\t{r.get('stratum', '')}\n"
        for r in rows
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "level", [(0.90, RecoveryRule.TWO_SIDED_90_LOWER), (0.95, RecoveryRule.CMS_ONE_SIDED_90_LOWER)]
)
def test_stratified_appraisal_equals_the_cli_on_the_export(
    profile: OpenProfile,
    sampled: Sampled,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    level: tuple[float, RecoveryRule],
) -> None:
    confidence, rule = level
    review_all(profile, sampled.draw_id)
    result = appraise_draw(profile, sampled.draw_id, confidence=confidence, rule=rule)
    assert result.appraisal.stratified and result.improper_fen > 0
    exported = export_sample_csv(profile, sampled.draw_id, tmp_path)
    assert exported.strata_path is not None and exported.reviewed == len(sampled.numbers)
    cli = _cli(
        capsys, "--input", str(exported.sample_path), "--strata", str(exported.strata_path),
        "--confidence", str(confidence), "--rule", rule.value,
    )  # fmt: skip
    assert cli == result.appraisal.to_json()
    assert set(result.appraisal.estimators) == {"difference", "ratio", "mean_per_unit"}
    assert _hash_of_export(exported.sample_path) == result.inputs_sha256
    # The limits at every level are the CLI's recovery limits, in fen.
    estimators = cli["estimators"]
    assert isinstance(estimators, dict)
    for name, limits in result.limits.items():
        listed = estimators[name]["recovery"]["lower_limits"]
        assert [round(item["lower"] * 100) for item in listed] == [lv.lower_fen for lv in limits]
        selected = [lv for lv in limits if lv.selected]
        assert len(selected) == 1 and selected[0].two_sided == rule.two_sided_level
        assert result.recovery_fen(name) == round(
            estimators[name]["recovery"]["selected_lower"] * 100
        )
    assert [lv.two_sided for lv in result.limits["difference"]] == [0.80, 0.90, 0.95]
    document = result.to_json()
    assert document["draw"]["id"] == sampled.draw_id
    assert {k: v for k, v in document.items() if k in cli} == cli


def test_unrestricted_appraisal_equals_the_cli_on_the_export(
    profile: OpenProfile, sampled: Sampled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = draw_sample(
        profile, case_id=sampled.world.case_id,
        frame=FrameDefinition(batch_id=sampled.world.batch_id),
        method=SamplingMethod.SIMPLE_RANDOM, size=10, seed=77,
    )  # fmt: skip
    review_all(profile, summary.draw_id, every=2)
    result = appraise_draw(profile, summary.draw_id, confidence=0.80)
    assert not result.appraisal.stratified
    exported = export_sample_csv(profile, summary.draw_id, tmp_path)
    assert exported.strata_path is None
    cli = _cli(
        capsys, "--input", str(exported.sample_path),
        "--frame-size", str(exported.frame_size),
        "--frame-examined", yuan(exported.frame_examined_fen), "--confidence", "0.80",
    )  # fmt: skip
    assert cli == result.appraisal.to_json()
    assert result.frame_examined_fen == exported.frame_examined_fen
    assert _hash_of_export(exported.sample_path) == result.inputs_sha256


def test_open_reviews_are_refused_with_their_number(profile: OpenProfile, sampled: Sampled) -> None:
    total = len(sampled.numbers)
    with pytest.raises(AppraisalNotReadyError, match=f"{total} of {total} sampled claims are"):
        appraise_draw(profile, sampled.draw_id)
    ids = review_all(profile, sampled.draw_id)
    reopen_review(profile, review_id=ids[0])
    open_worksheet(profile, draw_id=sampled.draw_id, settlement_no=sampled.numbers[1])
    with pytest.raises(AppraisalNotReadyError, match=r"1 of \d+ sampled claims is .*1 in progress"):
        appraise_draw(profile, sampled.draw_id)
    with pytest.raises(AppraisalNotReadyError):
        record_appraisal(profile, sampled.draw_id)
    complete_review(profile, review_id=ids[0])
    assert appraise_draw(profile, sampled.draw_id).appraisal.sample_size == total


def test_pps_samples_are_refused(profile: OpenProfile, sampled: Sampled) -> None:
    summary = draw_sample(
        profile, case_id=sampled.world.case_id,
        frame=FrameDefinition(batch_id=sampled.world.batch_id),
        method=SamplingMethod.PPS, size=5, seed=3,
    )  # fmt: skip
    with pytest.raises(AppraisalNotReadyError, match="PPS"):
        appraise_draw(profile, summary.draw_id)


def test_recorded_appraisals_are_kept_listed_and_audited(
    profile: OpenProfile, sampled: Sampled
) -> None:
    review_all(profile, sampled.draw_id)
    shown = appraise_draw(profile, sampled.draw_id, confidence=0.90)
    with pytest.raises(ValueError, match="changed"):
        record_appraisal(profile, sampled.draw_id, expected_sha256="0" * 64)
    with pytest.raises(ValueError, match="not available"):
        record_appraisal(profile, sampled.draw_id, estimator="bootstrap")
    first = record_appraisal(profile, sampled.draw_id, confidence=0.90,
                             expected_sha256=shown.inputs_sha256)  # fmt: skip
    second = record_appraisal(profile, sampled.draw_id, confidence=0.95, estimator="ratio",
                              rule=RecoveryRule.TWO_SIDED_95_LOWER)  # fmt: skip
    listed = appraisals_of(profile, sampled.draw_id)
    assert [a.id for a in listed] == [second, first]
    kept = listed[1]
    difference = shown.appraisal.estimators["difference"]
    assert kept.point_fen == round(difference.point_estimate * 100)
    assert (kept.lower_fen, kept.upper_fen) == (
        round(difference.lower * 100), round(difference.upper * 100),
    )  # fmt: skip
    assert kept.recovery_fen == shown.recovery_fen() and kept.inputs_sha256 == shown.inputs_sha256
    assert kept.result["estimators"] == shown.appraisal.to_json()["estimators"]
    assert kept.result["draw"]["id"] == sampled.draw_id
    assert listed[0].estimator == "ratio" and listed[0].rule is RecoveryRule.TWO_SIDED_95_LOWER
    with profile.read_session() as session:
        actions = session.scalars(
            select(AuditLogEntry.action).where(AuditLogEntry.entity_id == first)
        ).all()
        synced = session.scalars(
            select(OutboxEntry.entity_id).where(OutboxEntry.entity == "appraisal_record")
        ).all()
    assert actions == ["appraisal.recorded"] and {first, second} <= set(synced)


def test_only_the_team_records_and_not_in_a_closed_case(
    profile: OpenProfile, sampled: Sampled
) -> None:
    review_all(profile, sampled.draw_id)
    assert recording_standing(profile, sampled.draw_id).can_record
    with profile.read_session() as session:
        leader = session.get_one(LocalUser, profile.user_id).inspector_id
    act_as_inspector(
        profile, _join_team(profile, sampled.world.case_id, TeamRole.SOCIAL_SUPERVISOR)
    )
    standing = recording_standing(profile, sampled.draw_id)
    assert not standing.can_record and "role" in standing.reason
    assert appraise_draw(profile, sampled.draw_id).appraisal.sample_size > 0  # reading is fine
    with pytest.raises(NotAllowedError):
        record_appraisal(profile, sampled.draw_id)
    act_as_inspector(profile, leader)
    with profile.session() as session:
        session.get_one(CaseFile, sampled.world.case_id).status = CaseStatus.CLOSED
    assert "closed" in recording_standing(profile, sampled.draw_id).reason
    with pytest.raises(NotAllowedError, match="closed"):
        record_appraisal(profile, sampled.draw_id)
    with profile.read_session() as session:
        assert session.scalars(select(AppraisalRecord)).first() is None


def test_a_capped_risk_based_draw_extrapolates_to_its_whole_frame(
    profile: OpenProfile, sampled: Sampled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review finding: with a cap the flagged claims not taken were in no stratum, so the
    appraisal's frame was smaller than the draw's. Now the flagged stratum is sampled at
    random and keeps every flagged claim: the appraisal's N is the draw's N."""
    run_id = screen(profile, sampled.world.batch_id, every=7)
    frame = FrameDefinition(batch_id=sampled.world.batch_id, screening_run_id=run_id)
    summary = draw_sample(profile, case_id=sampled.world.case_id, frame=frame,
                          method=SamplingMethod.RISK_BASED, size=6,
                          options=DesignOptions(flagged_cap=4), seed=5)  # fmt: skip
    review_all(profile, summary.draw_id)
    result = appraise_draw(profile, summary.draw_id)
    assert result.appraisal.frame_size == summary.frame_size == 600
    assert isinstance(result.frame, tuple)
    flagged = next(s for s in result.frame if s.stratum == "flagged")
    assert flagged.size == len(range(0, 600, 7)) and summary.design["flagged_taken"] == 4
    assert result.frame_examined_fen == summary.frame_fund_fen
    exported = export_sample_csv(profile, summary.draw_id, tmp_path)
    assert exported.covers_frame and exported.strata_path is not None
    cli = _cli(capsys, "--input", str(exported.sample_path), "--strata",
               str(exported.strata_path))  # fmt: skip
    assert cli == result.appraisal.to_json()


def test_a_draw_with_the_earlier_ranked_cap_is_refused_with_the_reason(
    profile: OpenProfile, sampled: Sampled
) -> None:
    run_id = screen(profile, sampled.world.batch_id, every=7)
    frame = FrameDefinition(batch_id=sampled.world.batch_id, screening_run_id=run_id)
    options = DesignOptions(flagged_cap=4, cap_rule=CapRule.LARGEST_STAKE)
    summary = draw_sample(profile, case_id=sampled.world.case_id, frame=frame,
                          method=SamplingMethod.RISK_BASED, size=6, options=options,
                          seed=5)  # fmt: skip
    with pytest.raises(AppraisalNotReadyError, match=r"cover \d+ of the 600 claims"):
        appraise_draw(profile, summary.draw_id)


def test_a_sample_holding_a_reversal_claim_is_appraised(
    profile: OpenProfile, sampled: Sampled, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review finding: a 冲销 claim (fund share −25.00 yuan) in an SRS sample blocked the
    appraisal. Kept in the frame on purpose (``exclude_nonpositive=False``), it is
    reviewed and extrapolated like any claim, here and by the CLI on the export."""
    world = sampled.world
    frame = FrameDefinition(batch_id=world.batch_id, exclude_nonpositive=False)
    with profile.read_session() as session:
        arrays = build_frame(session, frame)
    # Simple random selection depends on the frame's order only, not its amounts.
    chosen = run_method(arrays, DesignParameters(SamplingMethod.SIMPLE_RANDOM, 8), 99)
    reversal = arrays.settlement_nos[int(chosen.positions[2])]
    with profile.session() as session:
        session.execute(update(Claim).where(Claim.batch_id == world.batch_id,
                                            Claim.settlement_no == reversal)
                        .values(fund_fen=-2_500))  # fmt: skip
    summary = draw_sample(profile, case_id=world.case_id, frame=frame,
                          method=SamplingMethod.SIMPLE_RANDOM, size=8, seed=99)  # fmt: skip
    assert reversal in {u.settlement_no for u in draw_units(profile, summary.draw_id)}
    review_all(profile, summary.draw_id)
    result = appraise_draw(profile, summary.draw_id)
    row = next(r for r in result.rows if r.id == reversal)
    assert row.examined_fen == -2_500 and row.audited_fen == -2_500
    exported = export_sample_csv(profile, summary.draw_id, tmp_path)
    cli = _cli(capsys, "--input", str(exported.sample_path), "--frame-size",
               str(exported.frame_size), "--frame-examined",
               yuan(exported.frame_examined_fen))  # fmt: skip
    assert cli == result.appraisal.to_json()
