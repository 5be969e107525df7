"""The server's tables.

Records of every synced entity live in one table as JSON field maps with one clock per
field: the server merges and filters them but never interprets a case file, so a new synced
entity on the desktop needs one line in ``inspector_app.sync.entities`` and no migration here.
The feed counter is one row whose lock serialises pushes, so commit order is sequence order
and a reader never skips a record (tech-notes, Sync).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """The server's only clock for bookkeeping times."""
    return datetime.now(UTC)


class UTCTime(TypeDecorator[datetime]):
    """Aware UTC times on every backend (SQLite keeps no zone; PostgreSQL's timestamptz does)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("pass an aware UTC datetime")
        converted: datetime = value.astimezone(UTC)
        return converted.replace(tzinfo=None) if dialect.name == "sqlite" else converted

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ServerBase(DeclarativeBase):
    """Root of the server's models (separate from the desktop's ``local_db``)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ServerMeta(ServerBase):
    """Key-value facts about this server database: its epoch, the offline grant."""

    __tablename__ = "server_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class FeedCounter(ServerBase):
    """The one row whose update starts every write transaction (see the module docstring)."""

    __tablename__ = "feed_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class User(ServerBase):
    """An account: role, region, and the staff code that ties it to the inspector register."""

    __tablename__ = "app_user"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(12))
    staff_code: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Bumped whenever what the user may see changes other than by records (role, region):
    # cursors of an older view are reset.
    view_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCTime(), default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCTime(), default=None)


class Device(ServerBase):
    """A laptop that signed in; revoking it locks it out and makes it destroy its keys."""

    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"), index=True)
    label: Mapped[str] = mapped_column(String(128), default="")
    registered_at: Mapped[datetime] = mapped_column(UTCTime(), default=utc_now)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCTime(), default=None)


class AuthToken(ServerBase):
    """An issued token, by the SHA-256 of its text (the text itself is never stored).

    Refresh tokens rotate: each is spent once; a spent one presented again means it was
    copied, and its whole family (every token descended from one login) is revoked.
    """

    __tablename__ = "auth_token"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), index=True)
    family: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCTime())
    spent_at: Mapped[datetime | None] = mapped_column(UTCTime(), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCTime(), default=None)


class Record(ServerBase):
    """The current version of one synced record, with where it sits and when it last moved.

    ``seq`` is the feed position of its latest change; (``seq``, ``rid``) orders the feed.
    """

    __tablename__ = "record"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id"),
        Index("ix_record_feed", "seq", "rid"),
    )

    rid: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    fields: Mapped[str] = mapped_column(Text)  # JSON {field: value}
    clocks: Mapped[str] = mapped_column(Text)  # JSON {field: hlc}
    authors: Mapped[str] = mapped_column(Text)  # JSON {field: username}
    scope_kind: Mapped[str] = mapped_column(String(16))
    task_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    case_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    # Copied from the record's fields: as long as the desktop made it (PostgreSQL would refuse
    # a longer value than a VARCHAR(n) allows, SQLite would keep it), hence no length.
    region_code: Mapped[str | None] = mapped_column(Text, default=None, index=True)
    owner: Mapped[str | None] = mapped_column(String(64), default=None)
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCTime())
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCTime())
    updated_by: Mapped[str] = mapped_column(String(64))


class AppliedChange(ServerBase):
    """A change id the server has applied: a replay finds it here and changes nothing."""

    __tablename__ = "applied_change"

    change_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    seq: Mapped[int] = mapped_column(BigInteger)
    applied_at: Mapped[datetime] = mapped_column(UTCTime(), default=utc_now)


class TaskMember(ServerBase):
    """Who is on which task, kept from team-membership records for fast visibility checks."""

    __tablename__ = "task_member"

    membership_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Copied from the membership record's fields, so no length (see Record.region_code).
    task_id: Mapped[str] = mapped_column(Text, index=True)
    inspector_id: Mapped[str] = mapped_column(Text, index=True)
    role: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class InspectorCode(ServerBase):
    """An inspector record's staff code: how an account finds its memberships."""

    __tablename__ = "inspector_code"

    inspector_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_code: Mapped[str] = mapped_column(Text, index=True)  # from the record, no length


class Blob(ServerBase):
    """A verified blob in the store (content-addressed, stored once)."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(UTCTime(), default=utc_now)


class BlobHolder(ServerBase):
    """A user who proved holding a blob's bytes by uploading them in full (verified).

    A hash alone proves nothing: without this, naming another team's hash in a record would
    be a way to read its evidence. Pointing a record at a blob, or skipping an upload as a
    duplicate, needs either this row or read access to a record that points to the blob.
    """

    __tablename__ = "blob_holder"

    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCTime(), default=utc_now)


class BlobRef(ServerBase):
    """A record that points to a blob: who may download it follows from the record's scope."""

    __tablename__ = "blob_ref"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    rid: Mapped[int] = mapped_column(ForeignKey("record.rid"), primary_key=True)
