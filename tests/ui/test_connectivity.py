"""The server probe: online, offline, no server — asynchronous, shown in the status bar."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytestqt.qtbot import QtBot

from ui.connectivity import ConnectivityMonitor, Reachability, health_url
from ui.main_window import MainWindow


class _Health(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = self.status if self.path == "/api/health" else 404
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    """A health endpoint on 127.0.0.1 (at /api/health)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def _url(httpd: ThreadingHTTPServer) -> str:
    host, port = httpd.server_address[:2]
    return f"http://{host!s}:{port}/api/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_health_url_joins_cleanly() -> None:
    assert health_url("https://x.cn/base/").toString() == "https://x.cn/base/health"


def test_reachable_server_is_online(qtbot: QtBot, server: ThreadingHTTPServer) -> None:
    monitor = ConnectivityMonitor()
    monitor.set_server(_url(server))
    qtbot.waitUntil(lambda: monitor.state is Reachability.ONLINE, timeout=10_000)
    assert monitor.status_text() == "Online" and monitor.checked_at is not None
    monitor.stop()


def test_unreachable_server_is_offline(qtbot: QtBot) -> None:
    monitor = ConnectivityMonitor()
    monitor.set_server(f"http://127.0.0.1:{_free_port()}")
    assert monitor.state is Reachability.CHECKING
    qtbot.waitUntil(lambda: monitor.state is Reachability.OFFLINE, timeout=10_000)
    assert monitor.status_text() == "Offline — server not reachable"
    assert monitor.detail
    monitor.stop()


def test_server_error_counts_as_offline(
    qtbot: QtBot, server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_Health, "status", 503)
    monitor = ConnectivityMonitor()
    monitor.set_server(_url(server))
    qtbot.waitUntil(lambda: monitor.state is Reachability.OFFLINE, timeout=10_000)
    assert "503" in monitor.detail
    monitor.stop()


def test_no_server_means_offline_without_probing() -> None:
    monitor = ConnectivityMonitor()
    monitor.set_server("")
    assert monitor.state is Reachability.NO_SERVER and not monitor.is_active
    assert monitor.status_text() == "Offline — no server configured"


def test_status_bar_and_sync_page_follow_the_probe(
    qtbot: QtBot, window: MainWindow, server: ThreadingHTTPServer
) -> None:
    window.set_server_url(_url(server))
    qtbot.waitUntil(lambda: window.status.connection_label.text() == "Online", timeout=10_000)
    window.navigation.setCurrentRow(4)
    page = window.sync_page
    qtbot.waitUntil(lambda: page.server.values["state"].text() == "Online", timeout=10_000)
    assert page.server.values["address"].text() == _url(server)
    assert page.check_button.isEnabled()
    server.shutdown()
    server.server_close()
    page.check_button.click()
    qtbot.waitUntil(
        lambda: window.context.connectivity.state is Reachability.OFFLINE, timeout=10_000
    )
    assert "Offline" in window.status.connection_label.text()
