"""Answers sent for approval: a department saves its draft without sending it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 11:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("answer", sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
    # Until now every saved draft was in front of the approvers: it stays so.
    op.execute("UPDATE answer SET submitted_at = updated_at WHERE status = 'draft' AND text <> ''")


def downgrade() -> None:
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("submitted_at")
