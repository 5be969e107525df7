"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's second choice)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong username costs the same time.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """An encoded argon2id hash (salt and parameters included)."""
    return _HASHER.hash(password)


def verify_password(encoded: str | None, password: str) -> bool:
    """True when ``password`` matches; ``encoded`` None runs a dummy check and fails."""
    try:
        return _HASHER.verify(encoded or _DUMMY_HASH, password) and encoded is not None
    except (VerificationError, InvalidHashError):
        return False
