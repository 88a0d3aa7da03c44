"""Staff pages: the office's list of statements, the last changed first, read a page at a time
through an index on statement.updated_at

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_statement_updated_at", "statement", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_statement_updated_at", table_name="statement")
