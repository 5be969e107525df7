"""Reference records the server itself authors (regions; later catalogues and rules)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central_server.db.models import Record, utc_now
from central_server.sync.feed import next_seq
from inspector_app.sync.hlc import Stamp

SERVER_AUTHOR = "server"


def put_reference(session: Session, entity: str, entity_id: str, fields: dict[str, Any]) -> bool:
    """Create or update a globally visible record; returns True when something changed.

    Takes a feed sequence number only when it writes, so seeding twice is free.
    """
    record = session.scalar(
        select(Record).where(Record.entity == entity, Record.entity_id == entity_id)
    )
    if record is not None and json.loads(record.fields) == fields:
        return False
    seq = next_seq(session)
    now = utc_now()
    stamp = Stamp(int(now.timestamp() * 1000), 0, SERVER_AUTHOR).encode()
    if record is None:
        record = Record(
            entity=entity, entity_id=entity_id, created_at=now, created_by=SERVER_AUTHOR
        )
        session.add(record)
    record.fields = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    record.clocks = json.dumps(dict.fromkeys(fields, stamp), sort_keys=True)
    record.authors = json.dumps(dict.fromkeys(fields, SERVER_AUTHOR), sort_keys=True)
    record.scope_kind, record.task_id, record.case_id = "global", None, None
    record.region_code, record.owner, record.seq = None, None, seq
    record.updated_at, record.updated_by = now, SERVER_AUTHOR
    return True
