"""Network faults and killed laptops for the sync convergence test, in the HTTP transport.

The server stays real: a fault either keeps a request from reaching it, or lets the server
answer (and commit) and then loses the answer on the way back, as a cut connection would.
A *kill* makes every later request of the run fail too, so the engine stops where a killed
process would have stopped: after whatever it had committed locally, before the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import httpx


class Target(StrEnum):
    """Which kind of request the fault hits."""

    PUSH = "push"
    PULL = "pull"
    UPLOAD = "upload"
    DOWNLOAD = "download"
    ANY = "any"


def _kind(request: httpx.Request) -> Target | None:
    path = request.url.path
    if path == "/v1/sync/push":
        return Target.PUSH
    if path == "/v1/sync/changes":
        return Target.PULL
    if path.startswith("/v1/blobs/"):
        return Target.UPLOAD if path.endswith("/upload") else Target.DOWNLOAD
    return None  # sign-in and version check: not interesting here


@dataclass(frozen=True)
class Fault:
    """The ``nth`` request of kind ``target`` fails; ``lose_answer``: after the server
    answered; ``kill``: and every request after it fails as well."""

    target: Target
    nth: int
    lose_answer: bool
    kill: bool


class FaultyTransport(httpx.BaseTransport):
    """A real HTTP transport that fails one chosen request (and, when killed, the rest)."""

    def __init__(self, fault: Fault, inner: httpx.HTTPTransport) -> None:
        self.fault = fault
        self.inner = inner
        self.seen = 0
        self.fired = False
        self.dead = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.dead:
            raise httpx.ConnectError("the laptop was switched off", request=request)
        kind = _kind(request)
        hit = kind is not None and self.fault.target in (kind, Target.ANY)
        if hit and not self.fired and self.seen == self.fault.nth:
            self.fired = True
            self.dead = self.fault.kill
            if not self.fault.lose_answer:
                raise httpx.ConnectError("the request was lost", request=request)
            response = self.inner.handle_request(request)
            response.read()
            response.close()
            raise httpx.ReadError("the answer was lost", request=request)
        if hit:
            self.seen += 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
