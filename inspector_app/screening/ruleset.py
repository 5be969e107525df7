"""Screening rules as data: load, validate and read one version of a rule set.

A rule set is a JSON file ``resources/screening/rules-<version>.json`` (see
docs/screening.md), validated on load (:mod:`.validation`) and turned into frozen
dataclasses. ``sha256`` is the hash of the file's exact bytes: a screening run records it,
so a supervisor can tell which rules produced a flag.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from inspector_app.checklists.templates import LocalText
from inspector_app.i18n import _
from inspector_app.resources import resource_path
from inspector_app.screening.kinds import KINDS, Kind, ParamValue
from inspector_app.screening.validation import RuleFileError, check_schema, check_semantics

RULES_FOLDER = "screening"
_FILE_NAME = re.compile(r"^rules-(?P<version>[0-9]{4}\.[0-9]{1,3})\.json$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class UnknownRuleError(LookupError):
    """A rule code the rule set does not have."""


class ParameterError(ValueError):
    """A parameter value out of range or of the wrong type; the message says which."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of a rule: its type, default and bounds."""

    name: str
    type: str
    default: ParamValue
    minimum: float | None
    maximum: float | None
    label: LocalText
    unit: LocalText

    def coerce(self, value: Any, *, rule: str = "") -> ParamValue:
        """``value`` (typed, or text from a command line) as this parameter's type.

        Raises:
            ParameterError: not of the type, or outside the bounds.
        """
        where = _("{rule}, parameter {name}").format(rule=rule, name=self.name)
        try:
            converted = self._convert(value)
        except (TypeError, ValueError):
            raise ParameterError(
                _("{where}: “{value}” is not a value of type {type}").format(
                    where=where, value=value, type=self.type
                )
            ) from None
        if isinstance(converted, int | float) and not isinstance(converted, bool):
            low = self.minimum if self.minimum is not None else converted
            high = self.maximum if self.maximum is not None else converted
            if not low <= converted <= high:
                raise ParameterError(
                    _("{where}: {value} is outside {low}–{high}").format(
                        where=where, value=converted, low=_number(low), high=_number(high)
                    )
                )
        return converted

    def _convert(self, value: Any) -> ParamValue:
        if self.type == "codes":
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(item).strip() for item in items if str(item).strip())
        if self.type == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE | _FALSE:
                return text in _TRUE
            raise ValueError(value)
        if isinstance(value, bool):
            raise TypeError(value)
        if self.type == "integer":
            number = float(value) if isinstance(value, str) else value
            if not isinstance(number, int | float) or not float(number).is_integer():
                raise ValueError(value)
            return int(number)
        return float(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class Rule:
    """One screening rule: what it looks for, on what basis, with which parameters."""

    code: str
    kind: str
    title: LocalText
    description: LocalText
    legal_basis: tuple[str, ...]
    violation: str
    enabled: bool
    parameters: tuple[Parameter, ...]
    reason: LocalText
    amount_basis: str
    amount_description: LocalText
    # The Art. 40 violation the finding falls under instead once an intent to defraud is
    # established (an Art. 38 act done to defraud is punished under Art. 40); None when the
    # suggested violation is already fraud. Kept apart from ``legal_basis`` on purpose: a
    # finding handled under Art. 38 (fine 1–2x) must not also cite Art. 40 (2–5x).
    fraud_violation: str | None = None

    @property
    def engine_kind(self) -> Kind:
        """The kind that implements the rule."""
        return KINDS[self.kind]

    def defaults(self) -> dict[str, ParamValue]:
        """Every parameter at its default."""
        return {parameter.name: parameter.default for parameter in self.parameters}

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``.

        Raises:
            ParameterError: the rule has no such parameter.
        """
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise ParameterError(_("{rule} has no parameter {name}").format(rule=self.code, name=name))

    def resolve(self, overrides: Mapping[str, Any] | None = None) -> dict[str, ParamValue]:
        """The defaults with ``overrides`` applied, each checked against its bounds.

        Raises:
            ParameterError: an unknown parameter or a value out of range.
        """
        values = self.defaults()
        for name, value in (overrides or {}).items():
            values[name] = self.parameter(name).coerce(value, rule=self.code)
        return values

    def legal_basis_text(self) -> str:
        """The articles the rule rests on, in the active language."""
        from inspector_app.findings.catalogue import legal_basis_text

        texts = [legal_basis_text(code) for code in self.legal_basis]
        return "；".join(text for text in texts if text)

    def fraud_alternative_text(self) -> str:
        """What applies if an intent to defraud is established, as a sentence ("" if none).

        The rule's legal basis stays the suggested violation's article; this names the
        Art. 40 item only as the alternative, for the finding's description and the UI.
        """
        if self.fraud_violation is None:
            return ""
        from inspector_app.findings.catalogue import catalogue, legal_basis_text

        entry = catalogue().get(self.fraud_violation)
        basis = legal_basis_text(self.fraud_violation)
        if entry is None:
            return _(
                "If an intent to defraud the fund is established, {basis} applies instead."
            ).format(basis=basis)
        return _(
            "If an intent to defraud the fund is established, {basis} ({title}) applies instead."
        ).format(basis=basis, title=entry.title())


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set and the identity of the file it came from."""

    code: str
    version: str
    title: LocalText
    description: LocalText
    rules: tuple[Rule, ...]
    source_name: str
    sha256: str

    def rule(self, code: str) -> Rule:
        """The rule called ``code``.

        Raises:
            UnknownRuleError: no such rule in the set.
        """
        for rule in self.rules:
            if rule.code == code:
                return rule
        raise UnknownRuleError(_("The rule set has no rule {code}.").format(code=code))

    def select(self, only: Iterable[str] | None = None) -> list[Rule]:
        """The rules named in ``only`` (in file order), or every enabled rule.

        Raises:
            UnknownRuleError: ``only`` names a rule the set does not have.
        """
        if only is None:
            return [rule for rule in self.rules if rule.enabled]
        wanted = list(dict.fromkeys(only))
        for code in wanted:
            self.rule(code)
        return [rule for rule in self.rules if rule.code in wanted]


def _text(data: Mapping[str, str] | None) -> LocalText:
    return LocalText.from_json(dict(data) if data is not None else None)


def _parameter(data: Mapping[str, Any]) -> Parameter:
    default = data["default"]
    if data["type"] == "codes":
        default = tuple(default)
    elif data["type"] == "number":
        default = float(default)
    return Parameter(
        name=data["name"],
        type=data["type"],
        default=default,
        minimum=data.get("minimum"),
        maximum=data.get("maximum"),
        label=_text(data["label"]),
        unit=_text(data.get("unit")),
    )


def _rule(data: Mapping[str, Any]) -> Rule:
    return Rule(
        code=data["code"],
        kind=data["kind"],
        title=_text(data["title"]),
        description=_text(data["description"]),
        legal_basis=tuple(data["legal_basis"]),
        violation=data["violation"],
        enabled=bool(data.get("enabled", True)),
        parameters=tuple(_parameter(p) for p in data["parameters"]),
        reason=_text(data["reason"]),
        amount_basis=data["amount"]["basis"],
        amount_description=_text(data["amount"]["description"]),
        fraud_violation=data.get("fraud_violation"),
    )


def parse_ruleset(raw: bytes, source_name: str) -> RuleSet:
    """Validate and read a rule set from the file's bytes.

    Raises:
        RuleFileError: not JSON, or a schema or semantic problem (file, rule, problem).
    """
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RuleFileError(
            source_name, None, _("not a JSON document ({error})").format(error=exc)
        ) from None
    check_schema(document, source_name)
    check_semantics(document, source_name)
    return RuleSet(
        code=document["code"],
        version=document["version"],
        title=_text(document["title"]),
        description=_text(document.get("description")),
        rules=tuple(_rule(rule) for rule in document["rules"]),
        source_name=source_name,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def load_ruleset(path: Path | None = None) -> RuleSet:
    """The rule set in ``path``, or the newest shipped one.

    Raises:
        RuleFileError: the file cannot be read or does not validate.
    """
    path = path or shipped_ruleset_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleFileError(
            path.name, None, _("cannot be read ({error})").format(error=exc.strerror or exc)
        ) from None
    return parse_ruleset(raw, path.name)


def _version_key(path: Path) -> tuple[int, int]:
    match = _FILE_NAME.match(path.name)
    assert match is not None
    year, number = match.group("version").split(".")
    return int(year), int(number)


def shipped_ruleset_path() -> Path:
    """The newest ``rules-<version>.json`` under ``resources/screening``."""
    folder = resource_path(RULES_FOLDER)
    files = [path for path in folder.glob("rules-*.json") if _FILE_NAME.match(path.name)]
    if not files:
        raise RuleFileError(folder.name, None, _("no rule set is shipped"))
    return max(files, key=_version_key)


@cache
def shipped_ruleset() -> RuleSet:
    """The newest shipped rule set (read and validated once)."""
    return load_ruleset()
