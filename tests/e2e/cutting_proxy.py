"""A TCP proxy on 127.0.0.1 that cuts or holds chosen HTTP requests (sync fault tests).

The fault tests must interrupt a sync at an exact point (the push reached the server, the
server answered but the client has not heard it, the third chunk of an upload is half
sent) and then kill the client, kill the server or just drop the connection. Sleeping and
hoping the moment has come is flaky; this proxy instead *traps* the n-th request whose
request line starts with a given prefix, stops it at a chosen point, signals the test and
waits until the test lets it go (forward it) or drops it (close both connections).

Every forwarded request is rewritten to ``Connection: close``, so one TCP connection
carries one request and the answer is simply everything the server sends until it closes.
What passed is kept in :attr:`CuttingProxy.passed` (request line, headers, bytes of body
and answer forwarded), so a test can tell where an upload resumed and how much was resent.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from enum import Enum
from types import TracebackType

_READ = 64 * 1024
_HEAD_LIMIT = 64 * 1024
_UPSTREAM_TIMEOUT = 60.0
# A trap nobody releases lets go by itself after this long, so no thread hangs forever.
_HOLD_LIMIT = 60.0


class Point(Enum):
    """Where a trapped request stops."""

    BEFORE_FORWARD = "before forward"
    """The whole request is in the proxy; nothing of it reached the server."""
    MID_BODY = "mid body"
    """The head and ``body_bytes`` of the body reached the server, the rest did not."""
    FORWARDED = "forwarded"
    """The whole request reached the server; its answer has not been read."""
    AFTER_RESPONSE = "after response"
    """The server's whole answer is in the proxy; the client has received none of it."""
    MID_RESPONSE = "mid response"
    """The client received the first ``response_bytes`` of the answer."""


@dataclass
class Trap:
    """Stop the ``occurrence``-th request whose request line starts with ``prefix``.

    ``hold`` False drops the connection at the point at once (a cut); True waits for
    :meth:`release`. ``times`` > 1 traps that many matching requests in a row.
    """

    prefix: str
    point: Point
    occurrence: int = 1
    body_bytes: int = 0
    response_bytes: int = 0
    hold: bool = True
    times: int = 1
    hit: threading.Event = field(default_factory=threading.Event)
    forwarded: threading.Event = field(default_factory=threading.Event)
    """Set once a trapped request has reached the server whole."""
    finished: threading.Event = field(default_factory=threading.Event)
    """Set once the proxy is done with a trapped request and has recorded it."""
    fired: int = 0
    _seen: int = 0
    _released: threading.Event = field(default_factory=threading.Event)
    _drop: bool = True

    def matches(self, request_line: str) -> bool:
        """Count a request; True when this one is trapped (the caller holds the lock)."""
        if not request_line.startswith(self.prefix) or self.fired >= self.times:
            return False
        self._seen += 1
        if self._seen < self.occurrence:
            return False
        self.fired += 1
        return True

    def wait_hit(self, timeout: float = 30.0) -> None:
        """Block until the trap has caught its request (fails the test after ``timeout``)."""
        if not self.hit.wait(timeout):
            raise AssertionError(f"no request {self.prefix!r} reached {self.point.value}")

    def release(self, *, drop: bool) -> None:
        """Let the held request go: ``drop`` closes both connections, else it continues."""
        self._drop = drop
        self._released.set()

    def _stop_here(self) -> bool:
        """Signal the test, wait if held; True when the connection must be dropped."""
        self.hit.set()
        if not self.hold:
            return True
        self._released.wait(_HOLD_LIMIT)
        return self._drop


@dataclass(frozen=True)
class Passed:
    """One request the proxy saw: what reached the server and what reached the client."""

    method: str
    target: str
    headers: dict[str, str]
    body_forwarded: int
    response_forwarded: int
    trapped: bool


class _Dropped(Exception):
    """The trap (or a vanished peer) ended this request."""


class CuttingProxy:
    """Listens on 127.0.0.1 (a free port); forwards to ``upstream`` on 127.0.0.1."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.passed: list[Passed] = []
        self._traps: list[Trap] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The address clients use instead of the server's."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def trap(
        self,
        prefix: str,
        point: Point,
        *,
        occurrence: int = 1,
        body_bytes: int = 0,
        response_bytes: int = 0,
        hold: bool = True,
        times: int = 1,
    ) -> Trap:
        """Arm a trap (see :class:`Trap`); requests already seen do not count."""
        trap = Trap(prefix, point, occurrence, body_bytes, response_bytes, hold, times)
        with self._lock:
            self._traps.append(trap)
        return trap

    def clear(self) -> None:
        """Disarm every trap (held requests are dropped) and forget what passed."""
        with self._lock:
            traps, self._traps = self._traps, []
            self.passed.clear()
        for trap in traps:
            trap.release(drop=True)

    def requests(self, prefix: str) -> list[Passed]:
        """The requests seen so far whose ``METHOD target`` starts with ``prefix``."""
        with self._lock:
            return [p for p in self.passed if f"{p.method} {p.target}".startswith(prefix)]

    def close(self) -> None:
        """Drop held requests and stop listening."""
        self.clear()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> CuttingProxy:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _match(self, request_line: str) -> Trap | None:
        with self._lock:
            for trap in self._traps:
                if trap.matches(request_line):
                    return trap
        return None

    def _record(self, entry: Passed) -> None:
        with self._lock:
            self.passed.append(entry)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    proxy: CuttingProxy


def _read_head(conn: socket.socket) -> tuple[bytes, bytes]:
    """The request head (up to the blank line) and whatever body bytes came with it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(_READ)
        if not chunk:
            raise _Dropped
        data += chunk
        if len(data) > _HEAD_LIMIT:
            raise _Dropped
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _parse(head: bytes) -> tuple[str, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", ""):
        raise _Dropped  # the sync client always sends a Content-Length
    return method, target, headers


def _rewritten(head: bytes) -> bytes:
    """The head with ``Connection: close``: one request per connection."""
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


class _Handler(socketserver.BaseRequestHandler):
    request: socket.socket
    server: _Server
    _upstream: socket.socket | None = None

    def handle(self) -> None:
        try:
            self._relay()
        except (_Dropped, OSError):
            pass  # a dropped or vanished peer ends the request; that is the point
        finally:
            _abort(self.request)
            if self._upstream is not None:
                _abort(self._upstream)

    def _relay(self) -> None:
        proxy = self.server.proxy
        client = self.request
        head, body = _read_head(client)
        method, target, headers = _parse(head)
        length = int(headers.get("content-length", "0"))
        trap = proxy._match(f"{method} {target}")
        point = trap.point if trap else None
        sent = received = 0
        try:
            if trap is not None and point is Point.BEFORE_FORWARD:
                body = _read_body(client, body, length)
                if trap._stop_here():
                    return
            self._upstream = socket.create_connection(
                ("127.0.0.1", proxy.upstream_port), timeout=_UPSTREAM_TIMEOUT
            )
            self._upstream.sendall(_rewritten(head))
            limit = length
            if trap is not None and point is Point.MID_BODY:
                limit = min(length, trap.body_bytes)
            sent = _forward_body(client, self._upstream, body, limit)
            if trap is not None and sent == length:
                trap.forwarded.set()
            if trap is not None and point is Point.MID_BODY:
                trap._stop_here()  # the rest of the body never follows
                return
            if trap is not None and point is Point.FORWARDED and trap._stop_here():
                return
            received = self._answer(self._upstream, trap)
        finally:
            proxy._record(Passed(method, target, headers, sent, received, trap is not None))
            if trap is not None:
                trap.finished.set()

    def _answer(self, upstream: socket.socket, trap: Trap | None) -> int:
        """Relay the server's answer (until it closes); a trap may stop it part-way."""
        client = self.request
        if trap is not None and trap.point is Point.AFTER_RESPONSE:
            answer = _read_to_end(upstream)
            if trap._stop_here():
                return 0
            client.sendall(answer)
            return len(answer)
        budget = None
        if trap is not None and trap.point is Point.MID_RESPONSE:
            budget = trap.response_bytes
        relayed = 0
        while chunk := upstream.recv(_READ):
            if trap is not None and budget is not None and relayed + len(chunk) >= budget:
                client.sendall(chunk[: budget - relayed])
                trap._stop_here()  # the rest of the answer never follows
                return budget
            client.sendall(chunk)
            relayed += len(chunk)
        return relayed


def _read_body(client: socket.socket, body: bytes, length: int) -> bytes:
    while len(body) < length:
        chunk = client.recv(_READ)
        if not chunk:
            raise _Dropped
        body += chunk
    return body


def _forward_body(client: socket.socket, upstream: socket.socket, body: bytes, limit: int) -> int:
    """Send the first ``limit`` body bytes upstream; returns how many were sent."""
    sent = 0
    pending = body
    while True:
        if pending:
            part = pending[: limit - sent]
            upstream.sendall(part)
            sent += len(part)
            pending = b""
        if sent >= limit:
            return sent
        pending = client.recv(_READ)
        if not pending:
            raise _Dropped


def _read_to_end(conn: socket.socket) -> bytes:
    data = bytearray()
    while chunk := conn.recv(_READ):
        data += chunk
    return bytes(data)


def _abort(conn: socket.socket) -> None:
    """Close both directions now: the peer sees the line go dead, mid-message or not."""
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)
    conn.close()
