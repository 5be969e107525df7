"""The sync wire format, version 1: the one contract the desktop and the server share.

Every request carries ``X-Sync-Protocol``; a server that no longer speaks a client's version
answers 426 with code ``protocol_unsupported`` and a message asking the user to update.
Field values travel as JSON: enums as their value, times as ISO-8601 with offset, bytes as
hex (the outbox's encoding, ``local_db.outbox``). See docs/sync-protocol.md.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
# The oldest client protocol this release's server still accepts.
MIN_PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Sync-Protocol"
UPLOAD_OFFSET_HEADER = "Upload-Offset"

MAX_PUSH_CHANGES = 500
MAX_PULL_RECORDS = 1000
MAX_CHUNK_BYTES = 8 * 1024 * 1024
SHA256_PATTERN = r"^[0-9a-f]{64}$"
ID_PATTERN = r"^[0-9A-Za-z._:-]{1,64}$"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorCode(StrEnum):
    """Machine-readable reasons; the client maps each to a message and a next step."""

    PROTOCOL_UNSUPPORTED = "protocol_unsupported"
    BAD_CREDENTIALS = "bad_credentials"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_INVALID = "token_invalid"
    USER_REVOKED = "user_revoked"
    DEVICE_REVOKED = "device_revoked"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    OFFSET_MISMATCH = "offset_mismatch"
    HASH_MISMATCH = "hash_mismatch"
    BLOB_MISSING = "blob_missing"
    CASE_CLOSED = "case_closed"
    UNAVAILABLE = "unavailable"


class ErrorBody(_Wire):
    """The body of every 4xx/5xx answer."""

    code: ErrorCode
    message: str
    detail: dict[str, Any] = Field(default_factory=dict)


class Role(StrEnum):
    """Server roles; they match ``local_db.enums.UserRole``."""

    INSPECTOR = "inspector"
    TEAM_LEADER = "team_leader"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class UserInfo(_Wire):
    """Who a token belongs to, as the desktop needs it."""

    username: str
    display_name: str
    role: Role
    region_code: str
    staff_code: str | None = None


class LoginRequest(_Wire):
    """Password login from one device; the device is registered on first use."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    device_id: str = Field(pattern=ID_PATTERN)
    device_label: str = Field(default="", max_length=128)


class RefreshRequest(_Wire):
    """Trade a refresh token for a new pair (the old refresh token is spent)."""

    refresh_token: str = Field(min_length=16, max_length=256)
    device_id: str = Field(pattern=ID_PATTERN)


class TokenPair(_Wire):
    """A short-lived access token, a long-lived refresh token and the offline grant."""

    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    offline_grant_days: int
    server_time: datetime
    user: UserInfo


class Operation(StrEnum):
    """What a change did to its record."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class Change(_Wire):
    """One outbox entry: the fields it set, stamped with the device's hybrid clock.

    ``base`` holds, per field, the clock of the server value the device last saw (absent or
    null: none). A field whose server clock differs from its base was changed elsewhere
    meanwhile: the later stamp wins and the other value becomes a conflict record.
    """

    change_id: str = Field(pattern=ID_PATTERN)
    entity: str = Field(pattern=r"^[a-z_]{1,64}$")
    entity_id: str = Field(pattern=ID_PATTERN)
    operation: Operation
    hlc: str = Field(max_length=128)
    fields: dict[str, Any]
    base: dict[str, str | None] = Field(default_factory=dict)
    actor: str = Field(max_length=64)
    at: datetime


class PushRequest(_Wire):
    """A batch of outbox entries, oldest first."""

    device_id: str = Field(pattern=ID_PATTERN)
    changes: list[Change] = Field(max_length=MAX_PUSH_CHANGES)


class Outcome(StrEnum):
    """What the server did with one change."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class ChangeOutcome(_Wire):
    """The server's answer for one change; ``code``/``reason`` explain a rejection."""

    change_id: str
    outcome: Outcome
    conflicts: int = 0
    code: ErrorCode | None = None
    reason: str = ""
    retryable: bool = False


class PushResponse(_Wire):
    """Per-change outcomes, in the order sent, and the totals."""

    applied: int
    duplicates: int
    rejected: int
    conflicts: int
    outcomes: list[ChangeOutcome]


class RecordState(_Wire):
    """The server's current version of one record: every field with its clock."""

    entity: str
    entity_id: str
    fields: dict[str, Any]
    clocks: dict[str, str]
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str


class PullResponse(_Wire):
    """One page of the change feed after ``cursor``.

    ``reset`` says the client's cursor belongs to another epoch (a restored server) or to an
    older view of what the user may see: the feed starts again from the beginning, and the
    client re-applies without deleting anything it holds.
    """

    epoch: str
    cursor: str
    records: list[RecordState]
    has_more: bool
    reset: bool = False
    server_time: datetime


class BlobUploadRequest(_Wire):
    """Announce an upload of ``size`` bytes whose SHA-256 is in the path."""

    size: int = Field(ge=0, le=64 * 1024**3)


class BlobStatus(_Wire):
    """How much of a blob the server holds; ``complete`` once verified and stored."""

    sha256: str
    size: int
    received: int
    complete: bool


class ServerInfo(_Wire):
    """What ``GET /v1/info`` tells a client before it logs in."""

    name: str
    version: str
    protocol_version: int
    min_protocol_version: int
    epoch: str
    max_push_changes: int
    max_chunk_bytes: int
