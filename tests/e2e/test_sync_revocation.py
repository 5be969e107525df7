"""Revocation and the offline grant, against a real server on 127.0.0.1.

A user or device revoked on the server is locked out at its next contact and the local key
material is destroyed (the profile no longer opens with the right password); an expired
sign-in never blocks local work within the offline grant, and past the grant the profile
opens only after a check-in with the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from inspector_app.profiles import (
    KEY_FIELD,
    PROFILE_FILE,
    OpenProfile,
    ProfileRevokedError,
    read_profile_info,
    unlock_profile,
    unlock_with_cached_key,
)
from inspector_app.security import key_cache
from inspector_app.sync import credentials, local_state
from inspector_app.sync.engine import RetryPolicy, SyncEngine
from inspector_app.sync.grant import OfflineGrantExpiredError, admit, offline_grant
from inspector_app.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from local_db.types import utc_now
from tests.conftest import TEST_PASSWORD
from tests.e2e.sync_support import SERVER_PASSWORD, revoke_device, synced
from tests.server.live_server import admin_post, free_port, running_server

FAST_RETRY = RetryPolicy(attempts=1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with running_server(tmp_path / "server") as url:
        yield url


def _first_sync(profile: OpenProfile, url: str) -> None:
    synced(profile, url, retry=FAST_RETRY)
    assert credentials.load(profile.info.profile_id) is not None


def _assert_shredded(profile_dir: Path, profile_id: str) -> None:
    document = json.loads((profile_dir / PROFILE_FILE).read_text(encoding="utf-8"))
    assert KEY_FIELD not in document
    assert read_profile_info(profile_dir).revoked_at is not None
    assert credentials.load(profile_id) is None
    assert key_cache.recall(profile_id) is None
    with pytest.raises(ProfileRevokedError):
        unlock_profile(path=profile_dir, password=TEST_PASSWORD)
    with pytest.raises(ProfileRevokedError):
        unlock_with_cached_key(profile_dir)


def test_revoked_device_destroys_the_keys_at_next_contact(
    demo_profile: OpenProfile, server: str
) -> None:
    path, profile_id = demo_profile.path, demo_profile.info.profile_id
    _first_sync(demo_profile, server)
    key_cache.remember(profile_id, b"k" * 32)  # as "remember for this session" would
    revoke_device(server, demo_profile)

    report = SyncEngine(demo_profile, server, retry=FAST_RETRY).run()

    assert report.revoked and not report.ok
    assert report.pushed == report.pulled == 0
    _assert_shredded(path, profile_id)


def test_revoked_user_is_locked_out_through_the_command_line(
    demo_profile: OpenProfile, server: str
) -> None:
    path, profile_id = demo_profile.path, demo_profile.info.profile_id
    _first_sync(demo_profile, server)
    username = demo_profile.info.username
    demo_profile.close()
    admin_post(server, f"/v1/admin/users/{username}/revoke")

    # The keyring of this test process is in memory: the command line would see another
    # one, so it signs in with the password (a revoked account is refused all the same).
    environment = dict(os.environ, INSPECTOR_PASSWORD=TEST_PASSWORD,
                       INSPECTOR_SERVER_PASSWORD=SERVER_PASSWORD)  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "inspector_app.cli.main", "--lang", "en", "sync",
         "--profile", str(path), "--server", server],
        capture_output=True, text=True, env=environment, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "revoked" in done.stderr
    credentials.forget(profile_id)  # the in-process keyring still holds the first sign-in
    _assert_shredded(path, profile_id)


def _age_last_contact(profile: OpenProfile, days: int) -> None:
    with profile.session() as session:
        moment = utc_now() - timedelta(days=days)
        local_state.put(session, local_state.LAST_CONTACT, moment.isoformat())


def test_offline_grant_keeps_local_work_then_asks_for_a_check_in(
    demo_profile: OpenProfile, tmp_path: Path
) -> None:
    port = free_port()  # the same address twice: the profile remembers its server
    with running_server(tmp_path / "server", port=port) as url:
        _first_sync(demo_profile, url)
        with demo_profile.read_session() as session:
            grant = offline_grant(session)
        assert grant.linked and grant.days > 0
        # Within the grant, with the server gone and the access token long expired: opens.
        stored = credentials.load(demo_profile.info.profile_id)
        assert stored is not None
    _age_last_contact(demo_profile, grant.days - 1)
    assert admit(demo_profile) is demo_profile

    # Past the grant, offline: refused with a clear message, nothing changed.
    _age_last_contact(demo_profile, grant.days + 1)
    with pytest.raises(OfflineGrantExpiredError, match="sign in"):
        admit(demo_profile)
    reopened = unlock_profile(path=demo_profile.path, password=TEST_PASSWORD)
    try:
        _age_last_contact(reopened, grant.days + 1)
        # Past the grant, online: the kept refresh token checks in and renews the grant.
        with running_server(tmp_path / "server", port=port):
            assert admit(reopened) is reopened
        with reopened.read_session() as session:
            renewed = offline_grant(session)
        assert renewed.last_contact is not None
        assert utc_now() - renewed.last_contact < timedelta(minutes=5)
        assert not renewed.expired()
    finally:
        reopened.close()


def test_signing_out_ends_the_sign_in_on_the_server_and_here(
    demo_profile: OpenProfile, server: str
) -> None:
    _first_sync(demo_profile, server)
    stored = credentials.load(demo_profile.info.profile_id)
    assert stored is not None

    report = SyncEngine(demo_profile, server, retry=FAST_RETRY).sign_out()

    assert report.ok, report.failures
    assert credentials.load(demo_profile.info.profile_id) is None
    refused = httpx.get(f"{server}/v1/sync/changes", headers={
        PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {stored.access_token}",
    })  # fmt: skip
    assert refused.status_code == 401
    # Local work goes on; the next sync asks for the password again.
    again = SyncEngine(demo_profile, server, retry=FAST_RETRY).run()
    assert again.sign_in_needed and again.error_code == "token_invalid"
