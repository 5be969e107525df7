"""Alembic environment of the server database (run through ``central_server.db.migrate``)."""

from __future__ import annotations

from alembic import context

from central_server.db.models import ServerBase

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=ServerBase.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
