"""The loads of a profile and the error report of one: listed, paged, exported to a file.

The report is written as CSV (UTF-8 with a byte-order mark, so Excel opens it in Chinese
correctly) or XLSX (openpyxl in write-only mode, streamed). It holds patients' data as the
source files did, so it is written only where the user asks and the export is audited.

Users who may not see patients' identifiers (a social supervisor) get the values of
identity columns masked in the listing and in the export (``masking``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.settlement_import.fields import role_label
from inspector_app.settlement_import.masking import ProblemMasking, json_object, problem_masking
from inspector_app.settlement_import.problems import (
    Problem,
    problem_text,
    severity,
    severity_label,
)
from local_db.enums import ImportFileRole
from local_db.models import ImportProblem, Institution, InventoryBatch, SettlementBatch

PAGE_ROWS = 20_000
XLSX_MAX_ROWS = 1_048_575  # a sheet's rows after the header


@dataclass(frozen=True)
class BatchRow:
    """A settlement batch as listed."""

    id: str
    institution_code: str
    institution_name: str
    case_id: str | None
    source: str
    period_start: str
    period_end: str
    claims: int
    lines: int
    rejected: int
    total_fen: int
    loaded_at: datetime
    evidence_id: str | None

    @property
    def imported(self) -> bool:
        """True for a file import (it has details), False for generated demo data."""
        return self.source.startswith("file:")


def list_batches(*, profile: OpenProfile) -> list[BatchRow]:
    """The profile's settlement batches, newest first."""
    query = (
        select(SettlementBatch, Institution.code, Institution.name)
        .join(Institution, Institution.id == SettlementBatch.institution_id)
        .where(SettlementBatch.deleted_at.is_(None))
        .order_by(SettlementBatch.loaded_at.desc())
    )
    with profile.read_session() as session:
        return [
            BatchRow(
                id=batch.id,
                institution_code=code,
                institution_name=name,
                case_id=batch.case_id,
                source=batch.source,
                period_start=batch.period_start,
                period_end=batch.period_end,
                claims=batch.claim_count,
                lines=batch.line_count,
                rejected=batch.rejected_count,
                total_fen=batch.total_fen,
                loaded_at=batch.loaded_at,
                evidence_id=batch.evidence_id,
            )
            for batch, code, name in session.execute(query)
        ]


def import_detail(*, profile: OpenProfile, batch_id: str) -> dict[str, Any]:
    """The batch's import details (files, encodings, mappings, counts); {} if none."""
    with profile.read_session() as session:
        text = session.scalar(
            select(SettlementBatch.import_detail).where(SettlementBatch.id == batch_id)
        )
    return json_object(text)


def problem_values_masked(*, profile: OpenProfile, batch_id: str) -> bool:
    """Whether this user sees a load's problem values masked (a social supervisor does).

    Raises:
        CaseNotFoundError: the load belongs to a case that is gone.
    """
    return problem_masking(profile, batch_id) is not None


def _of_load(load_id: str) -> ColumnElement[bool]:
    """Problems of a settlement load or of a 进销存 load (ids never collide)."""
    return or_(ImportProblem.batch_id == load_id, ImportProblem.inventory_batch_id == load_id)


def count_problems(*, profile: OpenProfile, batch_id: str) -> int:
    """How many problems the import of a settlement or 进销存 load reported.

    Raises:
        CaseNotFoundError: the load belongs to a case that is gone.
    """
    problem_masking(profile, batch_id)  # the access check of the load's case
    with profile.read_session() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(ImportProblem).where(_of_load(batch_id))
            )
            or 0
        )


def list_problems(
    *,
    profile: OpenProfile,
    batch_id: str,
    role: ImportFileRole | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> list[tuple[ImportFileRole, Problem]]:
    """One page of a settlement or 进销存 load's problems, by file and row.

    Values of identity columns are masked for a user who may not see identifiers (see the
    module docstring).

    Raises:
        CaseNotFoundError: the load belongs to a case that is gone.
    """
    return _problems_page(
        profile, batch_id=batch_id, masking=problem_masking(profile, batch_id), role=role,
        offset=offset, limit=limit,
    )  # fmt: skip


def _problems_page(
    profile: OpenProfile,
    *,
    batch_id: str,
    masking: ProblemMasking | None,
    role: ImportFileRole | None,
    offset: int,
    limit: int,
) -> list[tuple[ImportFileRole, Problem]]:
    query = select(ImportProblem).where(_of_load(batch_id))
    if role is not None:
        query = query.where(ImportProblem.file_role == role)
    query = query.order_by(ImportProblem.file_role, ImportProblem.row_no, ImportProblem.id)
    with profile.read_session() as session:
        rows = session.scalars(query.offset(offset).limit(limit))
        page = [
            (row.file_role, Problem(row.row_no, row.column, row.value, row.problem, row.detail))
            for row in rows
        ]
    if masking is None:
        return page
    return [(each, replace(problem, value=masking.value(each, problem))) for each, problem in page]


def _all_problems(
    profile: OpenProfile, batch_id: str, masking: ProblemMasking | None
) -> Iterator[tuple[ImportFileRole, Problem]]:
    offset = 0
    while page := _problems_page(
        profile, batch_id=batch_id, masking=masking, role=None, offset=offset, limit=PAGE_ROWS
    ):
        yield from page
        offset += len(page)


def report_headers() -> list[str]:
    """The columns of an exported error report, in the active language."""
    return [_("File"), _("Row"), _("Column"), _("Value"), _("Severity"), _("Problem"), _("Code")]


def _report_row(role: ImportFileRole, problem: Problem) -> list[Any]:
    return [
        role_label(role), problem.row_no, problem.column, problem.value,
        severity_label(severity(problem.code)), problem_text(problem.code, problem.detail),
        problem.code,
    ]  # fmt: skip


def export_problems(*, profile: OpenProfile, batch_id: str, dest: Path) -> int:
    """Write the batch's error report to ``dest`` (``.xlsx`` or else CSV); returns rows.

    Values are masked as in :func:`list_problems` for a user who may not see identifiers.

    Raises:
        ValueError: an XLSX report would exceed a sheet's rows (write CSV instead).
        CaseNotFoundError: the load belongs to a case that is gone.
    """
    masking = problem_masking(profile, batch_id)
    total = count_problems(profile=profile, batch_id=batch_id)
    if dest.suffix.lower() == ".xlsx":
        if total > XLSX_MAX_ROWS:
            raise ValueError(
                _("{n:,} problems do not fit in one sheet; export them as CSV.").format(n=total)
            )
        written = _write_xlsx(profile, batch_id, masking, dest)
    else:
        written = _write_csv(profile, batch_id, masking, dest)
    with profile.session() as session:
        case_id = session.scalar(
            select(SettlementBatch.case_id).where(SettlementBatch.id == batch_id)
        ) or session.scalar(select(InventoryBatch.case_id).where(InventoryBatch.id == batch_id))
        profile.audit(
            session, "settlement.problems_exported", entity="settlement_batch",
            entity_id=batch_id, detail=json.dumps({"rows": written, "masked": masking is not None}),
            case_id=case_id,
        )  # fmt: skip
    return written


def _write_csv(
    profile: OpenProfile, batch_id: str, masking: ProblemMasking | None, dest: Path
) -> int:
    written = 0
    with dest.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(report_headers())
        for role, problem in _all_problems(profile, batch_id, masking):
            writer.writerow(_report_row(role, problem))
            written += 1
    return written


def _write_xlsx(
    profile: OpenProfile, batch_id: str, masking: ProblemMasking | None, dest: Path
) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Import problems"))
    sheet.append(report_headers())
    written = 0
    for role, problem in _all_problems(profile, batch_id, masking):
        sheet.append(_report_row(role, problem))
        written += 1
    workbook.save(dest)
    return written
