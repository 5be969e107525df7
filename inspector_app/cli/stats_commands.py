"""``inspector stats``: sub-commands registered by ``add_parsers`` (being built)."""

from __future__ import annotations

from typing import Any


def add_parsers(commands: Any) -> None:
    """Register this module's sub-commands on the ``inspector`` parser."""
