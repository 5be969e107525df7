"""The change feed: a counter that orders writes, and pages of records after a cursor.

Every write transaction starts by incrementing the one counter row. The row lock is held to
commit, so transactions commit in sequence order and a reader that has seen sequence N has
seen everything at or below N: "records after the cursor" never skips one (the PostgreSQL
pitfall in tech-notes). A cursor is ``epoch:view:seq:rid``; one from another epoch (a
restored database) or an older view of the user's rights starts the feed again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from central_server.db.models import FeedCounter, Record, ServerMeta
from central_server.sync.access import Principal, visible_filter
from inspector_app.sync.protocol import RecordState

EPOCH_KEY = "epoch"


def next_seq(session: Session) -> int:
    """Take the next sequence number; must be the transaction's first statement."""
    result = session.execute(
        update(FeedCounter)
        .where(FeedCounter.id == 1)
        .values(seq=FeedCounter.seq + 1)
        .returning(FeedCounter.seq)
    )
    return int(result.scalar_one())


def epoch(session: Session) -> str:
    """This database's epoch (set when it was created; a restore from backup changes it)."""
    value = session.get(ServerMeta, EPOCH_KEY)
    if value is None:
        raise RuntimeError("the server database has no epoch: run the migrations and setup")
    return value.value


@dataclass(frozen=True)
class Cursor:
    """A position in the feed as seen by one user."""

    epoch: str
    view: int
    seq: int
    rid: int

    def encode(self) -> str:
        return f"{self.epoch}:{self.view}:{self.seq}:{self.rid}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        parts = text.split(":")
        if len(parts) != 4:
            return None
        try:
            return cls(parts[0], int(parts[1]), int(parts[2]), int(parts[3]))
        except ValueError:
            return None


def record_state(record: Record) -> RecordState:
    """The wire form of a stored record."""
    return RecordState(
        entity=record.entity,
        entity_id=record.entity_id,
        fields=json.loads(record.fields),
        clocks=json.loads(record.clocks),
        created_at=record.created_at,
        created_by=record.created_by,
        updated_at=record.updated_at,
        updated_by=record.updated_by,
    )


@dataclass(frozen=True)
class Page:
    """Records after a cursor, the cursor after them, and whether more wait."""

    records: list[Record]
    cursor: Cursor
    has_more: bool
    reset: bool


def read_page(session: Session, principal: Principal, cursor_text: str, limit: int) -> Page:
    """The next ``limit`` visible records after ``cursor_text`` ("" for the beginning)."""
    current_epoch = epoch(session)
    cursor = Cursor.decode(cursor_text) if cursor_text else None
    reset = cursor is not None and (
        cursor.epoch != current_epoch or cursor.view != principal.view_version
    )
    if cursor is None or reset:
        cursor = Cursor(current_epoch, principal.view_version, 0, 0)
    rows = list(
        session.scalars(
            select(Record)
            .where(
                tuple_(Record.seq, Record.rid) > tuple_(cursor.seq, cursor.rid),
                visible_filter(session, principal),
            )
            .order_by(Record.seq, Record.rid)
            .limit(limit + 1)
        )
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        cursor = Cursor(current_epoch, principal.view_version, rows[-1].seq, rows[-1].rid)
    return Page(rows, cursor, has_more, reset)
