"""A flag's reason in words: the rule's template filled from the flag's detail.

Flags store raw values (fen, level codes, ISO dates) so they mean the same in every
language; the words are made here, when shown. Beside the detail's own keys a template may
use the rule's parameters and these derived values: ``x_yuan`` for every ``x_fen`` (money
as yuan text), labels in place of level and sex codes, ``age_range`` when the detail has
``min_age``/``max_age``, and quantities without a trailing ``.0``.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from inspector_app.i18n import _, pgettext
from local_db.enums import InstitutionLevel

LEVEL_KEYS = frozenset({"item_level", "institution_level"})
SEX_KEYS = frozenset({"item_sex", "patient_sex"})
VISIT_KEYS = frozenset({"other_visit_type"})


def yuan(fen: int) -> str:
    """Integer fen as yuan text with thousands separators (never through floating point)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def derived_names(keys: Iterable[str]) -> frozenset[str]:
    """The extra names a template may use beside ``keys``."""
    names = {key[:-4] + "_yuan" for key in keys if key.endswith("_fen")}
    if {"min_age", "max_age"} <= set(keys):
        names.add("age_range")
    return frozenset(names)


def placeholders(template: str) -> list[str]:
    """The ``{name}`` fields of a template, in order.

    Raises:
        ValueError: a field that is not a plain name (positional, attribute, index, format).
    """
    names = []
    for _literal, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(field or "{}")
        names.append(field)
    return names


def _sex_label(code: Any) -> str:
    return {"M": pgettext("sex", "male"), "F": pgettext("sex", "female")}.get(str(code), "?")


def _visit_label(code: Any) -> str:
    labels = {"inpatient": _("inpatient stay"), "outpatient": _("outpatient visit")}
    return labels.get(str(code), str(code))


def _level_label(code: Any) -> str:
    from inspector_app.vocabulary import institution_level_label

    try:
        return institution_level_label(InstitutionLevel(code))
    except ValueError:
        return str(code)


def _age_range(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return _("patients aged {low} to {high}").format(low=low, high=high)
    if high is not None:
        return _("patients aged {high} or younger").format(high=high)
    if low is not None:
        return _("patients aged {low} or older").format(low=low)
    return _("any age")


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None:
        return "—"
    return value


def reason_values(detail: Mapping[str, Any], parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Every value a reason template may use, ready to print."""
    values: dict[str, Any] = {
        name: ",".join(value) if isinstance(value, list | tuple) else _plain(value)
        for name, value in parameters.items()
    }
    for key, value in detail.items():
        if key in LEVEL_KEYS:
            values[key] = _level_label(value)
        elif key in SEX_KEYS:
            values[key] = _sex_label(value)
        elif key in VISIT_KEYS:
            values[key] = _visit_label(value)
        else:
            values[key] = _plain(value)
        if key.endswith("_fen") and isinstance(value, int | float):
            values[key[:-4] + "_yuan"] = yuan(int(value))
    if "min_age" in detail or "max_age" in detail:
        values["age_range"] = _age_range(detail.get("min_age"), detail.get("max_age"))
    return values


def render_reason(template: str, detail: Mapping[str, Any], parameters: Mapping[str, Any]) -> str:
    """The template filled in; a value the detail lacks shows as ``{name}`` (never fails)."""
    values = reason_values(detail, parameters)

    class _Keep(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Keep(values))
