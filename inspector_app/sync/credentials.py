"""The server sign-in of a profile, kept in the OS keyring (never in a file).

With no usable keyring (a headless machine) nothing is kept and each sync signs in with the
password again; local work never depends on it.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import asdict, dataclass

import keyring
from keyring.errors import KeyringError

SERVICE = "fund-inspector-sync"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredLogin:
    """Tokens of one profile's sign-in on one server."""

    server_url: str
    username: str
    access_token: str
    access_expires_at: str
    refresh_token: str
    refresh_expires_at: str


def _entry(profile_id: str) -> str:
    return f"sync-login:{profile_id}"


def load(profile_id: str) -> StoredLogin | None:
    """The stored sign-in, if any."""
    try:
        text = keyring.get_password(SERVICE, _entry(profile_id))
    except KeyringError:
        return None
    if not text:
        return None
    try:
        return StoredLogin(**json.loads(text))
    except (TypeError, ValueError):
        forget(profile_id)
        return None


def save(profile_id: str, login: StoredLogin) -> bool:
    """Keep the sign-in; False when no keyring can hold it."""
    try:
        keyring.set_password(SERVICE, _entry(profile_id), json.dumps(asdict(login)))
    except KeyringError:
        _log.info("no keyring: the sync sign-in is not kept")
        return False
    return True


def forget(profile_id: str) -> None:
    """Remove the sign-in (sign-out, revocation)."""
    with contextlib.suppress(KeyringError):
        keyring.delete_password(SERVICE, _entry(profile_id))
