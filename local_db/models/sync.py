"""What the sync engine keeps locally: server clocks, parked records, conflicts, its state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.types import UTCDateTime, utc_now


class SyncRecordState(Base):
    """The server's clock of each field of a record, as last pulled.

    A pushed change carries these as its ``base``: the server tells a concurrent edit (a
    conflict) from one made after seeing the other.
    """

    __tablename__ = "sync_record_state"

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    clocks: Mapped[str] = mapped_column(Text, default="{}")


class SyncParked(Base):
    """A pulled record that cannot be stored yet (its parent has not arrived, or it needs
    data this laptop does not hold); retried after every pull, never dropped."""

    __tablename__ = "sync_parked"

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    record: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    parked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class SyncConflict(SyncedMixin, Base):
    """Two concurrent values of one field: the one kept and the one set aside.

    Created by the server when it merges; a person resolves it on the sync screen (keep the
    value, or take the other one), which syncs back like any other change.
    """

    __tablename__ = "sync_conflict"
    __sync_entity__ = "sync_conflict"

    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    case_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    field: Mapped[str] = mapped_column(String(64))
    winner_value: Mapped[str] = mapped_column(Text)  # JSON
    winner_clock: Mapped[str] = mapped_column(String(128))
    winner_by: Mapped[str] = mapped_column(String(64))
    loser_value: Mapped[str] = mapped_column(Text)  # JSON
    loser_clock: Mapped[str] = mapped_column(String(128))
    loser_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolution: Mapped[str] = mapped_column(Text, default="")


class SyncStateValue(Base):
    """One fact of the sync engine (server address, feed cursor, last contact, clock)."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
