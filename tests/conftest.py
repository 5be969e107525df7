"""Fixtures shared by every test: no real keyring, no real data folders, cheap key derivation.

Profiles are expensive to create (argon2id, migrations), so one is built per session and
copied for each test that needs one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from inspector_app import i18n
from inspector_app.profiles import OpenProfile, create_profile, unlock_profile
from inspector_app.security.key_wrap import KdfParams
from local_db.enums import UserRole

TEST_PASSWORD = "correct horse battery"
# Cheap argon2id for tests only; production uses the RFC 9106 defaults of KdfParams().
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


class MemoryKeyring(KeyringBackend):
    """A process-local keyring: never prompts, never writes a file."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets a fresh in-memory keyring."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Redirect every data folder to a temporary one and start in English."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("INSPECTOR_PASSWORD", raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _new_profile(path: Path, *, display_name: str, username: str) -> Path:
    """Create (and close) a migrated team-leader profile with the cheap test KDF."""
    created = create_profile(
        path=path,
        password=TEST_PASSWORD,
        display_name=display_name,
        username=username,
        role=UserRole.TEAM_LEADER,
        kdf=FAST_KDF,
    )
    created.close()
    return path


@pytest.fixture(scope="session")
def template_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly created, migrated, empty profile folder (copied, never opened, by tests)."""
    return _new_profile(
        tmp_path_factory.mktemp("template") / "profile",
        display_name="测试检查员",
        username="test.inspector",
    )


@pytest.fixture
def profile_dir(template_profile: Path, tmp_path: Path) -> Path:
    """A private copy of the template profile."""
    target = tmp_path / "profile"
    shutil.copytree(template_profile, target)
    return target


@pytest.fixture
def profile(profile_dir: Path) -> Iterator[OpenProfile]:
    """The private profile, unlocked."""
    opened = unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    yield opened
    opened.close()


DEMO_CLAIMS = 500  # the demo's minimum: enough for every planted kind, built in seconds


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo profile built once per session (copied, never opened, by tests).

    It holds the demo's two closed cases, signed on screen and sealed with a TEST
    certificate, with their documents under ``exports/``.
    """
    from inspector_app.demo import build_demo
    from inspector_app.progress import Progress

    path = _new_profile(
        tmp_path_factory.mktemp("demo") / "profile", display_name="沈亦舟", username="demo.leader"
    )
    profile = unlock_profile(path=path, password=TEST_PASSWORD)
    try:
        build_demo(profile, claims=DEMO_CLAIMS, seed=20261124, progress=Progress())
    finally:
        profile.close()
    return path


@pytest.fixture
def demo_profile(demo_template: Path, tmp_path: Path) -> Iterator[OpenProfile]:
    """A private, unlocked copy of the session's demo profile."""
    target = tmp_path / "demo-profile"
    shutil.copytree(demo_template, target)
    opened = unlock_profile(path=target, password=TEST_PASSWORD)
    yield opened
    opened.close()
