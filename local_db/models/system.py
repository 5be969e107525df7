"""Bookkeeping tables: the profile's users, settings, audit log and sync outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from local_db.base import Base, SyncedMixin
from local_db.enums import OutboxOperation, UserRole
from local_db.ids import new_id
from local_db.models._columns import enum_type
from local_db.types import UTCDateTime, utc_now


class LocalUser(Base):
    """The person a profile belongs to (server-owned accounts arrive with sync)."""

    __tablename__ = "local_user"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[UserRole] = mapped_column(enum_type(UserRole))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), default=None)
    inspector_id: Mapped[str | None] = mapped_column(ForeignKey("inspector.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class AppSetting(Base):
    """A profile-tier setting (declared in ``inspector_app.settings``), stored as JSON text."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)


class AuditLogEntry(Base):
    """An append-only record of who did what (never patient data; ids only).

    Triggers in the migration reject UPDATE and DELETE on this table.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    case_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class OutboxEntry(Base):
    """One local change to a synced entity, waiting to be pushed to the server.

    ``seq`` orders changes on this device; ``change_id`` makes the push idempotent on the
    server. ``payload`` is JSON: the changed fields and their new values.
    """

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    operation: Mapped[OutboxOperation] = mapped_column(enum_type(OutboxOperation))
    revision: Mapped[int]
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by: Mapped[str] = mapped_column(String(64))
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    # The hybrid-logical-clock stamp, given when the entry is first sent and kept for
    # replays; then how often the server refused it and why (``failed``: it never will).
    hlc: Mapped[str | None] = mapped_column(String(128), default=None)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    failed: Mapped[bool] = mapped_column(default=False)


class Device(SyncedMixin, Base):
    """A laptop's public signing key: reviewers check evidence signatures against it.

    ``id`` is the device id that evidence and custody events carry.
    """

    __tablename__ = "device"
    __sync_entity__ = "device"

    label: Mapped[str] = mapped_column(String(128), default="")
    public_key: Mapped[str] = mapped_column(String(128))
    algorithm: Mapped[str] = mapped_column(String(16), default="ed25519")


class DeviceSecret(Base):
    """This installation's private signing key; lives only in the encrypted local database."""

    __tablename__ = "device_secret"

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
