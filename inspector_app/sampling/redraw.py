"""Redraw: rebuild a draw's frame, run its method again with its seed, compare unit by unit.

A redraw never accepts a changed frame silently: the frame's size and hash are compared
first, then the recomputed design record with the stored one, then every unit (claim,
position, stratum, hits, origin, probability). The result names the first difference.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from inspector_app.casework.access import case_access, record_case_event
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.design import DesignError, DesignParameters, Selection
from inspector_app.sampling.draws import UnitRow, get_draw, stored_units
from inspector_app.sampling.frame import (
    FrameArrays,
    FrameDefinition,
    FrameError,
    build_frame,
    canonical_json,
)
from inspector_app.sampling.methods import run_method
from inspector_app.sampling.stream import generator_label, numpy_major, parse_seed

# Probabilities are quotients of the same integers on every machine; the tolerance only
# absorbs the REAL column's round trip, not a different design.
_PROBABILITY_TOLERANCE = 1e-12


@dataclass(frozen=True)
class UnitDifference:
    """The first unit where the redraw and the stored draw part (``position`` from 1)."""

    position: int
    field: str
    stored: str
    redrawn: str


@dataclass(frozen=True)
class RedrawResult:
    """What a redraw found. ``matched`` only when frame, design and every unit agree."""

    draw_id: str
    matched: bool
    frame_matched: bool
    stored_frame_size: int
    frame_size: int
    stored_frame_sha256: str
    frame_sha256: str
    design_difference: str | None
    stored_units: int
    redrawn_units: int
    first_difference: UnitDifference | None
    stored_generator: str
    generator: str
    problem: str | None = None
    attributes_matched: bool = True

    @property
    def numpy_major_changed(self) -> bool:
        """The draw was made under another numpy major version than this redraw."""
        return numpy_major(self.stored_generator) != numpy_major(self.generator)

    def lines(self) -> list[str]:
        """The outcome in sentences, for the CLI and the report."""
        out: list[str] = []
        if self.matched:
            out.append(
                _("Redraw matches: the same {count} units in the same order.").format(
                    count=self.redrawn_units
                )
            )
        else:
            out.append(_("Redraw does NOT match the stored draw."))
        if self.problem:
            out.append(self.problem)
        if not self.frame_matched:
            out.append(
                _(
                    "The frame has changed since the draw: {now} claims (hash {now_hash}) "
                    "instead of {then} (hash {then_hash})."
                ).format(
                    now=self.frame_size, now_hash=self.frame_sha256[:16],
                    then=self.stored_frame_size, then_hash=self.stored_frame_sha256[:16],
                )
            )  # fmt: skip
        if not self.attributes_matched:
            out.append(
                _(
                    "The departments or screening flags of the frame's claims have changed "
                    "since the draw."
                )
            )
        if self.design_difference:
            out.append(
                _("The recomputed design differs at “{path}”.").format(path=self.design_difference)
            )
        if self.first_difference is not None:
            d = self.first_difference
            out.append(
                _(
                    "First difference at unit {position}, {field}: "
                    "stored {stored}, redrawn {redrawn}."
                ).format(position=d.position, field=d.field, stored=d.stored, redrawn=d.redrawn)
            )  # fmt: skip
        if self.numpy_major_changed:
            out.append(
                _(
                    "Drawn with {then}, redrawn with {now} "
                    "(PCG64's stream is stable across versions)."
                ).format(then=self.stored_generator, now=self.generator)
            )  # fmt: skip
        return out


def _design_difference(stored: Any, redrawn: Any, path: str = "") -> str | None:
    """The path of the first difference between two JSON values (None if equal)."""
    if isinstance(stored, dict) and isinstance(redrawn, dict):
        for key in sorted(set(stored) | set(redrawn)):
            if key not in stored or key not in redrawn:
                return f"{path}.{key}".lstrip(".")
            found = _design_difference(stored[key], redrawn[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(stored, list) and isinstance(redrawn, list):
        if len(stored) != len(redrawn):
            return f"{path}[len]".lstrip(".")
        for i, (a, b) in enumerate(zip(stored, redrawn, strict=True)):
            found = _design_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if stored == redrawn else (path.lstrip(".") or "(root)")


def _attributes(design: dict[str, Any]) -> str | None:
    """The hash of the per-claim attributes (departments, flags) a design used, if any."""
    stratification = design.get("stratification")
    if isinstance(stratification, dict) and "attributes_sha256" in stratification:
        return str(stratification["attributes_sha256"])
    value = design.get("attributes_sha256")
    return None if value is None else str(value)


def _redrawn_units(frame: FrameArrays, selection: Selection) -> list[UnitRow]:
    return [
        UnitRow(
            position=k + 1,
            claim_id=int(frame.claim_ids[i]),
            settlement_no=frame.settlement_nos[i],
            stratum=selection.strata[k],
            probability=float(selection.probabilities[k]),
            hits=int(selection.hits[k]),
            origin=selection.origins[k],
        )
        for k, i in enumerate(selection.positions.tolist())
    ]


def compare_units(stored: list[UnitRow], redrawn: list[UnitRow]) -> UnitDifference | None:
    """The first unit (in draw order) where the two lists differ; None if identical."""
    for a, b in zip(stored, redrawn, strict=False):
        for name in ("settlement_no", "stratum", "hits", "origin"):
            if getattr(a, name) != getattr(b, name):
                return UnitDifference(
                    a.position, name, str(getattr(a, name)), str(getattr(b, name))
                )
        if not math.isclose(a.probability, b.probability, rel_tol=_PROBABILITY_TOLERANCE):
            return UnitDifference(
                a.position, "probability", repr(a.probability), repr(b.probability)
            )
    if len(stored) != len(redrawn):
        position = min(len(stored), len(redrawn)) + 1
        have = (stored if len(stored) > len(redrawn) else redrawn)[position - 1].settlement_no
        return UnitDifference(
            position,
            "settlement_no",
            have if len(stored) > len(redrawn) else "-",
            have if len(redrawn) > len(stored) else "-",
        )
    return None


def redraw(profile: OpenProfile, draw_id: str) -> RedrawResult:
    """Reproduce draw ``draw_id`` from its record and compare it with the stored units.

    Anyone who can open the case may redraw (it changes nothing but the audit log, which
    records who verified the draw and the outcome).

    Raises:
        DrawNotFoundError: no such draw.
    """
    with profile.session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is not None:
            case_access(session, profile, draw.case_id)
        stored = stored_units(session, draw_id)
        stored_design: dict[str, Any] = json.loads(draw.design or "{}")
        problem: str | None = None
        frame_size, frame_hash = 0, ""
        redrawn: list[UnitRow] = []
        design_difference: str | None = None
        attributes_matched = True
        try:
            definition = FrameDefinition.from_json(draw.frame_definition)
            arrays = build_frame(session, definition)
            frame_size, frame_hash = arrays.size, arrays.sha256()
            parameters = DesignParameters.from_dict(stored_design["parameters"])
            selection = run_method(arrays, parameters, parse_seed(draw.seed))
            redrawn = _redrawn_units(arrays, selection)
            recomputed = json.loads(canonical_json(selection.design))
            design_difference = _design_difference(stored_design, recomputed)
            attributes_matched = _attributes(stored_design) == _attributes(recomputed)
        except (FrameError, DesignError, KeyError, ValueError) as exc:
            problem = _("The draw cannot be repeated: {reason}").format(reason=exc)
        if not stored and draw.sample_size:
            problem = problem or _(
                "This profile does not hold the draw's units (only its record); "
                "the comparison is with nothing."
            )
        frame_matched = frame_size == draw.frame_size and frame_hash == draw.frame_sha256
        difference = compare_units(stored, redrawn)
        matched = (
            problem is None and frame_matched and design_difference is None and difference is None
            and len(stored) == draw.sample_size
        )  # fmt: skip
        result = RedrawResult(
            draw_id=draw_id,
            matched=matched,
            frame_matched=frame_matched,
            stored_frame_size=draw.frame_size,
            frame_size=frame_size,
            stored_frame_sha256=draw.frame_sha256,
            frame_sha256=frame_hash,
            design_difference=design_difference,
            stored_units=len(stored),
            redrawn_units=len(redrawn),
            first_difference=difference,
            stored_generator=draw.generator,
            generator=generator_label(),
            problem=problem,
            attributes_matched=attributes_matched,
        )
        if draw.case_id is not None:
            record_case_event(
                profile, session, draw.case_id, "sample.redrawn", entity="sample_draw",
                entity_id=draw_id, detail=f"matched={matched} frame_matched={frame_matched}",
            )  # fmt: skip
        return result
