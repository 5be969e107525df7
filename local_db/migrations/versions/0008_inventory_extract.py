"""Inventory extracts: a 进销存 load's movements as one synced blob.

Revision ID: 0008_inventory_extract
Revises: 0007_settlement_extract
Create Date: 2026-11-24 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_inventory_extract"
down_revision = "0007_settlement_extract"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inventory_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extract_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("extract_size", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("inventory_batch", schema=None) as batch_op:
        batch_op.drop_column("extract_size")
        batch_op.drop_column("extract_sha256")
