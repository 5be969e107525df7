"""Core entities: reference data, tasks, case files, casework, audit log, outbox.

The audit log is append-only: triggers reject UPDATE and DELETE.

Revision ID: 0001_core_entities
Revises: (none)
Create Date: 2026-11-23 16:34:19.597848
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core_entities"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_setting")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "checklist_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column(
            "institution_kind",
            sa.Enum(
                "hospital",
                "primary_clinic",
                "pharmacy",
                name="institutionkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_template")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_checklist_template_code")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column(
            "operation",
            sa.Enum(
                "insert",
                "update",
                "delete",
                name="outboxoperation",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("pushed_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("change_id", name=op.f("uq_outbox_change_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_pushed_at"), ["pushed_at"], unique=False)

    op.create_table(
        "region",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["region.code"], name=op.f("fk_region_parent_code_region")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "inspector",
        sa.Column("staff_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("organisation", sa.String(length=128), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("specialty", sa.String(length=32), nullable=False),
        sa.Column("enforcement_id", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_inspector_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector")),
        sa.UniqueConstraint("staff_code", name=op.f("uq_inspector_staff_code")),
    )
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspector_region_code"), ["region_code"], unique=False)

    op.create_table(
        "institution",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "hospital",
                "primary_clinic",
                "pharmacy",
                name="institutionkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.Enum(
                "grade_3",
                "grade_2",
                "grade_1",
                "ungraded",
                name="institutionlevel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=256), nullable=False),
        sa.Column("legal_representative", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_institution_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution")),
        sa.UniqueConstraint("code", name=op.f("uq_institution_code")),
    )
    with op.batch_alter_table("institution", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_institution_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "inspection_task",
        sa.Column("task_number", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column(
            "task_type",
            sa.Enum(
                "routine",
                "thematic",
                "flying",
                "cross",
                "key",
                "expert_review",
                name="tasktype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "origin",
            sa.Enum(
                "plan",
                "random_draw",
                "monitoring_alert",
                "whistleblower_tip",
                "media",
                "follow_up",
                "other",
                name="taskorigin",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "assigned",
                "on_site",
                "drafting",
                "closed",
                name="taskstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("institution_id", sa.String(length=36), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("sealed_payload", sa.LargeBinary(), nullable=True),
        sa.Column("opened_at", sa.String(length=32), nullable=True),
        sa.Column("opened_by", sa.String(length=64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
            name=op.f("fk_inspection_task_institution_id_institution"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_inspection_task_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_task")),
        sa.UniqueConstraint("task_number", name=op.f("uq_inspection_task_task_number")),
    )
    with op.batch_alter_table("inspection_task", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_task_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inspection_task_status"), ["status"], unique=False)

    op.create_table(
        "local_user",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "inspector",
                "team_leader",
                "supervisor",
                "admin",
                name="userrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("inspector_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspector_id"], ["inspector.id"], name=op.f("fk_local_user_inspector_id_inspector")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_local_user_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_user")),
        sa.UniqueConstraint("username", name=op.f("uq_local_user_username")),
    )
    op.create_table(
        "case_file",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("case_number", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "submitted",
                "returned",
                "approved",
                "closed",
                name="casestatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("opened_at", sa.String(length=32), nullable=True),
        sa.Column("closed_at", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["inspection_task.id"], name=op.f("fk_case_file_task_id_inspection_task")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_file")),
        sa.UniqueConstraint("case_number", name=op.f("uq_case_file_case_number")),
        sa.UniqueConstraint("task_id", name=op.f("uq_case_file_task_id")),
    )
    op.create_table(
        "team_membership",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("inspector_id", sa.String(length=36), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "leader",
                "member",
                "expert",
                "social_supervisor",
                name="teamrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspector_id"],
            ["inspector.id"],
            name=op.f("fk_team_membership_inspector_id_inspector"),
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["inspection_task.id"],
            name=op.f("fk_team_membership_task_id_inspection_task"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_membership")),
        sa.UniqueConstraint("task_id", "inspector_id", name=op.f("uq_team_membership_task_id")),
    )
    with op.batch_alter_table("team_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_membership_inspector_id"), ["inspector_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_team_membership_task_id"), ["task_id"], unique=False)

    op.create_table(
        "checklist_response",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("template_code", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.String(length=16), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "unchecked",
                "compliant",
                "non_compliant",
                "not_applicable",
                name="checklistanswer",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_checklist_response_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_response")),
        sa.UniqueConstraint("case_id", "item_code", name=op.f("uq_checklist_response_case_id")),
    )
    with op.batch_alter_table("checklist_response", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_response_case_id"), ["case_id"], unique=False
        )

    op.create_table(
        "evidence_item",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "photo",
                "scan",
                "screenshot",
                "document",
                "audio",
                "video",
                "electronic_data",
                "signature",
                name="evidencekind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("caption", sa.String(length=256), nullable=False),
        sa.Column("media_type", sa.String(length=128), nullable=False),
        sa.Column("original_name", sa.String(length=256), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("captured_at", sa.String(length=32), nullable=False),
        sa.Column("captured_by", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("device_signature", sa.Text(), nullable=False),
        sa.Column("chain_index", sa.Integer(), nullable=True),
        sa.Column("chain_hash", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", sa.String(length=32), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_evidence_item_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_item")),
    )
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_item_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_item_sha256"), ["sha256"], unique=False)

    op.create_table(
        "finding",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("violation_code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(length=128), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_finding_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_case_id"), ["case_id"], unique=False)

    op.create_table(
        "interview_record",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("interviewee_name", sa.String(length=64), nullable=False),
        sa.Column("interviewee_role", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=128), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("ended_at", sa.String(length=32), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.String(length=32), nullable=True),
        sa.Column("deleted_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_interview_record_case_id_case_file")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_record")),
    )
    with op.batch_alter_table("interview_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_record_case_id"), ["case_id"], unique=False)

    # The audit log is evidence of who did what: nobody edits or removes an entry.
    op.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    with op.batch_alter_table("interview_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_record_case_id"))

    op.drop_table("interview_record")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_case_id"))

    op.drop_table("finding")
    with op.batch_alter_table("evidence_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_item_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_item_case_id"))

    op.drop_table("evidence_item")
    with op.batch_alter_table("checklist_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_response_case_id"))

    op.drop_table("checklist_response")
    with op.batch_alter_table("team_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_membership_task_id"))
        batch_op.drop_index(batch_op.f("ix_team_membership_inspector_id"))

    op.drop_table("team_membership")
    op.drop_table("case_file")
    op.drop_table("local_user")
    with op.batch_alter_table("inspection_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_task_status"))
        batch_op.drop_index(batch_op.f("ix_inspection_task_institution_id"))

    op.drop_table("inspection_task")
    with op.batch_alter_table("institution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_region_code"))

    op.drop_table("institution")
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_region_code"))

    op.drop_table("inspector")
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_parent_code"))

    op.drop_table("region")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_pushed_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_entity_id"))

    op.drop_table("outbox")
    op.drop_table("checklist_template")
    op.drop_table("audit_log")
    op.drop_table("app_setting")
