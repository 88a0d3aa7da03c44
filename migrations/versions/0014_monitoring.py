"""Media monitoring: sources (feeds) with their fetch state, watch rules, press items

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 16:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "monitoring_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("feed_url", sa.String(length=2000), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=False),
        sa.Column("last_modified", sa.String(length=100), nullable=False),
        _when("next_fetch_at", nullable=False),
        _when("claimed_until"),
        _when("last_fetched_at"),
        _when("last_ok_at"),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("last_warning", sa.String(length=500), nullable=False),
        sa.Column("items_found", sa.Integer(), nullable=False),
        _when("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_monitoring_source_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_source")),
    )
    op.create_index(
        op.f("ix_monitoring_source_next_fetch_at"), "monitoring_source", ["next_fetch_at"]
    )
    op.create_table(
        "watch_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("all_of", sa.String(length=5000), nullable=False),
        sa.Column("any_of", sa.String(length=5000), nullable=False),
        sa.Column("none_of", sa.String(length=5000), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        _when("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topic.id"], name=op.f("fk_watch_rule_topic_id_topic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_rule")),
    )
    op.create_table(
        "watch_rule_organisation",
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["watch_rule.id"],
            name=op.f("fk_watch_rule_organisation_rule_id_watch_rule"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_watch_rule_organisation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint(
            "rule_id", "organisation_id", name=op.f("pk_watch_rule_organisation")
        ),
    )
    op.create_table(
        "press_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("medium", sa.String(length=32), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("url_key", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("excerpt", sa.String(length=2000), nullable=False),
        _when("published_at", nullable=False),
        sa.Column("tone", sa.String(length=32), nullable=False),
        sa.Column("importance", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        _when("assessed_at"),
        sa.Column("assessed_by", sa.Integer(), nullable=True),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        _when("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["monitoring_source.id"],
            name=op.f("fk_press_item_source_id_monitoring_source"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_press_item_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["app_user.id"], name=op.f("fk_press_item_entered_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["assessed_by"], ["app_user.id"], name=op.f("fk_press_item_assessed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["sudden_matter.id"], name=op.f("fk_press_item_matter_id_sudden_matter")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_press_item")),
        sa.UniqueConstraint("url_key", name=op.f("uq_press_item_url_key")),
    )
    op.create_index(op.f("ix_press_item_source_id"), "press_item", ["source_id"])
    op.create_index(op.f("ix_press_item_published_at"), "press_item", ["published_at"])
    op.create_index(op.f("ix_press_item_tone"), "press_item", ["tone"])
    op.create_index(op.f("ix_press_item_matter_id"), "press_item", ["matter_id"])
    op.create_table(
        "press_item_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _when("due_at", nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        _when("requested_at", nullable=False),
        sa.Column("answer", sa.String(length=10000), nullable=False),
        _when("answered_at"),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"], ["press_item.id"], name=op.f("fk_press_item_assignment_item_id_press_item")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_press_item_assignment_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["app_user.id"],
            name=op.f("fk_press_item_assignment_requested_by_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["app_user.id"],
            name=op.f("fk_press_item_assignment_answered_by_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_press_item_assignment")),
        sa.UniqueConstraint(
            "item_id",
            "organisation_id",
            name=op.f("uq_press_item_assignment_item_id_organisation_id"),
        ),
    )
    op.create_index(op.f("ix_press_item_assignment_item_id"), "press_item_assignment", ["item_id"])
    op.create_table(
        "press_item_answer_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        _when("uploaded_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["press_item_assignment.id"],
            name=op.f("fk_press_item_answer_file_assignment_id_press_item_assignment"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["app_user.id"],
            name=op.f("fk_press_item_answer_file_uploaded_by_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_press_item_answer_file")),
    )
    op.create_index(
        op.f("ix_press_item_answer_file_assignment_id"),
        "press_item_answer_file",
        ["assignment_id"],
    )
    op.create_index(
        op.f("ix_press_item_assignment_organisation_id"),
        "press_item_assignment",
        ["organisation_id"],
    )
    op.create_table(
        "press_item_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["press_item.id"], name=op.f("fk_press_item_match_item_id_press_item")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["watch_rule.id"], name=op.f("fk_press_item_match_rule_id_watch_rule")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_press_item_match")),
        sa.UniqueConstraint("item_id", "rule_id", name=op.f("uq_press_item_match_item_id_rule_id")),
    )
    op.create_index(op.f("ix_press_item_match_item_id"), "press_item_match", ["item_id"])


def downgrade() -> None:
    op.drop_table("press_item_answer_file")
    op.drop_table("press_item_assignment")
    op.drop_table("press_item_match")
    op.drop_table("press_item")
    op.drop_table("watch_rule_organisation")
    op.drop_table("watch_rule")
    op.drop_table("monitoring_source")
