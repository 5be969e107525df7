"""Refuse to start without a screen, with a message that says how to get one.

Qt aborts with a long stack of plugin errors when no display exists; checking first lets
the application exit with status 2 and one translated paragraph instead. The check runs
before PySide6 is imported, so it costs nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from inspector_app.i18n import _

EXIT_NO_DISPLAY = 2


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """False only on Linux/BSD with no X11 or Wayland display and no Qt platform chosen."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    return any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def no_display_message() -> str:
    """What to tell the user when there is no display (translated)."""
    return _(
        "Fund Inspector needs a graphical display, and none was found "
        "(DISPLAY and WAYLAND_DISPLAY are not set).\n"
        "  • Start it from a desktop session, or\n"
        "  • run it in a virtual screen: xvfb-run -a make run\n"
        "  • for headless checks only, set QT_QPA_PLATFORM=offscreen (nothing will be visible)."
    )
