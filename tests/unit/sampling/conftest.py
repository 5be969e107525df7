"""Fixtures of the sampling tests."""

from __future__ import annotations

import pytest

from inspector_app.profiles import OpenProfile
from tests.unit.sampling.world import World, demo_world


@pytest.fixture
def world(profile: OpenProfile) -> World:
    """The demo's on-site case with its 600-claim batch."""
    return demo_world(profile)
