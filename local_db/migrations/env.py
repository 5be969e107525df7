"""Alembic environment: migrations always run on a connection the caller opened.

The profile database is encrypted, so Alembic cannot open it from a URL; ``local_db.migrate``
passes an open connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from local_db.base import Base
from local_db.models import __all__ as _models  # noqa: F401  (registers every table)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through local_db.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copy-and-move
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
