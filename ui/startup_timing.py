"""Seconds since this process started, for the start-up benchmark's hidden hook.

``INSPECTOR_EXIT_WHEN_SHOWN=1`` makes the application print ``main-window-shown <seconds>``
once the main window has been painted, then quit (see ``bench/bench_startup.py``). The
process start comes from ``/proc/self/stat`` so interpreter start-up and imports count too;
elsewhere the clock starts when this module is imported (early in ``ui.app``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

EXIT_WHEN_SHOWN_ENV = "INSPECTOR_EXIT_WHEN_SHOWN"
_IMPORTED_AT = time.monotonic()


def exit_when_shown() -> bool:
    """True when the benchmark hook is requested."""
    return os.environ.get(EXIT_WHEN_SHOWN_ENV) == "1"


def _proc_age() -> float | None:
    try:
        stat = Path("/proc/self/stat").read_text(encoding="ascii")
        uptime = float(Path("/proc/uptime").read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    # Field 22 (starttime, clock ticks after boot); the command name (field 2) may hold spaces.
    fields = stat[stat.rindex(")") + 2 :].split()
    try:
        ticks = int(fields[19])
    except (IndexError, ValueError):
        return None
    return uptime - ticks / os.sysconf("SC_CLK_TCK")


def seconds_since_start() -> float:
    """Seconds since the process started (or since this module was imported)."""
    age = _proc_age()
    if age is not None:
        return age
    return time.monotonic() - _IMPORTED_AT
