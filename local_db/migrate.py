"""Bring a profile database to the schema this release expects, through Alembic only.

Opening a profile checks the stored revision with one cheap query; Alembic (and its parsing
of every revision file) is imported only when there is something to migrate, which keeps
start-up fast on an up-to-date database.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# The newest revision in migrations/versions; a test keeps it equal to Alembic's head.
HEAD_REVISION = "0008_inventory_extract"


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in the database, or None for an empty one."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (default: head) in one transaction."""
    with engine.begin() as connection:
        if revision == "head" and current_revision(connection) == HEAD_REVISION:
            return
        from alembic import command

        command.upgrade(_alembic_config(connection), revision)  # type: ignore[arg-type]


def alembic_head() -> str:
    """The head revision according to the scripts on disk (tests compare it with HEAD)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head
