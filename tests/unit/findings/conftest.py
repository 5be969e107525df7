"""Every findings test runs against a valid catalogue (the real one once it exists)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspector_app.findings import catalogue
from tests.unit.findings.world import use_catalogue


@pytest.fixture(autouse=True)
def violation_catalogue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The catalogue every test reads (cache cleared before and after)."""
    use_catalogue(monkeypatch)
    yield
    catalogue.catalogue.cache_clear()
