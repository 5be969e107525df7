"""Every test in this folder belongs to the server suite (``pytest -m server``).

``scripts/test.sh`` runs that suite a second time against PostgreSQL and the S3 emulator
(see ``tests/server/live_server.py``), so a test here must reach the server's storage only
through ``live_server``'s helpers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's tests (the hook sees every collected item, so filter by path)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.server)
