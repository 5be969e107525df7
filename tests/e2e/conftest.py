"""The end-to-end sync tests (``test_sync_*.py``) belong to the server suite (``-m server``).

``scripts/test.sh`` runs that suite a second time against PostgreSQL and the S3 emulator
(see ``tests/server/live_server.py``), so these tests must reach the server's storage only
through ``live_server``'s helpers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's sync tests (the hook sees every collected item: filter by path)."""
    for item in items:
        if item.path.parent == HERE and item.path.name.startswith("test_sync_"):
            item.add_marker(pytest.mark.server)
