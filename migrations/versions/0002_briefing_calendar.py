"""Briefing calendar: kinds, series, briefings, invitees, agenda items, public changes, calendar days.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 16:15:30.404937
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_day_off", sa.Boolean(), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_day")),
        sa.UniqueConstraint("day", name=op.f("uq_calendar_day_day")),
    )
    op.create_table(
        "briefing_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("title_pattern_vi", sa.String(length=255), nullable=False),
        sa.Column("title_pattern_en", sa.String(length=255), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("chair_org_id", sa.Integer(), nullable=True),
        sa.Column("organiser_org_id", sa.Integer(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("venue", sa.String(length=255), nullable=False),
        sa.Column("content_days_before", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_org_id"],
            ["organisation.id"],
            name=op.f("fk_briefing_kind_chair_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["organiser_org_id"],
            ["organisation.id"],
            name=op.f("fk_briefing_kind_organiser_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_kind")),
        sa.UniqueConstraint("code", name=op.f("uq_briefing_kind_code")),
    )
    op.create_table(
        "briefing_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("title_vi", sa.String(length=255), nullable=False),
        sa.Column("title_en", sa.String(length=255), nullable=False),
        sa.Column("rrule", sa.String(length=500), nullable=False),
        sa.Column("dtstart", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("holiday_policy", sa.String(length=32), nullable=False),
        sa.Column("venue", sa.String(length=255), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("organiser_org_id", sa.Integer(), nullable=True),
        sa.Column("content_days_before", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("generated_until", sa.Date(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["briefing_kind.id"], name=op.f("fk_briefing_series_kind_id_briefing_kind")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_org_id"],
            ["organisation.id"],
            name=op.f("fk_briefing_series_organiser_org_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_series")),
    )
    op.create_index(
        op.f("ix_briefing_series_kind_id"), "briefing_series", ["kind_id"], unique=False
    )

    op.create_table(
        "briefing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("original_date", sa.Date(), nullable=True),
        sa.Column("detached", sa.Boolean(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("title_vi", sa.String(length=255), nullable=False),
        sa.Column("title_en", sa.String(length=255), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("venue", sa.String(length=255), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("organiser_org_id", sa.Integer(), nullable=True),
        sa.Column("content_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_reason", sa.String(length=1000), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("record_summary", sa.String(length=10000), nullable=False),
        sa.Column("record_url", sa.String(length=500), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["briefing_kind.id"], name=op.f("fk_briefing_kind_id_briefing_kind")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_org_id"],
            ["organisation.id"],
            name=op.f("fk_briefing_organiser_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["briefing_series.id"],
            name=op.f("fk_briefing_series_id_briefing_series"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing")),
        sa.UniqueConstraint(
            "series_id", "original_date", name=op.f("uq_briefing_series_id_original_date")
        ),
        sa.UniqueConstraint("uid", name=op.f("uq_briefing_uid")),
    )
    op.create_index(op.f("ix_briefing_kind_id"), "briefing", ["kind_id"], unique=False)
    op.create_index(op.f("ix_briefing_series_id"), "briefing", ["series_id"], unique=False)
    op.create_index("ix_briefing_starts_at", "briefing", ["starts_at"], unique=False)
    op.create_index(op.f("ix_briefing_status"), "briefing", ["status"], unique=False)
    op.create_index(op.f("ix_briefing_updated_at"), "briefing", ["updated_at"], unique=False)

    op.create_table(
        "series_invitee",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_series_invitee_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["briefing_series.id"],
            name=op.f("fk_series_invitee_series_id_briefing_series"),
        ),
        sa.PrimaryKeyConstraint("series_id", "organisation_id", name=op.f("pk_series_invitee")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("presenter", sa.String(length=200), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["briefing.id"], name=op.f("fk_agenda_item_briefing_id_briefing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    op.create_index(
        op.f("ix_agenda_item_briefing_id"), "agenda_item", ["briefing_id"], unique=False
    )

    op.create_table(
        "briefing_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=32), nullable=False),
        sa.Column("old_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["briefing.id"], name=op.f("fk_briefing_change_briefing_id_briefing")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_change")),
    )
    op.create_index(
        op.f("ix_briefing_change_briefing_id"), "briefing_change", ["briefing_id"], unique=False
    )

    op.create_table(
        "briefing_invitee",
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["briefing.id"], name=op.f("fk_briefing_invitee_briefing_id_briefing")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_briefing_invitee_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("briefing_id", "organisation_id", name=op.f("pk_briefing_invitee")),
    )


def downgrade() -> None:
    op.drop_table("briefing_invitee")
    op.drop_index(op.f("ix_briefing_change_briefing_id"), table_name="briefing_change")

    op.drop_table("briefing_change")
    op.drop_index(op.f("ix_agenda_item_briefing_id"), table_name="agenda_item")

    op.drop_table("agenda_item")
    op.drop_table("series_invitee")
    op.drop_index(op.f("ix_briefing_updated_at"), table_name="briefing")
    op.drop_index(op.f("ix_briefing_status"), table_name="briefing")
    op.drop_index("ix_briefing_starts_at", table_name="briefing")
    op.drop_index(op.f("ix_briefing_series_id"), table_name="briefing")
    op.drop_index(op.f("ix_briefing_kind_id"), table_name="briefing")

    op.drop_table("briefing")
    op.drop_index(op.f("ix_briefing_series_kind_id"), table_name="briefing_series")

    op.drop_table("briefing_series")
    op.drop_table("briefing_kind")
    op.drop_table("calendar_day")
