"""The offline grant's arithmetic: when local work needs a contact with the server first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inspector_app.sync.grant import OfflineGrant

CONTACT = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SERVER = "https://fund.example"


def test_a_profile_never_linked_to_a_server_has_no_grant_to_run_out() -> None:
    never = OfflineGrant(server_url="", last_contact=None, days=14)
    assert not never.linked
    assert not never.expired(CONTACT + timedelta(days=400))
    assert never.days_left() is None


def test_the_grant_runs_from_the_last_contact() -> None:
    grant = OfflineGrant(server_url=SERVER, last_contact=CONTACT, days=14)
    assert grant.expires_at == CONTACT + timedelta(days=14)
    assert not grant.expired(CONTACT + timedelta(days=13, hours=23))
    assert grant.days_left(CONTACT + timedelta(days=13, hours=23)) == 0
    assert grant.days_left(CONTACT + timedelta(days=3)) == 11
    assert grant.expired(CONTACT + timedelta(days=14))
    assert grant.days_left(CONTACT + timedelta(days=20)) == 0


def test_a_grant_of_zero_days_means_the_organisation_set_no_limit() -> None:
    unlimited = OfflineGrant(server_url=SERVER, last_contact=CONTACT, days=0)
    assert unlimited.expires_at is None
    assert not unlimited.expired(CONTACT + timedelta(days=1000))
