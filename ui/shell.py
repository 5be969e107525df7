"""The session's life: unlock (directly, from the keyring cache, or by login), work, lock, quit.

One main window per unlocked profile. Locking closes the window, waits for background work
to stop, closes the profile and forgets its cached key, then shows the login again; quitting
keeps a cached key (that is what "remember for this session" means) and shuts the workers
down before the process ends, so no thread outlives the window.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from inspector_app.i18n import _
from inspector_app.progress import Progress
from ui import error_report, startup_timing
from ui.connectivity import ConnectivityMonitor
from ui.context import ShellContext
from ui.machine_settings import MachineSettings, data_folder
from ui.workers import Operation, TaskManager

if TYPE_CHECKING:
    from inspector_app.profiles import OpenProfile
    from ui.dialogs.login_dialog import LoginDialog
    from ui.main_window import MainWindow

PASSWORD_ENV = "INSPECTOR_PASSWORD"
_log = logging.getLogger(__name__)


class _FirstPaintFilter(QObject):
    """Benchmark hook: report the first paint of the main window's page, then quit."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        try:
            print(f"main-window-shown {startup_timing.seconds_since_start():.3f}", flush=True)
        finally:  # quit even if stdout is gone: the benchmark must never hang
            QApplication.quit()


class Shell:
    """Owns the current profile, its main window and the login dialog (plain object)."""

    def __init__(
        self,
        machine: MachineSettings,
        tasks: TaskManager,
        *,
        profile_path: Path | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.machine = machine
        self.tasks = tasks
        self.data_dir = data_dir
        self.profile_path = profile_path
        self.profile: OpenProfile | None = None
        self.window: MainWindow | None = None
        self.login: LoginDialog | None = None
        self._locking = False
        self._paint_filter = _FirstPaintFilter()

    # ------------------------------------------------------------------ start

    def start(self) -> None:
        """Unlock with INSPECTOR_PASSWORD or a cached key when possible, else show the login."""
        password = os.environ.pop(PASSWORD_ENV, None)  # never inherited by viewers we launch
        if self.profile_path is not None and password:
            self._unlock_in_background(self.profile_path, password)
            return
        candidate = self.profile_path or self._last_profile()
        if candidate is not None:
            self._try_cached_key(candidate)
            return
        self.show_login()

    def _last_profile(self) -> Path | None:
        from inspector_app import settings

        last = self.machine.get(settings.LAST_PROFILE)
        return Path(last) if last and Path(last).is_dir() else None

    def _unlock_in_background(self, path: Path, password: str) -> None:
        def work(_progress: Progress) -> OpenProfile:
            # Imported here, on the worker: the core's import (~0.4 s of SQLAlchemy) then
            # overlaps with the GUI thread building the window instead of preceding it.
            from inspector_app.profiles import unlock_profile
            from inspector_app.sync.grant import admit

            return admit(unlock_profile(path=path, password=password))

        Operation(work, label=_("Unlocking the profile…")).success(self.open_main_window).failure(
            lambda error: self._unlock_failed(path, error)
        ).run_in_background(self.tasks, writes=True)

    def _try_cached_key(self, path: Path) -> None:
        def work(_progress: Progress) -> OpenProfile | None:
            from inspector_app.profiles import unlock_with_cached_key
            from inspector_app.sync.grant import admit

            profile = unlock_with_cached_key(path)
            return admit(profile) if profile is not None else None

        def done(profile: OpenProfile | None) -> None:
            if profile is None:
                self.show_login()
            else:
                self.open_main_window(profile)

        Operation(work, label=_("Unlocking the profile…")).success(done).failure(
            lambda error: self._unlock_failed(path, error)
        ).run_in_background(self.tasks, writes=True)

    def _unlock_failed(self, path: Path, error: BaseException) -> None:
        from inspector_app.profiles import ProfileError

        if not isinstance(error, ProfileError):
            error_report.report(error)
        login = self.show_login()
        if isinstance(error, ProfileError):
            login.show_message(str(error))

    @staticmethod
    def preload() -> None:
        """Import the main window's modules now (GUI thread) while a worker unlocks."""
        import ui.main_window  # noqa: F401

    # ------------------------------------------------------------------ login

    def data_folder(self) -> Path:
        """``--data-dir`` for this run, else the configured (or default) data folder."""
        return self.data_dir if self.data_dir is not None else data_folder(self.machine)

    def show_login(self) -> LoginDialog:
        """Show the login dialog (non-blocking); quitting it quits the application."""
        from ui.dialogs.login_dialog import LoginDialog

        extra = [self.profile_path] if self.profile_path is not None else []
        login = LoginDialog(
            self.tasks,
            self.machine,
            self.data_folder(),
            preselect=self.profile_path,
            extra_profiles=extra,
        )
        login.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        login.unlocked.connect(self.open_main_window)
        login.rejected.connect(self._login_cancelled)
        login.show()
        login.raise_()
        login.activateWindow()
        self.login = login
        return login

    def _login_cancelled(self) -> None:
        self.login = None
        QApplication.quit()

    # ----------------------------------------------------------- main window

    def open_main_window(self, profile: OpenProfile) -> None:
        """Show the workspace of the unlocked ``profile``."""
        from inspector_app import settings
        from ui.main_window import MainWindow

        self.login = None
        self.profile = profile
        self.machine.set(settings.LAST_PROFILE, str(profile.info.path))
        connectivity = ConnectivityMonitor()
        context = ShellContext(
            profile=profile, tasks=self.tasks, settings=self.machine, connectivity=connectivity
        )
        window = MainWindow(context)
        connectivity.setParent(window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.lock_requested.connect(self.lock)
        window.closed.connect(self._window_closed)
        if startup_timing.exit_when_shown():
            window.tasks_page.installEventFilter(self._paint_filter)
        window.show()
        self.window = window
        self._tidy_evidence_store(profile, window)

    def _tidy_evidence_store(self, profile: OpenProfile, window: MainWindow) -> None:
        """Clear what a crash may have left in the evidence store (in the background)."""

        def work(_progress: Progress) -> object:
            from inspector_app.evidence.tidy import tidy_evidence_store

            return tidy_evidence_store(profile)

        Operation(work, label=_("Tidying the evidence store")).failure(
            error_report.log_error
        ).quietly().owned_by(window).run_in_background(self.tasks)

    def lock(self) -> None:
        """File → Lock: close the window and the profile, forget the key, log in again."""
        if self.window is None:
            return
        self._locking = True
        self.window.close()

    def _window_closed(self) -> None:
        self.window = None  # its closeEvent already stopped the work it started
        if not self._locking:
            QApplication.quit()
            return
        self._locking = False
        from inspector_app.profiles import lock_profile

        if self.profile is not None:
            self.profile_path = self.profile.info.path
            lock_profile(self.profile)
            self.profile = None
        self.show_login()

    # --------------------------------------------------------------- shutdown

    def shutdown(self) -> None:
        """Application is quitting: stop the workers, close the profile (key stays cached)."""
        idle = self.tasks.shutdown()
        if not idle:
            _log.warning("background work did not stop in time")
        if self.profile is not None:
            self.profile.close()
            self.profile = None
        sys.stdout.flush()
