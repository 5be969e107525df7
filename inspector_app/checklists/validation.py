"""Validate a checklist template document: JSON Schema first, then what a schema cannot say.

The schema (``resources/checklists/checklist-template.schema.json``, draft 2020-12) checks
shapes and vocabularies; the semantic checks here catch what makes a template wrong in use:
a reused item code, an item filed under another section's prefix, a condition that points at
a later item (the screen decides visibility in one pass, top to bottom), a violation code the
catalogue does not know. Every failure is a :class:`TemplateError` naming the file, the item
and the problem, so the author can fix it without reading a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from inspector_app.i18n import _
from inspector_app.resources import resource_path

SCHEMA_FILE = ("checklists", "checklist-template.schema.json")


class TemplateError(ValueError):
    """A template that cannot be used, with where and why.

    Attributes:
        file: the file name (or another name for the source, e.g. a stored version).
        item: the item code, or a JSON path such as ``sections[2].title`` when the problem
            is not inside an item with a readable code; None for the whole document.
        problem: what is wrong, in the active language.
    """

    def __init__(self, file: str, item: str | None, problem: str) -> None:
        self.file = file
        self.item = item
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.item is None:
            return _("{file}: {problem}").format(file=self.file, problem=self.problem)
        if "[" in self.item or "." in self.item:
            return _("{file}, at {path}: {problem}").format(
                file=self.file, path=self.item, problem=self.problem
            )
        return _("{file}, item {item}: {problem}").format(
            file=self.file, item=self.item, problem=self.problem
        )


@cache
def schema_validator() -> Draft202012Validator:
    """The compiled template schema (read once)."""
    schema = json.loads(resource_path(*SCHEMA_FILE).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


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


def _json_path(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _locate(document: Any, path: list[Any]) -> tuple[str | None, list[Any]]:
    """The item code (or JSON path) an error path points into, and the rest of the path."""
    if len(path) >= 4 and path[0] == "sections" and path[2] == "items":
        try:
            code = document["sections"][path[1]]["items"][path[3]].get("code")
        except (KeyError, IndexError, TypeError, AttributeError):
            code = None
        if isinstance(code, str) and code:
            return code, path[4:]
        return _json_path(path[:4]), path[4:]
    if not path:
        return None, []
    if path[0] == "sections" and len(path) >= 2:
        return _json_path(path[:2]), path[2:]
    return None, path


def _schema_problem(error: ValidationError, field: str) -> str:
    """A sentence for the usual schema failures; jsonschema's own message otherwise."""
    where = f"“{field}”" if field else _("the value")
    # jsonschema types these as unions with its Unset sentinel; for a raised error they are set.
    kind = error.validator
    value: Any = error.instance
    expected: Any = error.validator_value
    schema: Any = error.schema
    if kind == "required":
        missing = [name for name in expected if name not in (value or {})]
        return _("required field “{name}” is missing{place}").format(
            name=missing[0] if missing else "?",
            place=_(" in {where}").format(where=where) if field else "",
        )
    if kind == "additionalProperties":
        extra = sorted(set(value) - set(schema.get("properties", {})))
        return _("unknown field “{name}”{place}").format(
            name=", ".join(extra), place=_(" in {where}").format(where=where) if field else ""
        )
    if kind == "enum":
        return _("{where} is “{value}”, expected one of: {allowed}").format(
            where=where, value=value, allowed=", ".join(str(v) for v in expected)
        )
    if kind == "pattern":
        return _("{where} “{value}” does not have the expected form ({pattern})").format(
            where=where, value=value, pattern=expected
        )
    if kind == "type":
        return _("{where} should be of type {type}").format(where=where, type=expected)
    if kind in {"minItems", "minLength"}:
        return _("{where} is empty").format(where=where)
    if kind == "const":
        return _("{where} must be {value}").format(where=where, value=json.dumps(expected))
    return f"{where}: {error.message}" if field else error.message


def check_schema(document: Any, source_name: str) -> None:
    """Raise :class:`TemplateError` for the first schema violation (document order)."""
    errors = sorted(
        schema_validator().iter_errors(document),
        key=lambda e: [str(p).zfill(6) if isinstance(p, int) else str(p) for p in e.path],
    )
    if not errors:
        return
    error = errors[0]
    item, rest = _locate(document, list(error.path))
    raise TemplateError(source_name, item, _schema_problem(error, _json_path(rest)))


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
