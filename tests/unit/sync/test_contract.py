"""The shared sync contract matches the desktop's models and the desktop demo."""

from __future__ import annotations

import pytest

from central_server.demo import DEMO_LEADER, DEMO_REGIONS
from inspector_app.demo import DEMO_USER
from inspector_app.demo.places import CITY, COUNTIES, PROVINCE
from inspector_app.sync.apply import PLAIN_MODELS, synced_models
from inspector_app.sync.entities import BY_NAME, RANK, region_contains, region_prefix
from inspector_app.sync.hlc import HybridClock, InvalidStampError, Stamp
from local_db.base import Base


def test_every_synced_model_has_a_scope_and_nothing_else_does() -> None:
    assert set(synced_models()) == set(BY_NAME)


def test_parents_are_applied_before_children() -> None:
    models = synced_models()
    for name, model in models.items():
        if name in PLAIN_MODELS:
            continue
        for key in model.__table__.foreign_keys:  # type: ignore[attr-defined]
            if key.use_alter:
                continue
            target = key.column.table.name
            parent = next(
                (n for n, m in models.items() if m.__table__.name == target),  # type: ignore[attr-defined]
                None,
            )
            if parent is not None and parent != name:
                assert RANK[parent] < RANK[name], f"{parent} must come before {name}"
    assert Base is not None


def test_the_server_demo_matches_the_desktop_demo() -> None:
    assert (DEMO_USER.username, DEMO_USER.display_name) == DEMO_LEADER
    desktop = {PROVINCE[0], CITY[0], *(code for code, _name in COUNTIES)}
    assert {code for code, _name, _parent in DEMO_REGIONS} == desktop


@pytest.mark.parametrize(
    ("outer", "inner", "inside"),
    [("990000", "990123", True), ("990100", "990102", True), ("990102", "990100", False),
     ("990100", "980100", False), ("990102", "990102", True)],
)  # fmt: skip
def test_regions_contain_by_code_prefix(outer: str, inner: str, inside: bool) -> None:
    assert region_contains(outer, inner) is inside
    assert region_prefix("990000") == "99"


def test_a_clock_never_runs_backwards_and_passes_what_it_observed() -> None:
    wall = iter([1000, 1000, 500, 2000])
    clock = HybridClock("a", wall=lambda: next(wall))
    first, second, third = clock.now(), clock.now(), clock.now()
    assert first < second < third  # same or earlier wall time: the counter moves on
    clock.observe(Stamp(5000, 7, "b").encode())
    assert clock.now() > Stamp(5000, 7, "b").encode()
    with pytest.raises(InvalidStampError):
        Stamp.decode("yesterday")
