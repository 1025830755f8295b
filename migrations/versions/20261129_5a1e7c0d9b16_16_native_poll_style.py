"""native polls: the guild's poll style, each poll's style, members forgotten on native polls (issue 16)

Revision ID: 5a1e7c0d9b16
Revises: 5e1f0c2a9b17
Create Date: 2026-11-29 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a1e7c0d9b16"
down_revision: str | None = "5e1f0c2a9b17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.add_column(sa.Column("poll_style", sa.String(length=16), nullable=True))
    with op.batch_alter_table("polls") as batch:
        batch.add_column(sa.Column("style", sa.String(length=16), nullable=True))
    op.create_table(
        "forgotten_native_voters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["polls.id"], name=op.f("fk_forgotten_native_voters_poll_id_polls"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forgotten_native_voters")),
        sa.UniqueConstraint("poll_id", "member_id", name=op.f("uq_forgotten_native_voters_poll_id_member_id")),
    )


def downgrade() -> None:
    op.drop_table("forgotten_native_voters")
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("style")
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("poll_style")
