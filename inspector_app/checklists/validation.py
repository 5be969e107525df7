"""Validate a checklist template document: JSON Schema first, then what a schema cannot say.

The schema (``resources/checklists/checklist-template.schema.json``, draft 2020-12) checks
shapes and vocabularies; the semantic checks here catch what makes a template wrong in use:
a reused item code, an item filed under another section's prefix, a condition that points at
a later item (the screen decides visibility in one pass, top to bottom), a violation code the
catalogue does not know. Every failure is a :class:`TemplateError` naming the file, the item
and the problem, so the author can fix it without reading a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from inspector_app.data_files import (
    DataFileError,
    compiled_validator,
    first_errors,
    json_path,
    schema_problem,
)
from inspector_app.i18n import _

SCHEMA_FILE = ("checklists", "checklist-template.schema.json")


class TemplateError(DataFileError):
    """A template that cannot be used, with where and why.

    Attributes:
        file: the file name (or another name for the source, e.g. a stored version).
        item: the item code, or a JSON path such as ``sections[2].title`` when the problem
            is not inside an item with a readable code; None for the whole document.
        problem: what is wrong, in the active language.
    """

    @property
    def item(self) -> str | None:
        """Where the problem is (see :class:`DataFileError`)."""
        return self.where

    def at_entry(self) -> str:
        return _("{file}, item {item}: {problem}").format(
            file=self.file, item=self.where, problem=self.problem
        )


def schema_validator() -> Draft202012Validator:
    """The compiled template schema (read once)."""
    return compiled_validator(*SCHEMA_FILE)


@cache
def catalogue_codes() -> frozenset[str] | None:
    """Violation codes of ``resources/catalogue/violations.json``; None while it is absent.

    An unreadable catalogue also yields None: the catalogue's own tests judge it, and a
    template must not become unusable because another file is being edited.
    """
    from inspector_app.findings.catalogue import catalogue, catalogue_path

    if not catalogue_path().is_file():
        return None
    try:
        return frozenset(entry.code for entry in catalogue().entries)
    except ValueError:  # CatalogueError and JSON errors alike
        return None


def _locate(document: Any, path: list[Any]) -> tuple[str | None, list[Any]]:
    """The item code (or JSON path) an error path points into, and the rest of the path."""
    if len(path) >= 4 and path[0] == "sections" and path[2] == "items":
        try:
            code = document["sections"][path[1]]["items"][path[3]].get("code")
        except (KeyError, IndexError, TypeError, AttributeError):
            code = None
        if isinstance(code, str) and code:
            return code, path[4:]
        return json_path(path[:4]), path[4:]
    if not path:
        return None, []
    if path[0] == "sections" and len(path) >= 2:
        return json_path(path[:2]), path[2:]
    return None, path


def check_schema(document: Any, source_name: str) -> None:
    """Raise :class:`TemplateError` for the first schema violation (document order)."""
    errors = first_errors(schema_validator(), document)
    if not errors:
        return
    error = errors[0]
    item, rest = _locate(document, list(error.path))
    raise TemplateError(source_name, item, schema_problem(error, json_path(rest)))


def _condition_problem(item: Mapping[str, Any], earlier: set[str], every: set[str]) -> str:
    """What is wrong with an item's condition ("" when nothing is)."""
    condition = item.get("condition")
    if condition is None:
        return ""
    target = condition["item"]
    if target == item["code"]:
        return _("condition refers to the item itself")
    if target in earlier:
        return ""
    if target in every:
        return _("condition refers to {target}, which comes later").format(target=target)
    return _("condition refers to {target}, which is not in the template").format(target=target)


def check_semantics(
    document: Mapping[str, Any], source_name: str, violation_codes: frozenset[str] | None
) -> None:
    """Raise :class:`TemplateError` for the first rule a schema cannot express."""
    seen_sections: set[str] = set()
    seen_items: set[str] = set()
    all_items = {item["code"] for section in document["sections"] for item in section["items"]}
    for number, section in enumerate(document["sections"]):
        code = section["code"]
        if code in seen_sections:
            raise TemplateError(
                source_name,
                f"sections[{number}]",
                _("section code {code} is used twice").format(code=code),
            )
        seen_sections.add(code)
        for item in section["items"]:
            item_code = item["code"]
            if item_code in seen_items:
                raise TemplateError(
                    source_name, item_code, _("the item code is used twice in the template")
                )
            if item_code.rsplit("-", 1)[0] != code:
                raise TemplateError(
                    source_name,
                    item_code,
                    _("the code must start with its section's code {section}-").format(
                        section=code
                    ),
                )
            problem = _condition_problem(item, seen_items, all_items)
            if problem:
                raise TemplateError(source_name, item_code, problem)
            if violation_codes is not None:
                unknown = [v for v in item.get("violations", []) if v not in violation_codes]
                if unknown:
                    raise TemplateError(
                        source_name,
                        item_code,
                        _("violation code {code} is not in the violation catalogue").format(
                            code=unknown[0]
                        ),
                    )
            seen_items.add(item_code)
