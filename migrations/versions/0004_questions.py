"""Journalists" questions: questions, supporting organisations, transfers, answers; press agency kind and scope.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:53:29.242738
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=5000), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("journalist_id", sa.Integer(), nullable=True),
        sa.Column("asker_name", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("agency_name", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("briefing_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("incident", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_reason", sa.String(length=2000), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("live_state", sa.String(length=32), nullable=True),
        sa.Column("live_position", sa.Integer(), nullable=True),
        sa.Column("original_text", sa.String(length=5000), nullable=False),
        sa.Column("lead_org_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_basis", sa.String(length=300), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dedupe_key", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organisation.id"], name=op.f("fk_question_agency_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["briefing.id"], name=op.f("fk_question_briefing_id_briefing")
        ),
        sa.ForeignKeyConstraint(
            ["journalist_id"], ["app_user.id"], name=op.f("fk_question_journalist_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["lead_org_id"], ["organisation.id"], name=op.f("fk_question_lead_org_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["question.id"], name=op.f("fk_question_merged_into_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_question_recorded_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_question_dedupe_key")),
    )
    op.create_index(op.f("ix_question_agency_id"), "question", ["agency_id"], unique=False)
    op.create_index(op.f("ix_question_briefing_id"), "question", ["briefing_id"], unique=False)
    op.create_index(op.f("ix_question_due_at"), "question", ["due_at"], unique=False)
    op.create_index(
        "ix_question_journalist_received",
        "question",
        ["journalist_id", "received_at"],
        unique=False,
    )
    op.create_index(op.f("ix_question_lead_org_id"), "question", ["lead_org_id"], unique=False)
    op.create_index(op.f("ix_question_received_at"), "question", ["received_at"], unique=False)
    op.create_index(op.f("ix_question_status"), "question", ["status"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=20000), nullable=False),
        sa.Column("refusal_ground", sa.String(length=20), nullable=False),
        sa.Column("new_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("drafted_by", sa.Integer(), nullable=True),
        sa.Column("edited_by", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["app_user.id"], name=op.f("fk_answer_approved_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by"], ["app_user.id"], name=op.f("fk_answer_drafted_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["edited_by"], ["app_user.id"], name=op.f("fk_answer_edited_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_answer_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_answer_question_id_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
    )
    op.create_index(op.f("ix_answer_question_id"), "answer", ["question_id"], unique=False)

    op.create_table(
        "question_support",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_question_support_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_question_support_question_id_question")
        ),
        sa.PrimaryKeyConstraint("question_id", "organisation_id", name=op.f("pk_question_support")),
    )
    op.create_table(
        "question_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=True),
        sa.Column("to_org_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["app_user.id"], name=op.f("fk_question_transfer_by_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"],
            ["organisation.id"],
            name=op.f("fk_question_transfer_from_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_question_transfer_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"],
            ["organisation.id"],
            name=op.f("fk_question_transfer_to_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_transfer")),
    )
    op.create_index(
        op.f("ix_question_transfer_question_id"), "question_transfer", ["question_id"], unique=False
    )

    op.add_column("organisation", sa.Column("media_kind", sa.String(length=32), nullable=True))
    op.add_column("organisation", sa.Column("media_scope", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("organisation", "media_scope")
    op.drop_column("organisation", "media_kind")

    op.drop_index(op.f("ix_question_transfer_question_id"), table_name="question_transfer")

    op.drop_table("question_transfer")
    op.drop_table("question_support")
    op.drop_index(op.f("ix_answer_question_id"), table_name="answer")

    op.drop_table("answer")
    op.drop_index(op.f("ix_question_status"), table_name="question")
    op.drop_index(op.f("ix_question_received_at"), table_name="question")
    op.drop_index(op.f("ix_question_lead_org_id"), table_name="question")
    op.drop_index("ix_question_journalist_received", table_name="question")
    op.drop_index(op.f("ix_question_due_at"), table_name="question")
    op.drop_index(op.f("ix_question_briefing_id"), table_name="question")
    op.drop_index(op.f("ix_question_agency_id"), table_name="question")

    op.drop_table("question")
