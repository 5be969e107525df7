"""Fixtures of the review tests: the demo case with a drawn sample."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from inspector_app.profiles import OpenProfile
from inspector_app.sampling import (
    DesignOptions,
    FrameDefinition,
    Stratifier,
    draw_sample,
    draw_units,
)
from local_db.enums import SamplingMethod
from tests.unit.sampling.world import World, demo_world


@dataclass(frozen=True)
class Sampled:
    """The demo world, a stratified draw from it and its units' settlement numbers."""

    world: World
    draw_id: str
    numbers: list[str]


@pytest.fixture
def sampled(profile: OpenProfile) -> Sampled:
    world = demo_world(profile)
    summary = draw_sample(
        profile, case_id=world.case_id, frame=FrameDefinition(batch_id=world.batch_id),
        method=SamplingMethod.STRATIFIED, size=12, seed=20260302,
        options=DesignOptions(stratify_by=Stratifier.AMOUNT, tiers=3),
    )  # fmt: skip
    numbers = [u.settlement_no for u in draw_units(profile, summary.draw_id)]
    return Sampled(world=world, draw_id=summary.draw_id, numbers=numbers)
