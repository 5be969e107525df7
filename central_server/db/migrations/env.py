"""Alembic environment of the server database (run through ``central_server.db.migrate``)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import String

from central_server.db.models import ServerBase


def _compare_type(
    migration: Any, _inspected: Any, _column: Any, inspected: Any, metadata: Any
) -> bool | None:
    """On SQLite a string is a string: it ignores VARCHAR lengths, so migration 0002 left
    them there; everywhere else (and for other types) Alembic compares as usual."""
    if migration.dialect.name == "sqlite" and isinstance(inspected, String):
        return not isinstance(metadata, String)
    return None


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=ServerBase.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=_compare_type,
)
with context.begin_transaction():
    context.run_migrations()
