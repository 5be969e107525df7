"""The main window of an unlocked profile: navigation, pages, menus and status bar.

It owns nothing heavy itself: pages load their data through the shared workers, the
connection monitor probes the server asynchronously, and every text is re-read on a
language change (the window listens to ``inspector_app.i18n`` while it is open).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QMessageBox, QStackedWidget, QWidget

from inspector_app import i18n, settings
from inspector_app.i18n import _
from inspector_app.progress import Progress
from inspector_app.vocabulary import user_role_label
from ui import error_report
from ui.context import ShellContext
from ui.icons import app_icon, icon
from ui.pages.base_page import BasePage
from ui.pages.data_page import DataPage
from ui.pages.documents_page import DocumentsPage
from ui.pages.inspection_page import InspectionPage
from ui.pages.sync_page import SyncPage
from ui.pages.tasks_page import TasksPage
from ui.sync_scheduler import SyncRun, SyncScheduler
from ui.translation import follow_language
from ui.widgets.navigation import NavigationWidget
from ui.widgets.status_bar import StatusBarWidget
from ui.workers import Operation

PENDING_REFRESH_MS = 30_000
# Notices that must outlive the window that raised them (the revocation notice): parentless,
# so they are kept here until closed.
_NOTICES: list[QMessageBox] = []


class MainWindow(QMainWindow):
    """One unlocked profile's workspace."""

    lock_requested = Signal()
    closed = Signal()

    def __init__(self, context: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.server_url = ""
        self._first_show = True
        self.last_message: QMessageBox | None = None
        self.revocation_notice: QMessageBox | None = None
        self.setWindowIcon(app_icon())
        self.setMinimumSize(960, 600)
        self.tasks_page = TasksPage(context)
        self.inspection_page = InspectionPage(context)
        self.data_page = DataPage(context)
        self.documents_page = DocumentsPage(context)
        # The one place sync runs start (background and "Sync now"), so never two at once.
        self.scheduler = SyncScheduler(context, self)
        self.sync_page = SyncPage(context, scheduler=self.scheduler)
        self.pages: list[BasePage] = [
            self.tasks_page,
            self.inspection_page,
            self.data_page,
            self.documents_page,
            self.sync_page,
        ]
        self.navigation = NavigationWidget(self)
        self.stack = QStackedWidget(self)
        for page in self.pages:
            self.navigation.add_page(page.icon_name, page.title())
            self.stack.addWidget(page)
        central = QWidget(self)
        central.setObjectName("central")
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = StatusBarWidget(context.connectivity, self)
        self.statusBar().addPermanentWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(True)
        self.status.follow_sync(self.scheduler)
        self._build_actions()
        self.navigation.currentRowChanged.connect(self.show_page)
        self.tasks_page.task_opened.connect(self.open_task)
        context.tasks.busy_changed.connect(self.status.set_busy)
        context.tasks.quiet_progress.connect(self.status.show_progress)
        context.connectivity.changed.connect(self._refresh_pending)
        self.scheduler.finished.connect(self._sync_finished)
        self.scheduler.revoked.connect(self._revoked)
        self.sync_page.records_changed.connect(self._records_changed)
        self.pending_timer = QTimer(self)
        self.pending_timer.setInterval(PENDING_REFRESH_MS)
        self.pending_timer.timeout.connect(self._refresh_pending)
        self._listener = follow_language(self, self.retranslate)
        self.retranslate()
        self._restore_layout()
        self.navigation.setCurrentRow(0)

    # ------------------------------------------------------------------ set-up

    def _action(
        self, icon_name: str | None, shortcut: QKeySequence | QKeySequence.StandardKey | str | None
    ) -> QAction:
        action = QAction(self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def _build_actions(self) -> None:
        self.lock_action = self._action("lock", "Ctrl+L")
        self.lock_action.triggered.connect(self.lock_requested.emit)
        self.settings_action = self._action("settings", QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        self.quit_action = self._action(None, QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.refresh_action = self._action("refresh", QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(lambda: self.current_page().reload())
        self.integrity_action = self._action("integrity", None)
        self.integrity_action.triggered.connect(self.check_integrity)
        self.about_action = self._action(None, None)
        self.about_action.triggered.connect(self.open_about)
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addActions([self.lock_action, self.settings_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.tools_menu = bar.addMenu("")
        self.tools_menu.addActions([self.refresh_action, self.integrity_action])
        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.about_action)

    def _restore_layout(self) -> None:
        geometry = self.context.settings.get(settings.WINDOW_GEOMETRY)
        if not geometry or not self.restoreGeometry(QByteArray(geometry)):
            self.resize(1360, 820)
        state = self.context.settings.get(settings.WINDOW_STATE)
        if state:
            self.restoreState(QByteArray(state))

    # ---------------------------------------------------------------- language

    def retranslate(self) -> None:
        """Re-read every text of the window and its pages."""
        info = self.context.profile.info
        self.setWindowTitle(_("{name} — Fund Inspector").format(name=info.display_name))
        self.file_menu.setTitle(_("&File"))
        self.tools_menu.setTitle(_("&Tools"))
        self.help_menu.setTitle(_("&Help"))
        self.lock_action.setText(_("&Lock and switch profile…"))
        self.settings_action.setText(_("&Settings…"))
        self.quit_action.setText(_("&Quit"))
        self.refresh_action.setText(_("&Refresh page"))
        self.integrity_action.setText(_("Check database &integrity…"))
        self.about_action.setText(_("&About Fund Inspector"))
        for page in self.pages:
            page.retranslate()
        self.navigation.set_texts([page.title() for page in self.pages])
        self.status.retranslate()
        self.status.set_user(
            _("{name} ({username}) · {role}").format(
                name=info.display_name, username=info.username, role=user_role_label(info.role)
            )
        )

    # -------------------------------------------------------------- navigation

    def current_page(self) -> BasePage:
        """The page on screen."""
        return self.pages[self.stack.currentIndex()]

    def show_page(self, row: int) -> None:
        """Bring page ``row`` to the front and load it if needed."""
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            if self.isVisible():
                self.pages[row].activate()

    def open_task(self, task_id: str) -> None:
        """Show ``task_id`` on the Current inspection page."""
        self.inspection_page.show_task(task_id)
        self.navigation.setCurrentRow(self.pages.index(self.inspection_page))

    # ------------------------------------------------------------ life cycle

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_show:
            self._first_show = False
            # After the first paint: the window must never wait for data.
            QTimer.singleShot(0, self._after_first_show)

    def _after_first_show(self) -> None:
        self.current_page().activate()
        self._load_server_url()
        self.pending_timer.start()

    def _load_server_url(self) -> None:
        from inspector_app.services.profile_settings import read_profile_setting

        profile = self.context.profile

        def work(_progress: Progress) -> str:
            return read_profile_setting(profile=profile, setting=settings.SERVER_URL)

        Operation(work, label=_("Reading settings")).success(self.set_server_url).owned_by(
            self
        ).run_in_background(self.context.tasks)

    def set_server_url(self, url: str) -> None:
        """Use ``url`` as the sync server (empty: none) and probe it."""
        self.server_url = url
        self.context.connectivity.set_server(url)
        self.sync_page.mark_stale()

    def _refresh_pending(self) -> None:
        from inspector_app.services.sync_status import pending_change_count

        profile = self.context.profile
        if self.context.tasks.is_shut_down:
            return

        def work(_progress: Progress) -> int:
            return pending_change_count(profile=profile)

        def counted(count: int) -> None:
            self.status.set_pending(count)
            self.scheduler.note_pending(count)

        Operation(work, label=_("Counting pending changes")).success(counted).failure(
            error_report.log_error
        ).owned_by(self).run_in_background(self.context.tasks)

    # ------------------------------------------------------------------ sync

    def _sync_finished(self, run: SyncRun) -> None:
        """A run ended: recount what waits, and let pages show what it brought."""
        if run.report.revoked:
            return
        self._refresh_pending()
        if run.report.pulled:
            self._records_changed()

    def _records_changed(self) -> None:
        """Local records changed outside the pages (a pull, a resolved conflict)."""
        for page in self.pages:
            if page is not self.sync_page:
                page.mark_stale()

    def _revoked(self) -> None:
        """The server revoked the user or this device; the engine destroyed the keys.

        Nothing may touch the profile any more: stop every timer and probe, close the window
        (the shell then closes the profile and shows the login, which marks it revoked) and
        say why in a notice that outlives the window.
        """
        self.scheduler.stop()
        self.pending_timer.stop()
        self.context.connectivity.stop()
        self.context.tasks.cancel_all()
        for widget in (self.navigation, self.stack, self.menuBar()):
            widget.setEnabled(False)
        self.lock_requested.emit()
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            _("Access revoked"),
            _(
                "The central server revoked your account or this computer. The profile "
                "“{name}” was closed and its key destroyed: its data can no longer be opened "
                "on this computer, with any password. Changes not yet sent are lost. Contact "
                "your administrator."
            ).format(name=self.context.profile.info.display_name),
            QMessageBox.StandardButton.Ok,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        _NOTICES.append(box)
        box.finished.connect(lambda _result: _NOTICES.remove(box))
        box.show()  # after the lock: above the login the shell shows next
        self.revocation_notice = box

    def closeEvent(self, event: QCloseEvent) -> None:
        self.context.settings.set(settings.WINDOW_GEOMETRY, bytes(self.saveGeometry().data()))
        self.context.settings.set(settings.WINDOW_STATE, bytes(self.saveState().data()))
        self.context.settings.sync()
        self.pending_timer.stop()
        self.scheduler.stop()
        self.context.connectivity.stop()
        # The window owns the session's work: nothing it started may outlive it.
        self.context.tasks.cancel_all()
        self.context.tasks.wait_idle()
        i18n.remove_listener(self._listener)
        super().closeEvent(event)
        self.closed.emit()

    # ------------------------------------------------------------------ dialogs

    def open_settings(self) -> None:
        """File → Settings."""
        from ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self.server_url, self)
        dialog.server_url_saved.connect(self.set_server_url)
        dialog.open()

    def open_about(self) -> None:
        """Help → About."""
        from ui.dialogs.about_dialog import AboutDialog

        AboutDialog(self).open()

    def show_message(self, kind: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        """A window-modal message that does not block the event loop (kept for tests)."""
        box = QMessageBox(kind, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_message = box
        return box

    def check_integrity(self) -> None:
        """Tools → Check database integrity, with a cancellable progress dialog."""
        from inspector_app.services.maintenance import IntegrityReport, check_integrity

        profile = self.context.profile
        self.integrity_action.setEnabled(False)

        def work(progress: Progress) -> IntegrityReport:
            return check_integrity(profile, progress=progress)

        def finished(report: IntegrityReport) -> None:
            self.integrity_action.setEnabled(True)
            self.show_message(
                QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning,
                _("Database integrity"),
                "\n".join(report.lines()),
            )

        def cancelled() -> None:
            self.integrity_action.setEnabled(True)
            self.statusBar().showMessage(_("Integrity check cancelled."), 5000)

        def failed(error: BaseException) -> None:
            self.integrity_action.setEnabled(True)
            error_report.report(error)

        operation: Operation[Any] = Operation(work, label=_("Checking database integrity…"))
        operation.success(finished).failure(failed).on_cancelled(cancelled).with_dialog(
            self
        ).owned_by(self).run_in_background(self.context.tasks)
        self.integrity_operation = operation
