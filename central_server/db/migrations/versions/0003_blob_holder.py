"""Who proved holding a blob's bytes (uploaded them in full), per user.

Revision ID: 0003_blob_holder
Revises: 0002_unbounded_copied_fields
Create Date: 2026-11-24 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central_server.db.models

revision = "0003_blob_holder"
down_revision = "0002_unbounded_copied_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blob_holder",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("uploaded_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blob.sha256"], name=op.f("fk_blob_holder_sha256_blob")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_blob_holder_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("sha256", "user_id", name=op.f("pk_blob_holder")),
    )


def downgrade() -> None:
    op.drop_table("blob_holder")
