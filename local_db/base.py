"""The declarative base and the columns every synced entity carries.

A *synced* entity is one whose changes travel to the central server: it has a
client-generated UUIDv7, a revision that counts local changes, who and when it was created
and last changed, and a tombstone instead of a hard delete (a deleted row must still sync).
Every change to one writes an outbox row in the same transaction (see ``outbox.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from local_db.ids import new_id
from local_db.types import UTCDateTime

# An explicit naming convention makes Alembic's generated constraint names stable and lets
# migrations drop or alter constraints by name on SQLite's batch mode.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Root of every ORM model of the local database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncedMixin:
    """Identity, revision, authorship and tombstone columns shared by synced entities.

    The values of ``revision`` and the created/updated columns are maintained by the
    outbox hook; services never set them by hand.
    """

    # Set on each subclass: the entity name used on the wire (stable even if a table moves).
    __sync_entity__: str
    # True on entities whose one unique key never changes once a row exists (an answer per
    # checklist item, a link per pair): their id derives from it (``ids.natural_id``), so the
    # same row made offline on two laptops is one record, not two that refuse each other.
    __natural_id__: ClassVar[bool] = False
    # Columns holding this laptop's own surrogate key of a bulk row that does not sync
    # (a claim's integer id): never sent, filled on arrival from the record's natural key.
    __local_columns__: ClassVar[frozenset[str]] = frozenset()

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(64))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    deleted_by: Mapped[str | None] = mapped_column(String(64), default=None)

    @property
    def is_deleted(self) -> bool:
        """True once the row carries a tombstone."""
        return self.deleted_at is not None


# Column names owned by the sync bookkeeping; excluded from change payloads' "fields".
SYNC_BOOKKEEPING_COLUMNS = frozenset(
    {"revision", "created_at", "created_by", "updated_at", "updated_by"}
)
