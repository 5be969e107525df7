"""A settlement batch's claims and lines as one blob: how the rows reach the team's laptops.

Claims are bulk data and never sync row by row. Before a batch first syncs, the laptop that
holds its rows writes them into an *extract* (gzip of JSON lines, in import order), keeps it
in the encrypted store like an evidence original and names its SHA-256 on the batch; the
blob travels as every blob does (resumable, verified, deduplicated). A laptop that receives
the batch loads the rows from the extract, so every member reviews the same claims.

The bytes depend only on the rows: gzip without a time stamp, columns named in the first
line, claims in id order (a loaded extract keeps that order), so two laptops holding the
same rows write the same extract. Readers map columns by name: a newer release may add
one, an older reader ignores it.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from local_db.models import Claim, ClaimLine, SettlementBatch
from local_db.settlement_load import CLAIM_COLUMNS as LOADED_CLAIM_COLUMNS
from local_db.settlement_load import CLAIM_SQL, LINE_SQL, next_claim_id
from local_db.settlement_load import LINE_COLUMNS as LOADED_LINE_COLUMNS

FORMAT = "fund-inspector/settlement-extract"
VERSION = 1
FETCH_CLAIMS = 5_000
INSERT_ROWS = 5_000
_CLAIM_TABLE: Table = Claim.__table__  # type: ignore[assignment]
_LINE_TABLE: Table = ClaimLine.__table__  # type: ignore[assignment]
# The columns the bulk loader writes (``CLAIM_SQL``, ``LINE_SQL``), less the keys each laptop
# gives its own rows: a claim's id and batch, a line's claim (SQLite numbers lines itself).
assert LOADED_CLAIM_COLUMNS[:2] == ("id", "batch_id") and LOADED_LINE_COLUMNS[0] == "claim_id"
CLAIM_COLUMNS = LOADED_CLAIM_COLUMNS[2:]
LINE_COLUMNS = LOADED_LINE_COLUMNS[1:]


class ExtractError(ValueError):
    """The extract cannot be loaded (another batch's, another format, or damaged)."""


@dataclass(frozen=True)
class LoadedExtract:
    """What loading an extract added: its rows (claims, or movements) and their lines."""

    rows: int
    lines: int = 0


def has_rows(session: Session, batch_id: str) -> bool:
    """True when this laptop holds the batch's claims."""
    found = session.scalar(select(Claim.id).where(Claim.batch_id == batch_id).limit(1))
    return found is not None


def _claims_with_lines(session: Session, batch_id: str) -> Iterator[tuple[Any, list[Any]]]:
    after = 0
    while True:
        claims = session.execute(
            select(_CLAIM_TABLE)
            .where(Claim.batch_id == batch_id, Claim.id > after)
            .order_by(Claim.id)
            .limit(FETCH_CLAIMS)
        ).all()
        if not claims:
            return
        ids = [row.id for row in claims]
        lines: dict[int, list[Any]] = {claim_id: [] for claim_id in ids}
        for line in session.execute(
            select(_LINE_TABLE)
            .where(ClaimLine.claim_id.in_(ids))
            .order_by(ClaimLine.claim_id, ClaimLine.line_no)
        ):
            lines[line.claim_id].append(line)
        for claim in claims:
            yield claim, lines[claim.id]
        after = ids[-1]


def write_extract(session: Session, batch: SettlementBatch) -> bytes:
    """The batch's rows as extract bytes (compressed; held in memory, never on disk)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as packed:
        header = {
            "format": FORMAT,
            "version": VERSION,
            "batch_id": batch.id,
            "claims": session.scalar(select(func.count()).where(Claim.batch_id == batch.id)),
            "lines": session.scalar(
                select(func.count())
                .select_from(ClaimLine)
                .join(Claim, Claim.id == ClaimLine.claim_id)
                .where(Claim.batch_id == batch.id)
            ),
            "claim_columns": CLAIM_COLUMNS,
            "line_columns": LINE_COLUMNS,
        }
        packed.write(json_line(header))
        for claim, lines in _claims_with_lines(session, batch.id):
            entry = [
                [getattr(claim, name) for name in CLAIM_COLUMNS],
                [[getattr(line, name) for name in LINE_COLUMNS] for line in lines],
            ]
            packed.write(json_line(entry))
    return buffer.getvalue()


def json_line(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def gzip_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Decompress gzip ``chunks`` as they come and yield their lines."""
    inflate = zlib.decompressobj(wbits=31)
    pending = b""
    try:
        for chunk in chunks:
            pending += inflate.decompress(chunk)
            *complete, pending = pending.split(b"\n")
            yield from complete
        pending += inflate.flush()
    except zlib.error as error:
        raise ExtractError(_("The settlement extract is damaged.")) from error
    if pending:
        yield pending


def read_header(
    lines: Iterator[bytes], extract_format: str, version: int, batch_id: str
) -> dict[str, Any]:
    """The extract's first line, checked: its format and version, and the batch it names.

    Raises:
        ExtractError: damaged, of another format or version, or of another batch.
    """
    try:
        header: dict[str, Any] = json.loads(next(lines))
    except (StopIteration, ValueError) as error:
        raise ExtractError(_("The settlement extract is damaged.")) from error
    if header.get("format") != extract_format or header.get("version") != version:
        raise ExtractError(
            _("The settlement extract is of an unknown format; update the application.")
        )
    if header.get("batch_id") != batch_id:
        raise ExtractError(_("The settlement extract belongs to another batch."))
    return header


def column_positions(written: list[str], wanted: tuple[str, ...]) -> list[int | None]:
    """Where each of this release's columns sits in an extract's rows (None: not written)."""
    return [written.index(name) if name in written else None for name in wanted]


def pick(values: list[Any], positions: list[int | None]) -> list[Any]:
    """A row's values in this release's column order (a column the writer lacked is None)."""
    return [None if at is None else values[at] for at in positions]


def load_extract(
    session: Session, batch: SettlementBatch, chunks: Iterable[bytes]
) -> LoadedExtract:
    """Add the batch's claims and lines from its extract, in the caller's transaction.

    The caller rolls back when this raises (the chunks' hash is checked only at their end).

    Raises:
        ExtractError: the extract is of another batch or format, damaged, or its counts
            differ from the batch's.
    """
    lines = gzip_lines(chunks)
    header = read_header(lines, FORMAT, VERSION, batch.id)
    claim_columns, line_columns = list(header["claim_columns"]), list(header["line_columns"])
    claim_at = column_positions(claim_columns, CLAIM_COLUMNS)
    line_at = column_positions(line_columns, LINE_COLUMNS)
    next_claim = next_claim_id(session)  # takes the write lock first
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    claim_rows: list[tuple[Any, ...]] = []
    line_rows: list[tuple[Any, ...]] = []
    claims = line_count = 0

    def flush() -> None:
        if claim_rows:
            cursor.executemany(CLAIM_SQL, claim_rows)
        if line_rows:
            cursor.executemany(LINE_SQL, line_rows)
        claim_rows.clear()
        line_rows.clear()

    try:
        for raw in lines:
            claim_values, claim_lines = json.loads(raw)
            claim_rows.append((next_claim, batch.id, *pick(claim_values, claim_at)))
            line_rows.extend((next_claim, *pick(values, line_at)) for values in claim_lines)
            next_claim += 1
            claims += 1
            line_count += len(claim_lines)
            if len(line_rows) >= INSERT_ROWS or len(claim_rows) >= INSERT_ROWS:
                flush()
        flush()
    except (ValueError, TypeError, IndexError) as error:
        raise ExtractError(_("The settlement extract is damaged.")) from error
    finally:
        cursor.close()
    if (claims, line_count) != (header.get("claims"), header.get("lines")):
        raise ExtractError(
            _("The settlement extract holds {claims} claims and {lines} lines instead of "
              "{expected_claims} and {expected_lines}.").format(
                claims=claims, lines=line_count,
                expected_claims=header.get("claims"), expected_lines=header.get("lines"),
            )
        )  # fmt: skip
    session.flush()
    return LoadedExtract(rows=claims, lines=line_count)
