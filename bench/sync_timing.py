"""Where a sync run's time goes: the real engine and client, with stopwatches around them.

:class:`TimedClient` times every request by endpoint; :class:`TimedEngine` times the phases
of :meth:`SyncEngine.run` (connect, push, pull, link). Both only wrap the real methods, so
what is measured is the code that ships. The blob check at the end of a pull (every
evidence original the profile's records name, looked up in the local store) runs inside
the pull phase; :func:`blob_check` runs the same statements alone to size it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

import httpx
from sqlalchemy import select

from bench.common import Stopwatch
from inspector_app.profiles import OpenProfile
from inspector_app.sync import blobs
from inspector_app.sync.client import SyncClient
from inspector_app.sync.engine import SyncEngine, SyncReport
from local_db.models import EvidenceItem, IssuedDocument


def endpoint(method: str, path: str) -> str:
    """The route a request went to, without ids (``PATCH /v1/blobs/{sha}/upload``)."""
    if path.startswith("/v1/blobs/"):
        path = "/v1/blobs/{sha}" + ("/upload" if path.endswith("/upload") else "")
    return f"{method} {path}"


class TimedClient(SyncClient):
    """The real sync client; adds up seconds and counts requests per endpoint."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.requests: defaultdict[str, int] = defaultdict(int)
        self.durations: defaultdict[str, list[float]] = defaultdict(list)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        name = endpoint(method, path)
        started = time.perf_counter()
        try:
            return super()._request(method, path, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            self.seconds[name] += elapsed
            self.requests[name] += 1
            self.durations[name].append(elapsed)

    def http_seconds(self, *names: str) -> float:
        """Seconds spent in requests to the named endpoints (all when none named)."""
        return sum(s for name, s in self.seconds.items() if not names or name in names)


class TimedEngine(SyncEngine):
    """The real engine; times each phase of a run."""

    PHASES = ("_connect", "_sign_in", "_push", "_pull", "_link_inspector")

    def __init__(self, profile: OpenProfile, server_url: str, *, password: str) -> None:
        # A phase renamed in the engine would silently read 0 s here: refuse instead.
        missing = [name for name in self.PHASES if name not in vars(SyncEngine)]
        if missing:
            raise RuntimeError(f"SyncEngine no longer has {missing}: update bench/sync_timing")
        self.timed = TimedClient(server_url)
        super().__init__(profile, server_url, password=password, client=self.timed)
        self.phases: defaultdict[str, Stopwatch] = defaultdict(Stopwatch)

    def seconds(self, phase: str) -> float:
        """Seconds spent in ``phase`` (``run``, ``connect``, ``sign_in``, ``push``, …)."""
        return self.phases[phase].seconds

    def run(self) -> SyncReport:
        with self.phases["run"].running():
            return super().run()

    def _connect(self, *, fresh_sign_in: bool = False) -> None:
        with self.phases["connect"].running():
            super()._connect(fresh_sign_in=fresh_sign_in)

    def _sign_in(self, *, force_refresh: bool = False) -> None:
        with self.phases["sign_in"].running():
            super()._sign_in(force_refresh=force_refresh)

    def _push(self) -> None:
        with self.phases["push"].running():
            super()._push()

    def _pull(self) -> None:
        with self.phases["pull"].running():
            super()._pull()

    def _link_inspector(self) -> None:
        with self.phases["link"].running():
            super()._link_inspector()


def blob_check(profile: OpenProfile) -> int:
    """What the end of every pull does: every original named, looked up locally; missing."""
    with profile.read_session() as session:
        wanted = set(session.scalars(select(EvidenceItem.sha256)))
        wanted |= set(session.scalars(select(IssuedDocument.sha256)))
    return sum(not blobs.has_local(profile, sha) for sha in sorted(wanted))
