"""Redraw: rebuild a draw's frame, run its method again with its seed, compare unit by unit.

A redraw never accepts a changed frame silently: the frame's size and hash are compared
first, then the recomputed design record with the stored one, then every unit (claim,
position, stratum, hits, origin, probability). The result names the first difference.

The frame is rebuilt from the record (its recorded exclusions and flags), so a profile
that received the record by sync redraws it like the machine that made it. When such a
profile holds the record but not the units (units are not synced), the redraw re-creates
them — only after the frame hash and the design matched, which makes them by construction
the draw's units — and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from inspector_app.casework.access import case_access, record_case_event
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.sampling.draws import UnitRow, get_draw, stored_units
from inspector_app.sampling.replay import design_difference, replay, restorable, stored_design
from inspector_app.sampling.stream import generator_label, numpy_major
from inspector_app.sampling.units import write_units

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
    units_recreated: bool = False

    @property
    def numpy_major_changed(self) -> bool:
        """The draw was made under another numpy major version than this redraw."""
        return numpy_major(self.stored_generator) != numpy_major(self.generator)

    @property
    def recreation_note(self) -> str:
        """The sentence saying the units were re-created ("" when they were not)."""
        if not self.units_recreated:
            return ""
        return _(
            "This profile held the draw's record but not its units: the {count} units "
            "were re-created from the record after its frame and design matched."
        ).format(count=self.redrawn_units)

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
        if self.units_recreated:
            out.append(self.recreation_note)
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


def _attributes(design: dict[str, Any]) -> str | None:
    """The hash of the per-claim attributes (departments, flags) a design used, if any."""
    stratification = design.get("stratification")
    if isinstance(stratification, dict) and "attributes_sha256" in stratification:
        return str(stratification["attributes_sha256"])
    value = design.get("attributes_sha256")
    return None if value is None else str(value)


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
    records who verified the draw and the outcome, and — in a profile that lacks them —
    the units, re-created once the frame and the design matched).

    Raises:
        DrawNotFoundError: no such draw.
    """
    with profile.session() as session:
        draw = get_draw(session, draw_id)
        if draw.case_id is not None:
            case_access(session, profile, draw.case_id)
        stored = stored_units(session, draw_id)
        stored_record: dict[str, Any] = stored_design(draw)
        result = replay(session, draw)
        problem = result.problem
        changed_at: str | None = None
        attributes_matched = True
        if result.recomputed is not None:
            changed_at = design_difference(stored_record, result.recomputed)
            attributes_matched = _attributes(stored_record) == _attributes(result.recomputed)
        recreated = False
        if not stored and draw.sample_size:
            reason = restorable(draw, result)
            if reason is None:
                write_units(session, draw_id, result.units)
                stored, recreated = stored_units(session, draw_id), True
            else:
                # Why (a changed frame or design) is in the lines that follow.
                problem = problem or _(
                    "This profile does not hold the draw's units (only its record); they are "
                    "re-created only when the frame and the design match the record."
                )
        redrawn = result.units
        frame_matched = result.frame_matches(draw)
        difference = compare_units(stored, redrawn)
        matched = (
            problem is None and frame_matched and changed_at is None and difference is None
            and len(stored) == draw.sample_size
        )  # fmt: skip
        outcome = RedrawResult(
            draw_id=draw_id,
            matched=matched,
            frame_matched=frame_matched,
            stored_frame_size=draw.frame_size,
            frame_size=result.frame_size,
            stored_frame_sha256=draw.frame_sha256,
            frame_sha256=result.frame_sha256,
            design_difference=changed_at,
            stored_units=len(stored),
            redrawn_units=len(redrawn),
            first_difference=difference,
            stored_generator=draw.generator,
            generator=generator_label(),
            problem=problem,
            attributes_matched=attributes_matched,
            units_recreated=recreated,
        )
        if draw.case_id is not None:
            record_case_event(
                profile, session, draw.case_id, "sample.redrawn", entity="sample_draw",
                entity_id=draw_id, detail=f"matched={matched} frame_matched={frame_matched}"
                f" units_recreated={recreated}",
            )  # fmt: skip
        return outcome
