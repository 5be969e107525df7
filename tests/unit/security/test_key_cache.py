"""The session key cache really is per session: other boots and old entries are refused."""

from __future__ import annotations

import json

import pytest

from inspector_app.security import key_cache
from tests.conftest import MemoryKeyring

KEY = bytes(range(32))


def test_round_trip_within_the_session(memory_keyring: MemoryKeyring) -> None:
    assert key_cache.remember("p1", KEY)
    assert key_cache.recall("p1") == KEY
    key_cache.forget("p1")
    assert key_cache.recall("p1") is None


def test_entry_from_another_boot_is_deleted_not_used(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_cache.remember("p1", KEY)
    monkeypatch.setattr(key_cache, "boot_marker", lambda: "a-later-boot")
    assert key_cache.recall("p1") is None
    assert memory_keyring.store == {}


def test_expired_entry_is_deleted_not_used(memory_keyring: MemoryKeyring) -> None:
    key_cache.remember("p1", KEY, lifetime=-1)
    assert key_cache.recall("p1") is None
    assert memory_keyring.store == {}


@pytest.mark.parametrize("stored", ["", "not json", json.dumps({"key": "zz"}), KEY.hex()])
def test_garbled_entries_are_refused(memory_keyring: MemoryKeyring, stored: str) -> None:
    memory_keyring.set_password(key_cache.SERVICE, "profile-key:p1", stored)
    assert key_cache.recall("p1") is None


def test_no_usable_keyring_degrades_to_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.errors import NoKeyringError

    def refuse(*_args: object) -> None:
        raise NoKeyringError("none")

    monkeypatch.setattr(key_cache.keyring, "set_password", refuse)
    monkeypatch.setattr(key_cache.keyring, "get_password", refuse)
    assert not key_cache.remember("p1", KEY)
    assert key_cache.recall("p1") is None
