"""The status bar's permanent pieces: connection, sync, pending changes, user, progress."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from inspector_app.i18n import _, ngettext
from ui import formatting
from ui.connectivity import ConnectivityMonitor, Reachability
from ui.icons import icon
from ui.sync_scheduler import SyncScheduler, SyncState

_STATE_ICONS = {
    Reachability.ONLINE: "status-online",
    Reachability.OFFLINE: "status-offline",
    Reachability.CHECKING: "status-unknown",
    Reachability.NO_SERVER: "status-unknown",
}


class StatusBarWidget(QWidget):
    """Permanent status-bar content; the owner feeds it counts and user names."""

    def __init__(self, connectivity: ConnectivityMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connectivity = connectivity
        self.scheduler: SyncScheduler | None = None
        self.pending: int | None = None
        self.user_text = ""
        self._busy_label = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.setSpacing(16)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("statusProgress")
        self.progress.setFixedWidth(120)
        self.progress.setFixedHeight(12)
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.connection_icon = QLabel(self)
        self.connection_label = QLabel(self)
        self.sync_label = QLabel(self)
        self.sync_label.setObjectName("statusSync")
        self.pending_label = QLabel(self)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("statusUser")
        layout.addWidget(self.progress)
        connection = QHBoxLayout()
        connection.setSpacing(4)
        connection.addWidget(self.connection_icon)
        connection.addWidget(self.connection_label)
        layout.addLayout(connection)
        layout.addWidget(self.sync_label)
        layout.addWidget(self.pending_label)
        layout.addStretch(1)
        layout.addWidget(self.user_label)
        connectivity.changed.connect(self.retranslate)
        self.retranslate()

    def follow_sync(self, scheduler: SyncScheduler) -> None:
        """Show ``scheduler``'s state (syncing, synced, failed, sign-in needed)."""
        self.scheduler = scheduler
        scheduler.state_changed.connect(self.retranslate)
        self.retranslate()

    def set_pending(self, count: int | None) -> None:
        """Number of changes waiting for sync (None: not known yet)."""
        self.pending = count
        self.retranslate()

    def set_user(self, text: str) -> None:
        """Who is working, already formatted and translated."""
        self.user_text = text
        self.user_label.setText(text)

    def set_busy(self, count: int, label: str) -> None:
        """Show the compact bar while ``count`` quiet background jobs run."""
        self._busy_label = label
        self.progress.setVisible(count > 0)
        self.progress.setRange(0, 0)
        self.progress.setToolTip(label)

    def show_progress(self, done: int, total: int | None, label: str) -> None:
        """A determinate report from a quiet job."""
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.progress.setToolTip(label)

    def retranslate(self) -> None:
        """Re-read texts; also called when the connection state changes."""
        monitor = self.connectivity
        self.connection_icon.setPixmap(icon(_STATE_ICONS[monitor.state]).pixmap(12, 12))
        self.connection_label.setText(monitor.status_text())
        tooltip = monitor.server_url or _("No sync server is configured (File → Settings).")
        if monitor.detail:
            tooltip = f"{tooltip}\n{monitor.detail}"
        self.connection_label.setToolTip(tooltip)
        self._render_sync()
        if self.pending is None:
            self.pending_label.setText("")
        else:
            self.pending_label.setText(
                ngettext(
                    "{n} change waiting for sync", "{n} changes waiting for sync", self.pending
                ).format(n=formatting.count(self.pending))
            )

    def _render_sync(self) -> None:
        scheduler = self.scheduler
        state = scheduler.state if scheduler is not None else SyncState.IDLE
        run = scheduler.last_run if scheduler is not None else None
        when = run.finished_at.astimezone().strftime("%H:%M") if run is not None else ""
        texts = {
            SyncState.IDLE: "",
            SyncState.RUNNING: _("Syncing…"),
            SyncState.SYNCED: _("Synced at {time}").format(time=when),
            SyncState.FAILED: _("Sync failed"),
            SyncState.SIGN_IN: _("Sign in to sync"),
        }
        self.sync_label.setText(texts[state])
        tooltip = ""
        if state is SyncState.FAILED and run is not None and run.report.failures:
            tooltip = run.report.failures[0]
        elif state is SyncState.SIGN_IN:
            tooltip = _("Open the Sync page and press Sync now to sign in to the server.")
        self.sync_label.setToolTip(tooltip)
