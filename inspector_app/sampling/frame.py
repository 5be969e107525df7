"""The sampling frame: which claims a draw is made from, in an order anyone can rebuild.

A frame is defined by filters over one settlement batch (``FrameDefinition``, stored as
canonical JSON on the draw) and built by one query ordered by settlement number — never by
local row ids, which differ between machines. Its fingerprint, ``frame_sha256``, hashes the
ordered (settlement number, amount) pairs in a plain text form a third party can recompute
from an export (see docs/sampling.md, "Frame hash").

What else the frame depends on is recorded in the definition at draw time, because the
local tables it comes from are not synced: the settlement numbers left out as already
drawn (``excluded_settlement_nos``; sample units are bulk rows) and the screening flags
per claim (``flag_facts``; flags are bulk rows of one machine's run). A stored definition
is rebuilt from those lists and the claims alone. Definitions written before they were
recorded (``version`` 1) still read the local tables, as the draw did.
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
from local_db.models import SampleDraw, SampleUnit

IntArray = npt.NDArray[np.int64]
ObjectArray = npt.NDArray[np.object_]
# (settlement number, number of the run's flags on the claim, their amount at stake in fen)
FlagFact = tuple[str, int, int]

FRAME_VERSION = 2
# Version 1: no sign filter, exclusions and flags read from the local tables.
_READABLE_VERSIONS = (1, 2)
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

    ``exclude_nonpositive`` (default on) leaves out claims whose fund share is zero or
    negative: a reversal (冲销) only cancels another claim and a claim the fund paid
    nothing for holds no improper fund payment, so neither belongs in a sample meant to
    estimate one; a draw records the choice, so its frame stays exact.

    ``excluded_settlement_nos`` and ``flag_facts`` are what the frame used from local
    tables that are not synced, filled in by the draw when there are draws to leave out
    or a screening run (None: nothing recorded — nothing needed, or not resolved yet and
    read from the local tables, as a preview does). ``version`` is 1 for definitions
    stored before these existed.
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
    exclude_nonpositive: bool = True
    excluded_settlement_nos: tuple[str, ...] | None = None
    flag_facts: tuple[FlagFact, ...] | None = None
    version: int = FRAME_VERSION

    def __post_init__(self) -> None:
        # Canonical form: sorted, de-duplicated tuples, so equal frames serialise equally.
        for name in ("visit_types", "departments", "exclude_draw_ids"):
            values: Iterable[str] = getattr(self, name)
            object.__setattr__(self, name, tuple(sorted({str(v) for v in values})))
        object.__setattr__(self, "amount_basis", AmountBasis(self.amount_basis))
        if self.excluded_settlement_nos is not None:
            numbers = tuple(sorted({str(v) for v in self.excluded_settlement_nos}))
            object.__setattr__(self, "excluded_settlement_nos", numbers)
        if self.flag_facts is not None:
            facts = {str(no): (str(no), int(n), int(stake)) for no, n, stake in self.flag_facts}
            object.__setattr__(self, "flag_facts", tuple(facts[no] for no in sorted(facts)))

    @property
    def resolved(self) -> bool:
        """True when the frame can be rebuilt from the definition and the claims alone."""
        return self.version >= 2 and (
            (self.excluded_settlement_nos is not None or not self.exclude_draw_ids)
            and (self.flag_facts is not None or self.screening_run_id is None)
        )

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
        if self.version not in _READABLE_VERSIONS:
            raise FrameError(_("The stored frame definition cannot be read."))

    def to_dict(self) -> dict[str, Any]:
        """The definition as plain JSON values (a version-1 definition in its own form)."""
        data: dict[str, Any] = {
            "version": self.version,
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
        if self.version >= 2:
            numbers = self.excluded_settlement_nos
            facts = self.flag_facts
            data["exclude_nonpositive"] = self.exclude_nonpositive
            data["excluded_settlement_nos"] = None if numbers is None else list(numbers)
            data["flags"] = None if facts is None else [list(fact) for fact in facts]
        return data

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
            version = data.get("version")
            if version not in _READABLE_VERSIONS or data.get("unit") != "claim":
                raise ValueError(version)
            numbers = data.get("excluded_settlement_nos")
            facts = data.get("flags")
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
                # Version 1 had no sign filter and resolved nothing: read as it was drawn.
                exclude_nonpositive=bool(data["exclude_nonpositive"]) if version >= 2 else False,
                excluded_settlement_nos=None if numbers is None else tuple(numbers),
                flag_facts=_facts(facts),
                version=int(version),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise FrameError(_("The stored frame definition cannot be read.")) from exc


def _facts(raw: Any) -> tuple[FlagFact, ...] | None:
    """Stored ``flags`` ([[number, count, stake], …] or null) as flag facts."""
    if raw is None:
        return None
    return tuple((str(no), int(n), int(stake)) for no, n, stake in raw)


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
    session: Session, definition: FrameDefinition, case_id: str, *, numbers: bool = True
) -> FrameDefinition:
    """Turn ``exclude_case_draws`` into the explicit list of the case's current draws and,
    with ``numbers``, the draws' units into the settlement numbers they hold here.

    The numbers come from this profile's units; a draw whose units are missing here must
    have them re-created first (``draw_sample`` does), or its claims stay in the frame.
    """
    if definition.exclude_case_draws:
        draws = session.scalars(
            select(SampleDraw.id).where(
                SampleDraw.case_id == case_id,
                SampleDraw.batch_id == definition.batch_id,
                SampleDraw.deleted_at.is_(None),
            )
        ).all()
        definition = replace(definition, exclude_draw_ids=tuple(draws))
    if numbers and definition.excluded_settlement_nos is None and definition.exclude_draw_ids:
        found = session.scalars(
            select(SampleUnit.settlement_no)
            .where(SampleUnit.draw_id.in_(definition.exclude_draw_ids))
            .distinct()
        ).all()
        definition = replace(definition, excluded_settlement_nos=tuple(found))
    return definition


def with_flag_facts(arrays: FrameArrays) -> FrameArrays:
    """The frame with its definition holding the flags it was built with (flagged claims
    only, as ``flag_facts``), so it can be rebuilt without the run's local flags."""
    definition = arrays.definition
    if definition is None or definition.screening_run_id is None:
        return arrays
    flagged = np.flatnonzero(arrays.flags > 0).tolist()
    facts = tuple(
        (arrays.settlement_nos[i], int(arrays.flags[i]), int(arrays.stakes[i])) for i in flagged
    )
    return replace(arrays, definition=replace(definition, flag_facts=facts))


def _frame_query(definition: FrameDefinition) -> tuple[str, list[Any]]:
    amount = "c.fund_fen" if definition.amount_basis is AmountBasis.FUND else "c.total_fen"
    params: list[Any] = []
    if definition.screening_run_id is not None and definition.flag_facts is None:
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
    if definition.exclude_nonpositive:
        conditions.append("c.fund_fen > 0")
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
    if definition.exclude_draw_ids and definition.excluded_settlement_nos is None:
        # Unresolved (a preview, or a version-1 record): this profile's units.
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

    A resolved definition leaves out its recorded settlement numbers and takes the flags
    from its recorded facts; an unresolved one reads this profile's units and flags.

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
    if definition.excluded_settlement_nos:
        excluded = set(definition.excluded_settlement_nos)
        rows = [row for row in rows if row[1] not in excluded]
    if rows:
        ids, numbers, amounts, fund, departments, flags, stakes = zip(*rows, strict=True)
    else:
        ids = numbers = amounts = fund = departments = flags = stakes = ()
    for number in numbers:
        if any(separator in number for separator in _SEPARATORS):
            raise FrameError(
                _("A settlement number contains a tab or a line break; the frame cannot be hashed.")
            )
    if definition.screening_run_id is not None and definition.flag_facts is not None:
        recorded = {no: (n, stake) for no, n, stake in definition.flag_facts}
        flags = tuple(recorded.get(no, (0, 0))[0] for no in numbers)
        stakes = tuple(recorded.get(no, (0, 0))[1] for no in numbers)
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
