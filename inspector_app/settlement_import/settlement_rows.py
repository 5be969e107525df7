"""Stream a claims file and a lines file into the bulk loader's row chunks.

The claims file is read first: each accepted claim gets the next claim id, and only its
settlement number → id stays in memory (a dictionary of a million entries, ~100 MB), with
its row number for the duplicate report. The lines file is then streamed chunk by chunk
straight into ``executemany``: ten million lines never sit in memory. Line numbers come
from the file when it has them and they are unique within their claim, else they are
counted in file order (a repeated number is renumbered, with a warning).

Cross-row checks: a second claim with the same settlement number is refused; a line whose
settlement number has no accepted claim is refused (``claim_refused`` when that claim was
in the file but refused, with its row); a line whose amount differs from unit price ×
quantity by more than rounding explains is kept with a warning.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from inspector_app.settlement_import.fields import CLAIM_FIELDS, LINE_FIELDS
from inspector_app.settlement_import.problems import (
    Problem,
    ProblemCode,
    Severity,
    facts_json,
)
from inspector_app.settlement_import.rows import RowKind, RowReader
from inspector_app.settlement_import.sources import Table, printable
from inspector_app.settlement_import.values import id_facts
from local_db.enums import ImportFileRole
from local_db.settlement_load import CLAIM_COLUMNS, LINE_COLUMNS, Row, RowChunk

CLAIM_CHUNK = 25_000
LINE_CHUNK = 100_000
PROGRESS_EVERY = 2_000
# Line numbers from the file above this are renumbered (they are not per-claim numbers).
LINE_NO_LIMIT = 100_000

# Claim values, in CLAIM_FIELDS order (= CLAIM_COLUMNS after id and batch_id).
_SETTLEMENT, _SEX, _BIRTH, _ID_NO = 0, 3, 4, 5
_TOTAL, _FUND, _ACCOUNT, _SELF, _SETTLED = 15, 16, 17, 18, 19
# Line values, in LINE_FIELDS order (= LINE_COLUMNS with the settlement number first).
_LINE_NO, _PRICE, _QUANTITY, _AMOUNT = 1, 6, 7, 8

assert tuple(target.name for target in CLAIM_FIELDS) == CLAIM_COLUMNS[2:]
assert tuple(target.name for target in LINE_FIELDS)[1:] == LINE_COLUMNS[1:]


@dataclass
class FileCounts:
    """What happened to the rows of one file."""

    rows: int = 0  # data rows read (after the header), blank and total rows included
    loaded: int = 0
    refused: int = 0
    skipped: int = 0  # blank and 合计 rows
    warnings: int = 0
    problems: int = 0


@dataclass
class _Problems:
    """Problem rows of the chunk being built, as the loader inserts them."""

    batch_id: str
    role: ImportFileRole
    counts: FileCounts
    rows: list[Row] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.rows.append(
            (self.batch_id, self.role.value, problem.row_no, problem.column[:128],
             problem.value, problem.code, problem.detail)
        )  # fmt: skip
        self.counts.problems += 1
        if problem.severity is Severity.WARNING:
            self.counts.warnings += 1

    def take(self) -> list[Row]:
        taken, self.rows = self.rows, []
        return taken


Advance = Callable[[], None]


class _Stream:
    """What the claim and line streams share: counts, problems, the slow path."""

    def __init__(self, table: Table, reader: RowReader, *, batch_id: str, advance: Advance) -> None:
        self.table, self.reader, self.batch_id = table, reader, batch_id
        self.counts = FileCounts()
        self._advance = advance
        self._problems = _Problems(batch_id, reader.role, self.counts)

    def _refuse(self, row_no: int, cells: list[str], problems: list[Problem]) -> None:
        self.counts.refused += 1
        for problem in problems:
            self._problems.add(problem)

    def _undecodable(self, row_no: int, cells: list[str]) -> None:
        self.counts.rows += 1
        problem = self.reader.undecodable(row_no, cells, self.table.layout.encoding)
        self._refuse(row_no, cells, [problem])

    def _stray_quote(self, row_no: int, cells: list[str], position: int) -> None:
        self._problems.add(self.reader.stray_quote(row_no, cells, position))

    def _slow(self, row_no: int, cells: list[str]) -> list[Any] | None:
        """The values of a row the fast path gave up on, or None (skipped or refused)."""
        diagnosis = self.reader.diagnose(row_no, cells)
        if diagnosis.kind in (RowKind.BLANK, RowKind.TOTAL):
            self.counts.skipped += 1
            return None
        if diagnosis.values is None:
            self._refuse(row_no, cells, diagnosis.problems)
            return None
        for problem in diagnosis.problems:
            self._problems.add(problem)
        return diagnosis.values

    def _warn(self, row_no: int) -> None:
        for problem in self.reader.drain_warnings(row_no):
            self._problems.add(problem)


class ClaimStream(_Stream):
    """Claims of one file as loader chunks; afterwards, the settlement numbers it loaded."""

    def __init__(
        self,
        table: Table,
        reader: RowReader,
        *,
        batch_id: str,
        first_id: int,
        advance: Advance,
        settlement_index: int | None,
    ) -> None:
        super().__init__(table, reader, batch_id=batch_id, advance=advance)
        self.first_id = first_id
        self.ids: dict[str, int] = {}
        self.refused_rows: dict[str, int] = {}  # settlement number → row of a refused claim
        self.claim_rows = array("q")  # row number of claim id first_id + i
        self.period: tuple[str, str] | None = None
        self._settlement_index = settlement_index
        self._first_day = self._last_day = ""

    def _refuse(self, row_no: int, cells: list[str], problems: list[Problem]) -> None:
        super()._refuse(row_no, cells, problems)
        index = self._settlement_index
        if index is not None and index < len(cells):
            number = cells[index].strip()
            if number and number not in self.ids:
                self.refused_rows.setdefault(number, row_no)

    def chunks(self) -> Iterator[RowChunk]:
        """Loader chunks of up to ``CLAIM_CHUNK`` claims each (and their problems)."""
        counts, problems, warnings = self.counts, self._problems, self.reader.warnings
        values_of, complete = self.reader.values, self._complete
        ids, claim_rows, batch_id = self.ids, self.claim_rows, self.batch_id
        next_id = self.first_id
        chunk: list[Row] = []
        for row_no, cells in self.table.rows(self._undecodable, self._stray_quote):
            counts.rows += 1
            if counts.rows % PROGRESS_EVERY == 0:
                self._advance()
            values = values_of(cells)
            if values is None:
                values = self._slow(row_no, cells)
                if values is None:
                    continue
            elif warnings:
                self._warn(row_no)
            if not complete(row_no, values):
                continue
            ids[values[_SETTLEMENT]] = next_id
            claim_rows.append(row_no)
            chunk.append((next_id, batch_id, *values))
            next_id += 1
            if len(chunk) >= CLAIM_CHUNK:
                counts.loaded += len(chunk)
                yield RowChunk(claims=chunk, lines=(), problems=problems.take())
                chunk = []
        counts.loaded += len(chunk)
        if self._first_day:
            self.period = (self._first_day, self._last_day)
        yield RowChunk(claims=chunk, lines=(), problems=problems.take())

    def _complete(self, row_no: int, values: list[Any]) -> bool:
        """Cross-row checks and derived values of a parsed claim; False refuses it."""
        number = values[_SETTLEMENT]
        first = self.ids.get(number)
        if first is not None:
            self._refuse(row_no, [], [self._duplicate(row_no, number, first)])
            return False
        if not values[_SEX] or not values[_BIRTH]:
            _fill_from_id(values)
        if values[_SELF] is None:
            values[_SELF] = values[_TOTAL] - values[_FUND] - values[_ACCOUNT]
        day = values[_SETTLED][:10]
        if not self._first_day or day < self._first_day:
            self._first_day = day
        self._last_day = max(self._last_day, day)
        return True

    def _duplicate(self, row_no: int, number: str, first_id: int) -> Problem:
        return Problem(
            row_no, self.reader.column(_SETTLEMENT), number,
            ProblemCode.DUPLICATE_SETTLEMENT.value,
            facts_json({"first_row": self.claim_rows[first_id - self.first_id]}),
        )  # fmt: skip


def _fill_from_id(values: list[Any]) -> None:
    """Sex and birth date from a valid ID number, where the file left them blank."""
    facts = id_facts(values[_ID_NO])
    if facts is not None:
        born, sex = facts
        values[_SEX] = values[_SEX] or sex
        values[_BIRTH] = values[_BIRTH] or born


class LineStream(_Stream):
    """Lines of one file as loader chunks, resolved against the claims already read."""

    def __init__(
        self, table: Table, reader: RowReader, *, claims: ClaimStream, advance: Advance
    ) -> None:
        super().__init__(table, reader, batch_id=claims.batch_id, advance=advance)
        self.claims = claims
        # Per claim (index: claim id − first id): the highest line number used, and the
        # numbers used as bits of an integer (ten million lines take a few megabytes).
        self._highest = array("q", bytes(array("q").itemsize * len(claims.ids)))
        self._used = [0] * len(claims.ids)
        self._exhausted = False

    def chunks(self) -> Iterator[RowChunk]:
        """Loader chunks of up to ``LINE_CHUNK`` lines; each one's problems fill as it loads."""
        rows = self.table.rows(self._undecodable, self._stray_quote)
        while not self._exhausted:
            problems: list[Row] = []
            yield RowChunk(claims=(), lines=self._lines(rows, problems), problems=problems)

    def _lines(self, rows: Iterator[tuple[int, list[str]]], sink: list[Row]) -> Iterator[list[Any]]:
        # The hot loop of the import (ten million lines): locals only, counts kept aside.
        problems, warnings = self._problems, self.reader.warnings
        values_of, ids, highest = self.reader.values, self.claims.ids, self._highest
        base, advance = self.claims.first_id, self._advance
        used = self._used
        read = loaded = 0
        for row_no, cells in islice(rows, LINE_CHUNK):
            read += 1
            if not read % PROGRESS_EVERY:
                advance()
            values = values_of(cells)
            if values is None:
                values = self._slow(row_no, cells)
                if values is None:
                    continue
            elif warnings:
                self._warn(row_no)
            claim_id = ids.get(values[0])
            if claim_id is None:
                self._refuse(row_no, cells, [self._orphan(row_no, values[0])])
                continue
            slot = claim_id - base
            number, bits = values[_LINE_NO], used[slot]
            if number is None:
                number = highest[slot] + 1
            elif not 0 < number <= LINE_NO_LIMIT or bits >> number & 1:
                number = self._renumber(row_no, number, highest[slot] + 1)
            if number <= LINE_NO_LIMIT:
                used[slot] = bits | 1 << number
            highest[slot] = max(highest[slot], number)
            values[0], values[_LINE_NO] = claim_id, number
            quantity = values[_QUANTITY]
            if abs(values[_AMOUNT] - values[_PRICE] * quantity) > 1 + abs(quantity) / 2:
                problems.add(self._mismatch(row_no, values))
            loaded += 1
            yield values
        self.counts.rows += read
        self.counts.loaded += loaded
        sink.extend(problems.take())
        if read < LINE_CHUNK:
            self._exhausted = True

    def _renumber(self, row_no: int, number: int, renumbered: int) -> int:
        """``renumbered``, with a warning: the file's number repeats or is out of range."""
        self._problems.add(
            Problem(
                row_no, self.reader.column(_LINE_NO), str(number),
                ProblemCode.LINE_NO_RENUMBERED.value, facts_json({"line_no": renumbered}),
            )
        )  # fmt: skip
        return renumbered

    def _orphan(self, row_no: int, number: str) -> Problem:
        column = self.reader.column(0)
        claim_row = self.claims.refused_rows.get(number)
        if claim_row is not None:
            return Problem(
                row_no, column, printable(number), ProblemCode.CLAIM_REFUSED.value,
                facts_json({"claim_row": claim_row}),
            )  # fmt: skip
        return Problem(row_no, column, printable(number), ProblemCode.UNKNOWN_SETTLEMENT.value)

    def _mismatch(self, row_no: int, values: list[Any]) -> Problem:
        expected = values[_PRICE] * values[_QUANTITY] / 100
        return Problem(
            row_no, self.reader.column(_AMOUNT), f"{values[_AMOUNT] / 100:.2f}",
            ProblemCode.AMOUNT_MISMATCH.value, facts_json({"expected": f"{expected:.2f}"}),
        )  # fmt: skip
