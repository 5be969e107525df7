"""Import 进销存 exports (purchases, dispensing/sales, stock counts) as one inventory batch.

The same readers, mappings, parsers and evidence recording as the settlement import, and
the same transaction shape: movements stream into ``executemany`` on the session's
connection with foreign keys deferred, the synced ``InventoryBatch`` row is added last with
its final counts (one outbox insert), and nothing is visible before the commit.

Stock counts are opening or closing counts: a row says which through a mapped 期初/期末
column, else the file does (``InventoryFile.count_kind``), else the row is refused.

Refused rows and warnings go to ``import_problem`` (with ``inventory_batch_id``) in the same
transaction, written chunk by chunk beside the movements; the batch's ``sources`` JSON keeps
the per-file counts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from inspector_app.evidence.recording import ExtractionInput
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import.evidence_files import RecordedFile, record_source_file
from inspector_app.settlement_import.fields import role_fields
from inspector_app.settlement_import.mapping import (
    ColumnMapping,
    automatic_mapping,
    column_indexes,
)
from inspector_app.settlement_import.problems import Problem, ProblemCode, Severity
from inspector_app.settlement_import.rows import RowKind, RowReader
from inspector_app.settlement_import.service import (
    ImportRefusedError,
    NothingImportedError,
    SourceChangedError,
    resolve_target,
)
from inspector_app.settlement_import.settlement_rows import PROGRESS_EVERY, FileCounts
from inspector_app.settlement_import.sources import ImportSource, Table, open_table
from local_db.enums import ImportFileRole, InventoryMovementKind
from local_db.ids import new_id
from local_db.models import InventoryBatch
from local_db.settlement_load import release_wal
from local_db.types import utc_now

PROBLEM_SQL = (
    "INSERT INTO import_problem (inventory_batch_id, file_role, row_no, column, value, problem,"
    " detail) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
CHUNK_ROWS = 50_000
MOVEMENT_COLUMNS = (
    "batch_id", "kind", "item_code", "item_name", "unit", "movement_date", "quantity",
    "amount_fen", "reference",
)  # fmt: skip
MOVEMENT_SQL = (
    f"INSERT INTO inventory_movement ({', '.join(MOVEMENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _c in MOVEMENT_COLUMNS)})"
)
INVENTORY_ROLES = frozenset(
    {ImportFileRole.PURCHASES, ImportFileRole.DISPENSING, ImportFileRole.STOCK_COUNTS}
)
_KIND_OF_ROLE = {
    ImportFileRole.PURCHASES: InventoryMovementKind.PURCHASE,
    ImportFileRole.DISPENSING: InventoryMovementKind.DISPENSED,
}
_COUNT_KINDS = {
    InventoryMovementKind.OPENING_STOCK.value,
    InventoryMovementKind.CLOSING_STOCK.value,
}
# Values in role_fields order: item_code, item_name, unit, movement_date, quantity,
# amount_fen, reference (, count_type).
_DATE, _COUNT_TYPE = 3, 7


@dataclass(frozen=True)
class InventoryFile:
    """One 进销存 file, its role, and (for stock counts) which count it holds."""

    role: ImportFileRole
    source: ImportSource
    mapping: ColumnMapping | None = None
    count_kind: InventoryMovementKind | None = None


@dataclass(frozen=True)
class InventorySummary:
    """What an inventory import wrote."""

    batch_id: str
    movements: int
    rejected: int
    warnings: int
    period_start: str
    period_end: str
    files: tuple[dict[str, Any], ...]  # as stored in the batch's ``sources``
    seconds: float


@dataclass
class _File:
    spec: InventoryFile
    table: Table
    mapping: ColumnMapping
    reader: RowReader
    counts: FileCounts
    problems: list[Problem]
    recorded: RecordedFile | None = None

    def report(self, problem: Problem) -> None:
        self.counts.problems += 1
        if problem.severity is Severity.WARNING:
            self.counts.warnings += 1
        self.problems.append(problem)

    def drain(self, batch_id: str) -> list[tuple[Any, ...]]:
        """The problems reported since the last drain, as ``import_problem`` rows."""
        role = self.spec.role.value
        rows = [
            (batch_id, role, p.row_no, p.column, p.value, p.code, p.detail) for p in self.problems
        ]
        self.problems.clear()
        return rows


def _open(stack: ExitStack, spec: InventoryFile) -> _File:
    if spec.role not in INVENTORY_ROLES:
        raise ValueError(f"not a 进销存 role: {spec.role}")
    source = spec.mapping.apply_options(spec.source) if spec.mapping else spec.source
    table = stack.enter_context(open_table(source, spec.role))
    headers = table.layout.headers
    mapping = spec.mapping or automatic_mapping(spec.role, headers)
    indexes = column_indexes(mapping, headers)
    reader = RowReader(spec.role, role_fields(spec.role), indexes, headers)
    return _File(spec, table, mapping, reader, FileCounts(), [])


def _values(opened: _File, row_no: int, cells: list[str]) -> list[Any] | None:
    """A row's values, or None when it is skipped or refused (reported on ``opened``)."""
    reader, counts = opened.reader, opened.counts
    values = reader.values(cells)
    if values is not None:
        for problem in reader.drain_warnings(row_no):
            opened.report(problem)
        return values
    diagnosis = reader.diagnose(row_no, cells)
    if diagnosis.kind in (RowKind.BLANK, RowKind.TOTAL):
        counts.skipped += 1
        return None
    for problem in diagnosis.problems:
        opened.report(problem)
    if diagnosis.values is None:
        counts.refused += 1
    return diagnosis.values


def _kind(opened: _File, row_no: int, values: list[Any]) -> str | None:
    """The movement kind of a row; None refuses a count that says neither opening nor closing."""
    fixed = _KIND_OF_ROLE.get(opened.spec.role)
    if fixed is not None:
        return fixed.value
    stated = values[_COUNT_TYPE]
    if stated in _COUNT_KINDS:
        return str(stated)
    if opened.spec.count_kind is not None:
        return opened.spec.count_kind.value
    opened.counts.refused += 1
    column = opened.reader.column(_COUNT_TYPE)
    opened.report(Problem(row_no, column, stated or "", ProblemCode.COUNT_KIND_UNKNOWN.value))
    return None


def _movements(opened: _File, batch_id: str, dates: list[str], progress: Progress) -> Iterator[Any]:
    """Movement rows of one file; refused rows are reported on ``opened``."""
    counts, table = opened.counts, opened.table
    last = 0

    def undecodable(row_no: int, cells: list[str]) -> None:
        counts.rows += 1
        counts.refused += 1
        opened.report(opened.reader.undecodable(row_no, cells, table.layout.encoding))

    def stray_quote(row_no: int, cells: list[str], position: int) -> None:
        opened.report(opened.reader.stray_quote(row_no, cells, position))

    for row_no, cells in table.rows(undecodable, stray_quote):
        counts.rows += 1
        if counts.rows % PROGRESS_EVERY == 0:
            progress.advance(table.progress_done - last)
            last = table.progress_done
        values = _values(opened, row_no, cells)
        if values is None:
            continue
        kind = _kind(opened, row_no, values)
        if kind is None:
            continue
        day = values[_DATE]
        if not dates:
            dates.extend((day, day))
        dates[0], dates[1] = min(dates[0], day), max(dates[1], day)
        counts.loaded += 1
        yield (batch_id, kind, *values[:_COUNT_TYPE])


def _source_entry(opened: _File) -> dict[str, Any]:
    layout, counts = opened.table.layout, opened.counts
    return {
        "role": opened.spec.role.value,
        "name": opened.spec.source.path.name,
        "sha256": opened.table.sha256,
        "size_bytes": opened.table.size_bytes,
        "encoding": layout.encoding,
        "sheet": layout.sheet,
        "header_row": layout.header_row,
        "evidence_id": opened.recorded.evidence_id if opened.recorded else None,
        "mapping": {"name": opened.mapping.name, "columns": dict(opened.mapping.columns)},
        "rows": counts.rows,
        "loaded": counts.loaded,
        "rejected": counts.refused,
        "skipped": counts.skipped,
        "warnings": counts.warnings,
        "problem_count": counts.problems,
        "unmapped_values": opened.reader.unmapped_values(),
    }


def import_inventory(
    profile: OpenProfile,
    *,
    files: Sequence[InventoryFile],
    case_id: str | None = None,
    institution_id: str | None = None,
    period_start: str | None = None,
    period_end: str | None = None,
    extraction: ExtractionInput | None = None,
    progress: Progress,
) -> InventorySummary:
    """Import 进销存 files as one new ``InventoryBatch`` (all or nothing).

    Args:
        period_start, period_end: the reconciled period; None takes the earliest and the
            latest date of the imported rows.

    Raises:
        ImportRefusedError: no file, no target, or no row importable; nothing was written.
        MappingError, SourceError: a file or its mapping cannot be used.
        NotAllowedError: the user may not record in the case or, without a case, has a
            role that does not record (see ``service.resolve_target``).
        CaseNotFoundError: see ``casework.access``.
        Cancelled: ``progress`` was cancelled; no batch was written.
    """
    started = time.perf_counter()
    if not files:
        raise ImportRefusedError(_("Choose at least one 进销存 file."))
    target = resolve_target(profile, case_id=case_id, institution_id=institution_id)
    batch_id = new_id()
    dates: list[str] = []
    with ExitStack() as stack:
        opened = [_open(stack, spec) for spec in files]
        if target.case_id is not None:
            for each in opened:
                each.recorded = record_source_file(
                    profile=profile, case_id=target.case_id, path=each.spec.source.path,
                    role=each.spec.role, extraction=extraction, progress=progress,
                )  # fmt: skip
        with profile.session() as session:
            driver: Any = session.connection().connection.driver_connection
            cursor = driver.cursor()
            if not driver.in_transaction:
                cursor.execute("BEGIN")
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            try:
                for each in opened:
                    progress.start(
                        _("Importing {name}").format(name=each.spec.source.path.name),
                        total=each.table.progress_total,
                    )
                    rows = _movements(each, batch_id, dates, progress)
                    while chunk := [row for _n, row in zip(range(CHUNK_ROWS), rows, strict=False)]:
                        cursor.executemany(MOVEMENT_SQL, chunk)
                        cursor.executemany(PROBLEM_SQL, each.drain(batch_id))
                    cursor.executemany(PROBLEM_SQL, each.drain(batch_id))
                    if each.recorded is not None and each.recorded.sha256 != each.table.sha256:
                        raise SourceChangedError(
                            _("{name} changed after it was recorded as evidence; nothing was "
                              "imported.").format(name=each.spec.source.path.name)
                        )  # fmt: skip
            finally:
                cursor.close()
            movements = sum(each.counts.loaded for each in opened)
            if movements == 0:
                raise NothingImportedError(
                    _("No row of the 进销存 files could be imported; nothing was written.")
                )
            sources = [_source_entry(each) for each in opened]
            batch = InventoryBatch(
                id=batch_id, institution_id=target.institution_id, case_id=target.case_id,
                period_start=period_start or dates[0], period_end=period_end or dates[1],
                sources=json.dumps(sources, ensure_ascii=False),
                movement_count=movements,
                rejected_count=sum(each.counts.refused for each in opened),
                loaded_at=utc_now(),
            )  # fmt: skip
            session.add(batch)
            session.flush()
            profile.audit(
                session, "inventory.imported", entity="inventory_batch", entity_id=batch_id,
                detail=json.dumps({"movements": movements, "rejected": batch.rejected_count}),
                case_id=target.case_id,
            )  # fmt: skip
            progress.start(_("Saving the import"))
    release_wal(profile.engine)
    progress.finish()
    return InventorySummary(
        batch_id=batch_id,
        movements=movements,
        rejected=batch.rejected_count,
        warnings=sum(each.counts.warnings for each in opened),
        period_start=batch.period_start,
        period_end=batch.period_end,
        files=tuple(sources),
        seconds=time.perf_counter() - started,
    )
