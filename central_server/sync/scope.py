"""Where a record sits (task, case, region, owner), from its fields or its parent's place."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspector_app.sync.entities import EntitySpec, ScopeKind
from inspector_app.sync.protocol import ID_PATTERN


@dataclass(frozen=True)
class Scope:
    """A record's place; ``kind`` is one of task, region, global, owner."""

    kind: str
    task_id: str | None = None
    case_id: str | None = None
    region_code: str | None = None
    owner: str | None = None


class UnplacedError(Exception):
    """The record points to a parent the server does not hold (yet)."""


class InvalidPlaceError(UnplacedError):
    """The record names its place with something that is not a region code or a record id.

    It will never be placed. A subclass of :class:`UnplacedError` so that a caller that
    knows only that one still refuses the record rather than failing on the value.
    """


# GB/T 2260 codes are six digits; township-level extensions reach twelve (the column width).
REGION_CODE = re.compile(r"[0-9]{2,12}")
RECORD_ID = re.compile(ID_PATTERN)


def _record_id(value: object) -> str:
    if not isinstance(value, str) or not RECORD_ID.fullmatch(value):
        raise InvalidPlaceError(f"{value!r} is not a record id")
    return value


def _region_code(value: object) -> str:
    if not isinstance(value, str) or not REGION_CODE.fullmatch(value):
        raise InvalidPlaceError(f"{value!r} is not a region code")
    return value


# Looks up the place of another record: (entity, id) -> its scope, or None when unknown.
ScopeLookup = Callable[[str, str], Scope | None]


def _lookup(lookup: ScopeLookup, entity: str, entity_id: object) -> Scope:
    found = lookup(entity, _record_id(entity_id))
    if found is None:
        raise UnplacedError(f"{entity} {entity_id} is not on the server yet")
    return found


def resolve(
    spec: EntitySpec, entity_id: str, fields: dict[str, Any], owner: str, lookup: ScopeLookup
) -> Scope:
    """The first rule of ``spec`` whose field is set decides."""
    for rule in spec.rules:
        value = fields.get(rule.field) if rule.field else None
        if rule.field and value in (None, ""):
            continue
        match rule.kind:
            case ScopeKind.SELF_TASK:
                return Scope("task", task_id=entity_id, region_code=_region_code(value))
            case ScopeKind.TASK:
                task = _lookup(lookup, "inspection_task", value)
                return Scope("task", task_id=task.task_id, region_code=task.region_code)
            case ScopeKind.SELF_CASE:
                task = _lookup(lookup, "inspection_task", value)
                return Scope(
                    "task", task_id=task.task_id, case_id=entity_id, region_code=task.region_code
                )
            case ScopeKind.CASE:
                return _lookup(lookup, "case_file", value)
            case ScopeKind.PARENT:
                return _lookup(lookup, rule.parent, value)
            case ScopeKind.REGION:
                return Scope("region", region_code=_region_code(value))
            case ScopeKind.INSTITUTION:
                institution = _lookup(lookup, "institution", value)
                return Scope("region", region_code=institution.region_code)
            case ScopeKind.GLOBAL:
                return Scope("global")
            case ScopeKind.OWNER:
                return Scope("owner", owner=owner)
    raise UnplacedError(f"{spec.name} {entity_id} names no task, case or region")
