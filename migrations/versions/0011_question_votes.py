"""Journalists' up-votes of questions in a live briefing's queue

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "question_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"], ["question.id"], name=op.f("fk_question_vote_question_id_question")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_question_vote_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_vote")),
        sa.UniqueConstraint(
            "question_id", "user_id", name=op.f("uq_question_vote_question_id_user_id")
        ),
    )
    with op.batch_alter_table("question_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_vote_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("question_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_vote_user_id"))
    op.drop_table("question_vote")
