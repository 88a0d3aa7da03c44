"""The yearly report to the Ministry (Decree 244/2026 Art. 10): heading, section II, frozen figures

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annual_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("ruleset", sa.String(length=40), nullable=False),
        sa.Column("agency", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_title", sa.String(length=200), nullable=False),
        sa.Column("difficulties", sa.String(length=20000), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["app_user.id"], name=op.f("fk_annual_report_sent_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annual_report")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_annual_report_year_version")),
    )
    op.create_index(op.f("ix_annual_report_year"), "annual_report", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_annual_report_year"), table_name="annual_report")
    op.drop_table("annual_report")
