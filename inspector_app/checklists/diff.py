"""What changed between two versions of one template, item by item (by item code).

Item codes are never reused for a different question (the schema's rule), so comparing by
code is meaningful: a code only in the new version was added, one only in the old version
was removed, and one in both may have a changed question, legal basis, condition, …
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from inspector_app.checklists.templates import Item, Template

# The fields whose change matters to an answer already given (compared in this order).
COMPARED_FIELDS = (
    "question",
    "legal_basis",
    "condition",
    "required",
    "severity",
    "violations",
    "guidance",
    "evidence",
)


@dataclass(frozen=True)
class ItemChange:
    """An item present in both versions whose listed ``fields`` differ."""

    code: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class TemplateDiff:
    """Items added, removed and changed from ``from_version`` to ``to_version``."""

    code: str
    from_version: str
    to_version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[ItemChange, ...]
    notes: str = ""

    @property
    def empty(self) -> bool:
        """No item differs (only titles or descriptions may have changed)."""
        return not (self.added or self.removed or self.changed)

    def to_json(self, carried: int = 0) -> str:
        """The record stored in ``ChecklistMigration.changes`` (codes only, stable keys)."""
        document: dict[str, Any] = {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [{"item": c.code, "fields": list(c.fields)} for c in self.changed],
            "answers_carried": carried,
            "notes": self.notes,
        }
        return json.dumps(document, ensure_ascii=False, sort_keys=True)


def _changed_fields(old: Item, new: Item) -> tuple[str, ...]:
    return tuple(name for name in COMPARED_FIELDS if getattr(old, name) != getattr(new, name))


def diff_templates(old: Template, new: Template) -> TemplateDiff:
    """Compare two versions of the same template."""
    old_items, new_items = old.items_by_code, new.items_by_code
    changed = []
    for code, item in new_items.items():
        previous = old_items.get(code)
        if previous is not None:
            fields = _changed_fields(previous, item)
            if fields:
                changed.append(ItemChange(code, fields))
    return TemplateDiff(
        code=new.code,
        from_version=old.version,
        to_version=new.version,
        added=tuple(code for code in new_items if code not in old_items),
        removed=tuple(code for code in old_items if code not in new_items),
        changed=tuple(changed),
        notes=new.changes,
    )
