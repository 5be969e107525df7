"""Validate a screening rule file: JSON Schema first, then what only the engine knows.

The schema (``resources/screening/screening-rules.schema.json``, draft 2020-12) checks shapes
and vocabularies. The semantic checks hold each rule to the kind that implements it: its
parameters are exactly the ones the kind reads, of the right types, with defaults inside
their bounds; its reason placeholders are values the kind (or the parameters) provide; its
amount basis is one the kind computes; its codes are unique and its violation codes are in
the violation catalogue; its legal basis cites only the article of the violation it suggests
(the Art. 40 alternative for proven fraud is named apart). Every failure is a
:class:`RuleFileError` naming the file, the rule and the problem, as the checklist templates
do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from inspector_app.data_files import (
    DataFileError,
    compiled_validator,
    first_errors,
    json_path,
    schema_problem,
)
from inspector_app.i18n import _
from inspector_app.legal import parse_violation_code
from inspector_app.screening.kinds import KINDS
from inspector_app.screening.reasons import derived_names, placeholders

SCHEMA_FILE = ("screening", "screening-rules.schema.json")
FRAUD_ARTICLE = 40  # Order 735, Art. 40: fraud (骗取) by designated institutions


class RuleFileError(DataFileError):
    """A rule file that cannot be used, with where and why.

    Attributes:
        file: the file name.
        rule: the rule code, or a JSON path when the problem is not inside a rule with a
            readable code; None for the whole document.
        problem: what is wrong, in the active language.
    """

    @property
    def rule(self) -> str | None:
        """Where the problem is (see :class:`DataFileError`)."""
        return self.where

    def at_entry(self) -> str:
        return _("{file}, rule {rule}: {problem}").format(
            file=self.file, rule=self.where, problem=self.problem
        )


def schema_validator() -> Draft202012Validator:
    """The compiled rule-set schema (read once)."""
    return compiled_validator(*SCHEMA_FILE)


def _locate(document: Any, path: list[Any]) -> tuple[str | None, list[Any]]:
    """The rule code (or JSON path) an error path points into, and the rest of the path."""
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        try:
            code = document["rules"][path[1]].get("code")
        except (KeyError, IndexError, TypeError, AttributeError):
            code = None
        if isinstance(code, str) and code:
            return code, path[2:]
        return json_path(path[:2]), path[2:]
    return None, path


def _deepest(errors: list[ValidationError]) -> ValidationError:
    """The most specific error of an ``if``/``then`` failure (jsonschema nests them)."""
    error = errors[0]
    while error.context:
        error = sorted(error.context, key=lambda e: len(list(e.path)))[-1]
    return error


def check_schema(document: Any, source_name: str) -> None:
    """Raise :class:`RuleFileError` for the first schema violation (document order)."""
    errors = first_errors(schema_validator(), document)
    if not errors:
        return
    error = _deepest(errors)
    rule, rest = _locate(document, list(error.path))
    raise RuleFileError(source_name, rule, schema_problem(error, json_path(rest)))


def _catalogue_codes() -> frozenset[str] | None:
    from inspector_app.checklists.validation import catalogue_codes

    return catalogue_codes()


def _parameter_problems(rule: Mapping[str, Any], kind_parameters: Mapping[str, str]) -> str:
    """What is wrong with a rule's parameters ("" when nothing is)."""
    seen: set[str] = set()
    for parameter in rule["parameters"]:
        name, kind = parameter["name"], parameter["type"]
        if name in seen:
            return _("parameter {name} is declared twice").format(name=name)
        seen.add(name)
        if name not in kind_parameters:
            return _("parameter {name} is not one the kind {kind} reads").format(
                name=name, kind=rule["kind"]
            )
        if kind != kind_parameters[name]:
            return _("parameter {name} must be of type {type}").format(
                name=name, type=kind_parameters[name]
            )
        low, high = parameter.get("minimum"), parameter.get("maximum")
        if low is not None and high is not None and low > high:
            return _("parameter {name}: the minimum is above the maximum").format(name=name)
        default = parameter["default"]
        if low is not None and high is not None and not low <= default <= high:
            return _("parameter {name}: the default {value} is outside {low}–{high}").format(
                name=name, value=default, low=low, high=high
            )
    missing = sorted(set(kind_parameters) - seen)
    if missing:
        return _("parameter {name} is missing (the kind {kind} needs it)").format(
            name=missing[0], kind=rule["kind"]
        )
    return ""


def _reason_problem(rule: Mapping[str, Any], allowed: frozenset[str]) -> str:
    for language, template in rule["reason"].items():
        try:
            names = placeholders(template)
        except ValueError as exc:
            return _(
                "the {language} reason has a placeholder that is not a name: {{{field}}}"
            ).format(language=language, field=exc)
        unknown = [name for name in names if name not in allowed]
        if unknown:
            return _(
                "the {language} reason uses {{{name}}}, which the rule does not provide"
            ).format(language=language, name=unknown[0])
    return ""


def _article(code: str) -> int | None:
    ref = parse_violation_code(code)
    return ref.article if ref is not None else None


def _basis_problem(rule: Mapping[str, Any]) -> str:
    """A rule cites the article of the violation it suggests, and only that article.

    Art. 38 (irregular use, fine 1–2x) and Art. 40 (fraud, 2–5x) exclude each other for
    one act: an Art. 38 act done to defraud is punished under Art. 40 instead. So a
    finding prefilled from a flag must not cite both; the Art. 40 item that applies once an
    intent to defraud is established is named apart, in ``fraud_violation``.
    """
    violation = rule["violation"]
    if violation not in rule["legal_basis"]:
        return _("the legal basis does not include {code}, the violation the rule suggests").format(
            code=violation
        )
    article = _article(violation)
    for code in rule["legal_basis"]:
        other = _article(code)
        if other != article:
            if article is None or other is None:
                return _("the legal basis cites {code} next to the data-quality outcome").format(
                    code=code
                )
            return _(
                "the legal basis cites Art. {other} next to its violation's Art. {article}; "
                "name the Art. 40 item that applies to proven fraud in fraud_violation"
            ).format(other=other, article=article)
    fraud = rule.get("fraud_violation")
    if fraud is not None:
        if _article(fraud) != FRAUD_ARTICLE:
            return _("fraud_violation {code} is not an Art. 40 (fraud) violation").format(
                code=fraud
            )
        if article == FRAUD_ARTICLE:
            return _("fraud_violation is set but the rule already suggests Art. 40")
    return ""


def _rule_problem(rule: Mapping[str, Any], violation_codes: frozenset[str] | None) -> str:
    """What is wrong with one rule ("" when nothing is)."""
    kind = KINDS.get(rule["kind"])
    if kind is None:
        return _("kind “{kind}” is not one the engine implements (known: {known})").format(
            kind=rule["kind"], known=", ".join(sorted(KINDS))
        )
    fraud = rule.get("fraud_violation")
    if violation_codes is not None:
        for code in [rule["violation"], *rule["legal_basis"], *([fraud] if fraud else [])]:
            if code not in violation_codes:
                return _("violation code {code} is not in the violation catalogue").format(
                    code=code
                )
    problem = _basis_problem(rule) or _parameter_problems(rule, kind.parameters)
    if problem:
        return problem
    if rule["amount"]["basis"] not in kind.amount_bases:
        return _("the kind {kind} cannot count the amount as “{basis}” (it can: {bases})").format(
            kind=kind.name, basis=rule["amount"]["basis"], bases=", ".join(kind.amount_bases)
        )
    names = kind.detail_keys | set(kind.parameters)
    return _reason_problem(rule, frozenset(names | derived_names(names)))


def check_semantics(document: Mapping[str, Any], source_name: str) -> None:
    """Raise :class:`RuleFileError` for the first rule a schema cannot judge."""
    violation_codes = _catalogue_codes()
    seen: set[str] = set()
    for rule in document["rules"]:
        code = rule["code"]
        if code in seen:
            raise RuleFileError(source_name, code, _("the rule code is used twice"))
        seen.add(code)
        problem = _rule_problem(rule, violation_codes)
        if problem:
            raise RuleFileError(source_name, code, problem)
