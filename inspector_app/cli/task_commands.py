"""Scaffold of the `inspector task` commands (work in progress on issue 3)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(commands: argparse._SubParsersAction[Any]) -> None:
    """Register the sub-commands of this module on commands."""
