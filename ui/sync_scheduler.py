"""When sync runs: on demand, and in the background while the server is reachable.

One scheduler per main window, and the only place a sync run starts, so there are never two
runs at once. A background run needs the server online (the window's ConnectivityMonitor),
a configured server and a sign-in kept in the keyring (the scheduler never asks for a
password by itself; the Sync page does, when a person presses "Sync now"). Runs come:

* when the server comes back online;
* every :data:`INTERVAL_MS` while it stays online (others' work arrives);
* :data:`SETTLE_MS` after local changes stop coming in (the window reports the pending
  count), but never sooner than :data:`MIN_GAP_MS` after the previous run;
* after a failed run, only after a backoff that doubles with each failure in a row, up to
  :data:`MAX_BACKOFF_MS` (the engine already retries single requests within a run).

The run itself is :class:`inspector_app.sync.engine.SyncEngine` on the general worker pool,
not the serialized writer: a run may spend minutes on the network, and the user's saves must
not queue behind it (its own writes are short transactions, and SQLite's busy timeout orders
them with the writer's).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from inspector_app.i18n import _
from inspector_app.progress import Progress
from ui import error_report
from ui.connectivity import Reachability
from ui.context import ShellContext
from ui.workers import Operation

if TYPE_CHECKING:
    from inspector_app.sync.engine import RetryPolicy, SyncProgressEvent, SyncReport

INTERVAL_MS = 5 * 60_000
MIN_GAP_MS = 60_000
SETTLE_MS = 15_000
FIRST_BACKOFF_MS = 60_000
MAX_BACKOFF_MS = 30 * 60_000


class SyncState(StrEnum):
    """Where background sync stands, for the status bar and the Sync page."""

    IDLE = "idle"
    """Nothing ran in this session yet."""
    RUNNING = "running"
    SYNCED = "synced"
    FAILED = "failed"
    SIGN_IN = "sign_in"
    """No kept sign-in works: a person must sign in (Sync page, "Sync now")."""


@dataclass(frozen=True)
class SyncRun:
    """A finished run as the window sees it."""

    report: SyncReport
    manual: bool
    with_password: bool
    signed_in_as: str
    """The username of the sign-in kept after the run ("": none is kept)."""
    finished_at: datetime


def backoff_ms(failures: int, first: int = FIRST_BACKOFF_MS, most: int = MAX_BACKOFF_MS) -> int:
    """How long to wait after ``failures`` failed runs in a row (0 after a success)."""
    if failures <= 0:
        return 0
    return int(min(most, first * 2 ** (failures - 1)))


class _ProgressRelay(QObject):
    """Carries the engine's progress events from its thread to the GUI thread (queued)."""

    reported = Signal(object)


class SyncScheduler(QObject):
    """Starts sync runs, one at a time, and tells the window how they go."""

    started = Signal()
    progressed = Signal(object)  # SyncProgressEvent
    finished = Signal(object)  # SyncRun
    state_changed = Signal()
    revoked = Signal()
    signed_out = Signal()

    def __init__(
        self,
        context: ShellContext,
        parent: QObject | None = None,
        *,
        interval_ms: int = INTERVAL_MS,
        min_gap_ms: int = MIN_GAP_MS,
        settle_ms: int = SETTLE_MS,
        first_backoff_ms: int = FIRST_BACKOFF_MS,
        max_backoff_ms: int = MAX_BACKOFF_MS,
        retry: RetryPolicy | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.interval_ms = interval_ms
        self.min_gap_ms = min_gap_ms
        self.first_backoff_ms = first_backoff_ms
        self.max_backoff_ms = max_backoff_ms
        self.retry = retry
        self.state = SyncState.IDLE
        self.signed_in_as = ""
        self.last_run: SyncRun | None = None
        self.progress_event: SyncProgressEvent | None = None
        self.failures_in_a_row = 0
        self.runs_started = 0
        self._server_url = ""
        self._was_online = False
        self._stopped = False
        self._changes_waiting = False
        self._manual = False
        self._last_pending: int | None = None
        self._not_before = 0.0
        self._due: float | None = None
        self._operation: Operation[Any] | None = None
        self._relay = _ProgressRelay(self)
        self._relay.reported.connect(self._progress)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._background_attempt)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(settle_ms)
        self._settle.timeout.connect(self._changes_settled)
        context.connectivity.changed.connect(self._connectivity_changed)
        self._connectivity_changed()

    # ------------------------------------------------------------------ facts

    @property
    def server_url(self) -> str:
        """The configured server (the connectivity monitor's; "" when none)."""
        return self.context.connectivity.server_url

    @property
    def running(self) -> bool:
        """True while a run is under way."""
        return self._operation is not None

    def next_attempt_ms(self) -> int | None:
        """Milliseconds until the next planned background attempt (None: none planned)."""
        return self._timer.remainingTime() if self._timer.isActive() else None

    def _can_run_in_background(self) -> bool:
        return (
            not self._stopped
            and not self.context.tasks.is_shut_down
            and bool(self.server_url)
            and bool(self.signed_in_as)
            and self.context.connectivity.state is Reachability.ONLINE
        )

    # --------------------------------------------------------------- triggers

    def sync_now(self, password: str | None = None) -> bool:
        """Start a run now (a person asked); False when one runs already or no server is set.

        ``password`` is the server password a person just typed: it goes to this run's
        engine only, which keeps the tokens it earns in the keyring, never the password.
        """
        if self._stopped or self.running or not self.server_url or self.context.tasks.is_shut_down:
            return False
        self._start(manual=True, password=password)
        return True

    def sign_out(self) -> bool:
        """End the kept server sign-in (on the server too when reachable); False when busy.

        Local work is untouched; background runs stop until someone signs in again.
        """
        if self._stopped or self.running or not self.server_url or self.context.tasks.is_shut_down:
            return False
        profile, url = self.context.profile, self.server_url

        def work(_progress: Progress) -> None:
            from inspector_app.sync.engine import RetryPolicy, SyncEngine

            SyncEngine(profile, url, retry=RetryPolicy(attempts=1)).sign_out()

        def done(_result: None) -> None:
            if not shiboken6.isValid(self):
                return
            self.signed_in_as = ""
            self._timer.stop()
            self._due = None
            self.state_changed.emit()
            self.signed_out.emit()

        Operation(work, label=_("Signing out of the server")).success(done).failure(
            error_report.report
        ).run_in_background(self.context.tasks)
        return True

    def note_pending(self, count: int) -> None:
        """The window counted ``count`` pending changes; new ones sync once they settle."""
        previous, self._last_pending = self._last_pending, count
        if count > 0 and previous is not None and count != previous:
            self._settle.start()

    def note_local_change(self) -> None:
        """Something was just written locally (e.g. a conflict resolved): sync it soon."""
        self._settle.start()

    def stop(self) -> None:
        """No more runs (window closing, profile revoked); a run under way is cancelled."""
        self._stopped = True
        self._timer.stop()
        self._settle.stop()
        if self._operation is not None:
            self._operation.cancel()

    def _connectivity_changed(self) -> None:
        url = self.server_url
        if url != self._server_url:
            self._server_url = url
            self.signed_in_as = ""
            self._check_sign_in()
        online = self.context.connectivity.state is Reachability.ONLINE
        came_online = online and not self._was_online
        self._was_online = online
        if came_online:
            self._schedule(0)
        self.state_changed.emit()

    def _check_sign_in(self) -> None:
        """Learn (off the GUI thread: the keyring may be slow) whether a sign-in is kept."""
        url = self.server_url
        if not url or self._stopped or self.context.tasks.is_shut_down:
            return
        profile_id = self.context.profile.info.profile_id

        def work(_progress: Progress) -> str:
            from inspector_app.services.sync_status import kept_sign_in

            return kept_sign_in(profile_id, url)

        def done(username: str) -> None:
            if not shiboken6.isValid(self) or url != self.server_url:
                return
            self.signed_in_as = username
            self.state_changed.emit()
            self._schedule(0)

        Operation(work, label=_("Reading the server sign-in")).success(done).failure(
            error_report.log_error
        ).run_in_background(self.context.tasks)

    def _changes_settled(self) -> None:
        self._changes_waiting = True  # a run under way may have missed them: see _finished
        self._schedule(0)

    def _schedule(self, delay_ms: int) -> None:
        """Plan a background attempt in ``delay_ms`` (not before the backoff allows)."""
        if self._stopped:
            return
        now = time.monotonic()
        due = max(now + delay_ms / 1000, self._not_before)
        if self._timer.isActive() and self._due is not None and self._due <= due:
            return  # an earlier attempt is planned already
        self._due = due
        self._timer.start(max(0, int((due - now) * 1000)))

    def _background_attempt(self) -> None:
        self._due = None
        if not self.running and self._can_run_in_background():
            self._start(manual=False, password=None)

    # -------------------------------------------------------------------- run

    def _start(self, *, manual: bool, password: str | None) -> None:
        from local_db.types import utc_now

        profile, url, retry, relay = self.context.profile, self.server_url, self.retry, self._relay
        with_password = password is not None

        def work(progress: Progress) -> SyncRun:
            from inspector_app.services.sync_status import kept_sign_in, record_run
            from inspector_app.sync.engine import SyncEngine

            def forward(event: SyncProgressEvent) -> None:
                relay.reported.emit(event)
                # The engine reports between committed steps (a batch, a page, a file), so
                # stopping there leaves nothing half-done; "done" comes after the report.
                if event.phase != "done":
                    progress.check()

            engine = SyncEngine(profile, url, password=password, progress=forward, retry=retry)
            report = engine.run()
            record_run(profile=profile, report=report)
            kept = "" if report.revoked else kept_sign_in(profile.info.profile_id, url)
            return SyncRun(report, manual, with_password, kept, utc_now())

        self._timer.stop()
        self._due = None
        self._changes_waiting = False
        self._manual = manual
        self.progress_event = None
        self.runs_started += 1
        operation: Operation[SyncRun] = Operation(work, label=_("Synchronising with the server"))
        self._operation = operation
        operation.success(self._finished).failure(self._failed).on_cancelled(self._cancelled)
        operation.quietly().run_in_background(self.context.tasks)
        self._set_state(SyncState.RUNNING)
        self.started.emit()

    def _progress(self, event: SyncProgressEvent) -> None:
        if self.running:
            self.progress_event = event
            self.progressed.emit(event)

    def _finished(self, run: SyncRun) -> None:
        if not shiboken6.isValid(self):
            return
        self._operation = None
        self.last_run = run
        report = run.report
        if report.revoked:
            self.stop()
            self.signed_in_as = ""
            self._set_state(SyncState.FAILED)
            self.finished.emit(run)
            self.revoked.emit()
            return
        self.signed_in_as = run.signed_in_as  # background runs need one kept
        if report.ok:
            self.failures_in_a_row = 0
            self._set_state(SyncState.SYNCED)
        else:
            self.failures_in_a_row += 1
            self._set_state(SyncState.SIGN_IN if report.sign_in_needed else SyncState.FAILED)
        self._plan_after_run()
        self.finished.emit(run)

    def _plan_after_run(self) -> None:
        wait = backoff_ms(self.failures_in_a_row, self.first_backoff_ms, self.max_backoff_ms)
        self._timer.stop()  # what was planned during the run counted the old gap
        self._due = None
        self._not_before = time.monotonic() + max(wait, self.min_gap_ms) / 1000
        if self._changes_waiting:  # they settled while this run was under way
            self._schedule(0)
        else:
            self._schedule(wait if self.failures_in_a_row else self.interval_ms)

    def _failed(self, error: BaseException) -> None:
        """The run broke on an unexpected error (a bug, a full disk): logged, shown briefly."""
        from inspector_app.sync.engine import SyncReport
        from local_db.types import utc_now

        if not shiboken6.isValid(self):
            return
        error_report.log_error(error)
        report = SyncReport(
            failures=[_("The sync stopped on an unexpected error; it was written to the log.")]
        )
        self._finished(SyncRun(report, self._manual, False, self.signed_in_as, utc_now()))

    def _cancelled(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._operation = None
        self._set_state(SyncState.IDLE)

    def _set_state(self, state: SyncState) -> None:
        self.state = state
        self.state_changed.emit()
