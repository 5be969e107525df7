"""The per-row error report of an import: stable problem codes, their severity and wording.

Two severities. An ``error`` refuses the row: it is not loaded, and it counts in the batch's
``rejected_count``. A ``warning`` keeps the row as read and only reports it (a wrong ID
check digit, an amount that is not price × quantity): the data is the institution's own
record, and such rows are often exactly what an inspector looks for, so they must not be
dropped. Blank rows and 合计 (total) rows are skipped without a problem: they are not data.

``ImportProblem.detail`` holds language-neutral facts as JSON (e.g. ``{"first_row": 12}``);
:func:`problem_text` words code and facts in the active language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from inspector_app.i18n import _


class Severity(StrEnum):
    """Whether a problem refuses its row."""

    ERROR = "error"
    WARNING = "warning"


class ProblemCode(StrEnum):
    """What is wrong with a row or a value (stored in ``import_problem.problem``)."""

    REQUIRED_MISSING = "required_missing"
    BAD_MONEY = "bad_money"
    BAD_QUANTITY = "bad_quantity"
    BAD_INTEGER = "bad_integer"
    BAD_DATE = "bad_date"
    BAD_DATETIME = "bad_datetime"
    UNDECODABLE = "undecodable"
    EXTRA_FIELDS = "extra_fields"
    DUPLICATE_SETTLEMENT = "duplicate_settlement_no"
    UNKNOWN_SETTLEMENT = "unknown_settlement_no"
    CLAIM_REFUSED = "claim_refused"
    COUNT_KIND_UNKNOWN = "count_kind_unknown"
    # Warnings: the row is kept.
    ID_CHECK_DIGIT = "id_check_digit"
    UNKNOWN_SEX = "unknown_sex"
    AMOUNT_MISMATCH = "amount_mismatch"
    LINE_NO_RENUMBERED = "line_no_renumbered"
    UNBALANCED_QUOTE = "unbalanced_quote"


WARNINGS = frozenset(
    {
        ProblemCode.ID_CHECK_DIGIT,
        ProblemCode.UNKNOWN_SEX,
        ProblemCode.AMOUNT_MISMATCH,
        ProblemCode.LINE_NO_RENUMBERED,
        ProblemCode.UNBALANCED_QUOTE,
    }
)


def severity(code: str) -> Severity:
    """The severity of a problem code (unknown codes count as errors)."""
    return Severity.WARNING if code in WARNINGS else Severity.ERROR


class FieldError(ValueError):
    """A value cannot be used; ``code`` says why, ``facts`` give the specifics."""

    def __init__(self, code: ProblemCode, **facts: Any) -> None:
        super().__init__(code.value)
        self.code = code
        self.facts = facts


@dataclass(frozen=True)
class Problem:
    """One reported problem of one row (``row_no`` as a spreadsheet numbers it)."""

    row_no: int
    column: str
    value: str
    code: str
    detail: str = ""

    @property
    def severity(self) -> Severity:
        """Error (row refused) or warning (row kept)."""
        return severity(self.code)

    def text(self) -> str:
        """The problem in words, in the active language."""
        return problem_text(self.code, self.detail)


def facts_json(facts: dict[str, Any]) -> str:
    """Facts as stored in ``detail`` (compact JSON, or empty)."""
    return json.dumps(facts, ensure_ascii=False, sort_keys=True) if facts else ""


def _facts(detail: str) -> dict[str, Any]:
    if not detail:
        return {}
    try:
        loaded = json.loads(detail)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def problem_text(code: str, detail: str = "") -> str:
    """Word a problem code and its facts for the error report."""
    try:
        wording = _WORDING[ProblemCode(code)]
    except ValueError:
        return code
    return wording(_facts(detail))


def _fact(facts: dict[str, Any], name: str) -> str:
    return str(facts.get(name, "?"))


_WORDING: dict[ProblemCode, Callable[[dict[str, Any]], str]] = {
    ProblemCode.REQUIRED_MISSING: lambda f: _("A required value is missing."),
    ProblemCode.BAD_MONEY: lambda f: _("Not an amount of money."),
    ProblemCode.BAD_QUANTITY: lambda f: _("Not a quantity."),
    ProblemCode.BAD_INTEGER: lambda f: _("Not a whole number."),
    ProblemCode.BAD_DATE: lambda f: _("Not a date."),
    ProblemCode.BAD_DATETIME: lambda f: _("Not a date and time."),
    ProblemCode.UNDECODABLE: lambda f: _(
        "The row has bytes that are not valid in the file's encoding ({encoding})."
    ).format(encoding=_fact(f, "encoding")),
    ProblemCode.EXTRA_FIELDS: lambda f: _(
        "The row has more fields than the header ({fields} for {columns} columns)."
    ).format(fields=_fact(f, "fields"), columns=_fact(f, "columns")),
    ProblemCode.DUPLICATE_SETTLEMENT: lambda f: _(
        "This settlement number already appeared in row {row}."
    ).format(row=_fact(f, "first_row")),
    ProblemCode.UNKNOWN_SETTLEMENT: lambda f: _(
        "No claim in the claims file has this settlement number."
    ),
    ProblemCode.CLAIM_REFUSED: lambda f: _(
        "The claim with this settlement number was refused (row {row} of the claims file)."
    ).format(row=_fact(f, "claim_row")),
    ProblemCode.COUNT_KIND_UNKNOWN: lambda f: _(
        "Neither the row nor the file says whether this is an opening or a closing count."
    ),
    ProblemCode.ID_CHECK_DIGIT: lambda f: _(
        "The ID number's check character is wrong (expected {expected}); the row was kept."
    ).format(expected=_fact(f, "expected")),
    ProblemCode.UNKNOWN_SEX: lambda f: _(
        "Unknown value for sex; stored as blank, the row was kept."
    ),
    ProblemCode.AMOUNT_MISMATCH: lambda f: _(
        "The amount differs from unit price × quantity ({expected}); the row was kept."
    ).format(expected=_fact(f, "expected")),
    ProblemCode.LINE_NO_RENUMBERED: lambda f: _(
        "The line number repeats within its claim (or is no line number); numbered {line_no} "
        "instead."
    ).format(line_no=_fact(f, "line_no")),
    ProblemCode.UNBALANCED_QUOTE: lambda f: _(
        "A quotation mark opens this value and is never closed; the line was read on its own, "
        "with the quotation mark as part of the value."
    ),
}


def severity_label(value: Severity) -> str:
    """The severity in words."""
    return {Severity.ERROR: _("Error (row refused)"), Severity.WARNING: _("Warning (row kept)")}[
        value
    ]
