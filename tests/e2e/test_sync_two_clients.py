"""Two laptops, one case, one real server on 127.0.0.1 (acceptance 1 of the sync issue).

The team leader's demo profile publishes its work; a team member signs in on a fresh
profile and receives the case. Both then work offline on the same case (different fields,
the same field, evidence on both), and sync in both orders. They end with identical case
files, one visible conflict for the same-field edit, and every evidence original stored
once on the server under its verified SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspector_app.evidence.recording import add_evidence
from inspector_app.profiles import OpenProfile
from local_db.enums import EvidenceKind
from local_db.models import CaseFile, EvidenceItem, Finding, SyncConflict
from tests.e2e.sync_support import add_member_account, case_in_progress, new_laptop, synced
from tests.server.live_server import (
    LiveServer,
    read_server_blob,
    running_server,
    server_blob_shas,
    server_partial_shas,
    server_row_counts,
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path / "server") as live:
        yield live


def _case_file(profile: OpenProfile, case_id: str) -> dict[str, Any]:
    """Everything two laptops must agree on about one case."""
    with profile.read_session() as session:
        case = session.get(CaseFile, case_id)
        assert case is not None
        findings = {
            f.id: (f.title, f.amount_fen, f.description)
            for f in session.scalars(select(Finding).where(Finding.case_id == case_id))
        }
        evidence = sorted(
            (e.id, e.sha256, e.caption)
            for e in session.scalars(select(EvidenceItem).where(EvidenceItem.case_id == case_id))
        )
        conflicts = sorted(
            (c.entity, c.entity_id, c.field, c.status)
            for c in session.scalars(select(SyncConflict))
        )
    return {
        "summary": case.summary,
        "findings": findings,
        "evidence": evidence,
        "conflicts": conflicts,
    }


def test_two_laptops_converge_on_one_case(
    demo_profile: OpenProfile, tmp_path: Path, server: LiveServer
) -> None:
    leader = demo_profile
    shared = case_in_progress(leader)
    case_id, finding_id = shared.case_id, shared.finding_id
    add_member_account(server, "member.one", shared.member_code)
    first = synced(leader, server)
    assert first.pushed > 100 and first.blobs_up > 0

    member = new_laptop(tmp_path / "member", "member.one")
    try:
        received = synced(member, server)
        assert received.blobs_down > 0
        assert _case_file(member, case_id) == _case_file(leader, case_id)

        # Offline on both laptops.
        with leader.session() as session:
            finding = session.get(Finding, finding_id)
            assert finding is not None
            finding.title = "title by the leader"
            session.get(CaseFile, case_id).summary = "summary by the leader"  # type: ignore[union-attr]
        with member.session() as session:
            finding = session.get(Finding, finding_id)
            assert finding is not None
            finding.description = "description by the member"
            session.get(CaseFile, case_id).summary = "summary by the member"  # type: ignore[union-attr]
        add_evidence(
            profile=leader, case_id=case_id, source=b"leader photo " * 1000,
            kind=EvidenceKind.PHOTO, caption="leader scan", media_type="image/png",
        )  # fmt: skip
        add_evidence(
            profile=member, case_id=case_id, source=b"member photo " * 2000,
            kind=EvidenceKind.PHOTO, caption="member scan", media_type="image/png",
        )  # fmt: skip

        # Both orders: the member first, then the leader, then the member again.
        synced(member, server)
        conflicted = synced(leader, server)
        assert conflicted.conflicts == 1
        synced(member, server)
        synced(leader, server)

        mine, theirs = _case_file(leader, case_id), _case_file(member, case_id)
        assert mine == theirs
        assert mine["findings"][finding_id][0] == "title by the leader"
        assert mine["findings"][finding_id][2] == "description by the member"
        assert mine["summary"] == "summary by the leader"  # the later stamp wins
        assert mine["conflicts"] == [("case_file", case_id, "summary", "open")]
        with member.read_session() as session:
            conflict = session.scalars(select(SyncConflict)).one()
            assert conflict.loser_value == '"summary by the member"'
        captions = {caption for _id, _sha, caption in mine["evidence"]}
        assert {"leader scan", "member scan"} <= captions
    finally:
        member.close()

    stored = server_blob_shas(server)
    assert len(set(stored)) == len(stored)  # each blob once
    for sha in stored:
        assert hashlib.sha256(read_server_blob(server, sha)).hexdigest() == sha
    shas = {sha for _id, sha, _caption in mine["evidence"]}
    assert shas <= set(stored)
    assert not server_partial_shas(server)
    assert server_row_counts(server, "blob") == {"blob": len(stored)}
