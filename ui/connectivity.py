"""Is the sync server reachable? Probed asynchronously, never blocking the GUI thread.

Every :data:`PROBE_INTERVAL_MS` (and on demand) a ``GET <server>/health`` goes out through
QtNetwork's event-driven QNetworkAccessManager, with a short transfer timeout: an offline
laptop in a hospital basement must learn "offline" in seconds, not wait for TCP to give up.
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from enum import StrEnum
from typing import ClassVar

import shiboken6
from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from inspector_app.i18n import _

PROBE_INTERVAL_MS = 30_000
PROBE_TIMEOUT_MS = 5_000
HEALTH_PATH = "/health"


class Reachability(StrEnum):
    """What the last probe found."""

    NO_SERVER = "no_server"
    CHECKING = "checking"
    ONLINE = "online"
    OFFLINE = "offline"


def health_url(server_url: str) -> QUrl:
    """``https://host/base`` → ``https://host/base/health``."""
    return QUrl(server_url.rstrip("/") + HEALTH_PATH)


class ConnectivityMonitor(QObject):
    """Probes the configured server's health endpoint and reports the state."""

    changed = Signal()
    _live: ClassVar[weakref.WeakSet[ConnectivityMonitor]] = weakref.WeakSet()

    def __init__(self, parent: QObject | None = None, interval_ms: int = PROBE_INTERVAL_MS):
        super().__init__(parent)
        self.server_url = ""
        self.state = Reachability.NO_SERVER
        self.detail = ""
        self.checked_at: datetime | None = None
        self._manager: QNetworkAccessManager | None = None
        self._reply: QNetworkReply | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.probe_now)
        ConnectivityMonitor._live.add(self)

    @classmethod
    def live_instances(cls) -> list[ConnectivityMonitor]:
        """Monitors not yet destroyed (the test fixture checks that none is left probing)."""
        return [m for m in cls._live if shiboken6.isValid(m)]

    def set_server(self, url: str) -> None:
        """Watch ``url`` (empty: no server) and probe it right away."""
        self.server_url = url.strip()
        self.checked_at = None
        self._abort()
        if not self.server_url:
            self._timer.stop()
            self._set(Reachability.NO_SERVER, "")
            return
        self._timer.start()
        self.probe_now()

    def probe_now(self) -> None:
        """Start a probe unless one is in flight or no server is configured."""
        if not self.server_url or self._reply is not None:
            return
        if self._manager is None:
            self._manager = QNetworkAccessManager(self)
        request = QNetworkRequest(health_url(self.server_url))
        request.setTransferTimeout(PROBE_TIMEOUT_MS)
        request.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute,
            QNetworkRequest.CacheLoadControl.AlwaysNetwork,
        )
        if self.checked_at is None or self.state is Reachability.NO_SERVER:
            self._set(Reachability.CHECKING, "")  # later probes keep the last answer shown
        reply = self._manager.get(request)
        reply.finished.connect(lambda: self._finished(reply))
        self._reply = reply

    def _finished(self, reply: QNetworkReply) -> None:
        if reply is not self._reply:
            reply.deleteLater()
            return
        self._reply = None
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        self.checked_at = datetime.now(UTC)
        if status == 200:
            self._set(Reachability.ONLINE, "")
        elif isinstance(status, int):
            self._set(
                Reachability.OFFLINE,
                _("The server answered with HTTP status {status}.").format(status=status),
            )
        else:
            self._set(Reachability.OFFLINE, reply.errorString())
        reply.deleteLater()

    def _set(self, state: Reachability, detail: str) -> None:
        self.state, self.detail = state, detail
        self.changed.emit()

    def _abort(self) -> None:
        reply, self._reply = self._reply, None
        if reply is not None and shiboken6.isValid(reply):
            reply.abort()
            reply.deleteLater()

    def stop(self) -> None:
        """Stop probing and abort a probe in flight (window closing)."""
        self._timer.stop()
        self._abort()

    @property
    def is_active(self) -> bool:
        """True while the periodic probe is scheduled or a probe is in flight."""
        return self._timer.isActive() or self._reply is not None

    def status_text(self) -> str:
        """One short, translated line for the status bar."""
        return {
            Reachability.NO_SERVER: _("Offline — no server configured"),
            Reachability.CHECKING: _("Checking connection…"),
            Reachability.ONLINE: _("Online"),
            Reachability.OFFLINE: _("Offline — server not reachable"),
        }[self.state]
