"""What a draw was asked to do (``DesignParameters``) and what it produced (``Selection``).

The parameters are stored under ``"parameters"`` in the draw's ``design`` JSON, beside
everything the method computed from the frame (strata, N_h, n_h, interval, random start);
a redraw reads the parameters back, runs the method again and compares the whole design.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from inspector_app.i18n import _
from inspector_app.statistics.allocation import Allocation
from local_db.enums import SamplingMethod


class DesignError(ValueError):
    """The design cannot be drawn from this frame; the message says why (for the user)."""


class Stratifier(StrEnum):
    """What a stratified draw divides the frame by."""

    AMOUNT = "amount"  # amount tiers
    DEPARTMENT = "department"
    FLAGS = "flags"  # rule hits: flagged by the screening run or not


class TierRule(StrEnum):
    """How amount-tier boundaries are set."""

    GIVEN = "given"  # boundaries_fen as the user gave them
    EQUAL_VALUE = "equal_value"  # each tier holds about the same total amount
    CUM_SQRT_F = "cum_sqrt_f"  # Dalenius–Hodges cumulative √f rule


class CapRule(StrEnum):
    """Which flagged claims a risk-based draw with a cap takes."""

    # A simple random sample of ``flagged_cap`` flagged claims (keys rule): the flagged
    # stratum keeps all its N_h, so the draw extrapolates to the whole frame.
    RANDOM = "random"
    # The ``flagged_cap`` largest at stake. Only draws recorded before the random rule
    # use it (their parameters have no ``cap_rule``); the flagged claims left out belong
    # to no stratum, so such a draw cannot be extrapolated to its frame.
    LARGEST_STAKE = "largest_stake"


# Origins of a unit (SampleUnit.origin).
ORIGIN_RANDOM = "random"
ORIGIN_CERTAINTY = "certainty"
ORIGIN_FLAGGED = "flagged"

# Reserved stratum labels.
CERTAINTY = "certainty"
FLAGGED = "flagged"
UNFLAGGED = "unflagged"
NO_DEPARTMENT = "-"


@dataclass(frozen=True)
class DesignOptions:
    """The method-specific choices of a draw (the method and size are given apart).

    Attributes:
        stratify_by: stratified draws: amount tiers, department or rule hits.
        allocation: proportional (n_h ∝ N_h) or Neyman (n_h ∝ N_h·S_h of the amount).
        minimum: the fewest units a non-empty stratum gets (allocation's ``minimum``).
        tier_rule: amount tiers: given boundaries, equal value or cumulative √f.
        tiers: amount tiers: how many tiers to compute (before merging equal boundaries).
        tier_classes: cumulative √f: how many equal-width classes the histogram has.
        boundaries_fen: given boundaries (lower bound of tiers 2..L), ascending.
        certainty_fen: stratified: every claim with amount ≥ this is taken (certainty
            stratum), the rest is stratified.
        flagged_cap: risk-based: take at most this many flagged claims (None: all of
            them, a census of the flagged stratum).
        cap_rule: risk-based with a cap: a simple random sample of the flagged claims
            (the rule for every new draw), or the largest at stake (old records only).
    """

    stratify_by: Stratifier | None = None
    allocation: Allocation = Allocation.PROPORTIONAL
    minimum: int = 2
    tier_rule: TierRule = TierRule.CUM_SQRT_F
    tiers: int = 4
    tier_classes: int = 100
    boundaries_fen: tuple[int, ...] = ()
    certainty_fen: int | None = None
    flagged_cap: int | None = None
    cap_rule: CapRule = CapRule.RANDOM


@dataclass(frozen=True)
class DesignParameters:
    """The method, the requested size and the options: everything a redraw needs."""

    method: SamplingMethod
    size: int
    options: DesignOptions = field(default_factory=DesignOptions)

    def validate(self) -> None:
        """Raise :class:`DesignError` for parameters that make no sense on any frame."""
        options = self.options
        if self.size < 0:
            raise DesignError(_("The sample size cannot be negative."))
        if self.method is SamplingMethod.STRATIFIED and options.stratify_by is None:
            raise DesignError(_("A stratified draw needs strata (amount, department or flags)."))
        if options.minimum < 0:
            raise DesignError(_("The least units per stratum cannot be negative."))
        if options.tiers < 1 or options.tier_classes < 1:
            raise DesignError(_("There must be at least one tier and one class."))
        if list(options.boundaries_fen) != sorted(set(options.boundaries_fen)):
            raise DesignError(_("Tier boundaries must be different and in ascending order."))
        if options.flagged_cap is not None and options.flagged_cap < 0:
            raise DesignError(_("The cap on flagged claims cannot be negative."))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (enums as their values)."""
        options = asdict(self.options)
        options["boundaries_fen"] = list(self.options.boundaries_fen)
        for key in ("stratify_by", "allocation", "tier_rule", "cap_rule"):
            value = options[key]
            options[key] = value.value if isinstance(value, StrEnum) else value
        if self.options.cap_rule is CapRule.LARGEST_STAKE:
            # Records written before the rule existed have no key: keep them byte-equal,
            # so a redraw of an old draw recomputes the very parameters it stored.
            del options["cap_rule"]
        return {"method": self.method.value, "size": self.size, "options": options}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DesignParameters:
        """Read parameters written by :meth:`to_dict`."""
        raw = dict(data["options"])
        stratify_by = raw.get("stratify_by")
        options = DesignOptions(
            stratify_by=Stratifier(stratify_by) if stratify_by else None,
            allocation=Allocation(raw["allocation"]),
            minimum=int(raw["minimum"]),
            tier_rule=TierRule(raw["tier_rule"]),
            tiers=int(raw["tiers"]),
            tier_classes=int(raw["tier_classes"]),
            boundaries_fen=tuple(int(b) for b in raw["boundaries_fen"]),
            certainty_fen=raw["certainty_fen"],
            flagged_cap=raw["flagged_cap"],
            cap_rule=CapRule(raw.get("cap_rule", CapRule.LARGEST_STAKE.value)),
        )
        return cls(method=SamplingMethod(data["method"]), size=int(data["size"]), options=options)


@dataclass(frozen=True)
class Selection:
    """A method's result: the drawn frame positions in draw order, and the design record.

    ``positions[k]`` is the frame position (0-based, frame order) of the unit drawn k-th;
    the other sequences are aligned with it.
    """

    positions: npt.NDArray[np.int64]
    strata: list[str]
    probabilities: list[float]
    hits: list[int]
    origins: list[str]
    design: dict[str, Any]

    @property
    def size(self) -> int:
        """How many distinct units were drawn."""
        return len(self.strata)
