"""Render core progress as one self-updating line on stderr."""

from __future__ import annotations

import sys

from inspector_app.progress import Progress


def stderr_progress(*, quiet: bool = False) -> Progress:
    """A Progress that redraws ``label done/total`` on stderr (nothing when quiet)."""
    if quiet:
        return Progress()
    interactive = sys.stderr.isatty()

    def show(done: int, total: int | None, label: str) -> None:
        counts = f"{done:,}/{total:,}" if total else f"{done:,}"
        text = f"{label} {counts}"
        if interactive:
            sys.stderr.write(f"\r\x1b[2K{text}")
        elif total is None or done in (0, total):
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    return Progress(callback=show, min_interval=0.2 if interactive else 5.0)
