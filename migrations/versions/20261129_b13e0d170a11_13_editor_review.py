"""editors: review mode settings and who decided, edited or deleted a poll (issue 13)

Revision ID: b13e0d170a11
Revises: a14f3e0d7c21
Create Date: 2026-11-29 14:25:00

The poll states proposed / dropped / deleted need no schema change: `polls.state` is a VARCHAR(16)
(a non-native enum without a CHECK constraint).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b13e0d170a11"
down_revision: str | None = "a14f3e0d7c21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_POLL_COLUMNS = ("created_by", "decided_by", "decided_at", "edited_by", "edited_at", "deleted_by", "deleted_at")


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("review_channel_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("editor_role_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("review_default", sa.String(length=16), nullable=True))
    with op.batch_alter_table("polls", schema=None) as batch_op:
        for name in _POLL_COLUMNS:
            kind = sa.DateTime(timezone=True) if name.endswith("_at") else sa.BigInteger()
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("polls", schema=None) as batch_op:
        for name in reversed(_POLL_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        for name in ("review_default", "editor_role_id", "review_channel_id", "review"):
            batch_op.drop_column(name)
