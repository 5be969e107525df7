"""Password wrapping of the database key."""

from __future__ import annotations

import pytest

from inspector_app.security.key_wrap import (
    KdfParams,
    WrappedKey,
    WrongPasswordError,
    new_database_key,
    unwrap_key,
    wrap_key,
)
from tests.conftest import FAST_KDF


def test_round_trip_through_json() -> None:
    key = new_database_key()
    wrapped = wrap_key(key, "pässwörd-密码", associated_data=b"p1", params=FAST_KDF)
    restored = WrappedKey.from_json(wrapped.to_json())
    assert unwrap_key(restored, "pässwörd-密码", associated_data=b"p1") == key


@pytest.mark.parametrize(("password", "aad"), [("wrong", b"p1"), ("right", b"p2")])
def test_wrong_password_or_binding_fails(password: str, aad: bytes) -> None:
    wrapped = wrap_key(new_database_key(), "right", associated_data=b"p1", params=FAST_KDF)
    with pytest.raises(WrongPasswordError):
        unwrap_key(wrapped, password, associated_data=aad)


def test_each_wrap_uses_fresh_salt_and_nonce() -> None:
    key = new_database_key()
    first = wrap_key(key, "pw", associated_data=b"p", params=FAST_KDF)
    second = wrap_key(key, "pw", associated_data=b"p", params=FAST_KDF)
    assert first.salt != second.salt
    assert first.nonce != second.nonce
    assert first.ciphertext != second.ciphertext


def test_default_parameters_follow_rfc_9106() -> None:
    params = KdfParams()
    assert (params.time_cost, params.memory_kib) == (3, 65536)


def test_unknown_algorithms_are_refused() -> None:
    data = wrap_key(new_database_key(), "pw", associated_data=b"p", params=FAST_KDF).to_json()
    data["cipher"] = "ROT13"
    with pytest.raises(ValueError, match="unsupported"):
        WrappedKey.from_json(data)
