"""Drawing and redrawing: every method reproduces exactly; any change is caught (acceptance 4)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, insert, select, update

from inspector_app.casework.access import NotAllowedError
from inspector_app.demo import load_demo_settlement
from inspector_app.demo.places import INSPECTED_HOSPITAL
from inspector_app.profiles import OpenProfile, unlock_profile
from inspector_app.progress import Progress
from inspector_app.sampling import (
    DesignOptions,
    FrameDefinition,
    Stratifier,
    TierRule,
    draw_sample,
    draw_units,
    list_draws,
    redraw,
)
from inspector_app.sampling.design import DesignError
from inspector_app.sampling.frame import FrameError
from inspector_app.statistics.allocation import Allocation
from local_db.enums import CaseStatus, SamplingMethod, TeamRole
from local_db.models import (
    AuditLogEntry,
    CaseFile,
    Claim,
    Inspector,
    OutboxEntry,
    SampleDraw,
    SampleUnit,
    ScreeningFlag,
    TeamMembership,
)
from tests.conftest import TEST_PASSWORD
from tests.unit.sampling.world import WHEN, World, act_as_inspector, demo_world, screen

SEED = 271828182845904523536028747135266249775


def _fund_amounts(profile: OpenProfile, batch_id: str) -> np.ndarray:
    with profile.read_session() as session:
        return np.array(
            session.scalars(select(Claim.fund_fen).where(Claim.batch_id == batch_id)).all()
        )


def _designs(
    profile: OpenProfile, world: World
) -> list[tuple[SamplingMethod, int, DesignOptions, bool]]:
    """(method, size, options, needs a screening run) for every method and variant."""
    amounts = _fund_amounts(profile, world.batch_id)
    certainty = int(np.percentile(amounts, 99))
    return [
        (SamplingMethod.SIMPLE_RANDOM, 30, DesignOptions(), False),
        (SamplingMethod.STRATIFIED, 40, DesignOptions(
            stratify_by=Stratifier.AMOUNT, allocation=Allocation.NEYMAN, certainty_fen=certainty,
            tiers=4), False),
        (SamplingMethod.STRATIFIED, 30, DesignOptions(
            stratify_by=Stratifier.AMOUNT, tier_rule=TierRule.EQUAL_VALUE, tiers=3), False),
        (SamplingMethod.STRATIFIED, 30, DesignOptions(
            stratify_by=Stratifier.AMOUNT, tier_rule=TierRule.GIVEN,
            boundaries_fen=(10_000, 100_000)), False),
        (SamplingMethod.STRATIFIED, 36, DesignOptions(stratify_by=Stratifier.DEPARTMENT), False),
        (SamplingMethod.STRATIFIED, 20, DesignOptions(
            stratify_by=Stratifier.FLAGS, allocation=Allocation.NEYMAN), True),
        (SamplingMethod.PPS, 80, DesignOptions(), False),
        (SamplingMethod.RISK_BASED, 15, DesignOptions(), True),
        (SamplingMethod.RISK_BASED, 15, DesignOptions(flagged_cap=10), True),
    ]  # fmt: skip


def test_redraw_reproduces_every_method_exactly(profile: OpenProfile, world: World) -> None:
    run_id = screen(profile, world.batch_id, every=9)
    for method, size, options, flags in _designs(profile, world):
        frame = FrameDefinition(batch_id=world.batch_id,
                                screening_run_id=run_id if flags else None)  # fmt: skip
        summary = draw_sample(profile, case_id=world.case_id, frame=frame, method=method,
                              size=size, options=options, seed=SEED)  # fmt: skip
        units = draw_units(profile, summary.draw_id)
        assert len(units) == summary.sample_size > 0
        assert len({u.settlement_no for u in units}) == len(units)
        result = redraw(profile, summary.draw_id)
        assert result.matched, (method, options, result.lines())
        assert result.frame_matched and result.first_difference is None
        assert result.redrawn_units == result.stored_units == summary.sample_size
        assert result.lines()[0].startswith("Redraw matches")
        design = summary.design
        assert design["parameters"]["method"] == method.value
        assert design["frame_size"] == summary.frame_size == 600
        if method is SamplingMethod.PPS:
            assert design["certainty_units"] > 0, "the PPS case must include certainty units"
            assert sum(u.hits for u in units) == 80 and max(u.hits for u in units) > 1
        if options.certainty_fen is not None:
            assert design["strata"][0]["label"] == "certainty"
            assert design["strata"][0]["sample_size"] == design["strata"][0]["frame_size"] > 0
            assert design["allocation_used"] == "neyman"
        if method is SamplingMethod.RISK_BASED:
            assert {u.origin for u in units} == {"flagged", "random"}
    assert len(list_draws(profile, case_id=world.case_id)) == len(_designs(profile, world))


def _draw(profile: OpenProfile, world: World, **extra: object) -> str:
    arguments: dict[str, object] = {
        "case_id": world.case_id, "frame": FrameDefinition(batch_id=world.batch_id),
        "method": SamplingMethod.STRATIFIED, "size": 25, "seed": SEED,
        "options": DesignOptions(stratify_by=Stratifier.AMOUNT, allocation=Allocation.NEYMAN),
    }  # fmt: skip
    arguments.update(extra)
    return draw_sample(profile, **arguments).draw_id  # type: ignore[arg-type]


def test_a_changed_claim_amount_is_reported_not_accepted(
    profile: OpenProfile, world: World
) -> None:
    draw_id = _draw(profile, world)
    with profile.session() as session:
        session.execute(
            update(Claim).where(Claim.batch_id == world.batch_id,
                                Claim.settlement_no == select(Claim.settlement_no)
                                .where(Claim.batch_id == world.batch_id)
                                .order_by(Claim.settlement_no).offset(300).limit(1)
                                .scalar_subquery())
            .values(fund_fen=Claim.fund_fen + 1)
        )  # fmt: skip
    result = redraw(profile, draw_id)
    assert not result.matched and not result.frame_matched
    assert result.frame_size == result.stored_frame_size == 600
    assert result.frame_sha256 != result.stored_frame_sha256
    assert any("frame has changed" in line for line in result.lines())


def test_a_claim_leaving_the_frame_or_changing_department_is_caught(
    profile: OpenProfile, world: World
) -> None:
    outpatient = FrameDefinition(batch_id=world.batch_id, visit_types=("outpatient",))
    draw_id = _draw(profile, world, frame=outpatient, method=SamplingMethod.SIMPLE_RANDOM,
                    options=DesignOptions())  # fmt: skip
    by_department = _draw(profile, world, options=DesignOptions(stratify_by=Stratifier.DEPARTMENT))
    with profile.session() as session:
        first = session.scalars(select(Claim).where(Claim.batch_id == world.batch_id,
                                                    Claim.visit_type == "outpatient")
                                .order_by(Claim.settlement_no)).first()  # fmt: skip
        assert first is not None
        first.visit_type = "inpatient"
    result = redraw(profile, draw_id)
    assert not result.matched and result.frame_size == result.stored_frame_size - 1
    with profile.session() as session:
        claim = session.get_one(Claim, first.id)
        claim.visit_type = "outpatient"
        claim.department = claim.department + "二"
    assert redraw(profile, draw_id).matched  # the outpatient frame is whole again
    changed = redraw(profile, by_department)
    assert changed.frame_matched and not changed.matched  # amounts equal, departments not
    assert not changed.attributes_matched and changed.design_difference is not None
    assert any("departments or screening flags" in line for line in changed.lines())


def test_a_tampered_unit_is_named_at_its_position(profile: OpenProfile, world: World) -> None:
    draw_id = _draw(profile, world)
    with profile.session() as session:
        session.execute(update(SampleUnit).where(SampleUnit.draw_id == draw_id,
                                                 SampleUnit.position == 7)
                        .values(stratum="A9"))  # fmt: skip
    result = redraw(profile, draw_id)
    assert not result.matched and result.frame_matched and result.design_difference is None
    assert result.first_difference is not None
    assert (result.first_difference.position, result.first_difference.field) == (7, "stratum")
    with profile.session() as session:
        session.execute(delete(SampleUnit).where(SampleUnit.draw_id == draw_id,
                                                 SampleUnit.position >= 20))  # fmt: skip
    shorter = redraw(profile, draw_id)
    assert not shorter.matched and shorter.stored_units == 19


def test_a_changed_record_is_caught(profile: OpenProfile, world: World) -> None:
    draw_id = _draw(profile, world)
    with profile.session() as session:
        draw = session.get_one(SampleDraw, draw_id)
        design = json.loads(draw.design)
        design["parameters"]["options"]["allocation"] = "proportional"
        draw.design = json.dumps(design)
    result = redraw(profile, draw_id)
    assert not result.matched
    assert result.design_difference == "allocation" or result.first_difference is not None
    with profile.session() as session:
        draw = session.get_one(SampleDraw, draw_id)
        draw.seed = str(SEED + 1)
        draw.design = json.dumps({**design, "parameters": {**design["parameters"], "options": {
            **design["parameters"]["options"], "allocation": "neyman"}}})  # fmt: skip
    reseeded = redraw(profile, draw_id)
    assert not reseeded.matched and reseeded.first_difference is not None


def _forget_units(profile: OpenProfile, *draw_ids: str) -> None:
    """Make the profile hold only the records of these draws (as one that synced them)."""
    with profile.session() as session:
        session.execute(delete(SampleUnit).where(SampleUnit.draw_id.in_(draw_ids)))


def test_missing_units_are_re_created_once_frame_and_design_match(
    profile: OpenProfile, world: World
) -> None:
    draw_id = _draw(profile, world)
    before = draw_units(profile, draw_id)
    _forget_units(profile, draw_id)
    result = redraw(profile, draw_id)
    assert result.matched and result.units_recreated and result.problem is None
    assert any("re-created" in line for line in result.lines())
    after = draw_units(profile, draw_id)
    assert [(u.settlement_no, u.stratum, u.position) for u in after] == [
        (u.settlement_no, u.stratum, u.position) for u in before
    ]
    assert not redraw(profile, draw_id).units_recreated  # now they are here


def test_missing_units_of_a_changed_frame_are_not_re_created(
    profile: OpenProfile, world: World
) -> None:
    draw_id = _draw(profile, world)
    _forget_units(profile, draw_id)
    with profile.session() as session:
        session.execute(update(Claim).where(Claim.batch_id == world.batch_id)
                        .values(fund_fen=Claim.fund_fen + 1))  # fmt: skip
    result = redraw(profile, draw_id)
    assert not result.matched and not result.units_recreated
    assert result.problem and "does not hold" in result.problem
    assert any("frame has changed" in line for line in result.lines())
    assert draw_units(profile, draw_id) == []


def test_flag_designs_redraw_from_the_record_without_the_run_s_local_flags(
    profile: OpenProfile, world: World
) -> None:
    """Screening flags are bulk rows of the machine that ran the rules; the draw records
    the flags it used, so a profile holding only the run's record (and the draw's record,
    not its units) redraws and re-creates the units."""
    run_id = screen(profile, world.batch_id, every=9)
    frame = FrameDefinition(batch_id=world.batch_id, screening_run_id=run_id)
    draws = [
        draw_sample(profile, case_id=world.case_id, frame=frame, method=method, size=size,
                    options=options, seed=SEED).draw_id
        for method, size, options in (
            (SamplingMethod.RISK_BASED, 12, DesignOptions(flagged_cap=10)),
            (SamplingMethod.RISK_BASED, 12, DesignOptions()),
            (SamplingMethod.STRATIFIED, 20, DesignOptions(stratify_by=Stratifier.FLAGS,
                                                          allocation=Allocation.NEYMAN)),
        )
    ]  # fmt: skip
    units = {draw_id: draw_units(profile, draw_id) for draw_id in draws}
    with profile.session() as session:
        session.execute(delete(ScreeningFlag).where(ScreeningFlag.run_id == run_id))
    _forget_units(profile, *draws)
    for draw_id in draws:
        result = redraw(profile, draw_id)
        assert result.matched and result.units_recreated, result.lines()
        assert result.attributes_matched
        assert draw_units(profile, draw_id) == units[draw_id]


def test_exclusions_redraw_from_the_record_without_the_earlier_draw_s_units(
    profile: OpenProfile, world: World
) -> None:
    """The claims left out as already drawn are recorded by settlement number: the frame
    no longer depends on the earlier draw's units being in the profile."""
    first = _draw(profile, world, method=SamplingMethod.SIMPLE_RANDOM, options=DesignOptions())
    taken = {u.settlement_no for u in draw_units(profile, first)}
    frame = FrameDefinition(batch_id=world.batch_id, exclude_case_draws=True)
    second = draw_sample(profile, case_id=world.case_id, frame=frame,
                         method=SamplingMethod.SIMPLE_RANDOM, size=20, seed=SEED)  # fmt: skip
    assert set(second.frame.excluded_settlement_nos or ()) == taken
    stored = json.loads(_record(profile, second.draw_id).frame_definition)
    assert sorted(stored["excluded_settlement_nos"]) == sorted(taken)
    _forget_units(profile, first, second.draw_id)
    result = redraw(profile, second.draw_id)
    assert result.matched and result.units_recreated and result.frame_size == 575, result.lines()


def test_a_draw_re_creates_the_units_of_the_draws_it_leaves_out(
    profile: OpenProfile, world: World
) -> None:
    first = _draw(profile, world, method=SamplingMethod.SIMPLE_RANDOM, options=DesignOptions())
    taken = {u.settlement_no for u in draw_units(profile, first)}
    _forget_units(profile, first)
    frame = FrameDefinition(batch_id=world.batch_id, exclude_case_draws=True)
    second = draw_sample(profile, case_id=world.case_id, frame=frame,
                         method=SamplingMethod.SIMPLE_RANDOM, size=20, seed=SEED)  # fmt: skip
    assert second.frame_size == 575 and set(second.frame.excluded_settlement_nos or ()) == taken
    assert {u.settlement_no for u in draw_units(profile, first)} == taken
    # An earlier draw whose frame changed cannot be re-created: the new draw is refused.
    _forget_units(profile, first, second.draw_id)
    with profile.session() as session:
        session.execute(update(Claim).where(Claim.batch_id == world.batch_id)
                        .values(fund_fen=Claim.fund_fen + 1))  # fmt: skip
    with pytest.raises(FrameError, match="cannot re-create"):
        draw_sample(profile, case_id=world.case_id, frame=frame,
                    method=SamplingMethod.SIMPLE_RANDOM, size=5, seed=SEED)  # fmt: skip


def test_a_run_whose_flags_are_not_here_cannot_be_drawn_on(
    profile: OpenProfile, world: World
) -> None:
    run_id = screen(profile, world.batch_id, every=9)
    with profile.session() as session:
        session.execute(delete(ScreeningFlag).where(ScreeningFlag.run_id == run_id))
    frame = FrameDefinition(batch_id=world.batch_id, screening_run_id=run_id)
    with pytest.raises(FrameError, match="does not hold the flags"):
        draw_sample(profile, case_id=world.case_id, frame=frame,
                    method=SamplingMethod.RISK_BASED, size=10, seed=SEED)  # fmt: skip


def _record(profile: OpenProfile, draw_id: str) -> SampleDraw:
    with profile.read_session() as session:
        record = session.get_one(SampleDraw, draw_id)
        session.expunge(record)
        return record


def test_records_written_before_the_fix_still_redraw(profile: OpenProfile, world: World) -> None:
    """Draw records (and units) made by the code before the record held its exclusions and
    flags, the sign filter and the random cap (``data/legacy_draws.json``, dumped from that
    code on this demo world): version-1 frames read the local tables as they did, and a
    redraw on the machine that made them still matches, unit by unit."""
    legacy = json.loads((Path(__file__).parent / "data" / "legacy_draws.json").read_text())
    run_id = screen(profile, world.batch_id, every=9)

    def local(text: str) -> str:
        return text.replace(legacy["batch_id"], world.batch_id).replace(legacy["run_id"], run_id)

    with profile.session() as session:
        numbers = select(Claim.settlement_no, Claim.id).where(Claim.batch_id == world.batch_id)
        claim_ids = dict(session.execute(numbers).all())
        for item in legacy["draws"]:
            session.add(SampleDraw(
                id=item["id"], case_id=world.case_id, batch_id=world.batch_id,
                label=item["name"], method=SamplingMethod(item["method"]),
                frame_definition=local(item["frame_definition"]), frame_size=item["frame_size"],
                frame_total_fen=item["frame_total_fen"], frame_sha256=item["frame_sha256"],
                design=local(item["design"]), generator=item["generator"], seed=item["seed"],
                software_version=item["software_version"], sample_size=item["sample_size"],
                drawn_at=WHEN,
            ))  # fmt: skip
            session.flush()
            session.execute(insert(SampleUnit), [
                {"draw_id": item["id"], "position": k + 1, "claim_id": claim_ids[number],
                 "settlement_no": number, "stratum": stratum, "probability": probability,
                 "hits": hits, "origin": origin}
                for k, (number, stratum, probability, hits, origin) in enumerate(item["units"])
            ])  # fmt: skip
    for item in legacy["draws"]:
        result = redraw(profile, item["id"])
        assert result.matched, (item["name"], result.lines())
        assert not result.units_recreated


def test_the_sign_filter_is_recorded_and_redraws_exactly(
    profile: OpenProfile, world: World
) -> None:
    with profile.session() as session:
        number = session.scalars(select(Claim.settlement_no).where(
            Claim.batch_id == world.batch_id).order_by(Claim.settlement_no)).first()  # fmt: skip
        session.execute(update(Claim).where(Claim.batch_id == world.batch_id,
                                            Claim.settlement_no == number)
                        .values(fund_fen=-2_500))  # fmt: skip
    default = _draw(profile, world, method=SamplingMethod.SIMPLE_RANDOM, options=DesignOptions())
    everything = FrameDefinition(batch_id=world.batch_id, exclude_nonpositive=False)
    kept = _draw(profile, world, method=SamplingMethod.SIMPLE_RANDOM, options=DesignOptions(),
                 frame=everything)  # fmt: skip
    records = {draw_id: _record(profile, draw_id) for draw_id in (default, kept)}
    assert records[default].frame_size == 599 and records[kept].frame_size == 600
    assert '"exclude_nonpositive":true' in records[default].frame_definition
    assert '"exclude_nonpositive":false' in records[kept].frame_definition
    assert redraw(profile, default).matched and redraw(profile, kept).matched


def test_the_same_seed_draws_the_same_claims_in_a_fresh_profile(
    profile: OpenProfile, world: World, template_profile: Path, tmp_path: Path
) -> None:
    first = draw_sample(profile, case_id=world.case_id,
                        frame=FrameDefinition(batch_id=world.batch_id),
                        method=SamplingMethod.SIMPLE_RANDOM, size=40, seed=SEED)  # fmt: skip
    shutil.copytree(template_profile, tmp_path / "other")
    other = unlock_profile(path=tmp_path / "other", password=TEST_PASSWORD)
    try:
        other_world = demo_world(other)
        # The same claims loaded again as a second batch: other row ids, same numbers.
        again = load_demo_settlement(other, institution_code=INSPECTED_HOSPITAL, claims=600,
                                     seed=5, progress=Progress())  # fmt: skip
        second = draw_sample(other, case_id=other_world.case_id,
                             frame=FrameDefinition(batch_id=again.batch_id),
                             method=SamplingMethod.SIMPLE_RANDOM, size=40, seed=SEED)  # fmt: skip
        ours, theirs = draw_units(profile, first.draw_id), draw_units(other, second.draw_id)
    finally:
        other.close()
    assert second.frame_sha256 == first.frame_sha256
    assert [u.settlement_no for u in theirs] == [u.settlement_no for u in ours]
    assert [u.claim_id for u in theirs] != [u.claim_id for u in ours]


def test_a_fresh_seed_is_stored_as_decimal_text_and_gives_another_sample(
    profile: OpenProfile, world: World
) -> None:
    frame = FrameDefinition(batch_id=world.batch_id)
    a = draw_sample(profile, case_id=world.case_id, frame=frame,
                    method=SamplingMethod.SIMPLE_RANDOM, size=20)  # fmt: skip
    b = draw_sample(profile, case_id=world.case_id, frame=frame,
                    method=SamplingMethod.SIMPLE_RANDOM, size=20)  # fmt: skip
    assert a.seed.isdigit() and 0 <= int(a.seed) < 2**128 and a.seed != b.seed
    assert draw_units(profile, a.draw_id) != draw_units(profile, b.draw_id)
    assert a.generator.startswith("numpy.random.PCG64 numpy ") and a.software_version


def test_excluding_earlier_draws_is_frozen_into_the_record(
    profile: OpenProfile, world: World
) -> None:
    first = _draw(profile, world, method=SamplingMethod.SIMPLE_RANDOM, options=DesignOptions())
    frame = FrameDefinition(batch_id=world.batch_id, exclude_case_draws=True)
    second = draw_sample(profile, case_id=world.case_id, frame=frame,
                         method=SamplingMethod.SIMPLE_RANDOM, size=25, seed=SEED)  # fmt: skip
    assert second.frame.exclude_draw_ids == (first,) and second.frame_size == 575
    taken = {u.settlement_no for u in draw_units(profile, first)}
    assert not taken & {u.settlement_no for u in draw_units(profile, second.draw_id)}
    _draw(profile, world, method=SamplingMethod.SIMPLE_RANDOM, options=DesignOptions(), seed=1)
    assert redraw(profile, second.draw_id).matched  # a later draw does not change its frame


def test_a_draw_is_one_audited_synced_record(profile: OpenProfile, world: World) -> None:
    draw_id = _draw(profile, world)
    with profile.read_session() as session:
        audit = session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.entity_id == draw_id)
        ).all()
        outbox = session.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == draw_id)).all()
    assert [a.action for a in audit] == ["sample.drawn"] and audit[0].case_id == world.case_id
    assert len(outbox) == 1 and outbox[0].entity == "sample_draw"
    redraw(profile, draw_id)
    with profile.read_session() as session:
        actions = session.scalars(select(AuditLogEntry.action)
                                  .where(AuditLogEntry.entity_id == draw_id)).all()  # fmt: skip
    assert sorted(actions) == ["sample.drawn", "sample.redrawn"]


def test_a_failed_draw_writes_nothing(profile: OpenProfile, world: World) -> None:
    with pytest.raises(DesignError):
        _draw(
            profile, world, method=SamplingMethod.SIMPLE_RANDOM, options=DesignOptions(), size=601
        )
    with profile.read_session() as session:
        assert session.scalar(select(SampleDraw.id)) is None
        assert session.scalar(select(SampleUnit.id)) is None


def _join_team(profile: OpenProfile, case_id: str, role: TeamRole) -> str:
    with profile.session() as session:
        case = session.get_one(CaseFile, case_id)
        member_ids = select(TeamMembership.inspector_id).where(
            TeamMembership.task_id == case.task_id
        )
        outsider = session.scalars(select(Inspector).where(Inspector.id.not_in(member_ids))).first()
        assert outsider is not None
        session.add(TeamMembership(task_id=case.task_id, inspector_id=outsider.id, role=role))
        return outsider.id


def test_only_the_team_draws_and_anyone_may_redraw(profile: OpenProfile, world: World) -> None:
    draw_id = _draw(profile, world)
    supervisor = _join_team(profile, world.case_id, TeamRole.SOCIAL_SUPERVISOR)
    act_as_inspector(profile, supervisor)
    with pytest.raises(NotAllowedError):
        _draw(profile, world)
    assert redraw(profile, draw_id).matched
    act_as_inspector(profile, None)  # not on the team at all
    with pytest.raises(NotAllowedError):
        _draw(profile, world)
    member = _join_team(profile, world.case_id, TeamRole.MEMBER)
    act_as_inspector(profile, member)
    _draw(profile, world)
    with profile.session() as session:
        session.get_one(CaseFile, world.case_id).status = CaseStatus.CLOSED
    with pytest.raises(NotAllowedError, match="closed"):
        _draw(profile, world)
