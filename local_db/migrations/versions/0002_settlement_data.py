"""Settlement data: batches, claims, claim lines and the demo's planted-irregularity truth.

Revision ID: 0002_settlement_data
Revises: 0001_core_entities
Create Date: 2026-11-23 16:34:20.506956
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_settlement_data"
down_revision = "0001_core_entities"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settlement_batch",
        sa.Column("institution_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.String(length=10), nullable=False),
        sa.Column("period_end", sa.String(length=10), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_settlement_batch_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
            name=op.f("fk_settlement_batch_institution_id_institution"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlement_batch")),
    )
    with op.batch_alter_table("settlement_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_settlement_batch_institution_id"), ["institution_id"], unique=False
        )

    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("settlement_no", sa.String(length=40), nullable=False),
        sa.Column("visit_no", sa.String(length=40), nullable=False),
        sa.Column("patient_name", sa.String(length=64), nullable=False),
        sa.Column("patient_sex", sa.String(length=1), nullable=False),
        sa.Column("patient_birth_date", sa.String(length=10), nullable=False),
        sa.Column("patient_id_no", sa.String(length=18), nullable=False),
        sa.Column("insurance_type", sa.String(length=16), nullable=False),
        sa.Column("visit_type", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("doctor_code", sa.String(length=32), nullable=False),
        sa.Column("doctor_name", sa.String(length=64), nullable=False),
        sa.Column("admission_date", sa.String(length=10), nullable=False),
        sa.Column("discharge_date", sa.String(length=10), nullable=True),
        sa.Column("diagnosis_code", sa.String(length=16), nullable=False),
        sa.Column("diagnosis_name", sa.String(length=128), nullable=False),
        sa.Column("total_fen", sa.Integer(), nullable=False),
        sa.Column("fund_fen", sa.Integer(), nullable=False),
        sa.Column("account_fen", sa.Integer(), nullable=False),
        sa.Column("self_fen", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.String(length=19), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["settlement_batch.id"], name=op.f("fk_claim_batch_id_settlement_batch")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
        sa.UniqueConstraint("batch_id", "settlement_no", name=op.f("uq_claim_batch_id")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_patient_id_no"), ["patient_id_no"], unique=False)

    op.create_table(
        "claim_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=128), nullable=False),
        sa.Column("item_category", sa.String(length=16), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("unit_price_fen", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Double(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("coverage_class", sa.String(length=4), nullable=False),
        sa.Column("ordering_doctor", sa.String(length=32), nullable=False),
        sa.Column("service_time", sa.String(length=19), nullable=False),
        sa.Column("trace_code", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_line_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_line")),
        sa.UniqueConstraint("claim_id", "line_no", name=op.f("uq_claim_line_claim_id")),
    )
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.create_index("ix_claim_line_item_code", ["item_code"], unique=False)

    op.create_table(
        "planted_irregularity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["settlement_batch.id"],
            name=op.f("fk_planted_irregularity_batch_id_settlement_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_planted_irregularity_claim_id_claim")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planted_irregularity")),
    )
    with op.batch_alter_table("planted_irregularity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planted_irregularity_batch_id"), ["batch_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_planted_irregularity_claim_id"), ["claim_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("planted_irregularity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planted_irregularity_claim_id"))
        batch_op.drop_index(batch_op.f("ix_planted_irregularity_batch_id"))

    op.drop_table("planted_irregularity")
    with op.batch_alter_table("claim_line", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_line_item_code")

    op.drop_table("claim_line")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_patient_id_no"))

    op.drop_table("claim")
    with op.batch_alter_table("settlement_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_settlement_batch_institution_id"))

    op.drop_table("settlement_batch")
