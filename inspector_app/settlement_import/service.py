"""Import an institution's settlement export (claims, optionally lines) as one batch.

Headless and Qt-free: the UI runs :func:`import_settlement` in a worker thread, the CLI in
the foreground; both watch ``progress`` and may cancel through it. The order of the work:

1. check the target (a case the user may record in, or an institution) and open the files:
   encoding, delimiter, header row and mapping are settled, and a mapping that leaves a
   required field open is refused before anything is written;
2. with a case, record each file as an evidence item with its extraction record (see
   ``evidence_files``: committed on its own, reused by a retry);
3. in ONE transaction, through ``load_batch``, which holds the write lock from before the
   first claim id is chosen (so a concurrent import waits, then numbers after this one):
   claims chunk by chunk, then lines, each
   chunk with its refused rows (``import_problem``); the batch row last, naming the files'
   SHA-256 (computed over the exact bytes parsed and compared with the evidence's), the
   evidence item, the rejected count and the import details; the audit entry; commit.
   A cancellation, an error or a ``kill -9`` before the commit leaves no batch, no claim,
   no line and no problem row;
4. checkpoint the write-ahead log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from inspector_app.casework.access import (
    RECORDING_USER_ROLES,
    NotAllowedError,
    require_recording,
    team_standing,
    user_role,
)
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
from inspector_app.settlement_import.rows import RowReader
from inspector_app.settlement_import.settlement_rows import (
    ClaimStream,
    FileCounts,
    LineStream,
)
from inspector_app.settlement_import.sources import ImportSource, Table, open_table
from inspector_app.version import __version__
from local_db.enums import ImportFileRole, TaskStatus
from local_db.ids import new_id
from local_db.models import InspectionTask, Institution, SettlementBatch
from local_db.settlement_load import (
    RowChunk,
    WriteLockBusyError,
    load_batch,
    next_claim_id,
    release_wal,
)
from local_db.types import utc_now

IMPORT_FORMAT = 1  # version of the import_detail JSON
SAMPLE_PROBLEMS = 5


class ImportRefusedError(Exception):
    """The import cannot run or was refused as a whole; ``str()`` is a user-facing message."""


class SourceChangedError(ImportRefusedError):
    """A file changed between being recorded as evidence and being read."""


class NothingImportedError(ImportRefusedError):
    """No row of the claims file could be imported (nothing was written)."""


@dataclass(frozen=True)
class ImportTarget:
    """Where an import goes: always an institution, and the case when there is one, or the
    task of an upcoming inspection the data is prepared for (before its case exists)."""

    institution_id: str
    case_id: str | None
    task_id: str | None = None


@dataclass(frozen=True)
class FileSummary:
    """What became of one file."""

    role: ImportFileRole
    name: str
    sha256: str
    size_bytes: int
    encoding: str | None
    header_row: int
    evidence_id: str | None
    counts: FileCounts


@dataclass(frozen=True)
class ImportSummary:
    """The result of an import (also stored in the batch's ``import_detail``)."""

    batch_id: str
    claims: int
    lines: int
    rejected: int
    warnings: int
    problems: int
    skipped: int
    total_fen: int
    period_start: str
    period_end: str
    files: tuple[FileSummary, ...]
    seconds: float


def resolve_task_target(profile: OpenProfile, task_id: str) -> ImportTarget:
    """An upcoming inspection's task as the place of an extract prepared before it starts.

    The rows then travel to the task's team only. The user must record in the task's team;
    a sealed task is refused while it is sealed (its data would name its target).

    Raises:
        ImportRefusedError: no such task, a closed one, or one still sealed.
        NotAllowedError: the user's standing in the task's team does not allow recording.
    """
    with profile.read_session() as session:
        task = session.get(InspectionTask, task_id)
        if task is None or task.deleted_at is not None:
            raise ImportRefusedError(
                _("No inspection task {id} in this profile.").format(id=task_id)
            )
        if task.status is TaskStatus.CLOSED:
            raise ImportRefusedError(_("The task is closed."))
        if task.institution_id is None:
            raise ImportRefusedError(
                _("A sealed task's target stays sealed until it is opened on site; load its "
                  "settlement data there.")
            )  # fmt: skip
        if not team_standing(session, profile, task_id).can_record:
            raise NotAllowedError(_("Your role in this inspection team does not allow changes."))
        return ImportTarget(institution_id=task.institution_id, case_id=None, task_id=task.id)


def resolve_target(
    profile: OpenProfile,
    *,
    case_id: str | None,
    institution_id: str | None,
    task_id: str | None = None,
) -> ImportTarget:
    """The institution (and case) an import goes to; the user must be able to record.

    In a case, the user's standing in its team decides (``require_recording``). Without a
    case there is no team to ask, so the profile owner's own role does: one that records
    (inspector, team leader, administrator), never a supervisor's.

    Raises:
        ImportRefusedError: neither or a mismatching pair given, or the case's institution is
            still sealed.
        NotAllowedError: the user may not record in the case, or (without a case) has a role
            that does not record.
        CaseNotFoundError: see ``casework.access``.
    """
    if task_id is not None and case_id is None:
        target = resolve_task_target(profile, task_id)
        if institution_id is not None and institution_id != target.institution_id:
            raise ImportRefusedError(_("The task concerns another institution."))
        return target
    with profile.read_session() as session:
        if case_id is None:
            if institution_id is None or session.get(Institution, institution_id) is None:
                raise ImportRefusedError(
                    _("Choose the case or the institution the data belongs to.")
                )
            if user_role(session, profile) not in RECORDING_USER_ROLES:
                raise NotAllowedError(_("Your role does not allow importing data."))
            return ImportTarget(institution_id=institution_id, case_id=None)
        case = require_recording(session, profile, case_id)
        owner = session.scalar(
            select(InspectionTask.institution_id).where(InspectionTask.id == case.task_id)
        )
        if owner is None:
            raise ImportRefusedError(
                _("The case's institution is not known yet (the task is still sealed).")
            )
        if institution_id is not None and institution_id != owner:
            raise ImportRefusedError(_("The case belongs to another institution."))
        return ImportTarget(institution_id=owner, case_id=case.id)


def may_import_without_case(profile: OpenProfile) -> bool:
    """Whether the user may import for an institution alone (for offering that choice)."""
    with profile.read_session() as session:
        return user_role(session, profile) in RECORDING_USER_ROLES


def find_case_id(profile: OpenProfile, reference: str) -> str | None:
    """A case's id from its id or its case number (as the CLI accepts either)."""
    from inspector_app.evidence.catalog import resolve_case

    with profile.read_session() as session:
        case = resolve_case(session, reference)
        return None if case is None else case.id


def find_task_id(profile: OpenProfile, reference: str) -> str:
    """A task's id from its id or its task number.

    Raises:
        ImportRefusedError: no such task.
    """
    with profile.read_session() as session:
        found = session.scalar(
            select(InspectionTask.id).where(
                (InspectionTask.id == reference) | (InspectionTask.task_number == reference)
            )
        )
    if found is None:
        raise ImportRefusedError(_("No inspection task {id} in this profile.").format(id=reference))
    return found


def find_institution_id(profile: OpenProfile, code: str) -> str | None:
    """An institution's id from its code."""
    with profile.read_session() as session:
        found = session.scalar(select(Institution.id).where(Institution.code == code))
        return found


@dataclass
class _OpenFile:
    role: ImportFileRole
    source: ImportSource
    table: Table
    mapping: ColumnMapping
    reader: RowReader
    recorded: RecordedFile | None = None


def _open(
    stack: ExitStack, role: ImportFileRole, source: ImportSource, mapping: ColumnMapping | None
) -> _OpenFile:
    if mapping is not None:
        source = mapping.apply_options(source)
    table = stack.enter_context(open_table(source, role))
    headers = table.layout.headers
    used = mapping if mapping is not None else automatic_mapping(role, headers)
    reader = RowReader(role, role_fields(role), column_indexes(used, headers), headers)
    return _OpenFile(role=role, source=source, table=table, mapping=used, reader=reader)


def _advance_by(progress: Progress, table: Table) -> Callable[[], None]:
    """Report the table's progress (bytes or rows read) since the last report."""
    last = 0

    def advance() -> None:
        nonlocal last
        done = table.progress_done
        progress.advance(done - last)
        last = done

    return advance


def _file_detail(opened: _OpenFile, counts: FileCounts) -> dict[str, Any]:
    layout, table = opened.table.layout, opened.table
    return {
        "role": opened.role.value,
        "name": opened.source.path.name,
        "format": layout.format.value,
        "encoding": layout.encoding,
        "delimiter": layout.delimiter,
        "sheet": layout.sheet,
        "header_row": layout.header_row,
        "size_bytes": table.size_bytes,
        "sha256": table.sha256,
        "evidence_id": opened.recorded.evidence_id if opened.recorded else None,
        "mapping": {"name": opened.mapping.name, "columns": dict(opened.mapping.columns)},
        "counts": {
            "rows": counts.rows, "loaded": counts.loaded, "refused": counts.refused,
            "skipped": counts.skipped, "warnings": counts.warnings, "problems": counts.problems,
        },
        "unmapped_values": opened.reader.unmapped_values(),
    }  # fmt: skip


def _check_unchanged(opened: _OpenFile) -> None:
    if opened.recorded is not None and opened.recorded.sha256 != opened.table.sha256:
        raise SourceChangedError(
            _("{name} changed after it was recorded as evidence; nothing was imported.").format(
                name=opened.source.path.name
            )
        )


def import_settlement(
    profile: OpenProfile,
    *,
    claims: ImportSource,
    lines: ImportSource | None = None,
    claims_mapping: ColumnMapping | None = None,
    lines_mapping: ColumnMapping | None = None,
    case_id: str | None = None,
    institution_id: str | None = None,
    task_id: str | None = None,
    extraction: ExtractionInput | None = None,
    progress: Progress,
) -> ImportSummary:
    """Import a claims file (and its lines file) as one new settlement batch.

    Args:
        claims_mapping, lines_mapping: None maps the columns automatically by their headers.
        case_id: the case the data is evidence in (its files become evidence items); or
        institution_id: without a case, only the institution (no evidence is recorded).
        task_id: without a case, the upcoming inspection the data is prepared for: it goes
            to that task's team (see ``resolve_task_target``).
        extraction: how the files were obtained; None records a generic description.

    Raises:
        ImportRefusedError: no target, no row importable (``NothingImportedError``), a file
            changed while it was imported (``SourceChangedError``), or another import kept
            the database's write lock past its busy timeout; nothing was loaded.
        MappingError, SourceError: a file or its mapping cannot be used (before anything
            was written).
        NotAllowedError: the user may not record in the case or, without a case, has a
            role that does not record (see ``resolve_target``).
        CaseNotFoundError: see ``casework.access``.
        Cancelled: ``progress`` was cancelled; no batch was written.
    """
    started = time.perf_counter()
    target = resolve_target(
        profile, case_id=case_id, institution_id=institution_id, task_id=task_id
    )
    with ExitStack() as stack:
        claim_file = _open(stack, ImportFileRole.CLAIMS, claims, claims_mapping)
        line_file = _open(stack, ImportFileRole.LINES, lines, lines_mapping) if lines else None
        opened = [f for f in (claim_file, line_file) if f is not None]
        if target.case_id is not None:
            for each in opened:
                each.recorded = record_source_file(
                    profile=profile, case_id=target.case_id, path=each.source.path,
                    role=each.role, extraction=extraction, progress=progress,
                )  # fmt: skip
        batch = SettlementBatch(
            id=new_id(), institution_id=target.institution_id, case_id=target.case_id,
            task_id=target.task_id, source=_source_text(opened), source_sha256="",
            period_start="", period_end="", loaded_at=utc_now(),
        )  # fmt: skip
        summary = _load(
            profile, batch=batch, claim_file=claim_file, line_file=line_file,
            progress=progress, started=started,
        )  # fmt: skip
    progress.start(_("Tidying the database after the import"))
    release_wal(profile.engine)
    progress.finish()
    return summary


def _source_text(opened: list[_OpenFile]) -> str:
    return ("file:" + " + ".join(f.source.path.name for f in opened))[:256]


def _load(
    profile: OpenProfile,
    *,
    batch: SettlementBatch,
    claim_file: _OpenFile,
    line_file: _OpenFile | None,
    progress: Progress,
    started: float,
) -> ImportSummary:
    with profile.session() as session:
        try:
            first_id = next_claim_id(session)  # takes the write lock first
        except WriteLockBusyError:
            raise ImportRefusedError(
                _("Another import or a long task is writing to this profile; nothing was "
                  "imported. Try again once it has finished.")
            ) from None  # fmt: skip
        claim_stream = ClaimStream(
            claim_file.table, claim_file.reader, batch_id=batch.id,
            first_id=first_id,
            advance=_advance_by(progress, claim_file.table),
            settlement_index=column_indexes(claim_file.mapping, claim_file.table.layout.headers)
            .get("settlement_no"),
        )  # fmt: skip
        streams: list[tuple[_OpenFile, FileCounts]] = [(claim_file, claim_stream.counts)]
        line_stream: LineStream | None = None

        def chunks() -> Iterator[RowChunk]:
            nonlocal line_stream
            progress.start(
                _("Importing claims from {name}").format(name=claim_file.source.path.name),
                total=claim_file.table.progress_total,
            )
            yield from claim_stream.chunks()
            _check_unchanged(claim_file)
            if line_file is None:
                return
            line_stream = LineStream(
                line_file.table, line_file.reader, claims=claim_stream,
                advance=_advance_by(progress, line_file.table),
            )  # fmt: skip
            streams.append((line_file, line_stream.counts))
            progress.start(
                _("Importing lines from {name}").format(name=line_file.source.path.name),
                total=line_file.table.progress_total,
            )
            yield from line_stream.chunks()
            _check_unchanged(line_file)

        def complete(loaded: SettlementBatch) -> None:
            if loaded.claim_count == 0:
                raise NothingImportedError(
                    _("No row of {name} could be imported ({refused} refused); nothing was "
                      "written. Check the mapping in the preview.").format(
                        name=claim_file.source.path.name, refused=claim_stream.counts.refused
                    )
                )  # fmt: skip
            assert claim_stream.period is not None
            loaded.period_start, loaded.period_end = claim_stream.period
            loaded.source_sha256 = claim_file.table.sha256
            loaded.evidence_id = claim_file.recorded.evidence_id if claim_file.recorded else None
            loaded.rejected_count = sum(counts.refused for _f, counts in streams)
            loaded.import_detail = json.dumps(
                {
                    "format": IMPORT_FORMAT,
                    "importer": __version__,
                    "files": [_file_detail(f, counts) for f, counts in streams],
                },
                ensure_ascii=False,
                sort_keys=True,
            )

        result = load_batch(session, batch=batch, chunks=chunks(), before_insert=complete)
        counts = [c for _f, c in streams]
        profile.audit(
            session, "settlement.imported", entity="settlement_batch", entity_id=batch.id,
            detail=json.dumps(
                {"claims": result.claim_count, "lines": result.line_count,
                 "rejected": batch.rejected_count, "problems": result.problem_count}
            ),
            case_id=batch.case_id,
        )  # fmt: skip
        progress.start(_("Saving the import"))
    return ImportSummary(
        batch_id=batch.id,
        claims=result.claim_count,
        lines=result.line_count,
        rejected=sum(c.refused for c in counts),
        warnings=sum(c.warnings for c in counts),
        problems=result.problem_count,
        skipped=sum(c.skipped for c in counts),
        total_fen=result.total_fen,
        period_start=batch.period_start,
        period_end=batch.period_end,
        files=tuple(
            FileSummary(
                role=f.role,
                name=f.source.path.name,
                sha256=f.table.sha256,
                size_bytes=f.table.size_bytes,
                encoding=f.table.layout.encoding,
                header_row=f.table.layout.header_row,
                evidence_id=f.recorded.evidence_id if f.recorded else None,
                counts=c,
            )
            for f, c in streams
        ),
        seconds=time.perf_counter() - started,
    )
