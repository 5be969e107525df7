"""What a rule kind is: the SQL that implements a family of rules, and what it accepts.

A rule file names a ``kind`` for each rule; the kind declares the parameters it reads (name
and type), the values it puts in a flag's detail (the reason template may use only those,
the rule's parameters and their derived forms) and the ways it can count the amount at
stake. The validator holds every rule file to these declarations, so a rule the engine
cannot run is refused when the file is read, not half-way through a run.

Reading ten million lines is the cost of screening, so line rules do not each scan the
lines. A kind may contribute to two shared passes (:mod:`inspector_app.screening.passes`)
that the engine runs once for all selected rules:

* a **line check**: a predicate over one line ``l``, its claim's facts ``c``
  (``temp.screen_claim``) and its catalogue entry ``m`` (``temp.screen_item``). One scan
  of the batch's lines marks every line that meets a selected rule's predicate with that
  rule's bit in ``temp.screen_line``;
* **claim aggregates**: aggregates over one claim's lines (``l``, ``m``) and a condition on
  them and the claim's facts ``c`` that keeps the claim as a candidate. One pass over the
  lines in claim order (no sort) fills ``temp.screen_claim_lines`` (alias ``g``).

The kind's own statements then read only the marked lines or candidate claims, and insert
into the temporary table ``screen_hit`` (see :data:`HIT_COLUMNS`). Parameters are bound,
never spliced into the SQL text; in the shared passes each rule's parameters carry its key
(``:r3_tolerance``) so two rules with the same parameter names never meet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from inspector_app.screening.scope import BatchScope

ParamValue = int | float | bool | tuple[str, ...]
PARAMETER_TYPES = ("integer", "number", "boolean", "codes")
HIT_COLUMNS = "rule_code, claim_id, line_id, related_claim_id, amount_fen, detail"
INSERT_HIT = f"INSERT INTO temp.screen_hit ({HIT_COLUMNS}) "

# Ways of counting the amount at stake (the rule file names one; its kind must compute it).
AMOUNT_BASES = (
    "claim_fund",
    "claim_total",
    "fund_share_beyond_norm",
    "fund_share_idle",
    "fund_share_overlap",
    "line_amount",
    "price_excess",
    "quantity_excess",
    "ordered_excess",
    "duplicate_lines",
    "lines_after_date",
)
CLAIM_AMOUNTS = {"claim_fund": "fund_fen", "claim_total": "total_fen"}


@dataclass(frozen=True)
class Statement:
    """One SQL statement and its bound parameters."""

    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class LineCheck:
    """A predicate over ``l``, ``c`` and ``m`` that marks a line for the rule."""

    predicate: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimAggregates:
    """Aggregates over one claim's lines (local name → SQL) and their bindings."""

    columns: Mapping[str, str]
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleContext:
    """Everything a kind needs to write its SQL for one rule of one run.

    ``key`` names the rule in the shared passes; ``bit`` is its mark in
    ``temp.screen_line.mask``; ``columns`` maps its aggregates' local names to the columns
    of ``temp.screen_claim_lines`` (identical aggregates of two rules share one column).
    """

    rule_code: str
    parameters: Mapping[str, ParamValue]
    amount_basis: str
    scope: BatchScope
    key: str = "r0"
    bit: int = 0
    columns: Mapping[str, str] = field(default_factory=dict)

    def bind(self, **extra: Any) -> dict[str, Any]:
        """The scope's parameters, the rule code and each scalar parameter as ``p_<name>``."""
        values: dict[str, Any] = {**self.scope.params(), "rule": self.rule_code}
        for name, value in self.parameters.items():
            if not isinstance(value, tuple):
                values[f"p_{name}"] = int(value) if isinstance(value, bool) else value
        values["bit"] = self.bit
        values.update(extra)
        return values

    def shared(self, name: str) -> str:
        """The placeholder of a scalar parameter in a shared pass (``:r3_name``)."""
        return f":{self.key}_{name}"

    def shared_params(self) -> dict[str, Any]:
        """Every scalar parameter under its shared-pass name."""
        return {
            f"{self.key}_{name}": int(value) if isinstance(value, bool) else value
            for name, value in self.parameters.items()
            if not isinstance(value, tuple)
        }

    def column(self, name: str) -> str:
        """The ``temp.screen_claim_lines`` column (as ``g.<col>``) of an aggregate."""
        return f"g.{self.columns[name]}"

    def codes(self, name: str) -> tuple[str, ...]:
        """A ``codes`` parameter's values."""
        value = self.parameters[name]
        if not isinstance(value, tuple):
            raise TypeError(f"parameter {name} is not a list of codes")
        return value

    def integer(self, name: str) -> int:
        """An ``integer`` parameter's value."""
        value = self.parameters[name]
        if isinstance(value, tuple):
            raise TypeError(f"parameter {name} is not a number")
        return int(value)

    def claim_amount(self, alias: str) -> str:
        """The amount column of claim ``alias`` for a claim-level basis."""
        return f"{alias}.{CLAIM_AMOUNTS[self.amount_basis]}"


def prefix_condition(column: str, prefixes: Sequence[str], name: str) -> tuple[str, dict[str, str]]:
    """SQL that is true when ``column`` starts with one of ``prefixes``, and its bindings.

    Prefixes are grouped by length, so each group is one ``substr(…) IN (…)`` test that
    SQLite answers from a small in-memory index instead of one ``LIKE`` per prefix.
    """
    if not prefixes:
        return "0", {}
    by_length: dict[int, list[str]] = {}
    for prefix in prefixes:
        by_length.setdefault(len(prefix), []).append(prefix)
    tests, params = [], {}
    for length, group in sorted(by_length.items()):
        marks = []
        for number, prefix in enumerate(group):
            key = f"{name}_{length}_{number}"
            params[key] = prefix
            marks.append(f":{key}")
        tests.append(f"substr({column}, 1, {length}) IN ({', '.join(marks)})")
    return "(" + " OR ".join(tests) + ")", params


@dataclass(frozen=True)
class Kind:
    """A family of rules the engine implements (see module doc)."""

    name: str
    parameters: Mapping[str, str]  # name → one of PARAMETER_TYPES
    detail_keys: frozenset[str]
    amount_bases: tuple[str, ...]
    statements: Callable[[RuleContext], list[Statement]]
    # What the flagged row is: "claim" (the whole claim) or "line" (one billed line).
    target: str = "claim"
    line_check: Callable[[RuleContext], LineCheck] | None = None
    claim_aggregates: Callable[[RuleContext], ClaimAggregates] | None = None
    # SQL over g (with ctx.column) and c: keep the claim as a candidate of this rule.
    claim_keep: Callable[[RuleContext], str] | None = None
    strategy: str = ""


def json_detail(**columns: str) -> str:
    """``json_object('key', expr, …)`` for the detail column."""
    return "json_object(" + ", ".join(f"'{key}', {expr}" for key, expr in columns.items()) + ")"


def service_day(alias: str = "l") -> str:
    """The ISO date of a line's service time."""
    return f"substr({alias}.service_time, 1, 10)"


# The detail every line-level flag carries: which line, which item, which day.
LINE_ITEM = {
    "line_no": "l.line_no",
    "item_code": "l.item_code",
    "item_name": "l.item_name",
    "service_date": service_day(),
}
LINE_DETAIL = frozenset(LINE_ITEM)


def marked_lines(*tables: str) -> str:
    """``FROM`` body over the lines the rule's check marked, ``l`` and the given tables.

    The tables are cross-joined after the line (looked up per marked line, a handful);
    the caller adds their join conditions after the returned ``WHERE`` clause.
    """
    joins = "".join(f" CROSS JOIN {table}" for table in tables)
    return (
        f"temp.screen_line s CROSS JOIN claim_line l{joins}"
        " WHERE (s.mask & :bit) != 0 AND l.id = s.line_id"
    )
