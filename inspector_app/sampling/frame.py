"""The sampling frame: which claims a draw is made from, in an order anyone can rebuild.

A frame is defined by filters over one settlement batch (``FrameDefinition``, stored as
canonical JSON on the draw) and built by one query ordered by settlement number — never by
local row ids, which differ between machines. Its fingerprint, ``frame_sha256``, hashes the
ordered (settlement number, amount) pairs in a plain text form a third party can recompute
from an export (see docs/sampling.md, "Frame hash").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from local_db.models import SampleDraw

IntArray = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]

FRAME_VERSION = 1
# A settlement number holding one of these would make the hash's text form ambiguous.
_SEPARATORS = ("\t", "\n", "\r")


class FrameError(ValueError):
    """The frame definition is invalid or the frame cannot be built; the message says why."""


class AmountBasis(StrEnum):
    """Which amount of a claim the frame measures (tiers, PPS sizes, amount filters)."""

    FUND = "fund"  # what the fund paid (fund_fen): what recovery concerns
    TOTAL = "total"  # the claim's billed total (total_fen)


@dataclass(frozen=True)
class FrameDefinition:
    """Which claims of a batch form the frame. Empty filters do not filter.

    Dates are ISO ``YYYY-MM-DD`` and inclusive, compared with the date part of the claim's
    ``settled_at``; amount bounds are inclusive integer fen on ``amount_basis``.
    ``exclude_case_draws`` asks to leave out claims already in another draw of the case;
    the draw service resolves it into ``exclude_draw_ids`` (the draws as they were), which
    is what the frame query uses, so later draws do not change a stored frame.
    ``screening_run_id`` names the run whose flags count for rule-hit strata and
    risk-based sampling.
    """

    batch_id: str
    visit_types: tuple[str, ...] = ()
    settled_from: str | None = None
    settled_to: str | None = None
    departments: tuple[str, ...] = ()
    amount_basis: AmountBasis = AmountBasis.FUND
    min_amount_fen: int | None = None
    max_amount_fen: int | None = None
    screening_run_id: str | None = None
    exclude_case_draws: bool = False
    exclude_draw_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Canonical form: sorted, de-duplicated tuples, so equal frames serialise equally.
        for name in ("visit_types", "departments", "exclude_draw_ids"):
            values: Iterable[str] = getattr(self, name)
            object.__setattr__(self, name, tuple(sorted({str(v) for v in values})))
        object.__setattr__(self, "amount_basis", AmountBasis(self.amount_basis))

    def validate(self) -> None:
        """Raise :class:`FrameError` for filters that cannot be right."""
        if not self.batch_id:
            raise FrameError(_("The frame needs a settlement batch."))
        for value in (self.settled_from, self.settled_to):
            if value is not None:
                try:
                    date.fromisoformat(value)
                except ValueError as exc:
                    raise FrameError(
                        _("“{value}” is not a date (YYYY-MM-DD).").format(value=value)
                    ) from exc
        if self.settled_from and self.settled_to and self.settled_from > self.settled_to:
            raise FrameError(_("The settlement period ends before it starts."))
        low, high = self.min_amount_fen, self.max_amount_fen
        if low is not None and high is not None and low > high:
            raise FrameError(_("The lowest amount is above the highest amount."))

    def to_dict(self) -> dict[str, Any]:
        """The definition as plain JSON values."""
        return {
            "version": FRAME_VERSION,
            "unit": "claim",
            "order": "settlement_no",
            "batch_id": self.batch_id,
            "visit_types": list(self.visit_types),
            "settled_from": self.settled_from,
            "settled_to": self.settled_to,
            "departments": list(self.departments),
            "amount_basis": self.amount_basis.value,
            "min_amount_fen": self.min_amount_fen,
            "max_amount_fen": self.max_amount_fen,
            "screening_run_id": self.screening_run_id,
            "exclude_case_draws": self.exclude_case_draws,
            "exclude_draw_ids": list(self.exclude_draw_ids),
        }

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, no spaces, UTF-8 text (not \\u escapes)."""
        return canonical_json(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> FrameDefinition:
        """Read a stored definition.

        Raises:
            FrameError: not a frame definition this version understands.
        """
        try:
            data = json.loads(text)
            if data.get("version") != FRAME_VERSION or data.get("unit") != "claim":
                raise ValueError(data.get("version"))
            return cls(
                batch_id=data["batch_id"],
                visit_types=tuple(data["visit_types"]),
                settled_from=data["settled_from"],
                settled_to=data["settled_to"],
                departments=tuple(data["departments"]),
                amount_basis=AmountBasis(data["amount_basis"]),
                min_amount_fen=data["min_amount_fen"],
                max_amount_fen=data["max_amount_fen"],
                screening_run_id=data["screening_run_id"],
                exclude_case_draws=bool(data["exclude_case_draws"]),
                exclude_draw_ids=tuple(data["exclude_draw_ids"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise FrameError(_("The stored frame definition cannot be read.")) from exc


def canonical_json(value: Any) -> str:
    """The one JSON form the sampling records use (sorted keys, compact, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class FrameArrays:
    """A built frame, one entry per claim in frame order (settlement number ascending).

    ``amounts`` are on the definition's basis; ``fund`` is always the fund's share (what
    the review examines); ``flags`` and ``stakes`` count the screening run's flags on the
    claim and sum their amounts (zero without a run).
    """

    claim_ids: IntArray
    settlement_nos: list[str]
    amounts: IntArray
    fund: IntArray
    departments: list[str]
    flags: IntArray
    stakes: IntArray
    definition: FrameDefinition | None = field(default=None, compare=False)

    @property
    def size(self) -> int:
        """N, the number of claims in the frame."""
        return len(self.settlement_nos)

    @property
    def total_fen(self) -> int:
        """The frame's total on the amount basis."""
        return int(self.amounts.sum()) if self.size else 0

    @property
    def fund_total_fen(self) -> int:
        """The frame's total fund share (``frame_examined`` of an appraisal)."""
        return int(self.fund.sum()) if self.size else 0

    def sha256(self) -> str:
        """The frame hash (see :func:`frame_sha256`)."""
        return frame_sha256(self.settlement_nos, self.amounts.tolist())


def frame_arrays(
    *,
    claim_ids: Sequence[int],
    settlement_nos: Sequence[str],
    amounts: Sequence[int],
    fund: Sequence[int] | None = None,
    departments: Sequence[str] | None = None,
    flags: Sequence[int] | None = None,
    stakes: Sequence[int] | None = None,
) -> FrameArrays:
    """Frame arrays from plain sequences (already in frame order); for tests and tools."""
    size = len(settlement_nos)
    return FrameArrays(
        claim_ids=np.asarray(claim_ids, dtype=np.int64),
        settlement_nos=list(settlement_nos),
        amounts=np.asarray(amounts, dtype=np.int64),
        fund=np.asarray(amounts if fund is None else fund, dtype=np.int64),
        departments=list(departments) if departments is not None else [""] * size,
        flags=np.asarray(flags if flags is not None else [0] * size, dtype=np.int64),
        stakes=np.asarray(stakes if stakes is not None else [0] * size, dtype=np.int64),
    )


def hash_lines(lines: Iterable[str]) -> str:
    """SHA-256 (hex) of the UTF-8 text made of ``lines``, each ended by ``\\n``."""
    digest = hashlib.sha256()
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= 65536:
            digest.update(("\n".join(batch) + "\n").encode())
            batch.clear()
    if batch:
        digest.update(("\n".join(batch) + "\n").encode())
    return digest.hexdigest()


def frame_sha256(settlement_nos: Sequence[str], amounts: Sequence[int]) -> str:
    """SHA-256 of the ordered frame: one line ``<settlement_no>\\t<amount fen>\\n`` per claim.

    The amount is the integer fen on the frame's basis, in decimal without sign for
    non-negative values and with ``-`` for negative ones; the text is UTF-8. An empty
    frame hashes the empty string.
    """
    return hash_lines(
        f"{no}\t{int(amount)}" for no, amount in zip(settlement_nos, amounts, strict=True)
    )


def resolve_exclusions(
    session: Session, definition: FrameDefinition, case_id: str
) -> FrameDefinition:
    """Turn ``exclude_case_draws`` into the explicit list of the case's current draws."""
    if not definition.exclude_case_draws:
        return definition
    draws = session.scalars(
        select(SampleDraw.id).where(
            SampleDraw.case_id == case_id,
            SampleDraw.batch_id == definition.batch_id,
            SampleDraw.deleted_at.is_(None),
        )
    ).all()
    return replace(definition, exclude_draw_ids=tuple(draws))


def _frame_query(definition: FrameDefinition) -> tuple[str, list[Any]]:
    amount = "c.fund_fen" if definition.amount_basis is AmountBasis.FUND else "c.total_fen"
    params: list[Any] = []
    if definition.screening_run_id is not None:
        flags_join = (
            " LEFT JOIN (SELECT claim_id, COUNT(*) AS n, SUM(amount_fen) AS stake"
            " FROM screening_flag WHERE run_id = ? GROUP BY claim_id) f ON f.claim_id = c.id"
        )
        flag_columns = "COALESCE(f.n, 0), COALESCE(f.stake, 0)"
        params.append(definition.screening_run_id)
    else:
        flags_join, flag_columns = "", "0, 0"
    conditions = ["c.batch_id = ?"]
    params.append(definition.batch_id)
    if definition.visit_types:
        conditions.append(f"c.visit_type IN ({', '.join('?' * len(definition.visit_types))})")
        params.extend(definition.visit_types)
    if definition.departments:
        conditions.append(f"c.department IN ({', '.join('?' * len(definition.departments))})")
        params.extend(definition.departments)
    if definition.settled_from is not None:
        conditions.append("substr(c.settled_at, 1, 10) >= ?")
        params.append(definition.settled_from)
    if definition.settled_to is not None:
        conditions.append("substr(c.settled_at, 1, 10) <= ?")
        params.append(definition.settled_to)
    if definition.min_amount_fen is not None:
        conditions.append(f"{amount} >= ?")
        params.append(int(definition.min_amount_fen))
    if definition.max_amount_fen is not None:
        conditions.append(f"{amount} <= ?")
        params.append(int(definition.max_amount_fen))
    if definition.exclude_draw_ids:
        marks = ", ".join("?" * len(definition.exclude_draw_ids))
        conditions.append(
            f"c.id NOT IN (SELECT claim_id FROM sample_unit WHERE draw_id IN ({marks}))"
        )
        params.extend(definition.exclude_draw_ids)
    sql = (
        f"SELECT c.id, c.settlement_no, {amount}, c.fund_fen, c.department, {flag_columns}"
        f" FROM claim c{flags_join} WHERE {' AND '.join(conditions)}"
        # BINARY collation: UTF-8 byte order, which is Unicode code point order.
        " ORDER BY c.settlement_no COLLATE BINARY"
    )
    return sql, params


def build_frame(session: Session, definition: FrameDefinition) -> FrameArrays:
    """Run the frame's one ordered query and return its arrays.

    Raises:
        FrameError: invalid definition, or a settlement number that would make the hash
            ambiguous (it contains a tab or a line break).
    """
    definition.validate()
    sql, params = _frame_query(definition)
    driver: Any = session.connection().connection.driver_connection
    cursor = driver.cursor()
    try:
        rows = cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()
    if rows:
        ids, numbers, amounts, fund, departments, flags, stakes = zip(*rows, strict=True)
    else:
        ids = numbers = amounts = fund = departments = flags = stakes = ()
    for number in numbers:
        if any(separator in number for separator in _SEPARATORS):
            raise FrameError(
                _("A settlement number contains a tab or a line break; the frame cannot be hashed.")
            )
    return replace(
        frame_arrays(
            claim_ids=ids,
            settlement_nos=numbers,
            amounts=amounts,
            fund=fund,
            departments=[department or "" for department in departments],
            flags=flags,
            stakes=stakes,
        ),
        definition=definition,
    )
