"""Documents: signatures on screen and refusals, the on-site record, issued PDFs, signing keys.

Revision ID: 0005_documents
Revises: 0004_settlement_analysis
Create Date: 2026-11-24 00:37:00.895108
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import local_db.types

revision = "0005_documents"
down_revision = "0004_settlement_analysis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_credential",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("label", sa.String(length=128), nullable=False),
        sa.Column("subject_name", sa.String(length=128), nullable=False),
        sa.Column("organisation", sa.String(length=128), nullable=False),
        sa.Column("issuer_name", sa.String(length=128), nullable=False),
        sa.Column("serial_hex", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("not_before", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("not_after", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("certificate_der", sa.LargeBinary(), nullable=False),
        sa.Column("chain_pem", sa.Text(), nullable=False),
        sa.Column("private_key_der", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_credential")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_signing_credential_fingerprint")),
    )
    op.create_table(
        "trusted_root",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("subject_name", sa.String(length=256), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("certificate_der", sa.LargeBinary(), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("added_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_root")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_trusted_root_fingerprint")),
    )
    op.create_table(
        "issued_document",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "notice",
                "onsite_record",
                "interview_record",
                "findings_list",
                "evidence_list",
                "sampling_report",
                name="documentkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("file_name", sa.String(length=256), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("signature_count", sa.Integer(), nullable=False),
        sa.Column("signed_by", sa.Text(), nullable=False),
        sa.Column("certificate_fingerprints", sa.Text(), nullable=False),
        sa.Column("sealed_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("supersedes_id", sa.String(length=36), nullable=True),
        sa.Column("seal_boxes", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_issued_document_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["issued_document.id"],
            name=op.f("fk_issued_document_supersedes_id_issued_document"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_document")),
    )
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_issued_document_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_issued_document_sha256"), ["sha256"], unique=False)

    op.create_table(
        "onsite_record",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("started_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("ended_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("representative_name", sa.String(length=64), nullable=False),
        sa.Column("representative_position", sa.String(length=64), nullable=False),
        sa.Column("representative_statement", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_onsite_record_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onsite_record")),
        sa.UniqueConstraint("case_id", name=op.f("uq_onsite_record_case_id")),
    )
    op.create_table(
        "document_signature",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column(
            "document_kind",
            sa.Enum(
                "notice",
                "onsite_record",
                "interview_record",
                "findings_list",
                "evidence_list",
                "sampling_report",
                name="documentkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column(
            "signer_role",
            sa.Enum(
                "inspector",
                "recorder",
                "representative",
                "interviewee",
                name="signerrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("signer_key", sa.String(length=64), nullable=False),
        sa.Column("signer_name", sa.String(length=64), nullable=False),
        sa.Column("inspector_id", sa.String(length=36), nullable=True),
        sa.Column("evidence_id", sa.String(length=36), nullable=True),
        sa.Column("signed_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("witness_inspector_id", sa.String(length=36), nullable=True),
        sa.Column("witness_name", sa.String(length=64), nullable=False),
        sa.Column("refused_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", local_db.types.UTCDateTime(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", local_db.types.UTCDateTime(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_document_signature_case_id_case_file")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_item.id"],
            name=op.f("fk_document_signature_evidence_id_evidence_item"),
        ),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["inspector.id"],
            name=op.f("fk_document_signature_inspector_id_inspector"),
        ),
        sa.ForeignKeyConstraint(
            ["witness_inspector_id"],
            ["inspector.id"],
            name=op.f("fk_document_signature_witness_inspector_id_inspector"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_signature")),
        sa.UniqueConstraint(
            "case_id",
            "document_kind",
            "subject_id",
            "signer_role",
            "signer_key",
            name=op.f("uq_document_signature_case_id"),
        ),
    )
    with op.batch_alter_table("document_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_signature_case_id"), ["case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("document_signature", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_signature_case_id"))

    op.drop_table("document_signature")
    op.drop_table("onsite_record")
    with op.batch_alter_table("issued_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_document_sha256"))
        batch_op.drop_index(batch_op.f("ix_issued_document_case_id"))

    op.drop_table("issued_document")
    op.drop_table("trusted_root")
    op.drop_table("signing_credential")
