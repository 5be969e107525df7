"""Settlement extracts: a batch's rows as one synced blob, and batches prepared for a task.

Revision ID: 0007_settlement_extract
Revises: 0006_sync
Create Date: 2026-11-24 07:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_settlement_extract"
down_revision = "0006_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("settlement_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("extract_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("extract_size", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(batch_op.f("ix_settlement_batch_task_id"), ["task_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_settlement_batch_task_id_inspection_task"),
            "inspection_task",
            ["task_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("settlement_batch", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_settlement_batch_task_id_inspection_task"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_settlement_batch_task_id"))
        batch_op.drop_column("extract_size")
        batch_op.drop_column("extract_sha256")
        batch_op.drop_column("task_id")
