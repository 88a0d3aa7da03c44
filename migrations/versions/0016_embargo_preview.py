"""Embargoed previews: a scheduled statement shared with verified journalists before its time

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_preview",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("shared_by", sa.Integer(), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ended_by"], ["app_user.id"], name=op.f("fk_statement_preview_ended_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["shared_by"], ["app_user.id"], name=op.f("fk_statement_preview_shared_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.id"],
            name=op.f("fk_statement_preview_statement_id_statement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_preview")),
        sa.UniqueConstraint("statement_id", name=op.f("uq_statement_preview_statement_id")),
    )
    op.create_table(
        "statement_preview_agency",
        sa.Column("preview_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_statement_preview_agency_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["preview_id"],
            ["statement_preview.id"],
            name=op.f("fk_statement_preview_agency_preview_id_statement_preview"),
        ),
        sa.PrimaryKeyConstraint(
            "preview_id", "organisation_id", name=op.f("pk_statement_preview_agency")
        ),
    )
    with op.batch_alter_table("statement_preview_agency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statement_preview_agency_organisation_id"),
            ["organisation_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("statement_preview_agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_preview_agency_organisation_id"))
    op.drop_table("statement_preview_agency")
    op.drop_table("statement_preview")
