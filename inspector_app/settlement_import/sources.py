"""Read an export file as rows of text: CSV streamed block by block, XLSX through calamine.

A CSV file is never held in memory: it is read in 1 MiB blocks cut at line feeds, each
block hashed (SHA-256 of the exact bytes imported) and decoded. A block that does not
decode strictly is decoded again with ``surrogateescape``; the rows it holds that carry
undecodable bytes go to a callback (they become per-row problems) instead of the import.
The encoding, the delimiter and the header row are detected from the start of the file
unless the caller fixes them; exports often put one to three title lines above the header.

A stray quotation mark (a value written ``"张四``) would make a CSV reader take everything up
to the next quotation mark, often the rest of the file, as one value. So a record read over
several lines is read again with care (``csv_records``): a quotation mark that opens no
proper quoted value is taken as text and reported (``on_stray_quote``), and the lines it
had swallowed are read again as rows.

Row numbers: in a CSV file the line on which the row starts (what a text editor shows, and
what a spreadsheet shows unless a quoted value spans lines); in a workbook the sheet row.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import chain, islice
from pathlib import Path
from types import TracebackType
from typing import Any

from inspector_app.i18n import _
from inspector_app.settlement_import.csv_records import CarefulRecord, LineFeed, careful_record
from inspector_app.settlement_import.encoding import (
    SAMPLE_BYTES,
    ascii_compatible,
    canonical_encoding,
    detect_encoding,
)
from inspector_app.settlement_import.fields import ROLE_FIELDS, normalize_header
from local_db.enums import ImportFileRole

BLOCK_BYTES = 1024 * 1024
HEADER_SEARCH_ROWS = 30
DELIMITERS = (",", "\t", ";", "|")
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
_SURROGATES = re.compile("[\udc80-\udcff]")
# A field may be long (a diagnosis text), but not the rest of the file after a stray quote.
csv.field_size_limit(16 * 1024 * 1024)

UndecodableCallback = Callable[[int, list[str]], None]
# (row number, cells, index of the cell the unclosed quotation mark opens)
StrayQuoteCallback = Callable[[int, list[str], int], None]


class SourceFormat(StrEnum):
    """How a source file is read."""

    CSV = "csv"
    XLSX = "xlsx"


class SourceError(Exception):
    """A file cannot be read as a table at all; ``str()`` is a user-facing message."""


@dataclass(frozen=True)
class ImportSource:
    """One file to import, with the reading choices the user (or a mapping) fixed.

    Any option left None is taken from the mapping's options, else detected.
    """

    path: Path
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based row number of the header


@dataclass(frozen=True)
class TableLayout:
    """How a file was read: what was detected or chosen (kept in the import details)."""

    format: SourceFormat
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    headers: tuple[str, ...]


def has_undecodable(cells: Sequence[str]) -> bool:
    """True when a cell holds bytes its encoding could not decode."""
    return any(_SURROGATES.search(cell) for cell in cells)


def printable(text: str) -> str:
    """``text`` with undecodable bytes shown as ``\\xNN`` (for the error report)."""
    return _SURROGATES.sub(lambda match: f"\\x{ord(match.group()) - 0xDC00:02x}", text)


def unwrap_formulas(cells: list[str]) -> list[str]:
    """Cells written as Excel text formulas (``="00123"``) as their text (``00123``)."""
    return [
        cell[2:-1] if cell.startswith('="') and cell.endswith('"') and len(cell) > 2 else cell
        for cell in cells
    ]


def unique_headers(cells: Sequence[str]) -> tuple[str, ...]:
    """Header texts made usable as names: blank ones numbered, repeated ones suffixed."""
    seen: dict[str, int] = {}
    names = []
    for index, cell in enumerate(cells, start=1):
        name = " ".join(printable(cell).split()) or _("column {n}").format(n=index)
        count = seen.get(name, 0) + 1
        seen[name] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return tuple(names)


def _known_headers(role: ImportFileRole | None) -> frozenset[str]:
    roles = [role] if role is not None else list(ROLE_FIELDS)
    return frozenset(
        normalize_header(synonym)
        for each in roles
        for target in ROLE_FIELDS[each]
        for synonym in target.synonyms
    )


def detect_header_index(records: Sequence[Sequence[str]], role: ImportFileRole | None) -> int:
    """0-based index of the header among the first records.

    The record naming the most known headers (at least two) wins; without one, the first
    record with as many filled cells as the widest record (title lines fill one cell).
    """
    known = _known_headers(role)
    best, best_score = -1, 1
    for index, record in enumerate(records):
        score = sum(1 for cell in record if cell and normalize_header(cell) in known)
        if score > best_score:
            best, best_score = index, score
    if best >= 0:
        return best
    filled = [sum(1 for cell in record if cell.strip()) for record in records]
    widest = max(filled, default=0)
    return next((index for index, count in enumerate(filled) if count == widest), 0)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample's lines into the most, most regular, fields."""
    lines = text.splitlines()[: HEADER_SEARCH_ROWS * 2] or [""]
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts:
            continue
        widest = max(counts)
        # Rows at the widest count, weighted by that width; title lines do not reach it.
        score = sum(1 for count in counts if count == widest) * (widest - 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


class Table:
    """An open source file: its layout, and its data rows (those after the header).

    Use as a context manager. ``rows`` may be iterated once per open table.
    """

    layout: TableLayout
    size_bytes: int

    def rows(
        self,
        on_undecodable: UndecodableCallback,
        on_stray_quote: StrayQuoteCallback | None = None,
    ) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every row after the header, blank ones included.

        Args:
            on_undecodable: called with a row holding undecodable bytes instead of
                yielding it.
            on_stray_quote: called just before a row is yielded whose line holds a
                quotation mark that never closes (read as text; CSV only).
        """
        raise NotImplementedError

    @property
    def progress_total(self) -> int:
        """Units of work of a full read (bytes of a CSV file, rows of a sheet)."""
        raise NotImplementedError

    @property
    def progress_done(self) -> int:
        """Units read so far."""
        raise NotImplementedError

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes (of a CSV: as read, once every row was read)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _HashingFile(io.RawIOBase):
    """A binary file that hashes and counts every byte read from it."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self.digest = hashlib.sha256()
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        count = self._file.readinto(buffer)
        if count:
            self.digest.update(memoryview(buffer)[:count])
            self.position += count
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


class _DecodingErrors:
    """Counts decoding errors process-wide, decoding them as ``surrogateescape`` does.

    Registered once as the ``fund-inspector-mark`` error handler: a file decodes with no
    strict pass and no per-row scan, and only once the count moves does a reader check
    its rows for undecodable bytes (another thread's error only costs it those checks).
    """

    NAME = "fund-inspector-mark"
    count = 0

    @classmethod
    def handle(cls, error: UnicodeError) -> tuple[str | bytes, int]:
        cls.count += 1
        return _ESCAPE(error)


_ESCAPE = codecs.lookup_error("surrogateescape")
codecs.register_error(_DecodingErrors.NAME, _DecodingErrors.handle)


class CsvTable(Table):
    """A delimited text file, streamed."""

    def __init__(self, source: ImportSource, role: ImportFileRole | None) -> None:
        path = source.path
        self.size_bytes = path.stat().st_size
        with path.open("rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
        try:
            encoding = (
                canonical_encoding(source.encoding) if source.encoding else detect_encoding(sample)
            )
        except LookupError:
            raise SourceError(
                _("Unknown encoding “{name}”.").format(name=source.encoding)
            ) from None
        if encoding == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"  # declared UTF-8, but the mark must not open the header
        self._encoding = encoding
        text = self._sample_text(sample)
        delimiter = source.delimiter or sniff_delimiter(text)
        if len(delimiter) != 1:
            raise SourceError(_("The delimiter must be one character."))
        self._dialect: dict[str, Any] = {"delimiter": delimiter, "strict": False}
        wanted = HEADER_SEARCH_ROWS if source.header_row is None else source.header_row
        records = list(islice(csv.reader(io.StringIO(text, newline=""), **self._dialect), wanted))
        if source.header_row is None:
            header_index = detect_header_index(records, role)
        else:
            header_index = source.header_row - 1
        if not 0 <= header_index < len(records):
            raise SourceError(_("The file has no row {row}.").format(row=header_index + 1))
        self._header_index = header_index
        self.layout = TableLayout(
            format=SourceFormat.CSV,
            encoding=encoding,
            delimiter=delimiter,
            sheet=None,
            header_row=header_index + 1,
            headers=unique_headers(records[header_index]),
        )
        self._file = _HashingFile(path)
        # Exports that keep leading zeros from Excel write ="00123"; unwrap such cells.
        self._formulas = '="' in text

    def _sample_text(self, sample: bytes) -> str:
        if len(sample) == SAMPLE_BYTES and ascii_compatible(self._encoding):
            sample = sample[: sample.rfind(b"\n") + 1] or sample
        return sample.decode(self._encoding, errors="surrogateescape")

    def _text(self) -> io.TextIOWrapper:
        text = io.TextIOWrapper(
            io.BufferedReader(self._file, BLOCK_BYTES),
            encoding=self._encoding,
            errors=_DecodingErrors.NAME,
            newline="",
        )
        # Decode 64 KiB at a time instead of 8 KiB (a CPython attribute; ~15 % faster).
        with contextlib.suppress(AttributeError):
            text._CHUNK_SIZE = 64 * 1024  # type: ignore[attr-defined]
        return text

    def rows(
        self,
        on_undecodable: UndecodableCallback,
        on_stray_quote: StrayQuoteCallback | None = None,
    ) -> Iterator[tuple[int, list[str]]]:
        """The data rows; a record read over several lines is looked at again.

        Python's reader reads the file; a record it took over several lines (rare) is
        read again by ``csv_records.careful_record``, which tells a quoted value with line
        breaks from a stray quotation mark that swallowed the rows after it, and then the
        lines after that record are read again, before the rest of the file. So is a
        value over the CSV field size limit, or one still open at the end of the file.
        """
        # Before anything is read: the decoder runs ahead of the rows, so once an error was
        # counted every later row is checked.
        errors_before = _DecodingErrors.count
        last = 0  # line number of the last line of the last record read
        base = 0  # line number of the line before the current reader's first
        feed = LineFeed(self._text(), lambda: last + 1)

        def closing() -> Iterator[str]:
            if base + reader.line_num > last:
                # A record in progress asks for more at the end of the file: a quoted value
                # never closed. Close it, so that even a last line reaches the check below.
                feed.closing_line = base + reader.line_num + 1
                yield '"\n'

        pending: Iterator[str] = iter(())  # lines read again before the rest of the file
        reader = csv.reader(chain(feed.lines, closing()), **self._dialect)
        try:
            for _skipped in islice(reader, self._header_index + 1):
                pass
        except csv.Error as error:
            raise SourceError(
                _("The file is not valid CSV near row {row}: {reason}").format(
                    row=reader.line_num, reason=error
                )
            ) from None
        last = reader.line_num
        formulas = self._formulas
        while True:
            try:
                for cells in reader:
                    row_no = last + 1
                    last = base + reader.line_num
                    if last != row_no:  # a record over several lines: rare
                        break
                    if _DecodingErrors.count != errors_before and has_undecodable(cells):
                        on_undecodable(row_no, cells)
                        continue
                    yield row_no, (unwrap_formulas(cells) if formulas else cells)
                else:
                    return
            except csv.Error:  # over the field size limit
                row_no = last + 1
                last = base + reader.line_num
            read, again = self._reread(feed, row_no, last)
            if _DecodingErrors.count != errors_before and has_undecodable(read.cells):
                on_undecodable(row_no, read.cells)
            else:
                if read.stray is not None and on_stray_quote is not None:
                    on_stray_quote(row_no, read.cells, read.stray)
                yield row_no, (unwrap_formulas(read.cells) if formulas else read.cells)
            if again:
                # Read the lines the open value swallowed again (and any still waiting from
                # an earlier such read), then the rest of the file.
                base = last = row_no + read.lines - 1
                pending = iter(again + list(pending))
                reader = csv.reader(chain(pending, feed.lines, closing()), **self._dialect)

    def _reread(self, feed: LineFeed, row_no: int, last: int) -> tuple[CarefulRecord, list[str]]:
        """A record read over lines ``row_no`` to ``last`` read again with care, and the
        lines after it to read again (the record read so may end sooner)."""
        ended_open = last == feed.closing_line
        lines = feed.physical(row_no, last - 1 if ended_open else last)
        read = careful_record(
            lines, delimiter=self._dialect["delimiter"], width=len(self.layout.headers)
        )
        return read, lines[read.lines :]

    @property
    def progress_total(self) -> int:
        return self.size_bytes

    @property
    def progress_done(self) -> int:
        return self._file.position

    @property
    def sha256(self) -> str:
        return self._file.digest.hexdigest()

    def close(self) -> None:
        self._file.close()


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV export would hold."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return "" if value is None else str(value)


def file_sha256(path: Path) -> tuple[str, int]:
    """(SHA-256, size) of a file, streamed."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while data := handle.read(BLOCK_BYTES):
            digest.update(data)
            size += len(data)
    return digest.hexdigest(), size


class SheetTable(Table):
    """One sheet of a workbook (XLSX, XLS, ODS), read by calamine."""

    def __init__(self, source: ImportSource, role: ImportFileRole | None) -> None:
        from python_calamine import CalamineError, CalamineWorkbook

        self._sha256, self.size_bytes = file_sha256(source.path)
        try:
            workbook = CalamineWorkbook.from_path(str(source.path))
            names: list[str] = list(workbook.sheet_names)
            if not names:
                raise SourceError(_("The workbook has no sheet."))
            name = source.sheet if source.sheet is not None else names[0]
            if name not in names:
                raise SourceError(
                    _("The workbook has no sheet “{name}” (it has: {names}).").format(
                        name=name, names=", ".join(names)
                    )
                )
            self._sheet = workbook.get_sheet_by_name(name)
        except CalamineError as error:
            raise SourceError(
                _("The file cannot be read as a workbook: {reason}").format(reason=error)
            ) from None
        start = self._sheet.start
        self._first_row = (start[0] if start else 0) + 1
        self._height = int(self._sheet.height)
        records = [
            [cell_text(value) for value in row]
            for row in islice(self._sheet.iter_rows(), HEADER_SEARCH_ROWS)
        ]
        if source.header_row is not None:
            header_index = source.header_row - self._first_row
        else:
            header_index = detect_header_index(records, role)
        if not 0 <= header_index < len(records):
            raise SourceError(
                _("The sheet has no row {row}.").format(row=header_index + self._first_row)
            )
        self._header_index = header_index
        self._done = 0
        self.layout = TableLayout(
            format=SourceFormat.XLSX,
            encoding=None,
            delimiter=None,
            sheet=name,
            header_row=header_index + self._first_row,
            headers=unique_headers(records[header_index]),
        )

    def rows(
        self,
        on_undecodable: UndecodableCallback,
        on_stray_quote: StrayQuoteCallback | None = None,
    ) -> Iterator[tuple[int, list[str]]]:
        first = self._first_row
        for index, row in enumerate(self._sheet.iter_rows()):
            self._done = index + 1
            if index <= self._header_index:
                continue
            yield first + index, [cell_text(value) for value in row]

    @property
    def progress_total(self) -> int:
        return self._height

    @property
    def progress_done(self) -> int:
        return self._done

    @property
    def sha256(self) -> str:
        return self._sha256


def open_table(source: ImportSource, role: ImportFileRole | None = None) -> Table:
    """Open ``source`` for reading, detecting what the caller left open.

    Args:
        role: what the file should hold; its header synonyms find the header row.

    Raises:
        SourceError: the file cannot be read as a table (message for the user).
        OSError: the file cannot be opened.
    """
    if source.path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return SheetTable(source, role)
    return CsvTable(source, role)
