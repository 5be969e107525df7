"""Bring the server database to this release's schema, through Alembic only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SETUP_LOCK_KEY = 0x46494E53  # "FINS": the PostgreSQL advisory lock of database set-up


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@contextlib.contextmanager
def setup_lock(engine: Engine) -> Iterator[None]:
    """Hold the database's set-up lock: one process at a time migrates and seeds.

    Replicas started together against a new PostgreSQL database would otherwise all create
    the same tables and rows, and all but one would fail to start. The lock is an advisory
    lock of the session, so it goes away with a process that dies holding it. SQLite needs
    none: it is one process's database (``--workers`` sets it up before the workers start).
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SETUP_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SETUP_LOCK_KEY})
            connection.commit()


def upgrade(engine: Engine) -> None:
    """Upgrade to head in one transaction (a no-op when already there)."""
    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def alembic_head() -> str:
    """The newest revision on disk."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError("no server migrations found")
    return head
