"""A change the server refuses for good, settled by a person (real server on 127.0.0.1).

A team member changes an institution's name; institutions are reference data that only
supervisors change, so the server refuses it for good. Sent again, it is refused again (the
attempt is counted); taking the server's version drops the refused change, and the next sync
brings the name back as the server holds it, leaving nothing pending or refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.services.sync_status import sync_overview
from inspector_app.sync.refusals import RefusalActionError, send_again, take_server_version
from local_db.models import Institution
from tests.e2e.sync_support import (
    add_member_account,
    case_in_progress,
    new_laptop,
    run_sync,
    synced,
)
from tests.server.live_server import LiveServer, running_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path / "server") as live:
        yield live


def test_a_refused_change_is_sent_again_then_replaced_by_the_servers_version(
    demo_profile: OpenProfile, tmp_path: Path, server: LiveServer
) -> None:
    leader = demo_profile
    add_member_account(server, "member.one", case_in_progress(leader).member_code)
    synced(leader, server)
    member = new_laptop(tmp_path / "member", "member.one")
    try:
        synced(member, server)
        with member.session() as session:
            institution = session.scalars(select(Institution).order_by(Institution.code)).first()
            assert institution is not None
            institution_id, original = institution.id, institution.name
            institution.name = f"{original}（本机改名）"

        first = run_sync(member, server)
        assert first.rejected == 1
        [refused] = sync_overview(profile=member).failed
        assert refused.entity_id == institution_id and refused.server_version
        assert "supervisors" in refused.reason

        send_again(profile=member, seq=refused.seq)
        queued = sync_overview(profile=member)
        assert queued.failed == [] and queued.pending_total == 1
        assert run_sync(member, server).rejected == 1
        [again] = sync_overview(profile=member).failed
        assert (again.seq, again.attempts) == (refused.seq, 2)

        assert take_server_version(profile=member, seq=again.seq) == 1
        with pytest.raises(RefusalActionError):
            take_server_version(profile=member, seq=again.seq)  # gone: the list was stale
        settled = synced(member, server)
        assert settled.rejected == 0 and settled.pulled >= 1
        with member.read_session() as session:
            stored = session.get(Institution, institution_id)
            assert stored is not None and stored.name == original
        overview = sync_overview(profile=member)
        assert overview.failed == [] and overview.pending_total == 0
    finally:
        member.close()
