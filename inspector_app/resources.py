"""Find the files the application ships, from a checkout and from a frozen bundle alike.

Everything under ``resources/`` (checklists, rules, translations, icons, fonts, styles) is
reached through :func:`resource_path`, so no module hard-codes where the tree lives.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The ``resources/`` folder: beside the packages in a checkout, inside a bundle."""
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's bootloader
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A path below ``resources/``, e.g. ``resource_path("i18n")``."""
    return resources_root().joinpath(*parts)
