"""The mapping step's preview: how a file reads, how it maps, and its first rows parsed.

The screen shows the detected encoding, delimiter and header row (each can be overridden
through ``ImportSource``), the mapping (automatic or saved), and the first rows as they
would be stored, with the problems each row would report. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from inspector_app.settlement_import.fields import role_fields
from inspector_app.settlement_import.mapping import (
    ColumnMapping,
    MappingError,
    automatic_mapping,
    column_indexes,
    missing_required,
)
from inspector_app.settlement_import.problems import Problem
from inspector_app.settlement_import.rows import RowKind, RowReader
from inspector_app.settlement_import.sources import ImportSource, TableLayout, open_table
from local_db.enums import ImportFileRole

PREVIEW_ROWS = 50


@dataclass(frozen=True)
class PreviewRow:
    """One data row: its cells as read, its values (None when refused), its problems."""

    row_no: int
    cells: tuple[str, ...]
    values: dict[str, Any] | None
    kind: RowKind
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Preview:
    """What the mapping step shows for one file."""

    role: ImportFileRole
    layout: TableLayout
    mapping: ColumnMapping
    missing: tuple[str, ...]  # required fields left unmapped (names)
    mapping_error: str | None  # why the mapping cannot be used, if it cannot
    rows: tuple[PreviewRow, ...]
    size_bytes: int


def preview(
    source: ImportSource,
    *,
    role: ImportFileRole,
    mapping: ColumnMapping | None = None,
    limit: int = PREVIEW_ROWS,
) -> Preview:
    """Read the start of ``source`` and parse its first ``limit`` data rows.

    Args:
        mapping: None maps automatically; a mapping's options fill what ``source`` leaves open.

    Raises:
        SourceError: the file cannot be read as a table.
    """
    if mapping is not None:
        source = mapping.apply_options(source)
    with open_table(source, role) as table:
        headers = table.layout.headers
        used = mapping if mapping is not None else automatic_mapping(role, headers)
        targets = role_fields(role)
        missing = tuple(target.name for target in missing_required(used))
        try:
            indexes = column_indexes(used, headers)
            error = None
        except MappingError as exc:
            # Still show the rows, parsed with what is mappable.
            error = str(exc)
            known = {header: index for index, header in enumerate(headers)}
            indexes = {
                name: known[header] for name, header in used.columns.items() if header in known
            }
        reader = RowReader(role, targets, indexes, headers)
        rows: list[PreviewRow] = []
        undecodable: list[tuple[int, list[str]]] = []
        stray: dict[int, Problem] = {}

        def stray_quote(row_no: int, cells: list[str], position: int) -> None:
            stray[row_no] = reader.stray_quote(row_no, cells, position)

        read = table.rows(lambda n, c: undecodable.append((n, c)), stray_quote)
        for row_no, cells in islice(read, limit):
            for bad_no, bad_cells in undecodable:
                problem = reader.undecodable(bad_no, bad_cells, table.layout.encoding)
                rows.append(PreviewRow(bad_no, tuple(bad_cells), None, RowKind.REFUSED, (problem,)))
            undecodable.clear()
            shown = _preview_row(reader, row_no, cells, [t.name for t in targets])
            if row_no in stray:
                shown = replace(shown, problems=(stray.pop(row_no), *shown.problems))
            rows.append(shown)
        return Preview(
            role=role, layout=table.layout, mapping=used, missing=missing, mapping_error=error,
            rows=tuple(rows[:limit]), size_bytes=table.size_bytes,
        )  # fmt: skip


def _preview_row(reader: RowReader, row_no: int, cells: list[str], names: list[str]) -> PreviewRow:
    values = reader.values(cells)
    if values is not None:
        problems = reader.drain_warnings(row_no)
        return PreviewRow(
            row_no, tuple(cells), dict(zip(names, values, strict=True)), RowKind.OK,
            tuple(problems),
        )  # fmt: skip
    diagnosis = reader.diagnose(row_no, cells)
    mapped = None if diagnosis.values is None else dict(zip(names, diagnosis.values, strict=True))
    return PreviewRow(row_no, tuple(cells), mapped, diagnosis.kind, tuple(diagnosis.problems))
