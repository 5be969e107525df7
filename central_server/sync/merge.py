"""Per-field merge of one change into a record (pure; the push service persists the result).

Each field carries the hybrid-logical-clock stamp of the write that set it. A change whose
``base`` for a field equals the stored stamp was made by someone who had seen the stored
value: it simply replaces it. Otherwise the two writes were concurrent: the later stamp
wins, and unless both wrote the same value the other one is kept as a conflict for a person
to resolve. Nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldConflict:
    """Two concurrent values of one field: the one kept and the one set aside."""

    field: str
    winner_value: Any
    winner_clock: str
    winner_by: str
    loser_value: Any
    loser_clock: str
    loser_by: str


@dataclass
class Merged:
    """A record after the merge and what it cost."""

    fields: dict[str, Any]
    clocks: dict[str, str]
    authors: dict[str, str]
    changed: list[str] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)


def merge(  # noqa: PLR0917 - the record's three maps, then the change's four parts
    fields: dict[str, Any],
    clocks: dict[str, str],
    authors: dict[str, str],
    incoming: dict[str, Any],
    base: dict[str, str | None],
    stamp: str,
    actor: str,
) -> Merged:
    """Merge ``incoming`` (written at ``stamp`` by ``actor``) into the stored maps."""
    result = Merged(dict(fields), dict(clocks), dict(authors))
    for name, value in incoming.items():
        stored_clock = clocks.get(name)
        if stored_clock is None or base.get(name) == stored_clock:
            if stored_clock is None or stamp > stored_clock or fields.get(name) != value:
                _take(result, name, value, max(stamp, stored_clock or stamp), actor)
            continue
        stored_value, stored_by = fields.get(name), authors.get(name, "")
        if stored_value == value:
            if stamp > stored_clock:
                result.clocks[name] = stamp
            continue
        if stamp > stored_clock:
            _take(result, name, value, stamp, actor)
            winner, loser = (value, stamp, actor), (stored_value, stored_clock, stored_by)
        else:
            winner, loser = (stored_value, stored_clock, stored_by), (value, stamp, actor)
        result.conflicts.append(FieldConflict(name, *winner, *loser))
    return result


def _take(result: Merged, name: str, value: Any, clock: str, actor: str) -> None:
    if result.fields.get(name) != value or name not in result.fields:
        result.changed.append(name)
    result.fields[name] = value
    result.clocks[name] = clock
    result.authors[name] = actor
