"""Shipped templates that can meet in one case never share an item code.

A case stores one answer per item code, so a thematic checklist added to a hospital's
general checklist must bring codes of its own (its section codes carry a prefix).
"""

from __future__ import annotations

import itertools

from inspector_app.checklists.templates import shipped_templates


def test_templates_for_the_same_kind_of_institution_use_disjoint_item_codes() -> None:
    templates = shipped_templates()
    assert len(templates) >= 7
    for first, second in itertools.combinations(templates, 2):
        if first.code == second.code or not set(first.applies_to) & set(second.applies_to):
            continue
        shared = set(first.items_by_code) & set(second.items_by_code)
        assert not shared, f"{first.code} and {second.code} share {sorted(shared)}"
