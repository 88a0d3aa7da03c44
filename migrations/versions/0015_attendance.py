"""Journalists registered to attend briefings, and each briefing's seats and closing time

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attendance_settings",
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seats_taken", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefing.id"],
            name=op.f("fk_attendance_settings_briefing_id_briefing"),
        ),
        sa.PrimaryKeyConstraint("briefing_id", name=op.f("pk_attendance_settings")),
    )
    op.create_table(
        "attendance_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("journalist_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("crew", sa.JSON(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("refusal_reason", sa.String(length=1000), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefing.id"],
            name=op.f("fk_attendance_registration_briefing_id_briefing"),
        ),
        sa.ForeignKeyConstraint(
            ["journalist_id"],
            ["app_user.id"],
            name=op.f("fk_attendance_registration_journalist_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_registration")),
        sa.UniqueConstraint(
            "briefing_id",
            "journalist_id",
            name=op.f("uq_attendance_registration_briefing_id_journalist_id"),
        ),
    )
    with op.batch_alter_table("attendance_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attendance_registration_briefing_id"), ["briefing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_attendance_registration_journalist_id"), ["journalist_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("attendance_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_registration_journalist_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_registration_briefing_id"))
    op.drop_table("attendance_registration")
    op.drop_table("attendance_settings")
