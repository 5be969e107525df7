"""Cache an unlocked database key in the OS keyring for the rest of the desktop session.

The cache is a convenience, never a dependency: with no usable keyring (a headless server,
a locked collection) every call degrades to "not cached" and the user types the password.
Production uses the platform backend (Secret Service, Keychain, Credential Locker); tests
install an in-memory backend. ``keyrings.alt`` is never shipped: its plaintext file backend
would leave the key on disk.

Platform keyrings persist their entries (the Secret Service *login* collection is on disk,
Windows credentials may roam), so "this session" is enforced here: an entry carries the
boot it was made in and an expiry, and an entry from another boot or past its expiry is
deleted instead of used. A reboot or a working day therefore always asks for the password.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from pathlib import Path

import keyring
from keyring.errors import KeyringError

SERVICE = "fund-inspector"
# A working day: long enough for a day on site, short enough that a lost laptop found the
# next day asks for the password even if it was never shut down.
SESSION_SECONDS = 12 * 3600
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
_log = logging.getLogger(__name__)


def _entry(profile_id: str) -> str:
    return f"profile-key:{profile_id}"


def boot_marker() -> str:
    """Identifies the current boot of this computer (changes at every restart)."""
    with contextlib.suppress(OSError):
        return _BOOT_ID.read_text(encoding="ascii").strip()
    # Elsewhere: boot time from the monotonic clock, coarsened against clock jitter.
    return str(round((time.time() - time.monotonic()) / 60))


def remember(profile_id: str, key: bytes, *, lifetime: float = SESSION_SECONDS) -> bool:
    """Store the key for ``profile_id``; False when no keyring is usable."""
    entry = {"v": 1, "key": key.hex(), "boot": boot_marker(), "expires": time.time() + lifetime}
    try:
        keyring.set_password(SERVICE, _entry(profile_id), json.dumps(entry))
    except (KeyringError, RuntimeError) as exc:
        _log.info("key not cached: no usable keyring (%s)", type(exc).__name__)
        return False
    return True


def recall(profile_id: str) -> bytes | None:
    """The cached key for ``profile_id`` if it is from this boot and not expired, else None."""
    try:
        value = keyring.get_password(SERVICE, _entry(profile_id))
    except (KeyringError, RuntimeError):
        return None
    if not value:
        return None
    try:
        entry = json.loads(value)
        key = bytes.fromhex(entry["key"])
        current = entry["boot"] == boot_marker() and float(entry["expires"]) > time.time()
    except (ValueError, KeyError, TypeError):
        current = False
    if not current:
        forget(profile_id)
        return None
    return key


def forget(profile_id: str) -> None:
    """Drop the cached key (logout, profile lock, revocation, expiry)."""
    with contextlib.suppress(KeyringError, RuntimeError):
        keyring.delete_password(SERVICE, _entry(profile_id))
