"""The rule kinds the engine implements, by name (see :mod:`.base`)."""

from __future__ import annotations

from inspector_app.screening.kinds.base import (
    AMOUNT_BASES,
    PARAMETER_TYPES,
    Kind,
    ParamValue,
    RuleContext,
    Statement,
)
from inspector_app.screening.kinds.items import ITEM_KINDS
from inspector_app.screening.kinds.lines import LINE_KINDS
from inspector_app.screening.kinds.stays import STAY_KINDS

KINDS: dict[str, Kind] = {kind.name: kind for kind in (*STAY_KINDS, *ITEM_KINDS, *LINE_KINDS)}

__all__ = [
    "AMOUNT_BASES",
    "KINDS",
    "PARAMETER_TYPES",
    "Kind",
    "ParamValue",
    "RuleContext",
    "Statement",
]
