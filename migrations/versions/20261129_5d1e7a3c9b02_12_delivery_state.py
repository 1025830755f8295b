"""delivery state per subscription and per pending post, alerts channel, lost-thread choice, guild removal (issue 12)

Revision ID: 5d1e7a3c9b02
Revises: e8e952703975
Create Date: 2026-11-29 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1e7a3c9b02"
down_revision: str | None = "e8e952703975"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_problem", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("delivery_detail", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("delivery_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("delivery_attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("delivery_notified", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("gone_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("discord_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("problem_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_error", sa.String(length=500), nullable=True))
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alerts_channel_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("lost_thread", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        for name in ("removed_at", "lost_thread", "alerts_channel_id"):
            batch_op.drop_column(name)
    with op.batch_alter_table("discord_posts", schema=None) as batch_op:
        for name in ("last_error", "attempts", "problem_since", "problem"):
            batch_op.drop_column(name)
    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        for name in ("gone_since", "paused", "delivery_notified", "delivery_attempts", "delivery_since",
                     "delivery_detail", "delivery_problem"):
            batch_op.drop_column(name)
