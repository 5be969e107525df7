"""The initial server schema: accounts, devices, tokens, records and their feed, blobs.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-24 02:58:16.404272
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import central_server.db.models

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("staff_code", sa.String(length=32), nullable=True),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("view_version", sa.Integer(), nullable=False),
        sa.Column("created_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.Column("revoked_at", central_server.db.models.UTCTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_staff_code"), ["staff_code"], unique=False)

    op.create_table(
        "applied_change",
        sa.Column("change_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("applied_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_applied_change")),
    )
    with op.batch_alter_table("applied_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applied_change_device_id"), ["device_id"], unique=False
        )

    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("stored_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blob")),
    )
    op.create_table(
        "feed_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_counter")),
    )
    op.create_table(
        "inspector_code",
        sa.Column("inspector_id", sa.String(length=64), nullable=False),
        sa.Column("staff_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("inspector_id", name=op.f("pk_inspector_code")),
    )
    with op.batch_alter_table("inspector_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspector_code_staff_code"), ["staff_code"], unique=False
        )

    op.create_table(
        "record",
        sa.Column("rid", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("clocks", sa.Text(), nullable=False),
        sa.Column("authors", sa.Text(), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("rid", name=op.f("pk_record")),
        sa.UniqueConstraint("entity", "entity_id", name=op.f("uq_record_entity")),
    )
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_record_feed", ["seq", "rid"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_task_id"), ["task_id"], unique=False)

    op.create_table(
        "server_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_meta")),
    )
    op.create_table(
        "task_member",
        sa.Column("membership_id", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("inspector_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("membership_id", name=op.f("pk_task_member")),
    )
    with op.batch_alter_table("task_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_member_inspector_id"), ["inspector_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_member_task_id"), ["task_id"], unique=False)

    op.create_table(
        "blob_ref",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rid", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(["rid"], ["record.rid"], name=op.f("fk_blob_ref_rid_record")),
        sa.PrimaryKeyConstraint("sha256", "rid", name=op.f("pk_blob_ref")),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=128), nullable=False),
        sa.Column("registered_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", central_server.db.models.UTCTime(timezone=True), nullable=True),
        sa.Column("revoked_at", central_server.db.models.UTCTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_device_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_user_id"), ["user_id"], unique=False)

    op.create_table(
        "auth_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("family", sa.String(length=36), nullable=False),
        sa.Column("created_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.Column("expires_at", central_server.db.models.UTCTime(timezone=True), nullable=False),
        sa.Column("spent_at", central_server.db.models.UTCTime(timezone=True), nullable=True),
        sa.Column("revoked_at", central_server.db.models.UTCTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name=op.f("fk_auth_token_device_id_device")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_auth_token_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_auth_token")),
    )
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_token_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_token_family"), ["family"], unique=False)
        batch_op.create_index(batch_op.f("ix_auth_token_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_token_user_id"))
        batch_op.drop_index(batch_op.f("ix_auth_token_family"))
        batch_op.drop_index(batch_op.f("ix_auth_token_device_id"))

    op.drop_table("auth_token")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_user_id"))

    op.drop_table("device")
    op.drop_table("blob_ref")
    with op.batch_alter_table("task_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_member_task_id"))
        batch_op.drop_index(batch_op.f("ix_task_member_inspector_id"))

    op.drop_table("task_member")
    op.drop_table("server_meta")
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_task_id"))
        batch_op.drop_index(batch_op.f("ix_record_region_code"))
        batch_op.drop_index("ix_record_feed")
        batch_op.drop_index(batch_op.f("ix_record_case_id"))

    op.drop_table("record")
    with op.batch_alter_table("inspector_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_code_staff_code"))

    op.drop_table("inspector_code")
    op.drop_table("feed_counter")
    op.drop_table("blob")
    with op.batch_alter_table("applied_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applied_change_device_id"))

    op.drop_table("applied_change")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_staff_code"))

    op.drop_table("app_user")
