"""Which rows a screening run reads: one batch's claims and lines, found by id ranges.

A batch is written by one transaction of the bulk loader, so its claims have consecutive
ids and its lines consecutive row ids (SQLite gives each insert the next row id and no
other writer can interleave). Line rules therefore scan the batch's row-id range of
``claim_line`` — a plain table scan of just that stretch, no index, no join to filter by
batch — and keep the claim-id check as a guard. A batch whose claim ids are not consecutive
(e.g. written by some other tool) falls back to a membership test against its claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from local_db.enums import InstitutionLevel

INPATIENT = "inpatient"
OUTPATIENT = "outpatient"
# Institution levels by rank: an item's minimum level above the institution's is refused.
LEVEL_RANK = {
    InstitutionLevel.UNGRADED: 0,
    InstitutionLevel.GRADE_1: 1,
    InstitutionLevel.GRADE_2: 2,
    InstitutionLevel.GRADE_3: 3,
}


class BatchNotFoundError(LookupError):
    """No settlement batch with that id in this profile."""


@dataclass(frozen=True)
class BatchScope:
    """One settlement batch as the rule statements address it."""

    batch_id: str
    institution_id: str
    institution_level: InstitutionLevel
    case_id: str | None
    claim_count: int
    claim_lo: int
    claim_hi: int
    line_lo: int
    line_hi: int

    @property
    def contiguous(self) -> bool:
        """The batch's claim ids are exactly ``claim_lo..claim_hi``."""
        return self.claim_count == self.claim_hi - self.claim_lo + 1

    @property
    def level_rank(self) -> int:
        """The institution's rank in :data:`LEVEL_RANK`."""
        return LEVEL_RANK[self.institution_level]

    def params(self) -> dict[str, Any]:
        """The bound parameters every statement may use."""
        return {
            "batch": self.batch_id,
            "institution": self.institution_id,
            "level_rank": self.level_rank,
            "claim_lo": self.claim_lo,
            "claim_hi": self.claim_hi,
            "line_lo": self.line_lo,
            "line_hi": self.line_hi,
        }

    def lines(self, alias: str = "l") -> str:
        """SQL condition: line ``alias`` belongs to the batch (row-id range first)."""
        rows = f"{alias}.id BETWEEN :line_lo AND :line_hi"
        if self.contiguous:
            return f"{rows} AND {alias}.claim_id BETWEEN :claim_lo AND :claim_hi"
        return f"{rows} AND {alias}.claim_id IN (SELECT id FROM claim WHERE batch_id = :batch)"

    def lines_in_claim_order(self, alias: str = "l") -> str:
        """SQL condition on line ``alias`` that SQLite answers from the (claim, line) index.

        Reading the lines in claim order lets a ``GROUP BY claim_id`` stream without a sort.
        """
        if self.contiguous:
            return f"{alias}.claim_id BETWEEN :claim_lo AND :claim_hi"
        return f"{alias}.claim_id IN (SELECT id FROM claim WHERE batch_id = :batch)"

    def claims(self, alias: str = "c") -> str:
        """SQL condition: claim ``alias`` belongs to the batch."""
        return f"{alias}.batch_id = :batch AND {alias}.id BETWEEN :claim_lo AND :claim_hi"


def read_scope(connection: Any, batch_id: str) -> BatchScope:
    """The scope of ``batch_id`` (a few index look-ups on a DB-API connection).

    Raises:
        BatchNotFoundError: no live batch with that id.
    """
    row = connection.execute(
        "SELECT b.institution_id, i.level, b.case_id FROM settlement_batch b"
        " JOIN institution i ON i.id = b.institution_id"
        " WHERE b.id = ? AND b.deleted_at IS NULL",
        (batch_id,),
    ).fetchone()
    if row is None:
        raise BatchNotFoundError(batch_id)
    count, low, high = connection.execute(
        "SELECT count(*), min(id), max(id) FROM claim WHERE batch_id = ?", (batch_id,)
    ).fetchone()
    line_lo = line_hi = 0
    if count:
        line_lo, line_hi = connection.execute(
            "SELECT min(id), max(id) FROM claim_line WHERE claim_id BETWEEN ? AND ?",
            (low, high),
        ).fetchone()
    return BatchScope(
        batch_id=batch_id,
        institution_id=row[0],
        institution_level=InstitutionLevel(row[1]),
        case_id=row[2],
        claim_count=int(count),
        claim_lo=int(low or 0),
        claim_hi=int(high or -1),
        line_lo=int(line_lo or 0),
        line_hi=int(line_hi or -1),
    )
