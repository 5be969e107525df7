"""Telling a quoted value over several lines from a stray quotation mark, and reading both.

A CSV reader takes everything from a quotation mark that opens a value up to the next one
as that value, line breaks included. Exports do have such values (a diagnosis with a line
break, quoted as Excel quotes it), but a HIS also leaves a bare ``"`` at the start of a name
(``"张四``), and then the reader swallows the rows after it — often the rest of the file,
or up to the CSV field size limit. ``CsvTable.rows`` reads with Python's fast reader and
calls :func:`careful_record` only for a record the reader took over several lines (rare):

A quoted value is one only if its closing quotation mark is followed by the delimiter or
the line end (strict CSV), within ``MAX_RECORD_LINES`` lines, and no line inside it reads
on its own as a whole row of the file (a swallowed row, not a line of text). Otherwise
the quotation mark is text: the value runs to the next delimiter, like any unquoted one.
The record read so ends at the first line end outside a value; the lines after it are
read again as CSV by the caller.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

# Lines are handed to the CSV reader in lists of about this many characters; the lists of
# the record being read are kept, so a record can be read again line by line.
BLOCK_CHARS = 512 * 1024
# A quoted value spanning more lines than this is taken for a stray quotation mark.
MAX_RECORD_LINES = 32
_LINE_ENDS = ("", "\n", "\r", "\r\n")


class LineFeed:
    """A text file's lines for a CSV reader, those of the record being read kept aside.

    Lines go to the reader in lists of about ``BLOCK_CHARS`` characters (a list iterator
    costs the reader nothing); a list is dropped once every line in it comes before
    ``record_start()``, the line the record being read starts on.
    """

    def __init__(self, text: io.TextIOWrapper, record_start: Callable[[], int]) -> None:
        self._text = text
        self._record_start = record_start
        self._kept: deque[list[str]] = deque()
        self._kept_first = 1  # line number of _kept[0][0]
        self.closing_line = 0  # the line added when the file ends inside a quoted value
        self.lines: Iterator[str] = chain.from_iterable(self._blocks())

    def _blocks(self) -> Iterator[list[str]]:
        kept = self._kept
        while lines := self._text.readlines(BLOCK_CHARS):
            start = self._record_start()
            while kept and self._kept_first + len(kept[0]) <= start:
                self._kept_first += len(kept.popleft())
            kept.append(lines)
            yield lines

    def physical(self, first: int, final: int) -> list[str]:
        """Lines ``first`` to ``final`` (1-based, as read so far)."""
        found: list[str] = []
        number = self._kept_first
        for lines in self._kept:
            if number > final:
                break
            if number + len(lines) > first:
                found += lines[max(0, first - number) : final - number + 1]
            number += len(lines)
        return found


@dataclass(frozen=True)
class CarefulRecord:
    """A record read by :func:`careful_record`."""

    cells: list[str]
    stray: int | None  # index of the first cell a stray quotation mark opens
    lines: int  # how many lines it took


def careful_record(lines: Sequence[str], *, delimiter: str, width: int) -> CarefulRecord:
    """The record starting at ``lines[0]``, read as the module docstring says.

    Args:
        width: the header's number of fields (a line with as many is a whole row).
    """
    if not lines:
        return CarefulRecord([], None, 0)
    cells: list[str] = []
    stray: int | None = None
    index, position, text = 0, 0, lines[0]
    if text in _LINE_ENDS:
        return CarefulRecord([], None, 1)
    while True:
        if text.startswith('"', position):
            close = _closing_quote(lines, index, position + 1, delimiter, width)
            if close is not None:
                end_index, end = close
                if end_index == index:
                    value = text[position + 1 : end]
                else:
                    value = "".join(
                        [
                            text[position + 1 :],
                            *lines[index + 1 : end_index],
                            lines[end_index][:end],
                        ]
                    )
                cells.append(value.replace('""', '"'))
                index, text, position = end_index, lines[end_index], end + 1
                if text.startswith(delimiter, position):
                    position += 1
                    continue
                return CarefulRecord(cells, stray, index + 1)
            if stray is None:
                stray = len(cells)
        # An unquoted value (a quotation mark in it is text), to the delimiter or line end.
        end = text.find(delimiter, position)
        if end < 0:
            cells.append(text[position:].rstrip("\r\n"))
            return CarefulRecord(cells, stray, index + 1)
        cells.append(text[position:end])
        position = end + 1


def _closing_quote(
    lines: Sequence[str], index: int, start: int, delimiter: str, width: int
) -> tuple[int, int] | None:
    """(line index, position) of the quotation mark closing the value opened just before
    ``lines[index][start]``, if it closes as a quoted value must; else None."""
    current, position = index, start
    while current < len(lines) and current - index < MAX_RECORD_LINES:
        text = lines[current]
        found = text.find('"', position)
        while found >= 0 and text.startswith('"', found + 1):  # a doubled quotation mark
            found = text.find('"', found + 2)
        if found >= 0:
            after = text[found + 1 :]
            if not (after.startswith(delimiter) or after in _LINE_ENDS):
                return None  # the next quotation mark does not close a value: a stray one
            if any(is_whole_row(line, delimiter, width) for line in lines[index + 1 : current]):
                return None
            return current, found
        current, position = current + 1, 0
    return None


def is_whole_row(line: str, delimiter: str, width: int) -> bool:
    """Whether ``line`` reads on its own as a row of ``width`` fields, every value closed."""
    ended = line if line.endswith(("\n", "\r")) else line + "\n"
    try:
        cells = next(csv.reader([ended], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return False
    return len(cells) == width
