"""Turn one file's rows of text into typed values, or into problems, without stopping.

The conversion is planned once per file (one parser per target field, bound to its column)
so the per-row work is a list comprehension of parser calls: millions of rows go through
:meth:`RowReader.values`, which either returns every value or gives up at the first bad
one. Only then does :meth:`RowReader.diagnose` run each parser on its own to report every
problem of the row, and to recognize rows that are not data (blank, 合计 totals).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from inspector_app.settlement_import.fields import TargetField
from inspector_app.settlement_import.problems import (
    FieldError,
    Problem,
    ProblemCode,
    Severity,
    facts_json,
)
from inspector_app.settlement_import.sources import has_undecodable, printable
from inspector_app.settlement_import.values import (
    Parser,
    WarningSink,
    constant,
    make_parser,
    unmapped_values,
)
from local_db.enums import ImportFileRole

# A row whose first filled cells start with one of these is a total, not a record.
TOTAL_MARKS = ("合计", "总计", "小计", "累计", "total")
_TOTAL_CELLS = 3


class RowKind(Enum):
    """What :meth:`RowReader.diagnose` made of a row."""

    OK = "ok"
    REFUSED = "refused"
    BLANK = "blank"
    TOTAL = "total"


@dataclass(frozen=True)
class Diagnosis:
    """The slow path's verdict on one row."""

    kind: RowKind
    values: list[Any] | None
    problems: list[Problem]


def _compile(plan: Sequence[tuple[int, Parser]], width: int) -> Callable[[list[str]], Any]:
    """The fast path as one function: every value of a well-formed row, or None.

    It is generated (as ``dataclasses`` generates ``__init__``) because a loop over the
    plan costs half a microsecond per row more, five seconds over ten million lines. The
    source holds only parameter names and column numbers, never text from a file.
    """
    names = [f"p{position}" for position in range(len(plan))]
    calls = ", ".join(f"{name}(c[{index}])" for name, (index, _p) in zip(names, plan, strict=True))
    defaults = ", ".join(f"{name}={name}" for name in names)
    source = (
        f"def values(c, width={width}, FieldError=FieldError, {defaults}):\n"
        f"    if len(c) != width:\n"
        f"        return None\n"
        f"    try:\n"
        f"        return [{calls}]\n"
        f"    except FieldError:\n"
        f"        return None\n"
    )
    namespace: dict[str, Any] = {"FieldError": FieldError}
    namespace.update(zip(names, (parse for _i, parse in plan), strict=True))
    exec(compile(source, "<settlement_import row values>", "exec"), namespace)
    values: Callable[[list[str]], Any] = namespace["values"]
    return values


def _missing(_text: str) -> Any:
    raise FieldError(ProblemCode.REQUIRED_MISSING)


def is_total_row(cells: Sequence[str]) -> bool:
    """True for a 合计 / 总计 row (its first filled cells name it)."""
    filled = [cell.strip().lower() for cell in cells if cell.strip()][:_TOTAL_CELLS]
    return any(cell.startswith(TOTAL_MARKS) for cell in filled)


class RowReader:
    """The compiled conversion of one file: cells in, values in field order out.

    ``warnings`` collects warnings of the row being converted (the caller drains it after
    each row); ``unmapped`` counts vocabulary values kept as written.
    """

    def __init__(
        self,
        role: ImportFileRole,
        targets: Sequence[TargetField],
        indexes: Mapping[str, int],
        headers: Sequence[str],
    ) -> None:
        self.role = role
        self.headers = tuple(headers)
        self.width = len(headers)
        self.warnings: WarningSink = []
        self._unmapped: dict[str, Any] = {}
        plan: list[tuple[int, Parser]] = []
        self._columns: list[str] = []
        for target in targets:
            index = indexes.get(target.name)
            if index is None:
                # An unmapped required field fails every row (the preview shows why); the
                # import refuses such a mapping before reading any row.
                plan.append((0, _missing if target.required else constant(target.default)))
                self._columns.append(f"[{target.label_text()}]" if target.required else "")
            else:
                column = self.headers[index]
                parser = make_parser(
                    target, column=column, warnings=self.warnings, unmapped=self._unmapped
                )
                plan.append((index, parser))
                self._columns.append(column)
        self._plan = plan
        self.values: Callable[[list[str]], list[Any] | None] = _compile(plan, self.width)

    def column(self, position: int) -> str:
        """The source header of the field at ``position`` (blank when unmapped)."""
        return self._columns[position]

    def diagnose(self, row_no: int, cells: list[str]) -> Diagnosis:
        """Every problem of a row the fast path gave up on (warnings included)."""
        if not any(cell.strip() for cell in cells):
            return Diagnosis(RowKind.BLANK, None, [])
        self.warnings.clear()
        problems: list[Problem] = []
        if len(cells) > self.width and any(cell.strip() for cell in cells[self.width :]):
            problems.append(
                Problem(
                    row_no, "", printable(" | ".join(cells[self.width :]))[:500],
                    ProblemCode.EXTRA_FIELDS.value,
                    facts_json({"fields": len(cells), "columns": self.width}),
                )
            )  # fmt: skip
        padded = cells + [""] * (self.width - len(cells))
        values: list[Any] = []
        for position, (index, parse) in enumerate(self._plan):
            try:
                values.append(parse(padded[index]))
            except FieldError as error:
                problems.append(
                    Problem(
                        row_no, self._columns[position], printable(padded[index]),
                        error.code.value, facts_json(error.facts),
                    )
                )  # fmt: skip
                values.append(None)
        if problems and is_total_row(cells):
            self.warnings.clear()
            return Diagnosis(RowKind.TOTAL, None, [])
        problems.extend(self.drain_warnings(row_no))
        if any(problem.severity is Severity.ERROR for problem in problems):
            return Diagnosis(RowKind.REFUSED, None, problems)
        return Diagnosis(RowKind.OK, values, problems)

    def drain_warnings(self, row_no: int) -> list[Problem]:
        """The warnings collected for the row just converted, as problems of ``row_no``."""
        found = [
            Problem(row_no, column, printable(value), code.value, facts_json(facts))
            for column, value, code, facts in self.warnings
        ]
        self.warnings.clear()
        return found

    def undecodable(self, row_no: int, cells: list[str], encoding: str | None) -> Problem:
        """The problem of a row holding bytes its encoding cannot decode."""
        position = next((i for i, cell in enumerate(cells) if has_undecodable([cell])), 0)
        column = self.headers[position] if position < self.width else ""
        value = printable(cells[position]) if position < len(cells) else ""
        return Problem(
            row_no, column, value, ProblemCode.UNDECODABLE.value,
            facts_json({"encoding": encoding or "?"}),
        )  # fmt: skip

    def stray_quote(self, row_no: int, cells: list[str], position: int) -> Problem:
        """The warning for a row read with an unclosed quotation mark as text."""
        column = self.headers[position] if position < self.width else ""
        value = printable(cells[position])[:500] if position < len(cells) else ""
        return Problem(row_no, column, value, ProblemCode.UNBALANCED_QUOTE.value)

    def unmapped_values(self) -> dict[str, dict[str, int]]:
        """Vocabulary values kept as written, per field."""
        return unmapped_values(self._unmapped)
