"""The catalogue as numpy arrays, so millions of lines are priced and checked in one step.

Every drug also gets the 7-digit product part of its 20-digit traceability code (追溯码):
``89`` and five digits, a range no real product uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from inspector_app.demo.items import DRUG, ITEMS, ROUTINE_PREFIXES, Item
from inspector_app.demo.text import BoolArray, IntArray, ObjectArray

SEX_CODES = {"": 0, "M": 1, "F": 2}
# Institution levels in order (InstitutionLevel values); "" is no restriction.
LEVEL_RANK = {"": 0, "ungraded": 0, "grade_1": 1, "grade_2": 2, "grade_3": 3}


@dataclass(frozen=True)
class CatalogueArrays:
    """The catalogue as parallel numpy arrays, indexed by item number."""

    code: ObjectArray
    name: ObjectArray
    category: ObjectArray
    unit: ObjectArray
    coverage: ObjectArray
    price_fen: IntArray
    setting: IntArray
    weight: npt.NDArray[np.float64]
    max_quantity: IntArray
    sex: IntArray  # 0 any, 1 men only, 2 women only
    paediatric: BoolArray
    daily_limit: IntArray
    substitute: IntArray  # index of the replacement (itself when unrestricted)
    min_level: IntArray  # LEVEL_RANK of the lowest institution level allowed to bill it
    routine: BoolArray  # bed, ward-round and nursing fees (billed daily, not treatment)
    is_drug: BoolArray
    trace_prefix: IntArray  # 7-digit product part of the traceability code (drugs)

    @property
    def size(self) -> int:
        """Number of items."""
        return int(self.code.shape[0])

    def index(self, code: str) -> int:
        """Item number of ``code``."""
        return int(np.flatnonzero(self.code == code)[0])

    def where(self, mask: BoolArray) -> IntArray:
        """Item numbers selected by ``mask``."""
        return np.flatnonzero(mask).astype(np.int64)


def catalogue_arrays(items: tuple[Item, ...] = ITEMS) -> CatalogueArrays:
    """Build the array view of ``items`` (codes must be unique)."""
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise ValueError("duplicate item codes in the demo catalogue")
    position = {code: n for n, code in enumerate(codes)}
    drugs = np.array([item.category == DRUG for item in items])
    return CatalogueArrays(
        code=np.array(codes, dtype=object),
        name=np.array([item.name for item in items], dtype=object),
        category=np.array([item.category for item in items], dtype=object),
        unit=np.array([item.unit for item in items], dtype=object),
        coverage=np.array([item.coverage for item in items], dtype=object),
        price_fen=np.array([item.price_fen for item in items], dtype=np.int64),
        setting=np.array([int(item.setting) for item in items], dtype=np.int64),
        weight=np.array([item.weight for item in items], dtype=np.float64),
        max_quantity=np.array([item.max_quantity for item in items], dtype=np.int64),
        sex=np.array([SEX_CODES[item.sex] for item in items], dtype=np.int64),
        paediatric=np.array([item.paediatric for item in items]),
        daily_limit=np.array([item.daily_limit for item in items], dtype=np.int64),
        substitute=np.array(
            [position[item.substitute] if item.substitute else n for n, item in enumerate(items)],
            dtype=np.int64,
        ),
        min_level=np.array([LEVEL_RANK[item.min_level] for item in items], dtype=np.int64),
        routine=np.array([item.code.startswith(ROUTINE_PREFIXES) for item in items]),
        is_drug=drugs,
        # "89" + five digits: a fictional product part, one per drug.
        trace_prefix=np.where(drugs, 8_900_000 + 137 * np.arange(len(items)), 0).astype(np.int64),
    )
