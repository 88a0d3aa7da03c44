"""Department content: calls for content, submissions with kept versions, attachments, agenda items from submissions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:53:32.742585
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "content_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("instructions", sa.String(length=4000), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["briefing.id"], name=op.f("fk_content_call_briefing_id_briefing")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_content_call_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_call")),
        sa.UniqueConstraint("briefing_id", name=op.f("uq_content_call_briefing_id")),
    )
    op.create_index(op.f("ix_content_call_status"), "content_call", ["status"], unique=False)

    op.create_table(
        "call_recipient",
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["content_call.id"], name=op.f("fk_call_recipient_call_id_content_call")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_call_recipient_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("call_id", "organisation_id", name=op.f("pk_call_recipient")),
    )
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.String(length=4000), nullable=False),
        sa.Column("talking_points", sa.String(length=50000), nullable=False),
        sa.Column("key_figures", sa.String(length=10000), nullable=False),
        sa.Column("qa", sa.JSON(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_phone", sa.String(length=50), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("office_comment", sa.String(length=4000), nullable=False),
        sa.Column("versions", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["content_call.id"], name=op.f("fk_submission_call_id_content_call")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_submission_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_submission_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint(
            "call_id", "organisation_id", name=op.f("uq_submission_call_id_organisation_id")
        ),
    )
    op.create_index(op.f("ix_submission_call_id"), "submission", ["call_id"], unique=False)
    op.create_index(
        op.f("ix_submission_organisation_id"), "submission", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_submission_status"), "submission", ["status"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_attachment_submission_id_submission"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["app_user.id"], name=op.f("fk_attachment_uploaded_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_attachment_stored_name")),
    )
    op.create_index(
        op.f("ix_attachment_submission_id"), "attachment", ["submission_id"], unique=False
    )

    op.create_table(
        "submission_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_submission_version_submission_id_submission"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["app_user.id"],
            name=op.f("fk_submission_version_submitted_by_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_version")),
        sa.UniqueConstraint(
            "submission_id", "number", name=op.f("uq_submission_version_submission_id_number")
        ),
    )
    op.create_index(
        op.f("ix_submission_version_submission_id"),
        "submission_version",
        ["submission_id"],
        unique=False,
    )

    # SQLite cannot add constraints with ALTER TABLE: batch mode copies the table there.
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_agenda_item_submission_id"), ["submission_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_item_submission_id_submission"),
            "submission",
            ["submission_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agenda_item_submission_id_submission"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_agenda_item_submission_id"), type_="unique")
        batch_op.drop_column("submission_id")

    op.drop_index(op.f("ix_submission_version_submission_id"), table_name="submission_version")

    op.drop_table("submission_version")
    op.drop_index(op.f("ix_attachment_submission_id"), table_name="attachment")

    op.drop_table("attachment")
    op.drop_index(op.f("ix_submission_status"), table_name="submission")
    op.drop_index(op.f("ix_submission_organisation_id"), table_name="submission")
    op.drop_index(op.f("ix_submission_call_id"), table_name="submission")

    op.drop_table("submission")
    op.drop_table("call_recipient")
    op.drop_index(op.f("ix_content_call_status"), table_name="content_call")

    op.drop_table("content_call")
