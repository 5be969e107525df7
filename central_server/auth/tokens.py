"""Opaque bearer tokens, stored only as SHA-256 digests.

Opaque tokens checked against the database (rather than self-contained signed ones) make a
revocation take effect at the very next request on every replica, which is what a lost
laptop needs; the lookup is one primary-key read.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central_server.config import ServerConfig
from central_server.db.models import AuthToken, Device, User, utc_now

ACCESS = "access"
REFRESH = "refresh"


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class IssuedPair:
    """Token texts (shown once) and their expiry."""

    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def issue_pair(
    session: Session, config: ServerConfig, user: User, device: Device, family: str | None = None
) -> IssuedPair:
    """A new access and refresh token for ``user`` on ``device`` (same family on refresh)."""
    now = utc_now()
    family = family or str(uuid.uuid4())
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    access_expires, refresh_expires = now + config.access_ttl, now + config.refresh_ttl
    for text, kind, expires in (
        (access, ACCESS, access_expires),
        (refresh, REFRESH, refresh_expires),
    ):
        session.add(
            AuthToken(
                token_hash=digest(text),
                kind=kind,
                user_id=user.id,
                device_id=device.id,
                family=family,
                created_at=now,
                expires_at=expires,
            )
        )
    return IssuedPair(access, access_expires, refresh, refresh_expires)


def find(session: Session, token: str, kind: str) -> AuthToken | None:
    """The stored token of this kind, whatever its state."""
    row = session.get(AuthToken, digest(token))
    return row if row is not None and row.kind == kind else None


def revoke_family(session: Session, family: str) -> None:
    """Revoke every token descended from one login (a refresh token was replayed)."""
    session.execute(
        update(AuthToken)
        .where(AuthToken.family == family, AuthToken.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )


def revoke_for(
    session: Session, *, user_id: str | None = None, device_id: str | None = None
) -> int:
    """Revoke every live token of a user or a device; returns how many."""
    query = update(AuthToken).where(AuthToken.revoked_at.is_(None))
    if user_id is not None:
        query = query.where(AuthToken.user_id == user_id)
    if device_id is not None:
        query = query.where(AuthToken.device_id == device_id)
    result = session.execute(query.values(revoked_at=utc_now()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def live_families(session: Session, user_id: str) -> list[str]:
    """Families with an unexpired, unrevoked refresh token (for the admin listing)."""
    now = utc_now()
    rows = session.scalars(
        select(AuthToken.family).where(
            AuthToken.user_id == user_id,
            AuthToken.kind == REFRESH,
            AuthToken.revoked_at.is_(None),
            AuthToken.expires_at > now,
        )
    )
    return sorted(set(rows))
