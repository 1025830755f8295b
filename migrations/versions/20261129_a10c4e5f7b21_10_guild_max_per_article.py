"""guild_settings.max_per_article: a guild's cap on polls per article (issue 10)

Revision ID: a10c4e5f7b21
Revises: 5a1e7c0d9b16
Create Date: 2026-11-29 14:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a10c4e5f7b21"
down_revision: str | None = "5a1e7c0d9b16"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("max_per_article", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("max_per_article")
