"""Running a stored draw again from its record alone: the frame, the method, the units.

Both the redraw (which compares the result with the stored units) and the re-creation of
units a profile does not hold (a draw synced from another machine) start here. The frame
is rebuilt from the stored definition — with its recorded exclusions and flags, not the
local tables — and compared by size and hash; the method is re-run with the stored seed
and parameters and its design compared with the stored one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.sampling.design import DesignError, DesignParameters
from inspector_app.sampling.frame import (
    FrameDefinition,
    FrameError,
    build_frame,
    canonical_json,
)
from inspector_app.sampling.methods import run_method
from inspector_app.sampling.stream import parse_seed
from inspector_app.sampling.units import UnitRow, has_units, selected_units, write_units
from local_db.models import SampleDraw


@dataclass(frozen=True)
class Replay:
    """A draw run again: the frame's size and hash, the recomputed design and units.

    ``problem`` says why the draw could not be run again at all (then the rest is empty).
    """

    frame_size: int
    frame_sha256: str
    recomputed: dict[str, Any] | None
    units: list[UnitRow]
    problem: str | None = None

    def frame_matches(self, draw: SampleDraw) -> bool:
        """The rebuilt frame is the stored one (same size and hash)."""
        return self.frame_size == draw.frame_size and self.frame_sha256 == draw.frame_sha256


def stored_design(draw: SampleDraw) -> dict[str, Any]:
    """The draw's design record as stored."""
    design: dict[str, Any] = json.loads(draw.design or "{}")
    return design


def design_difference(stored: Any, redrawn: Any, path: str = "") -> str | None:
    """The path of the first difference between two JSON values (None if equal)."""
    if isinstance(stored, dict) and isinstance(redrawn, dict):
        for key in sorted(set(stored) | set(redrawn)):
            if key not in stored or key not in redrawn:
                return f"{path}.{key}".lstrip(".")
            found = design_difference(stored[key], redrawn[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(stored, list) and isinstance(redrawn, list):
        if len(stored) != len(redrawn):
            return f"{path}[len]".lstrip(".")
        for i, (a, b) in enumerate(zip(stored, redrawn, strict=True)):
            found = design_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if stored == redrawn else (path.lstrip(".") or "(root)")


def replay(session: Session, draw: SampleDraw) -> Replay:
    """Rebuild the draw's frame from its record and run its method again (nothing written)."""
    try:
        definition = FrameDefinition.from_json(draw.frame_definition)
        arrays = build_frame(session, definition)
        parameters = DesignParameters.from_dict(stored_design(draw)["parameters"])
        selection = run_method(arrays, parameters, parse_seed(draw.seed))
    except (FrameError, DesignError, KeyError, ValueError) as exc:
        return Replay(
            0, "", None, [], _("The draw cannot be repeated: {reason}").format(reason=exc)
        )
    recomputed: dict[str, Any] = json.loads(canonical_json(selection.design))
    return Replay(arrays.size, arrays.sha256(), recomputed, selected_units(arrays, selection))


def restorable(draw: SampleDraw, result: Replay) -> str | None:
    """Why ``result`` may not stand in for the draw's units (None: it may).

    Units are re-created only from a replay whose frame hash and design equal the
    record's: then they are, by construction, the units the draw made.
    """
    if result.problem is not None:
        return result.problem
    if not result.frame_matches(draw):
        return _(
            "The frame has changed since the draw: {now} claims (hash {now_hash}) "
            "instead of {then} (hash {then_hash})."
        ).format(
            now=result.frame_size, now_hash=result.frame_sha256[:16],
            then=draw.frame_size, then_hash=draw.frame_sha256[:16],
        )  # fmt: skip
    difference = design_difference(stored_design(draw), result.recomputed)
    if difference is not None:
        return _("The recomputed design differs at “{path}”.").format(path=difference)
    if len(result.units) != draw.sample_size:
        return _("The redraw gives {count} units, the record {stored}.").format(
            count=len(result.units), stored=draw.sample_size
        )
    return None


def restore_units(session: Session, draw: SampleDraw) -> str | None:
    """Re-create the units of a draw this profile holds only the record of.

    Returns None when the units are here (already, or re-created now in the session's
    transaction), else why they cannot be re-created.
    """
    if draw.sample_size == 0 or has_units(session, draw.id):
        return None
    result = replay(session, draw)
    reason = restorable(draw, result)
    if reason is None:
        write_units(session, draw.id, result.units)
    return reason
