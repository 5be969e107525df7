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

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from inspector_app.i18n import _
from inspector_app.settlement_import.extract import (
    ExtractError,
    LoadedExtract,
    gzip_lines,
    json_line,
    read_header,
)
from local_db.models import InventoryBatch, InventoryMovement

FORMAT = "fund-inspector/inventory-extract"
VERSION = 1
FETCH_ROWS = 20_000
_TABLE: Table = InventoryMovement.__table__  # type: ignore[assignment]
COLUMNS = tuple(c.key for c in _TABLE.columns if c.key not in {"id", "batch_id"})


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
    next_id = (session.scalar(select(func.max(InventoryMovement.id))) or 0) + 1
    rows: list[dict[str, Any]] = []
    count = 0
    try:
        for raw in lines:
            named = dict(zip(columns, json.loads(raw), strict=True))
            row = {name: named.get(name) for name in COLUMNS}
            row.update(id=next_id + count, batch_id=batch.id)
            rows.append(row)
            count += 1
            if len(rows) >= FETCH_ROWS:
                session.execute(insert(InventoryMovement), rows)
                rows.clear()
    except (ValueError, TypeError) as error:
        raise ExtractError(_("The settlement extract is damaged.")) from error
    if rows:
        session.execute(insert(InventoryMovement), rows)
    if count != header.get("movements"):
        raise ExtractError(_("The settlement extract is damaged."))
    session.flush()
    return LoadedExtract(claims=count, lines=0)
