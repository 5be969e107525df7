"""The frame: its filters, its order by settlement number, and its documented hash."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.sampling.frame import (
    AmountBasis,
    FrameDefinition,
    FrameError,
    build_frame,
    frame_sha256,
)
from local_db.models import Claim
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
    assert FrameDefinition.from_json(text) == definition
    assert FrameDefinition.from_json(text).to_json() == text
    with pytest.raises(FrameError):
        FrameDefinition.from_json('{"version": 99}')


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
