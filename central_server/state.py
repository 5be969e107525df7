"""What one running server instance holds: its database, blob store and clock."""

from __future__ import annotations

import asyncio
import threading
import uuid
import weakref
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from central_server.blobs.store import BlobStore, open_store
from central_server.config import DEFAULT_OFFLINE_GRANT_DAYS, ServerConfig
from central_server.db import migrate
from central_server.db.engine import make_engine, make_sessions
from central_server.db.models import FeedCounter, ServerMeta
from central_server.sync.feed import EPOCH_KEY
from inspector_app.sync.hlc import HybridClock

OFFLINE_GRANT_KEY = "offline_grant_days"


@dataclass
class ServerState:
    """Shared by every request of one process (several processes share only DB and store)."""

    config: ServerConfig
    engine: Engine
    sessions: sessionmaker[Session]
    store: BlobStore
    clock: HybridClock
    _clock_lock: threading.Lock = field(default_factory=threading.Lock)
    _write_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = field(
        default_factory=weakref.WeakKeyDictionary
    )

    def write_gate(self) -> asyncio.Lock:
        """The lock pushes queue on, on the event loop, before they take a worker thread.

        Pushes write one after another anyway: every batch takes the next feed number, so its
        transaction holds the counter row (PostgreSQL) or the database's one write lock
        (SQLite). Waiting for that inside a worker thread kept the thread, and SQLite's busy
        handler polls (sleeping up to 100 ms), so with 200 clients pulls queued behind
        sleeping pushes. One lock per event loop: the test client runs its own loop.
        """
        loop = asyncio.get_running_loop()
        gate = self._write_gates.get(loop)
        if gate is None:
            gate = self._write_gates[loop] = asyncio.Lock()
        return gate

    def stamp(self) -> str:
        """A server clock stamp (for conflict records)."""
        with self._clock_lock:
            return self.clock.now()

    def observe(self, stamp: str) -> None:
        """Move the server clock past a client's stamp."""
        with self._clock_lock:
            self.clock.observe(stamp)

    def offline_grant_days(self) -> int:
        """How long the organisation lets a laptop work without contacting the server."""
        with self.sessions() as session:
            row = session.get(ServerMeta, OFFLINE_GRANT_KEY)
            return int(row.value) if row else DEFAULT_OFFLINE_GRANT_DAYS


def initialise(engine: Engine, sessions: sessionmaker[Session]) -> None:
    """Migrate, then create the epoch and the feed counter of a new database.

    Under the set-up lock, so replicas starting together do it once between them.
    """
    with migrate.setup_lock(engine):
        migrate.upgrade(engine)
        _create_epoch_and_counter(sessions)


def _create_epoch_and_counter(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        if session.get(ServerMeta, EPOCH_KEY) is None:
            session.add(ServerMeta(key=EPOCH_KEY, value=str(uuid.uuid4())))
        if session.scalar(select(FeedCounter).where(FeedCounter.id == 1)) is None:
            session.add(FeedCounter(id=1, seq=0))


def open_state(config: ServerConfig) -> ServerState:
    """Connect, migrate and get ready to serve."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.database_url)
    sessions = make_sessions(engine)
    initialise(engine, sessions)
    store = open_store(config.blob_location, config.s3_endpoint_url)
    return ServerState(config, engine, sessions, store, HybridClock(config.replica_id))
