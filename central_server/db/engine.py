"""Engines for the server database: SQLite (embedded default) or PostgreSQL (production).

SQLite runs in WAL mode with a busy timeout, so readers never wait for the one writer and a
writer waits its turn instead of failing. Every write transaction starts with the feed
counter's update (``sync.feed.next_seq``), which on SQLite takes the write lock before any
read, so two pushes can never deadlock on a lock upgrade.

On PostgreSQL that update takes the counter row's lock, and a push waiting for it must then
see everything the push before it committed: READ COMMITTED does that (each statement reads
the newest commits). The engine asks for it explicitly, because under a stricter default a
DBA may have set (REPEATABLE READ, SERIALIZABLE) the waiting push fails with a serialisation
error instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30_000


def sqlite_url(data_dir: Path) -> str:
    """The embedded database inside the server's data folder."""
    return f"sqlite:///{data_dir / 'server.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the pragmas and pool the server needs."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
    )


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (responses are built after)."""
    return sessionmaker(engine, expire_on_commit=False)
