"""Write a loaded batch back out as a HIS would export it: two CSV files, Chinese headers.

Used by the import benchmark (the demo batch exported, then imported into a fresh
profile), by tests (round trips), and by inspectors who need the data in a spreadsheet.
Values are written the way exports show them, not as stored: 男/女, 职工/居民, 门诊/住院,
药品/诊疗/材料, 甲/乙/丙, yuan with two decimals, ``2025-03-01 08:30:15``. Asking for GBK
writes GB18030, which is byte-identical for every character GBK has and does not fail on
the rare name characters it lacks. Rows are streamed from the database in claim order.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspector_app.casework.access import NotAllowedError, case_access
from inspector_app.i18n import _
from inspector_app.profiles import OpenProfile
from inspector_app.progress import Progress
from inspector_app.settlement_import.encoding import canonical_encoding
from inspector_app.settlement_import.fields import CLAIM_FIELDS, LINE_FIELDS
from local_db.models import SettlementBatch

FETCH_ROWS = 20_000
_SEX = {"M": "男", "F": "女"}
_INSURANCE = {"employee": "职工", "resident": "居民"}
_VISIT = {"outpatient": "门诊", "inpatient": "住院"}
_CATEGORY = {"drug": "药品", "service": "诊疗", "consumable": "材料"}
_COVERAGE = {"A": "甲", "B": "乙", "C": "丙"}


class BatchNotFoundError(LookupError):
    """No settlement batch with this id."""


@dataclass(frozen=True)
class ExportedBatch:
    """The files written."""

    claims_path: Path
    lines_path: Path
    claims: int
    lines: int
    encoding: str


def yuan(fen: int | None) -> str:
    """Integer fen as yuan text with two decimals (``-12.30``)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def _quantity(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _time(value: str | None) -> str:
    return "" if value is None else value.replace("T", " ")


def _words(table: dict[str, str]) -> Callable[[Any], str]:
    def word(value: Any) -> str:
        return "" if value is None else table.get(value, value)

    return word


def _text(value: Any) -> str:
    return "" if value is None else str(value)


_CLAIM_FORMAT: dict[str, Callable[[Any], str]] = {
    "patient_sex": _words(_SEX),
    "insurance_type": _words(_INSURANCE),
    "visit_type": _words(_VISIT),
    "total_fen": yuan,
    "fund_fen": yuan,
    "account_fen": yuan,
    "self_fen": yuan,
    "settled_at": _time,
}
_LINE_FORMAT: dict[str, Callable[[Any], str]] = {
    "item_category": _words(_CATEGORY),
    "coverage_class": _words(_COVERAGE),
    "unit_price_fen": yuan,
    "amount_fen": yuan,
    "quantity": _quantity,
    "ordered_quantity": _quantity,
    "service_time": _time,
}


def _claims_sql() -> str:
    columns = ", ".join(target.name for target in CLAIM_FIELDS)
    return f"SELECT {columns} FROM claim WHERE batch_id = ? ORDER BY id"


def _lines_sql() -> str:
    columns = ", ".join(f"l.{target.name}" for target in LINE_FIELDS[1:])
    return (
        f"SELECT c.settlement_no, {columns} FROM claim_line l JOIN claim c ON c.id = l.claim_id "
        "WHERE c.batch_id = ? ORDER BY l.claim_id, l.line_no"
    )


def _write(
    path: Path,
    *,
    encoding: str,
    headers: list[str],
    rows: Iterable[tuple[Any, ...]],
    formats: list[Callable[[Any], str]],
    progress: Progress,
) -> int:
    count = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([fmt(value) for fmt, value in zip(formats, row, strict=True)])
            count += 1
            if count % FETCH_ROWS == 0:
                progress.advance(FETCH_ROWS)
    return count


def _fetched(cursor: Any) -> Iterable[tuple[Any, ...]]:
    while rows := cursor.fetchmany(FETCH_ROWS):
        yield from rows


def export_batch(
    *,
    profile: OpenProfile,
    batch_id: str,
    folder: Path,
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> ExportedBatch:
    """Write ``claims.csv`` and ``lines.csv`` of a batch into ``folder``.

    Raises:
        BatchNotFoundError: no such batch.
        NotAllowedError: the batch's case does not let this user see patients' identifiers.
        LookupError: unknown encoding.
    """
    progress = progress or Progress()
    chosen = canonical_encoding(encoding)
    with profile.read_session() as session:
        batch = session.get(SettlementBatch, batch_id)
        if batch is None or batch.deleted_at is not None:
            raise BatchNotFoundError(batch_id)
        if (
            batch.case_id is not None
            and not case_access(session, profile, batch.case_id).sees_identifiers
        ):
            raise NotAllowedError(
                _("Your role in this inspection team does not allow exporting patient data.")
            )
        claims_total, lines_total, case_id = batch.claim_count, batch.line_count, batch.case_id
    folder.mkdir(parents=True, exist_ok=True)
    claims_path, lines_path = folder / "claims.csv", folder / "lines.csv"
    claim_formats = [_CLAIM_FORMAT.get(t.name, _text) for t in CLAIM_FIELDS]
    line_formats = [_LINE_FORMAT.get(t.name, _text) for t in LINE_FIELDS]
    with profile.engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        cursor = driver.cursor()
        try:
            progress.start(_("Exporting claims"), total=claims_total)
            claims = _write(
                claims_path, encoding=chosen, headers=[t.export_header for t in CLAIM_FIELDS],
                rows=_fetched(cursor.execute(_claims_sql(), (batch_id,))),
                formats=claim_formats, progress=progress,
            )  # fmt: skip
            progress.start(_("Exporting lines"), total=lines_total)
            lines = _write(
                lines_path, encoding=chosen, headers=[t.export_header for t in LINE_FIELDS],
                rows=_fetched(cursor.execute(_lines_sql(), (batch_id,))),
                formats=line_formats, progress=progress,
            )  # fmt: skip
        finally:
            cursor.close()
    progress.finish()
    with profile.session() as session:
        profile.audit(
            session, "settlement.exported", entity="settlement_batch", entity_id=batch_id,
            detail=json.dumps({"claims": claims, "lines": lines, "encoding": chosen}),
            case_id=case_id,
        )  # fmt: skip
    return ExportedBatch(
        claims_path=claims_path, lines_path=lines_path, claims=claims, lines=lines,
        encoding=chosen,
    )  # fmt: skip
