"""Account administration: create, revoke, re-scope users; revoke devices."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from central_server.auth import tokens
from central_server.auth.passwords import hash_password
from central_server.db.models import Device, User, utc_now
from inspector_app.sync.protocol import Role, UserInfo

MIN_PASSWORD_LENGTH = 8


class AccountError(Exception):
    """An administration request that cannot be done (user-facing)."""


def user_info(user: User) -> UserInfo:
    """The wire form of an account."""
    return UserInfo(
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        region_code=user.region_code,
        staff_code=user.staff_code,
    )


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role,
    region_code: str,
    password: str,
    staff_code: str | None = None,
) -> User:
    """Add an account (the caller commits)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"user {username} exists already")
    user = User(
        id=str(uuid.uuid4()),
        username=username,
        display_name=display_name,
        role=role.value,
        region_code=region_code,
        staff_code=staff_code,
        password_hash=hash_password(password),
        view_version=1,
        created_at=utc_now(),
    )
    session.add(user)
    return user


def find_user(session: Session, username: str) -> User:
    """The account with this username."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"no user {username}")
    return user


def revoke_user(session: Session, username: str) -> User:
    """Lock an account out everywhere at its next request."""
    user = find_user(session, username)
    user.revoked_at = user.revoked_at or utc_now()
    tokens.revoke_for(session, user_id=user.id)
    return user


def revoke_device(session: Session, device_id: str) -> Device:
    """Lock a device out; at its next contact it destroys its local keys."""
    device = session.get(Device, device_id)
    if device is None:
        raise AccountError(f"no device {device_id}")
    device.revoked_at = device.revoked_at or utc_now()
    tokens.revoke_for(session, device_id=device.id)
    return device


def rescope_user(
    session: Session, username: str, *, role: Role | None, region_code: str | None
) -> User:
    """Change what a user may see; their feed restarts from the beginning."""
    user = find_user(session, username)
    if role is not None:
        user.role = role.value
    if region_code is not None:
        user.region_code = region_code
    user.view_version += 1
    return user


def devices(session: Session) -> list[tuple[Device, User]]:
    """Every device with its user, newest first."""
    rows = session.execute(
        select(Device, User)
        .join(User, User.id == Device.user_id)
        .order_by(Device.registered_at.desc())
    ).all()
    return [(device, user) for device, user in rows]
