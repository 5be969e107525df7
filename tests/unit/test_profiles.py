"""Profiles: created with a password, opened offline, refused with a wrong one, never damaged."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from inspector_app.profiles import (
    IncorrectPasswordError,
    ProfileDamagedError,
    ProfileError,
    ProfileExistsError,
    ProfileNotFoundError,
    create_profile,
    list_profiles,
    lock_profile,
    read_profile_info,
    unlock_profile,
    unlock_with_cached_key,
)
from local_db.models import AuditLogEntry
from tests.conftest import FAST_KDF, TEST_PASSWORD, MemoryKeyring


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def test_right_password_opens_the_profile(profile_dir: Path) -> None:
    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    assert profile.info.username == "test.inspector"
    with profile.read_session() as session:
        actions = [e.action for e in session.query(AuditLogEntry).order_by(AuditLogEntry.id)]
    profile.close()
    assert actions == ["profile.created", "profile.unlocked"]


def test_wrong_password_is_refused_and_changes_no_file(profile_dir: Path) -> None:
    before = _digests(profile_dir)
    with pytest.raises(IncorrectPasswordError, match="Incorrect password"):
        unlock_profile(path=profile_dir, password="not the password")
    assert _digests(profile_dir) == before
    # and the right one still works afterwards
    unlock_profile(path=profile_dir, password=TEST_PASSWORD).close()


def test_profile_json_holds_no_key_in_clear(profile_dir: Path) -> None:
    document = json.loads((profile_dir / "profile.json").read_text(encoding="utf-8"))
    assert document["database_key"]["kdf"]["algorithm"] == "argon2id"
    assert document["database_key"]["cipher"] == "AES-256-GCM"
    assert "key" not in {k.lower() for k in document if k != "database_key"}


def test_wrapped_key_is_bound_to_its_profile(profile_dir: Path, tmp_path: Path) -> None:
    other = create_profile(
        path=tmp_path / "other",
        password=TEST_PASSWORD,
        display_name="乙",
        username="b",
        kdf=FAST_KDF,
    )
    other.close()
    # Transplanting one profile's wrapped key into another must not open it.
    mine = json.loads((profile_dir / "profile.json").read_text(encoding="utf-8"))
    theirs = json.loads((tmp_path / "other" / "profile.json").read_text(encoding="utf-8"))
    theirs["database_key"] = mine["database_key"]
    (tmp_path / "other" / "profile.json").write_text(json.dumps(theirs), encoding="utf-8")
    with pytest.raises(IncorrectPasswordError):
        unlock_profile(path=tmp_path / "other", password=TEST_PASSWORD)


def test_damaged_database_gets_a_clear_message_and_is_left_alone(profile_dir: Path) -> None:
    database = profile_dir / "inspector.db"
    raw = bytearray(database.read_bytes())
    raw[0:4096] = bytes(4096)  # wipe the first page (salt + header)
    database.write_bytes(bytes(raw))
    before = _digests(profile_dir)
    with pytest.raises(ProfileDamagedError, match="cannot be read"):
        unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    assert _digests(profile_dir) == before


def test_missing_database_is_reported_not_recreated(profile_dir: Path) -> None:
    (profile_dir / "inspector.db").unlink()
    with pytest.raises(ProfileDamagedError, match="missing"):
        unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    assert not (profile_dir / "inspector.db").exists()


def test_missing_and_garbled_profile_descriptions(tmp_path: Path, profile_dir: Path) -> None:
    with pytest.raises(ProfileNotFoundError):
        read_profile_info(tmp_path / "nowhere")
    (profile_dir / "profile.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ProfileDamagedError):
        unlock_profile(path=profile_dir, password=TEST_PASSWORD)


def test_create_refuses_existing_profile_and_short_password(
    profile_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(ProfileExistsError):
        create_profile(path=profile_dir, password=TEST_PASSWORD, display_name="x", username="x")
    with pytest.raises(ProfileError, match="at least 8"):
        create_profile(path=tmp_path / "new", password="short", display_name="x", username="x")
    assert not (tmp_path / "new").exists()


def test_list_profiles_skips_other_folders(profile_dir: Path) -> None:
    (profile_dir.parent / "not-a-profile").mkdir()
    found = list_profiles(profile_dir.parent)
    assert [info.path for info in found] == [profile_dir]


def test_session_key_cache_reopens_without_password_until_locked(
    profile_dir: Path, memory_keyring: MemoryKeyring
) -> None:
    assert unlock_with_cached_key(profile_dir) is None
    profile = unlock_profile(path=profile_dir, password=TEST_PASSWORD, remember=True)
    assert len(memory_keyring.store) == 1
    profile.close()
    cached = unlock_with_cached_key(profile_dir)
    assert cached is not None
    lock_profile(cached)
    assert memory_keyring.store == {}
    assert unlock_with_cached_key(profile_dir) is None


def test_profile_files_are_private_to_their_owner(profile_dir: Path, tmp_path: Path) -> None:
    created = create_profile(
        path=tmp_path / "private",
        password=TEST_PASSWORD,
        display_name="丙",
        username="c",
        kdf=FAST_KDF,
    )
    created.close()
    folder = tmp_path / "private"
    assert folder.stat().st_mode & 0o777 == 0o700
    for name in ("profile.json", "inspector.db"):
        assert (folder / name).stat().st_mode & 0o777 == 0o600


def test_failed_creation_leaves_no_half_made_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from local_db import migrate

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(migrate, "upgrade", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        create_profile(
            path=tmp_path / "profiles" / "half",
            password=TEST_PASSWORD,
            display_name="丁",
            username="d",
            kdf=FAST_KDF,
        )
    assert list((tmp_path / "profiles").iterdir()) == []


def test_an_empty_existing_folder_can_hold_a_new_profile(tmp_path: Path) -> None:
    folder = tmp_path / "chosen"
    folder.mkdir()
    create_profile(
        path=folder, password=TEST_PASSWORD, display_name="戊", username="e", kdf=FAST_KDF
    ).close()
    assert read_profile_info(folder).username == "e"
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ProfileError, match="not empty"):
        create_profile(
            path=tmp_path / "busy", password=TEST_PASSWORD, display_name="x", username="x"
        )
