"""What the JSON data files we ship (checklist templates, screening rule sets) share.

Each kind of file is checked against its JSON Schema (draft 2020-12) and then by its own
semantic checks; either way a failure names the file, the entry (an item code, a rule code,
or a JSON path) and the problem in words, so an author fixes it without a traceback. This
module holds the parts that do not depend on the kind: the error, the compiled validator,
the first schema error in document order, and its wording.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from inspector_app.i18n import _
from inspector_app.resources import resource_path


class DataFileError(ValueError):
    """A data file that cannot be used: the file, where in it, and why.

    ``where`` is an entry's code, a JSON path such as ``sections[2].title`` when the problem
    is not inside an entry with a readable code, or None for the whole document. Subclasses
    say what an entry is called (:meth:`at_entry`).
    """

    def __init__(self, file: str, where: str | None, problem: str) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        super().__init__(str(self))

    def at_entry(self) -> str:
        """The message for a problem inside the entry ``self.where`` (a code)."""
        return _("{file}, at {path}: {problem}").format(
            file=self.file, path=self.where, problem=self.problem
        )

    def __str__(self) -> str:
        if self.where is None:
            return _("{file}: {problem}").format(file=self.file, problem=self.problem)
        if "[" in self.where or "." in self.where:
            return _("{file}, at {path}: {problem}").format(
                file=self.file, path=self.where, problem=self.problem
            )
        return self.at_entry()


@cache
def compiled_validator(*schema_file: str) -> Draft202012Validator:
    """The schema at ``resources/<schema_file…>``, checked and compiled once."""
    schema = json.loads(resource_path(*schema_file).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def first_errors(validator: Draft202012Validator, document: Any) -> list[ValidationError]:
    """Every schema error, in document order (the first is the one to report)."""
    return sorted(
        validator.iter_errors(document),
        key=lambda e: [str(p).zfill(6) if isinstance(p, int) else str(p) for p in e.path],
    )


def json_path(path: Iterable[Any]) -> str:
    """``["sections", 2, "title"]`` → ``sections[2].title``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_problem(error: ValidationError, field: str) -> str:
    """A sentence for the usual schema failures; jsonschema's own message otherwise."""
    where = f"“{field}”" if field else _("the value")
    # jsonschema types these as unions with its Unset sentinel; for a raised error they are set.
    kind = error.validator
    value: Any = error.instance
    expected: Any = error.validator_value
    schema: Any = error.schema
    place = _(" in {where}").format(where=where) if field else ""
    if kind == "required":
        missing = [name for name in expected if name not in (value or {})]
        return _("required field “{name}” is missing{place}").format(
            name=missing[0] if missing else "?", place=place
        )
    if kind == "additionalProperties":
        extra = sorted(set(value) - set(schema.get("properties", {})))
        return _("unknown field “{name}”{place}").format(name=", ".join(extra), place=place)
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
