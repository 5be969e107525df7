"""Columns copied from synced records' fields lose their length limits.

The server copies a few values out of a record's fields into indexed columns (a region code,
a team membership's task, inspector and role, an inspector's staff code). The desktop puts no
length on them that the server can rely on (a team role ``social_supervisor`` already has 17
characters for a VARCHAR(16)); PostgreSQL refuses an overlong value and the whole push failed
with a server error, while SQLite, which ignores VARCHAR lengths, kept it. Hence TEXT.

SQLite ignores declared lengths and cannot alter a column's type without copying the table
(the record table, referenced by blob_ref), so there the schema stays as it was: it already
behaves like TEXT.

Revision ID: 0002_unbounded_copied_fields
Revises: 0001_initial
Create Date: 2026-11-24 04:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_unbounded_copied_fields"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# table, column, length before, nullable
COLUMNS = (
    ("record", "region_code", 12, True),
    ("task_member", "task_id", 64, False),
    ("task_member", "inspector_id", 64, False),
    ("task_member", "role", 16, False),
    ("inspector_code", "staff_code", 32, False),
)


def _lengths_are_enforced() -> bool:
    return op.get_bind().dialect.name != "sqlite"


def _retype(*, unbounded: bool) -> None:
    """Each column to TEXT (``unbounded``) or back to its old VARCHAR length."""
    if not _lengths_are_enforced():
        return
    for table, column, length, nullable in COLUMNS:
        bounded, text = sa.String(length=length), sa.Text()
        op.alter_column(
            table,
            column,
            type_=text if unbounded else bounded,
            existing_type=bounded if unbounded else text,
            existing_nullable=nullable,
        )


def upgrade() -> None:
    _retype(unbounded=True)


def downgrade() -> None:
    _retype(unbounded=False)  # refused, not truncated, where a longer value is stored
