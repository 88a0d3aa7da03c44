"""Spokesperson register under Decree 244/2026: the assignment decision, who authorised an
authorisation, and when the entry was posted on the public list

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_spokesperson_authorised_by_id_spokesperson"


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: batch mode would copy the table on SQLite, and dropping
    # the old copy fails while statements refer to its rows (foreign keys are on).
    op.add_column(
        "spokesperson",
        sa.Column("decision_number", sa.String(length=100), nullable=False, server_default=""),
    )
    op.add_column("spokesperson", sa.Column("decision_date", sa.Date(), nullable=True))
    op.add_column("spokesperson", sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a reference only as part of the column (ALTER TABLE … ADD CONSTRAINT is
        # not supported); the constraint keeps its conventional name.
        op.execute(
            f"ALTER TABLE spokesperson ADD COLUMN authorised_by_id INTEGER "
            f"CONSTRAINT {FK_NAME} REFERENCES spokesperson (id)"
        )
    else:
        op.add_column("spokesperson", sa.Column("authorised_by_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, "spokesperson", "spokesperson", ["authorised_by_id"], ["id"])
    # Entries recorded before were put on the public list when they were recorded.
    op.execute("UPDATE spokesperson SET posted_at = created_at")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(FK_NAME, "spokesperson", type_="foreignkey")
    op.drop_column("spokesperson", "authorised_by_id")
    op.drop_column("spokesperson", "posted_at")
    op.drop_column("spokesperson", "decision_date")
    op.drop_column("spokesperson", "decision_number")
