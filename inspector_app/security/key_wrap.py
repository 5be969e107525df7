"""Wrap the random database key with a key derived from the user's password.

The database key never depends on the password: it is 32 random bytes, wrapped with
AES-256-GCM under a key-encryption key (KEK) that argon2id derives from the password and a
per-profile salt. Login works offline (nothing but the profile folder is needed), a password
change re-wraps 32 bytes instead of re-encrypting the database, and a wrong password fails
the GCM tag check before the database file is ever touched.

Parameters follow RFC 9106 §4 (second recommended option: t=3, m=64 MiB), with p=4 lanes;
they are stored beside the wrapped key so they can be raised later without breaking old
profiles.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12


class WrongPasswordError(Exception):
    """The password does not unwrap the database key."""


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost parameters (RFC 9106)."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4

    def to_json(self) -> dict[str, Any]:
        """Parameters as stored in ``profile.json``."""
        return {
            "algorithm": "argon2id",
            "time_cost": self.time_cost,
            "memory_kib": self.memory_kib,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        """Parse stored parameters; unknown algorithms are refused."""
        if data.get("algorithm") != "argon2id":
            raise ValueError(f"unsupported key-derivation algorithm {data.get('algorithm')!r}")
        return cls(int(data["time_cost"]), int(data["memory_kib"]), int(data["parallelism"]))


@dataclass(frozen=True)
class WrappedKey:
    """A database key sealed under a password-derived key, as stored in ``profile.json``."""

    kdf: KdfParams
    salt: bytes
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, Any]:
        """JSON form (base64 fields)."""

        def b64(raw: bytes) -> str:
            return base64.b64encode(raw).decode("ascii")

        return {
            "kdf": {**self.kdf.to_json(), "salt": b64(self.salt)},
            "cipher": "AES-256-GCM",
            "nonce": b64(self.nonce),
            "ciphertext": b64(self.ciphertext),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WrappedKey:
        """Parse the JSON form; raises ValueError on anything malformed."""
        if data.get("cipher") != "AES-256-GCM":
            raise ValueError(f"unsupported key cipher {data.get('cipher')!r}")
        kdf = data["kdf"]
        return cls(
            kdf=KdfParams.from_json(kdf),
            salt=base64.b64decode(kdf["salt"], validate=True),
            nonce=base64.b64decode(data["nonce"], validate=True),
            ciphertext=base64.b64decode(data["ciphertext"], validate=True),
        )


def _derive(password: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def new_database_key() -> bytes:
    """32 random bytes from the OS CSPRNG."""
    return os.urandom(KEY_BYTES)


def wrap_key(
    key: bytes, password: str, *, associated_data: bytes, params: KdfParams | None = None
) -> WrappedKey:
    """Seal ``key`` under ``password``; ``associated_data`` binds it to one profile."""
    params = params or KdfParams()
    salt = os.urandom(SALT_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    kek = _derive(password, salt, params)
    ciphertext = AESGCM(kek).encrypt(nonce, key, associated_data)
    return WrappedKey(kdf=params, salt=salt, nonce=nonce, ciphertext=ciphertext)


def unwrap_key(wrapped: WrappedKey, password: str, *, associated_data: bytes) -> bytes:
    """Recover the database key.

    Raises:
        WrongPasswordError: the password (or the profile binding) does not match.
    """
    kek = _derive(password, wrapped.salt, wrapped.kdf)
    try:
        key = AESGCM(kek).decrypt(wrapped.nonce, wrapped.ciphertext, associated_data)
    except InvalidTag as exc:
        raise WrongPasswordError from exc
    if len(key) != KEY_BYTES:
        raise WrongPasswordError
    return key
