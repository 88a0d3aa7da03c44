"""Journalists: their press card's expiry date and the name of an agency not yet in the registry

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("press_card_expires_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("agency_name_given", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("agency_name_given")
        batch_op.drop_column("press_card_expires_on")
