"""Background sync and the window's sync wiring, against a real server on 127.0.0.1.

The scheduler runs by itself only when the server is online and a sign-in is kept; it runs
when the server comes online and after local changes settle, never twice at once, and waits
longer after each failure. The window shows the state, marks pages stale after a pull, and
closes the profile when the server revoked the device.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from inspector_app.profiles import OpenProfile, read_profile_info
from inspector_app.services.sync_status import pending_change_count
from inspector_app.sync.engine import RetryPolicy
from local_db.models import Finding
from tests.e2e.sync_support import SERVER_PASSWORD, revoke_device
from tests.server.live_server import running_server
from tests.ui.conftest import wait_loaded
from ui.connectivity import Reachability
from ui.context import ShellContext
from ui.main_window import MainWindow
from ui.sync_scheduler import SyncRun, SyncScheduler, SyncState, backoff_ms
from ui.widgets.status_bar import StatusBarWidget

FAST_RETRY = RetryPolicy(attempts=1)
HOUR_MS = 3_600_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with running_server(tmp_path / "server") as url:
        yield url


def _edit_a_finding(profile: OpenProfile) -> None:
    with profile.session() as session:
        finding = session.scalars(select(Finding).order_by(Finding.id)).first()
        assert finding is not None
        finding.title = "edited while online"


def test_background_sync_needs_a_kept_sign_in_then_follows_the_connection_and_changes(
    qtbot: QtBot, demo_context: ShellContext, server: str
) -> None:
    profile = demo_context.profile
    scheduler = SyncScheduler(
        demo_context, interval_ms=HOUR_MS, min_gap_ms=0, settle_ms=100, retry=FAST_RETRY
    )
    runs: list[SyncRun] = []
    scheduler.finished.connect(runs.append)
    scheduler.note_pending(pending_change_count(profile=profile))

    # Online, but nobody signed in yet: nothing runs by itself.
    demo_context.connectivity.set_server(server)
    qtbot.waitUntil(lambda: demo_context.connectivity.state is Reachability.ONLINE, timeout=10_000)
    qtbot.wait(300)
    assert scheduler.runs_started == 0 and scheduler.state is SyncState.IDLE

    # A person signs in once ("Sync now" with the password) ...
    assert scheduler.sync_now(SERVER_PASSWORD)
    qtbot.waitUntil(lambda: len(runs) == 1, timeout=30_000)
    assert runs[0].manual and runs[0].report.ok and scheduler.signed_in_as == "demo.leader"
    next_attempt = scheduler.next_attempt_ms()
    assert next_attempt is not None and next_attempt > HOUR_MS - 60_000

    # ... then the server coming (back) online starts a run by itself,
    demo_context.connectivity.set_server(server)
    qtbot.waitUntil(lambda: len(runs) == 2, timeout=30_000)
    assert not runs[1].manual and runs[1].report.ok and runs[1].report.pushed == 0

    # and so do local changes, once they settle.
    _edit_a_finding(profile)
    scheduler.note_pending(pending_change_count(profile=profile))
    qtbot.waitUntil(lambda: len(runs) == 3, timeout=30_000)
    assert not runs[2].manual and runs[2].report.pushed == 1
    assert pending_change_count(profile=profile) == 0
    assert (scheduler.state, scheduler.failures_in_a_row) == (SyncState.SYNCED, 0)
    scheduler.stop()
    assert scheduler.next_attempt_ms() is None


def test_one_run_at_a_time_and_a_growing_wait_after_failures(
    qtbot: QtBot, demo_context: ShellContext, tmp_path: Path
) -> None:
    assert [backoff_ms(n, 4_000, 16_000) for n in range(5)] == [0, 4_000, 8_000, 16_000, 16_000]
    assert backoff_ms(1) == 60_000 and backoff_ms(10) == 30 * 60_000
    scheduler = SyncScheduler(
        demo_context,
        interval_ms=HOUR_MS,
        min_gap_ms=0,
        first_backoff_ms=4_000,
        max_backoff_ms=16_000,
        retry=FAST_RETRY,
    )
    status = StatusBarWidget(demo_context.connectivity)
    qtbot.addWidget(status)
    status.follow_sync(scheduler)
    runs: list[SyncRun] = []
    scheduler.finished.connect(runs.append)
    assert not scheduler.sync_now(SERVER_PASSWORD)  # no server configured
    with running_server(tmp_path / "server") as url:
        demo_context.connectivity.set_server(url)
        assert scheduler.sync_now(SERVER_PASSWORD)
        assert status.sync_label.text() == "Syncing…"
        assert not scheduler.sync_now(SERVER_PASSWORD)  # never two at once
        qtbot.waitUntil(lambda: not scheduler.running, timeout=30_000)
        assert len(runs) == 1 and runs[0].report.ok
        assert status.sync_label.text().startswith("Synced at ")
    # The server is gone: the run fails, and the next background attempt waits.
    assert scheduler.sync_now()
    qtbot.waitUntil(lambda: not scheduler.running, timeout=30_000)
    assert len(runs) == 2 and not runs[1].report.ok
    assert scheduler.state is SyncState.FAILED and scheduler.failures_in_a_row == 1
    wait = scheduler.next_attempt_ms()
    assert wait is not None and 3_000 < wait <= 4_200  # Qt's coarse timers allow 5 %
    assert status.sync_label.text() == "Sync failed"
    assert status.sync_label.toolTip() == runs[1].report.failures[0]
    scheduler.stop()


def test_the_window_syncs_refreshes_pages_and_closes_a_revoked_profile(
    qtbot: QtBot, demo_context: ShellContext, server: str
) -> None:
    profile = demo_context.profile
    window = MainWindow(demo_context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wait_loaded(qtbot, window.tasks_page)
    window.navigation.setCurrentRow(window.pages.index(window.documents_page))
    wait_loaded(qtbot, window.documents_page)
    window.navigation.setCurrentRow(0)
    window.set_server_url(server)
    qtbot.waitUntil(lambda: window.scheduler.server_url == server, timeout=5_000)

    with qtbot.waitSignal(window.scheduler.finished, timeout=30_000) as finished:
        assert window.scheduler.sync_now(SERVER_PASSWORD)
    run: SyncRun = finished.args[0]
    assert run.report.ok and run.report.pulled > 0
    assert window.documents_page.stale  # it shows data the pull may have changed
    qtbot.waitUntil(lambda: window.status.pending == 0, timeout=10_000)
    assert window.status.sync_label.text().startswith("Synced at ")

    revoke_device(server, profile)
    window.lock_requested.connect(window.close)  # as the shell does
    with qtbot.waitSignal(window.lock_requested, timeout=30_000):
        window.sync_page.sync_button.click()
    assert not window.isVisible()
    assert read_profile_info(profile.path).revoked_at is not None
    assert window.scheduler.next_attempt_ms() is None and not window.scheduler.running
    assert not demo_context.connectivity.is_active
    notice = window.revocation_notice
    assert notice is not None and notice.isVisible()
    assert notice.icon() is QMessageBox.Icon.Critical
    assert notice.windowTitle() == "Access revoked"
    assert profile.info.display_name in notice.text()
    notice.close()
