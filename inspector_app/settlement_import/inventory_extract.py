"""A 进销存 load's movements as one blob, as a settlement batch's claims travel (``extract``).

The same rules: gzip without a time stamp, a header naming the format, the load, the count
and the columns, then one JSON line per movement in id order; readers map columns by name.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.settlement_import.extract import (
    ExtractError,
    LoadedExtract,
    column_positions,
    gzip_lines,
    json_line,
    pick,
    read_header,
)
from inspector_app.settlement_import.inventory import MOVEMENT_COLUMNS, MOVEMENT_SQL
from local_db.models import InventoryBatch, InventoryMovement

FORMAT = "fund-inspector/inventory-extract"
VERSION = 1
FETCH_ROWS = 20_000
_TABLE: Table = InventoryMovement.__table__  # type: ignore[assignment]
# The import's columns (``MOVEMENT_SQL``) less the load each laptop gives its own rows.
assert MOVEMENT_COLUMNS[0] == "batch_id"
COLUMNS = MOVEMENT_COLUMNS[1:]


def has_movements(session: Session, batch_id: str) -> bool:
    """True when this laptop holds the load's movements."""
    found = session.scalar(
        select(InventoryMovement.id).where(InventoryMovement.batch_id == batch_id).limit(1)
    )
    return found is not None


def write_inventory_extract(session: Session, batch: InventoryBatch) -> bytes:
    """The load's movements as extract bytes (compressed; in memory, never on disk)."""
    count = session.scalar(select(func.count()).where(InventoryMovement.batch_id == batch.id))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as packed:
        header = {"format": FORMAT, "version": VERSION, "batch_id": batch.id,
                  "movements": count, "columns": COLUMNS}  # fmt: skip
        packed.write(json_line(header))
        after = 0
        while True:
            rows = session.execute(
                select(_TABLE)
                .where(InventoryMovement.batch_id == batch.id, InventoryMovement.id > after)
                .order_by(InventoryMovement.id)
                .limit(FETCH_ROWS)
            ).all()
            if not rows:
                break
            for row in rows:
                packed.write(json_line([_plain(getattr(row, name)) for name in COLUMNS]))
            after = rows[-1].id
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)  # an enum as its stored text


def load_inventory_extract(
    session: Session, batch: InventoryBatch, chunks: Iterable[bytes]
) -> LoadedExtract:
    """Add the load's movements from its extract, in the caller's transaction.

    Raises:
        ExtractError: the extract is of another load or format, damaged, or short.
    """
    lines = gzip_lines(chunks)
    header = read_header(lines, FORMAT, VERSION, batch.id)
    columns = list(header["columns"])
    positions = column_positions(columns, COLUMNS)
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    rows: list[tuple[Any, ...]] = []
    count = 0
    try:
        for raw in lines:
            values = json.loads(raw)
            if len(values) != len(columns):
                raise ValueError("a movement with another number of values than columns")
            rows.append((batch.id, *pick(values, positions)))
            count += 1
            if len(rows) >= FETCH_ROWS:
                cursor.executemany(MOVEMENT_SQL, rows)
                rows.clear()
        if rows:
            cursor.executemany(MOVEMENT_SQL, rows)
    except (ValueError, TypeError, IndexError) as error:
        raise ExtractError(_("The settlement extract is damaged.")) from error
    finally:
        cursor.close()
    if count != header.get("movements"):
        raise ExtractError(_("The settlement extract is damaged."))
    session.flush()
    return LoadedExtract(rows=count)
