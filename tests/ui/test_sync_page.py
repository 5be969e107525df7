"""The Sync page against a real server on 127.0.0.1: sign in once, sync with progress, see
the result, and resolve conflicts made by two laptops with both buttons."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.profiles import OpenProfile
from inspector_app.services.sync_status import OpenConflict, pending_change_count
from inspector_app.sync.engine import RetryPolicy
from local_db.models import CaseFile, Finding, OutboxEntry, SyncConflict
from tests.e2e.sync_support import SERVER_PASSWORD, add_member_account, case_in_progress, synced
from tests.server.live_server import running_server
from tests.ui.conftest import wait_loaded
from ui import formatting
from ui.context import ShellContext
from ui.pages.sync_page import SyncPage
from ui.sync_scheduler import SyncRun, SyncScheduler, SyncState

FAST_RETRY = RetryPolicy(attempts=1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with running_server(tmp_path / "server") as url:
        yield url


@pytest.fixture
def page(qtbot: QtBot, demo_context: ShellContext, server: str) -> SyncPage:
    """The Sync page of the demo leader's profile, with the demo server configured."""
    scheduler = SyncScheduler(demo_context, retry=FAST_RETRY)
    sync_page = SyncPage(demo_context, scheduler=scheduler)
    scheduler.setParent(sync_page)
    qtbot.addWidget(sync_page)
    sync_page.resize(1280, 820)
    sync_page.show()
    demo_context.connectivity.set_server(server)
    sync_page.reload()
    wait_loaded(qtbot, sync_page)
    return sync_page


def _finish(qtbot: QtBot, page: SyncPage) -> SyncRun:
    with qtbot.waitSignal(page.scheduler.finished, timeout=30_000) as finished:
        pass
    run: SyncRun = finished.args[0]
    wait_loaded(qtbot, page)
    return run


def test_sync_now_signs_in_once_shows_progress_and_the_result(
    qtbot: QtBot, page: SyncPage, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert page.overview is not None and page.overview.pending_total > 100
    assert page.server.values["account"].text() == "not signed in"
    assert page.result_label.text() == "Not synchronised yet."
    qtbot.waitUntil(page.sync_button.isEnabled, timeout=5_000)

    # No sign-in is kept: the run stops at once and the page asks for the password.
    with qtbot.waitSignal(page.scheduler.finished, timeout=30_000):
        page.sync_button.click()
    assert page.scheduler.state is SyncState.SIGN_IN
    dialog = page.sign_in_dialog
    assert dialog is not None and dialog.isVisible()
    assert (dialog.server_value.text(), dialog.username_value.text()) == (server, "demo.leader")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.password_edit, "not-the-password")
    with qtbot.waitSignal(page.scheduler.finished, timeout=30_000):
        dialog.ok_button.click()
    # The dialog is gone with the typed password; a refused password asks again, saying why.
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=5_000)
    retry = page.sign_in_dialog
    assert retry is not None and retry.isVisible()
    assert retry.message_label.isVisible() and retry.message_label.text()

    seen: list[tuple[bool, bool, str]] = []
    page.scheduler.started.connect(
        lambda: seen.append((page.progress_bar.isVisible(), page.sync_button.isEnabled(), ""))
    )
    page.scheduler.progressed.connect(
        lambda _event: seen.append(
            (page.progress_bar.isVisible(), False, page.progress_label.text())
        )
    )
    qtbot.keyClicks(retry.password_edit, SERVER_PASSWORD)
    retry.ok_button.click()
    run = _finish(qtbot, page)
    assert run.report.ok and run.manual and run.with_password
    assert run.signed_in_as == "demo.leader"

    assert seen[0][:2] == (True, False)  # running: progress shown, Sync now disabled
    texts = [text for _visible, _enabled, text in seen if text]
    assert any(t.startswith("Sending changes: 200 records and ") for t in texts), texts
    assert any(t.startswith("Uploading evidence files: ") for t in texts), texts
    assert any(t.startswith("Receiving changes: ") for t in texts), texts

    assert not page.progress_bar.isVisible() and page.sync_button.isEnabled()
    assert page.result_label.text().startswith("Last run ")
    assert page.result_label.text().endswith(": synchronised")
    counts = page.counts_label.text()
    assert f"{run.report.pushed:,} changes sent" in counts and "files uploaded" in counts
    assert not page.failure_label.isVisible()
    assert page.overview is not None and page.overview.pending_total == 0
    assert page.pending_label.text() == "0 changes pending"
    assert page.tabs.tabText(0) == "Pending (0)"
    assert page.stack.currentWidget() is page.nothing_pending
    assert page.server.values["account"].text() == "demo.leader"
    contact = page.overview.last_contact
    assert contact is not None
    grant = formatting.local_time(contact + timedelta(days=14))
    assert page.server.values["grant"].text() == f"until {grant}"
    assert pending_change_count(profile=page.context.profile) == 0

    # The sign-in is kept: the next run needs no password.
    page.sync_button.click()
    again = _finish(qtbot, page)
    assert again.report.ok and not again.with_password and page.sign_in_dialog is None

    # Sign out (confirmed): the kept sign-in ends here and on the server.
    assert page.sign_out_button.isEnabled()
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_args, **_kw: QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(page.scheduler.signed_out, timeout=10_000):
        page.sign_out_button.click()
    wait_loaded(qtbot, page)
    qtbot.waitUntil(lambda: page.server.values["account"].text() == "not signed in", timeout=5_000)
    assert not page.sign_out_button.isEnabled()
    with qtbot.waitSignal(page.scheduler.finished, timeout=30_000):
        page.sync_button.click()
    assert page.scheduler.state is SyncState.SIGN_IN


def _edit(profile: OpenProfile, case_id: str, finding_id: str, who: str) -> None:
    with profile.session() as session:
        finding = session.get(Finding, finding_id)
        case = session.get(CaseFile, case_id)
        assert finding is not None and case is not None
        finding.title = f"title by the {who}"
        case.summary = f"summary by the {who}"


@pytest.fixture
def member(demo_profile: OpenProfile, profile: OpenProfile, server: str) -> OpenProfile:
    """A team member's laptop (the test template's user), after both laptops edited the same
    fields offline.

    The member syncs first, the leader second: the leader's later stamps win, and the
    member's values arrive on the leader's laptop as two open conflicts.
    """
    shared = case_in_progress(demo_profile)
    case_id, finding_id = shared.case_id, shared.finding_id
    add_member_account(
        server, profile.info.username, shared.member_code, display_name=profile.info.display_name
    )
    synced(demo_profile, server, retry=FAST_RETRY)
    synced(profile, server, retry=FAST_RETRY)
    _edit(demo_profile, case_id, finding_id, "leader")
    _edit(profile, case_id, finding_id, "member")
    synced(profile, server, retry=FAST_RETRY)
    synced(demo_profile, server, retry=FAST_RETRY)
    return profile


def _select(page: SyncPage, field: str) -> OpenConflict:
    rows: list[OpenConflict] = page.conflicts.table.visible_rows()
    row = next(i for i, conflict in enumerate(rows) if conflict.field == field)
    page.conflicts.table.selectRow(row)
    return rows[row]


def _confirm(qtbot: QtBot, page: SyncPage, button_text: str) -> None:
    box = page.conflicts.confirmation
    assert box is not None and box.isVisible() and box.windowTitle() == button_text
    box.button(QMessageBox.StandardButton.Yes).click()


def test_conflicts_are_listed_and_resolved_with_both_buttons(
    qtbot: QtBot, page: SyncPage, member: OpenProfile, server: str
) -> None:
    leader = page.context.profile
    shared = case_in_progress(leader)
    case_id, finding_id = shared.case_id, shared.finding_id
    page.reload()
    wait_loaded(qtbot, page)
    assert page.tabs.tabText(2) == "Conflicts (2)"
    page.tabs.setCurrentIndex(2)
    assert page.conflicts.stack.currentIndex() == 0

    summary = _select(page, "summary")
    with leader.read_session() as session:
        case = session.get(CaseFile, case_id)
        assert case is not None
        number = case.case_number
    texts = [page.conflicts.table.proxy.index(0, c).data() for c in range(7)]
    assert texts[0] == number and len(texts) == 7
    assert summary.current.value == "summary by the leader"
    assert summary.other.value == "summary by the member"
    assert page.conflicts.current_text.toPlainText() == "summary by the leader"
    assert page.conflicts.other_text.toPlainText() == "summary by the member"
    assert f"from {member.info.username}, " in page.conflicts.other_title.text()
    assert page.conflicts.keep_button.isEnabled() and page.conflicts.other_button.isEnabled()

    # Cancelling changes nothing.
    page.conflicts.keep_button.click()
    assert page.conflicts.confirmation is not None
    page.conflicts.confirmation.button(QMessageBox.StandardButton.Cancel).click()
    page.conflicts.keep_button.click()
    _confirm(qtbot, page, "Keep current value")
    qtbot.waitUntil(
        lambda: page.overview is not None and len(page.overview.conflicts) == 1, timeout=10_000
    )
    assert page.tabs.tabText(2) == "Conflicts (1)"

    title = _select(page, "title")
    assert (title.current.value, title.other.value) == (
        "title by the leader",
        "title by the member",
    )
    assert title.record_name == "title by the leader"
    assert page.conflicts.table.proxy.index(0, 1).data() == "Finding “title by the leader”"
    page.conflicts.other_button.click()
    _confirm(qtbot, page, "Use other value")
    qtbot.waitUntil(lambda: page.conflicts.stack.currentIndex() == 1, timeout=10_000)
    assert page.conflicts.empty.title_label.text() == "No conflicts"
    with leader.read_session() as session:
        assert session.get(Finding, finding_id).title == "title by the member"  # type: ignore[union-attr]
        assert session.get(CaseFile, case_id).summary == "summary by the leader"  # type: ignore[union-attr]
    assert page.overview is not None and page.overview.pending_total == 3  # field + 2 conflicts

    # The next sync pushes the resolutions; the member's laptop receives them.
    page.sync_button.click()
    run = _finish(qtbot, page)
    assert run.report.ok and run.report.pushed == 3 and run.report.conflicts == 0
    assert page.overview is not None and page.overview.pending_total == 0
    synced(member, server, retry=FAST_RETRY)
    with member.read_session() as session:
        assert session.get(Finding, finding_id).title == "title by the member"  # type: ignore[union-attr]
        assert session.get(CaseFile, case_id).summary == "summary by the leader"  # type: ignore[union-attr]
        resolutions = sorted(
            (c.field, c.status, c.resolution, c.resolved_by)
            for c in session.scalars(select(SyncConflict))
        )
    assert resolutions == [  # resolved on the leader's laptop, received on the member's
        ("summary", "resolved", "winner", "demo.leader"),
        ("title", "resolved", "other", "demo.leader"),
    ]


def _refuse_pending(profile: OpenProfile, reason: str) -> None:
    """Mark every unsent change refused for good, as the server's answer would."""
    with profile.session() as session:
        for entry in session.scalars(select(OutboxEntry).where(OutboxEntry.pushed_at.is_(None))):
            entry.failed, entry.attempts, entry.last_error = True, 1, reason


def test_a_refused_change_is_sent_again_or_dropped_for_the_servers_version(
    qtbot: QtBot, page: SyncPage, server: str
) -> None:
    leader = page.context.profile
    shared = case_in_progress(leader)
    synced(leader, server, retry=FAST_RETRY)
    with leader.session() as session:
        finding = session.get(Finding, shared.finding_id)
        assert finding is not None
        original, finding.title = finding.title, "本机改过的标题"
    _refuse_pending(leader, "forbidden: you are not on this task's team")
    page.reload()
    wait_loaded(qtbot, page)
    assert page.tabs.tabText(1) == "Refused (1)"
    refused = page.failed
    assert refused.stack.currentIndex() == 0
    assert refused.send_button.isEnabled() and refused.take_button.isEnabled()

    refused.send_button.click()
    box = refused.confirmation
    assert box is not None and box.windowTitle() == "Send again"
    assert "not on this task's team" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.overview is not None and not page.overview.failed, timeout=10_000)
    assert page.overview is not None and page.overview.pending_total == 1
    assert page.tabs.tabText(1) == "Refused (0)"

    _refuse_pending(leader, "forbidden: you are not on this task's team")
    page.reload()
    wait_loaded(qtbot, page)
    refused.take_button.click()
    box = refused.confirmation
    assert box is not None and box.windowTitle() == "Take the server's version"
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.overview is not None and not page.overview.failed, timeout=10_000)
    assert page.overview is not None and page.overview.pending_total == 0
    synced(leader, server, retry=FAST_RETRY)  # the feed read again brings the server's title
    with leader.read_session() as session:
        assert session.get(Finding, shared.finding_id).title == original  # type: ignore[union-attr]
