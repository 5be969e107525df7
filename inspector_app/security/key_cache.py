"""Cache an unlocked database key in the OS keyring for the rest of the desktop session.

The cache is a convenience, never a dependency: with no usable keyring (a headless server,
a locked collection) every call degrades to "not cached" and the user types the password.
Production uses the platform backend (Secret Service, Keychain, Credential Locker); tests
install an in-memory backend. ``keyrings.alt`` is never shipped: its plaintext file backend
would leave the key on disk.
"""

from __future__ import annotations

import contextlib
import logging

import keyring
from keyring.errors import KeyringError

SERVICE = "fund-inspector"
_log = logging.getLogger(__name__)


def _entry(profile_id: str) -> str:
    return f"profile-key:{profile_id}"


def remember(profile_id: str, key: bytes) -> bool:
    """Store the key for ``profile_id``; False when no keyring is usable."""
    try:
        keyring.set_password(SERVICE, _entry(profile_id), key.hex())
    except (KeyringError, RuntimeError) as exc:
        _log.info("key not cached: no usable keyring (%s)", type(exc).__name__)
        return False
    return True


def recall(profile_id: str) -> bytes | None:
    """The cached key for ``profile_id``, or None."""
    try:
        value = keyring.get_password(SERVICE, _entry(profile_id))
    except (KeyringError, RuntimeError):
        return None
    if not value:
        return None
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def forget(profile_id: str) -> None:
    """Drop the cached key (logout, profile lock, revocation)."""
    with contextlib.suppress(KeyringError, RuntimeError):
        keyring.delete_password(SERVICE, _entry(profile_id))
