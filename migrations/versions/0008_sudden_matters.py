"""Sudden and unusual matters (their clock, organisations and links) and giao ban participations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 01:35:40
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "giao_ban",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("organiser", sa.String(length=32), nullable=False),
        sa.Column("organiser_other", sa.String(length=300), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("speaker_name", sa.String(length=200), nullable=False),
        sa.Column("speaker_title", sa.String(length=300), nullable=False),
        sa.Column("topics", sa.String(length=5000), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_giao_ban_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_giao_ban_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_giao_ban")),
    )
    with op.batch_alter_table("giao_ban", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_giao_ban_day"), ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_giao_ban_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "sudden_matter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ruleset", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.String(length=5000), nullable=False),
        sa.Column("clock_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("article_title", sa.String(length=500), nullable=False),
        sa.Column("article_url", sa.String(length=1000), nullable=False),
        sa.Column("article_published_on", sa.Date(), nullable=True),
        sa.Column("correction_expected_by", sa.Date(), nullable=True),
        sa.Column("correction_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("correction_url", sa.String(length=1000), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closing_note", sa.String(length=2000), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["organisation.id"], name=op.f("fk_sudden_matter_agency_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["app_user.id"], name=op.f("fk_sudden_matter_closed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_sudden_matter_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sudden_matter")),
    )
    with op.batch_alter_table("sudden_matter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sudden_matter_clock_started_at"), ["clock_started_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sudden_matter_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sudden_matter_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sudden_matter_kind"), ["kind"], unique=False)

    op.create_table(
        "sudden_matter_link",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_by"], ["app_user.id"], name=op.f("fk_sudden_matter_link_linked_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["sudden_matter.id"],
            name=op.f("fk_sudden_matter_link_matter_id_sudden_matter"),
        ),
        sa.PrimaryKeyConstraint(
            "matter_id", "kind", "object_id", name=op.f("pk_sudden_matter_link")
        ),
    )
    with op.batch_alter_table("sudden_matter_link", schema=None) as batch_op:
        batch_op.create_index("ix_sudden_matter_link_object", ["kind", "object_id"], unique=False)

    op.create_table(
        "sudden_matter_organisation",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["sudden_matter.id"],
            name=op.f("fk_sudden_matter_organisation_matter_id_sudden_matter"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_sudden_matter_organisation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint(
            "matter_id", "organisation_id", name=op.f("pk_sudden_matter_organisation")
        ),
    )
    with op.batch_alter_table("sudden_matter_organisation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sudden_matter_organisation_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "giao_ban_statement",
        sa.Column("giao_ban_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["giao_ban_id"],
            ["giao_ban.id"],
            name=op.f("fk_giao_ban_statement_giao_ban_id_giao_ban"),
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.id"],
            name=op.f("fk_giao_ban_statement_statement_id_statement"),
        ),
        sa.PrimaryKeyConstraint("giao_ban_id", "statement_id", name=op.f("pk_giao_ban_statement")),
    )
    with op.batch_alter_table("giao_ban_statement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_giao_ban_statement_statement_id"), ["statement_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("giao_ban_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_giao_ban_statement_statement_id"))

    op.drop_table("giao_ban_statement")
    with op.batch_alter_table("sudden_matter_organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sudden_matter_organisation_organisation_id"))

    op.drop_table("sudden_matter_organisation")
    with op.batch_alter_table("sudden_matter_link", schema=None) as batch_op:
        batch_op.drop_index("ix_sudden_matter_link_object")

    op.drop_table("sudden_matter_link")
    with op.batch_alter_table("sudden_matter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sudden_matter_kind"))
        batch_op.drop_index(batch_op.f("ix_sudden_matter_due_at"))
        batch_op.drop_index(batch_op.f("ix_sudden_matter_closed_at"))
        batch_op.drop_index(batch_op.f("ix_sudden_matter_clock_started_at"))

    op.drop_table("sudden_matter")
    with op.batch_alter_table("giao_ban", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_giao_ban_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_giao_ban_day"))

    op.drop_table("giao_ban")
