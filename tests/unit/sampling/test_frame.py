"""The frame: its filters, its order by settlement number, and its documented hash."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from sqlalchemy import delete, select, update

from inspector_app.profiles import OpenProfile
from inspector_app.sampling.frame import (
    AmountBasis,
    FrameDefinition,
    FrameError,
    build_frame,
    frame_sha256,
    with_flag_facts,
)
from inspector_app.sampling.strata import flags_sha256
from local_db.models import Claim, ScreeningFlag
from tests.unit.sampling.world import World, screen


def _claims(profile: OpenProfile, batch_id: str) -> list[Claim]:
    with profile.read_session() as session:
        return list(session.scalars(select(Claim).where(Claim.batch_id == batch_id)))


def test_the_whole_batch_in_settlement_number_order_with_the_documented_hash(
    profile: OpenProfile, world: World
) -> None:
    claims = sorted(_claims(profile, world.batch_id), key=lambda c: c.settlement_no.encode())
    with profile.read_session() as session:
        frame = build_frame(session, FrameDefinition(batch_id=world.batch_id))
    assert frame.settlement_nos == [c.settlement_no for c in claims]
    assert frame.amounts.tolist() == [c.fund_fen for c in claims]
    assert frame.claim_ids.tolist() == [c.id for c in claims]
    assert frame.total_fen == sum(c.fund_fen for c in claims)
    # A third party's recomputation from an export of (settlement number, fund share):
    text = "".join(f"{c.settlement_no}\t{c.fund_fen}\n" for c in claims)
    assert frame.sha256() == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert frame_sha256([], []) == hashlib.sha256(b"").hexdigest()
    assert frame_sha256(["A"], [-5]) == hashlib.sha256(b"A\t-5\n").hexdigest()


def test_filters_select_exactly_the_matching_claims(profile: OpenProfile, world: World) -> None:
    claims = _claims(profile, world.batch_id)
    department = sorted({c.department for c in claims})[0]
    definition = FrameDefinition(
        batch_id=world.batch_id, visit_types=("outpatient",), departments=(department,),
        settled_from="2025-03-01", settled_to="2025-09-30", amount_basis=AmountBasis.TOTAL,
        min_amount_fen=5_000, max_amount_fen=200_000,
    )  # fmt: skip
    expected = sorted(
        c.settlement_no for c in claims
        if c.visit_type == "outpatient" and c.department == department
        and "2025-03-01" <= c.settled_at[:10] <= "2025-09-30"
        and 5_000 <= c.total_fen <= 200_000
    )  # fmt: skip
    with profile.read_session() as session:
        frame = build_frame(session, definition)
    assert expected and frame.settlement_nos == expected
    by_number = {c.settlement_no: c for c in claims}
    assert frame.amounts.tolist() == [by_number[n].total_fen for n in expected]
    assert frame.fund.tolist() == [by_number[n].fund_fen for n in expected]


def test_flags_of_the_named_run_are_counted_and_summed(profile: OpenProfile, world: World) -> None:
    run_id = screen(profile, world.batch_id, every=7)
    with profile.read_session() as session:
        frame = build_frame(
            session, FrameDefinition(batch_id=world.batch_id, screening_run_id=run_id)
        )
        plain = build_frame(session, FrameDefinition(batch_id=world.batch_id))
    assert frame.flags.tolist()[:8] == [2, 0, 0, 0, 0, 0, 0, 1]
    assert frame.stakes.tolist()[7] == 700 and frame.stakes.tolist()[35] == 3507
    assert plain.flags.sum() == 0 and plain.sha256() == frame.sha256()


def test_definition_is_canonical_json_that_round_trips() -> None:
    definition = FrameDefinition(
        batch_id="b1", visit_types=("inpatient", "outpatient", "inpatient"),
        departments=("骨科", "儿科"), settled_from="2025-01-01", min_amount_fen=100,
    )  # fmt: skip
    text = definition.to_json()
    assert '"departments":["儿科","骨科"]' in text and " " not in text
    assert '"exclude_nonpositive":true' in text and '"version":2' in text
    assert FrameDefinition.from_json(text) == definition
    assert FrameDefinition.from_json(text).to_json() == text
    resolved = replace(
        definition, screening_run_id="r", excluded_settlement_nos=("S9", "S1", "S9"),
        flag_facts=(("S5", 2, 700), ("S2", 1, 0)),
    )  # fmt: skip
    text = resolved.to_json()
    assert '"excluded_settlement_nos":["S1","S9"]' in text
    assert '"flags":[["S2",1,0],["S5",2,700]]' in text
    assert FrameDefinition.from_json(text) == resolved and resolved.resolved
    assert definition.resolved  # nothing to resolve without a run or exclusions
    assert not FrameDefinition(batch_id="b", screening_run_id="r").resolved
    with pytest.raises(FrameError):
        FrameDefinition.from_json('{"version": 99}')


def test_a_version_1_definition_reads_as_it_was_drawn() -> None:
    """Stored before the sign filter and the recorded lists: no filter, local tables."""
    text = (
        '{"amount_basis":"fund","batch_id":"b","departments":[],"exclude_case_draws":true,'
        '"exclude_draw_ids":["d1"],"max_amount_fen":null,"min_amount_fen":null,'
        '"order":"settlement_no","screening_run_id":"r","settled_from":null,'
        '"settled_to":null,"unit":"claim","version":1,"visit_types":[]}'
    )
    old = FrameDefinition.from_json(text)
    assert (old.version, old.exclude_nonpositive) == (1, False)
    assert old.excluded_settlement_nos is None and old.flag_facts is None and not old.resolved
    assert old.to_json() == text


def test_claims_the_fund_paid_nothing_or_less_are_left_out_by_default(
    profile: OpenProfile, world: World
) -> None:
    """A reversal (冲销, fund share −25.00) and a claim the fund paid nothing for are out of
    the default frame and in it when the definition says so; the hash follows."""
    numbers = sorted(c.settlement_no for c in _claims(profile, world.batch_id))
    with profile.session() as session:
        for number, fund in ((numbers[3], -2_500), (numbers[10], 0)):
            session.execute(update(Claim).where(Claim.batch_id == world.batch_id,
                                                Claim.settlement_no == number)
                            .values(fund_fen=fund))  # fmt: skip
    with profile.read_session() as session:
        default = build_frame(session, FrameDefinition(batch_id=world.batch_id))
        everything = build_frame(
            session, FrameDefinition(batch_id=world.batch_id, exclude_nonpositive=False)
        )
        by_total = build_frame(
            session, FrameDefinition(batch_id=world.batch_id, amount_basis=AmountBasis.TOTAL)
        )
    assert default.size == 598 and everything.size == 600 and by_total.size == 598
    assert numbers[3] not in default.settlement_nos and numbers[3] in everything.settlement_nos
    assert everything.fund.tolist()[3] == -2_500 and default.sha256() != everything.sha256()
    assert (default.fund > 0).all()


def test_a_resolved_definition_rebuilds_from_its_lists_not_the_local_tables(
    profile: OpenProfile, world: World
) -> None:
    """Exclusions and flags come from the recorded lists: with the run's local flags gone
    the frame is the same, flags and all."""
    run_id = screen(profile, world.batch_id, every=7)
    with profile.read_session() as session:
        local = build_frame(
            session, FrameDefinition(batch_id=world.batch_id, screening_run_id=run_id)
        )
    recorded = with_flag_facts(local).definition
    assert recorded is not None and recorded.flag_facts is not None
    assert len(recorded.flag_facts) == int((local.flags > 0).sum())
    excluded = replace(recorded, excluded_settlement_nos=tuple(local.settlement_nos[:5]))
    with profile.session() as session:
        session.execute(delete(ScreeningFlag).where(ScreeningFlag.run_id == run_id))
    with profile.read_session() as session:
        rebuilt = build_frame(session, recorded)
        smaller = build_frame(session, excluded)
        unresolved = build_frame(
            session, FrameDefinition(batch_id=world.batch_id, screening_run_id=run_id)
        )
    assert rebuilt.sha256() == local.sha256()
    assert rebuilt.flags.tolist() == local.flags.tolist()
    assert rebuilt.stakes.tolist() == local.stakes.tolist()
    assert flags_sha256(rebuilt) == flags_sha256(local) != flags_sha256(unresolved)
    assert smaller.settlement_nos == local.settlement_nos[5:]


@pytest.mark.parametrize(
    "definition",
    [
        FrameDefinition(batch_id="b", settled_from="2025-13-01"),
        FrameDefinition(batch_id="b", settled_from="2025-06-01", settled_to="2025-01-01"),
        FrameDefinition(batch_id="b", min_amount_fen=10, max_amount_fen=5),
        FrameDefinition(batch_id=""),
    ],
)
def test_bad_definitions_are_refused(definition: FrameDefinition) -> None:
    with pytest.raises(FrameError):
        definition.validate()


def test_describe_frame_gives_the_planner_its_strata(profile: OpenProfile, world: World) -> None:
    from inspector_app.sampling import DesignOptions, Stratifier, describe_frame

    definition = FrameDefinition(batch_id=world.batch_id)
    whole = describe_frame(profile, frame=definition)
    claims = _claims(profile, world.batch_id)
    assert (whole.size, whole.fund_fen) == (600, sum(c.fund_fen for c in claims))
    assert [s.size for s in whole.strata] == [600] and whole.strata[0].label == ""
    by_department = describe_frame(
        profile, frame=definition, options=DesignOptions(stratify_by=Stratifier.DEPARTMENT)
    )
    assert sum(s.size for s in by_department.strata) == 600
    assert [s.label for s in by_department.strata] == sorted({c.department for c in claims})
    first = by_department.strata[0]
    amounts = [c.fund_fen for c in claims if c.department == first.label]
    mean = sum(amounts) / len(amounts)
    assert first.mean_fen == pytest.approx(mean)
    variance = sum((a - mean) ** 2 for a in amounts) / (len(amounts) - 1)
    assert first.sd_fen == pytest.approx(variance**0.5, rel=1e-12)
