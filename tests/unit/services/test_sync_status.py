"""The sync screen's read on a real profile: pending, failed, conflicts, parked, last run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from inspector_app import settings
from inspector_app.profiles import OpenProfile
from inspector_app.services.profile_settings import write_profile_setting
from inspector_app.services.sync_status import (
    kept_sign_in,
    pending_change_count,
    record_run,
    sync_overview,
)
from inspector_app.sync import credentials, local_state
from inspector_app.sync.conflicts import resolve_conflict
from inspector_app.sync.engine import SyncReport
from local_db.enums import OutboxOperation
from local_db.models import Finding, OutboxEntry, SyncParked
from local_db.outbox import tombstone
from tests.unit.sync.test_conflicts import LOSER_AT, WINNER_AT, add_conflict, make_world

SERVER = "https://fund.example.gov.cn"


def _login(server_url: str = SERVER) -> credentials.StoredLogin:
    return credentials.StoredLogin(
        server_url=server_url,
        username="demo.leader",
        access_token="a",
        access_expires_at=WINNER_AT.isoformat(),
        refresh_token="r",
        refresh_expires_at=WINNER_AT.isoformat(),
    )


def test_an_untouched_profile_has_nothing_to_show(profile: OpenProfile) -> None:
    overview = sync_overview(profile=profile)
    assert overview.pending_total == 0 and overview.latest == [] and overview.failed == []
    assert overview.conflicts == [] and overview.parked_total == 0
    assert overview.server_url == "" and overview.signed_in_as == ""
    assert overview.last_contact is None and overview.last_run is None
    assert overview.grant_expires_at is None


def test_refused_changes_are_failed_with_their_reason_not_pending(profile: OpenProfile) -> None:
    ids = make_world(profile)
    with profile.session() as session:
        finding = session.get(Finding, ids["finding"])
        assert finding is not None
        finding.title = "edited"
        finding.description = "more"
        session.flush()
        refused = session.scalars(select(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))).one()
        refused.failed, refused.attempts = True, 1
        refused.last_error = "forbidden: you are not on this task"
    with profile.session() as session:
        session.get(Finding, ids["finding"]).title = "edited again"  # type: ignore[union-attr]
    overview = sync_overview(profile=profile)
    assert overview.pending_total == 1 == pending_change_count(profile=profile)
    assert [(c.entity, c.operation) for c in overview.latest] == [
        ("finding", OutboxOperation.UPDATE)
    ]
    assert overview.failed_total == 1
    [failed] = overview.failed
    assert (failed.entity, failed.entity_id, failed.record_name) == (
        "finding",
        ids["finding"],
        "edited again",
    )
    assert (failed.attempts, failed.reason) == (1, "forbidden: you are not on this task")


def test_open_conflicts_read_as_people_say_them(profile: OpenProfile) -> None:
    ids = make_world(profile)
    title = add_conflict(
        profile, entity="finding", entity_id=ids["finding"], case_id=ids["case"],
        field="title", winner="leader title", loser="成员的标题",
    )  # fmt: skip
    summary = add_conflict(
        profile, entity="case_file", entity_id=ids["case"], case_id=None,
        field="summary", winner=None, loser={"a": [1, 2]},
    )  # fmt: skip
    resolved = add_conflict(
        profile, entity="finding", entity_id=ids["finding"], case_id=ids["case"],
        field="description", winner="x", loser="y",
    )  # fmt: skip
    resolve_conflict(profile=profile, conflict_id=resolved, keep="winner")
    conflicts = {c.id: c for c in sync_overview(profile=profile).conflicts}
    assert set(conflicts) == {title, summary}
    first = conflicts[title]
    assert (first.entity, first.field, first.case_number, first.record_name) == (
        "finding",
        "title",
        "AJ-1",
        "leader title",
    )
    assert first.record_exists
    assert (first.current.value, first.current.by, first.current.at) == (
        "leader title",
        "demo.leader",
        WINNER_AT,
    )
    assert (first.other.value, first.other.by, first.other.at) == (
        "成员的标题",
        "member.one",
        LOSER_AT,
    )
    second = conflicts[summary]
    # A case's own conflict names the case even when the server gave it no case id.
    assert (second.case_id, second.case_number, second.record_name) == (ids["case"], "AJ-1", "AJ-1")
    assert second.current.value is None and second.other.value == {"a": [1, 2]}

    with profile.session() as session:
        finding = session.get(Finding, ids["finding"])
        assert finding is not None
        tombstone(session, finding)
    gone = {c.id: c for c in sync_overview(profile=profile).conflicts}[title]
    assert not gone.record_exists and gone.record_name == ""


def test_parked_records_are_counted_by_kind(profile: OpenProfile) -> None:
    with profile.session() as session:
        for n, entity in enumerate(["finding", "finding", "evidence_item"]):
            session.add(
                SyncParked(
                    entity=entity,
                    entity_id=f"id-{n}",
                    record="{}",
                    reason="case_file c-1 has not arrived",
                    parked_at=WINNER_AT,
                )
            )
    overview = sync_overview(profile=profile)
    assert overview.parked_total == 3
    assert [(g.entity, g.count, g.reason) for g in overview.parked] == [
        ("finding", 2, "case_file c-1 has not arrived"),
        ("evidence_item", 1, "case_file c-1 has not arrived"),
    ]


def test_server_sign_in_contact_grant_and_last_run(profile: OpenProfile) -> None:
    write_profile_setting(profile=profile, setting=settings.SERVER_URL, value=SERVER)
    assert sync_overview(profile=profile).signed_in_as == ""
    credentials.save(profile.info.profile_id, _login(SERVER))
    assert kept_sign_in(profile.info.profile_id, SERVER + "/") == "demo.leader"
    assert kept_sign_in(profile.info.profile_id, "https://other.example") == ""
    contact = datetime.now(UTC) - timedelta(days=3, hours=1)
    with profile.session() as session:
        local_state.put(session, local_state.LAST_CONTACT, contact.isoformat())
        local_state.put(session, local_state.OFFLINE_GRANT_DAYS, "14")
        local_state.put(session, local_state.SERVER_URL, SERVER)
    report = SyncReport(pushed=3, pulled=7, conflicts=1, blobs_up=1, bytes_up=2048)
    report.failures.append("finding f-1: forbidden")
    report.rejected = 1
    record_run(profile=profile, report=report, finished_at=WINNER_AT)
    overview = sync_overview(profile=profile)
    assert overview.server_url == SERVER and overview.signed_in_as == "demo.leader"
    assert overview.last_contact == contact
    assert overview.grant_expires_at == contact + timedelta(days=14)
    run = overview.last_run
    assert run is not None and not run.ok
    assert (run.finished_at, run.pushed, run.pulled, run.conflicts, run.bytes_up) == (
        WINNER_AT,
        3,
        7,
        1,
        2048,
    )
    assert run.failures == ("finding f-1: forbidden",)
    record_run(profile=profile, report=SyncReport(revoked=True))  # a revoked profile is gone
    assert sync_overview(profile=profile).last_run == run
    record_run(profile=profile, report=SyncReport(sign_in_needed=True))
    latest = sync_overview(profile=profile).last_run
    assert latest is not None and latest.sign_in_needed and latest.ok
